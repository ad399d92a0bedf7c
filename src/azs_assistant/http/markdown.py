"""Answer text (Markdown: numbered steps, bold lead-ins, tables) as HTML that is safe to insert in a page.

Rendered on the server with markdown-it-py, a CommonMark parser the project already carries (rich uses
it), so the page needs no Markdown library of its own and the same HTML serves the streamed answer and
a reloaded conversation. Raw HTML in the source is escaped, not passed through (``html=False``), and
markdown-it refuses ``javascript:``, ``vbscript:`` and ``data:`` link targets (``validateLink``), so an
answer quoting a hostile document cannot put markup or script into the page. Images are turned into
their alt text: an answer has no business loading pictures from elsewhere.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False}).enable(["table", "strikethrough"])
    md.disable("image")
    renderer = cast(RendererHTML, md.renderer)

    def link_open(_: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
        href = tokens[idx].attrGet("href") or ""
        if href.startswith("//") or not href.startswith(("/", "#")):  # outside: a new tab, no referrer
            tokens[idx].attrSet("rel", "noopener noreferrer")
            tokens[idx].attrSet("target", "_blank")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)

    def table_open(_: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
        # focusable: a table wider than a phone scrolls inside the wrapper, also from the keyboard
        return '<div class="table-wrap" tabindex="0">' + renderer.renderToken(tokens, idx, options, env)

    def table_close(_: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
        return renderer.renderToken(tokens, idx, options, env) + "</div>"

    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
    return md


def to_html(text: str) -> str:
    """The answer's Markdown as sanitised HTML (wide tables scroll inside a ``.table-wrap``)."""
    return _parser().render(text or "")
