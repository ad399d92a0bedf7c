"""The answer's one format: Markdown (CommonMark), and the walk that turns it into what a medium shows.

The assistant writes Markdown (numbered steps, bullet items, bold lead-ins, citation marks «[1]»);
document text quoted into it is escaped, so a «*» or a «1.» at the start of a quoted line is read as
text, not markup. Each front end renders the same Markdown its own way: the API sends it as it is
with a plain-text copy for scripts (``to_plain``), the Telegram bot as Telegram HTML, the CLI through
rich. ``render`` walks the CommonMark tree once with a small ``Style`` per medium, so every medium
reads lists and emphasis the same way (markdown-it-py, which rich already depends on).

Imports nothing of the project's, like the answer model that uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["PLAIN", "Style", "bold", "escape", "render", "to_plain"]

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|>|[-+](?=\s)|(\d{1,9})([.)])(?=\s|$))")


def escape(text: str) -> str:
    """Document text as Markdown that reads back as the same text (no emphasis, list or link)."""
    out = []
    for line in text.split("\n"):
        line = _INLINE_SPECIAL.sub(r"\\\1", line)
        line = _LINE_START.sub(lambda m: m.group(1) + (f"{m.group(3)}\\{m.group(4)}" if m.group(3)
                                                       else "\\" + m.group(2)), line)
        out.append(line)
    return "\n".join(out)


def bold(text: str) -> str:
    """Escaped text in bold (a lead-in, a heading, a row's header)."""
    text = text.strip()
    return f"**{escape(text)}**" if text else ""


@dataclass(frozen=True)
class Style:
    """How one medium shows the pieces of the tree: text escaping, emphasis, code, links."""

    text: Any = staticmethod(lambda s: s)
    strong: tuple[str, str] = ("", "")
    em: tuple[str, str] = ("", "")
    code: tuple[str, str] = ("", "")
    link: Any = staticmethod(lambda label, href: label if not href or href == label else f"{label} ({href})")
    bullet: str = "— "


PLAIN = Style()


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})  # raw HTML in an answer is text, never markup


def to_plain(markdown: str) -> str:
    """The answer without markup, for scripts and logs: lists keep their numbers, bold is dropped."""
    return render(markdown, PLAIN)


def render(markdown: str, style: Style) -> str:
    """Blocks separated by blank lines, list items on their own lines, inline markup by ``style``."""
    lines: list[str] = []
    lists: list[list[int]] = []  # open lists: [next number] for ordered, [] for bullets
    marker: str | None = None  # the marker of a list item whose first line is still to come
    heading = False

    def gap() -> None:
        if lines and lines[-1]:
            lines.append("")

    for tok in _parser().parse(markdown):
        kind = tok.type
        if kind in ("ordered_list_open", "bullet_list_open"):
            if not lists:
                gap()
            lists.append([int(tok.attrs.get("start", 1) or 1)] if kind.startswith("ordered") else [])
        elif kind in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            numbers = lists[-1]
            marker = f"{numbers[0]}. " if numbers else style.bullet
            if numbers:
                numbers[0] += 1
        elif kind in ("paragraph_open", "heading_open", "blockquote_open") and not lists:
            gap()
            heading = kind == "heading_open"
        elif kind == "inline":
            text = _inline(tok.children or [], style)
            if heading:
                text, heading = f"{style.strong[0]}{text}{style.strong[1]}", False
            indent = "   " * max(len(lists) - 1, 0)
            if marker is not None:
                lines.append(indent + marker + text)
                marker = None
            else:
                lines.append(indent + ("   " if lists else "") + text)
        elif kind in ("fence", "code_block"):
            gap()
            lines.append(f"{style.code[0]}{style.text(tok.content.rstrip(chr(10)))}{style.code[1]}")
    return "\n".join(lines).strip()


def _inline(children: list[Any], style: Style) -> str:
    out: list[str] = []
    href: list[str] = []
    label_at: list[int] = []
    for tok in children:
        kind = tok.type
        if kind == "text":
            out.append(style.text(tok.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "code_inline":
            out.append(f"{style.code[0]}{style.text(tok.content)}{style.code[1]}")
        elif kind in ("strong_open", "strong_close"):
            out.append(style.strong[0 if kind.endswith("open") else 1])
        elif kind in ("em_open", "em_close"):
            out.append(style.em[0 if kind.endswith("open") else 1])
        elif kind == "link_open":
            href.append(str(tok.attrs.get("href", "")))
            label_at.append(len(out))
        elif kind == "link_close" and href:
            at = label_at.pop()
            label = "".join(out[at:])
            del out[at:]
            out.append(style.link(label, style.text(href.pop())))
        elif kind in ("image", "html_inline"):
            out.append(style.text(tok.content))
    return "".join(out)
