"""The answer's Markdown as a Telegram message: HTML parse mode.

Telegram's HTML mode was chosen over MarkdownV2: it needs only «<», «>» and «&» escaped (MarkdownV2
reserves eighteen characters, «.», «-», «(» among them, which every Russian sentence and every phone
number has, and one missed escape makes Telegram refuse the whole message), and its tags map one to
one onto the tree that ``assistant.markdown.render`` walks: bold lead-ins become ``<b>``, numbered
steps stay numbered lines, bullets become «•». The message is cut between blocks, never inside a tag,
to Telegram's length limit.
"""

from __future__ import annotations

import html

from azs_assistant.assistant.markdown import Style, render

__all__ = ["MAX_TEXT", "TELEGRAM_HTML", "to_html", "to_message"]

MAX_TEXT = 4000  # Telegram refuses a message over 4096 characters (after entities are parsed)


def _link(label: str, href: str) -> str:
    if not href.startswith(("http://", "https://", "tg://")):
        return label
    return f'<a href="{href.replace(chr(34), "&quot;")}">{label}</a>'


TELEGRAM_HTML = Style(text=lambda s: html.escape(s, quote=False), strong=("<b>", "</b>"), em=("<i>", "</i>"),
                      code=("<code>", "</code>"), link=_link, bullet="• ")


def to_html(markdown: str) -> str:
    """Markdown → the HTML subset Telegram accepts (b, i, code, a), every other character escaped."""
    return render(markdown, TELEGRAM_HTML)


def to_message(markdown: str, tail_html: str = "") -> str:
    """The answer (and an HTML tail such as the sources) within Telegram's limit: whole lines are
    dropped from the end of the answer, and «…» says so, until it fits."""
    lines = markdown.split("\n")
    keep = len(lines)
    budget = MAX_TEXT - len(tail_html) - 2
    while keep > 1 and sum(len(ln) + 1 for ln in lines[:keep]) > budget:
        keep -= 1  # HTML text is rarely shorter than its Markdown: cut that first, then check the HTML
    while True:
        body = to_html("\n".join(lines[:keep])) + ("\n…" if keep < len(lines) else "")
        if len(body) + len(tail_html) <= MAX_TEXT:
            return body + tail_html
        if keep <= 1:
            return html.escape(markdown[:MAX_TEXT - 1], quote=False) + "…"  # one huge line: as text
        keep -= 1
