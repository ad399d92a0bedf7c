"""Turning plain text lines (from .txt files and PDF pages) into headings, paragraphs and list items.

Plain text has no markup, so headings are recognised by shape: a short line standing alone, without
closing punctuation, often numbered («3. Z-отчёт») or in capitals.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from azs_assistant.documents.model import Block

_LIST_RE = re.compile(r"^\s*(?:[-•–—*▪●\x7f]\s+|\d{1,2}\)\s+|[а-яa-z]\)\s+)")
NUMBERED_RE = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
_END_PUNCT = (".", ";", ",", ":", "!", "?", "»", "…")


def _looks_like_heading(line: str, alone: bool) -> int:
    """Heading level (1..3) when the line looks like a heading, else 0."""
    text = line.strip()
    if not text or len(text) > 90 or text.endswith(_END_PUNCT) or _LIST_RE.match(text):
        return 0
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(letters) > 3:
        return 1
    numbered = NUMBERED_RE.match(text)
    if numbered and numbered.group(2)[:1].isupper() and len(text) <= 70:
        return min(numbered.group(1).count(".") + 2, 4)
    if alone and len(text) <= 90 and text[:1].isupper():
        return 2
    return 0


class PageLayout(NamedTuple):
    """What a file's typesetting says about a page's lines, each keyed by its text with whitespace collapsed:
    the headings with their levels, the rows of a table (cells set apart on one line), a running header (left
    out) and a masthead in small type over the page's title (kept after the title)."""

    headings: dict[str, int]  # level 0: set in a heading's type but ending a sentence, so not one
    rows: dict[str, tuple[tuple[str, ...], bool]]  # a row's line → its cells, and whether it is set in bold
    furniture: frozenset[str] = frozenset()
    masthead: frozenset[str] = frozenset()


def lines_to_blocks(lines: list[str], page: int | None = None, *, wrapped: bool = False,
                    layout: PageLayout | None = None) -> list[Block]:
    """Blocks of a page or file. ``wrapped`` joins lines that a PDF broke mid-sentence.

    With a ``layout`` (a PDF that sets its headings in bold or larger type) only its headings are headings,
    a heading set on two lines («Инструкция по эксплуатации АГЗС и отпуску» / «сжиженного газа») is one, a bold
    line whose sentence goes on in the next line is text, a table's row stands alone instead of being joined to
    the lines around it as wrapped text (its cells in the block's ``meta``), a running header is left out and a
    masthead follows the page's title.
    """
    blocks: list[Block] = []
    para: list[str] = []
    styled_lines = 0  # styled heading lines just before, joined into the last heading (three at most)
    held: list[str] = []  # a masthead waiting for the page's title
    titled = layout is not None and 1 in layout.headings.values()
    title_out = False  # the page's title (a level-1 heading) is among the blocks

    def flush() -> None:
        if para:
            text = " ".join(" ".join(p.split()) for p in para).strip()  # justified PDF lines carry runs of spaces
            kind = "list_item" if _LIST_RE.match(para[0]) else "paragraph"
            if kind == "list_item":
                text = _LIST_RE.sub("", text, count=1).strip()
            if text:
                blocks.append(Block(kind, text, page=page))  # type: ignore[arg-type]
            para.clear()

    def release() -> None:  # the masthead, once the title is out
        if held and title_out:
            blocks.extend(Block("paragraph", text, page=page) for text in held)
            held.clear()

    for i, raw in enumerate(lines):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if layout is not None:
            key = " ".join(line.split())
            if key in layout.furniture:
                continue
            if key in layout.masthead and titled and not title_out:
                held.append(key)
                continue
            if key in layout.rows:
                flush()
                release()
                cells, bold = layout.rows[key]
                blocks.append(Block("paragraph", key, page=page, meta={"cells": list(cells), "bold": bold}))
                styled_lines = 0
                continue
            level = layout.headings.get(key, 0)
            if level:
                following = next((" ".join(ln.split()) for ln in lines[i + 1:] if ln.strip()), "")
                if following[:1].islower() and layout.headings.get(following) == 0:
                    level = 0  # «ВНИМАНИЕ! Запрещается … с работающим» / «двигателем, …»: a bold sentence, not a title
            if level:
                flush()
                last = blocks[-1] if blocks else None
                if 0 < styled_lines < 3 and last is not None and last.kind == "heading" and last.level == level \
                        and (level == 1 or key[:1].islower() or key[:1] == "("):
                    blocks[-1] = Block("heading", f"{last.text} {key}", level=level, page=page)
                    styled_lines += 1
                else:
                    release()
                    blocks.append(Block("heading", key, level=level, page=page))
                    styled_lines = 1
                    title_out = title_out or level == 1
                continue
            styled_lines = 0
            if not para:
                release()
        prev_blank = i == 0 or not lines[i - 1].strip()
        next_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
        next_item = i + 1 < len(lines) and bool(_LIST_RE.match(lines[i + 1])) and not wrapped
        next_long = i + 1 < len(lines) and len(lines[i + 1].strip()) > 60 and not wrapped
        alone = prev_blank and (next_blank or next_item or (next_long and len(line.strip()) <= 40))
        if wrapped and not para and len(line.strip()) <= 60 and i + 1 < len(lines) \
                and lines[i + 1].strip()[:1].isupper():
            alone = True  # a short line, then a new capitalised line: a title, not a wrapped sentence
        level = _looks_like_heading(line, alone=alone) if (not para or wrapped) and layout is None else 0
        following = next((ln.strip().lstrip("—–-•*_ ")[:1] for ln in lines[i + 1:] if ln.strip("—–-•*_ ")), "")
        if level and wrapped and level > 1 and (following.islower() or following.isdigit()):
            level = 0  # the sentence goes on in the next line: a wrapped clause, not a heading
        capitals = level == 1  # a short line in capitals is a heading even inside wrapped text
        if level and (not wrapped or not para or para[-1].rstrip().endswith(_END_PUNCT) or prev_blank or capitals):
            flush()
            blocks.append(Block("heading", " ".join(line.split()), level=level, page=page))
            continue
        # In wrapped text «— 300 000 тенге.» after «…лимит остатка» continues the sentence.
        after_dash = line.strip().lstrip("—–- ")[:1]
        dash_continues = bool(wrapped and para and re.match(r"^\s*[—–-]\s", line)
                              and (after_dash.isdigit() or after_dash.islower()))
        starts_item = not dash_continues and (bool(_LIST_RE.match(line)) or bool(NUMBERED_RE.match(line) and wrapped))
        if para and (starts_item or not wrapped):
            flush()
        if para and wrapped and para[-1].endswith("-") and not para[-1].endswith(" -"):
            para[-1] = para[-1][:-1] + line.strip()
            continue
        para.append(line.replace("—", "", 1).strip() if dash_continues and para else line)
    flush()
    blocks.extend(Block("paragraph", text, page=page) for text in held)
    return _table_lines(blocks)


_FIGURE = re.compile(r"\S\s.*\d")  # a figure after the first word: «АИ-92 К5 725–780», «Полиция 102»


def _table_lines(blocks: list[Block]) -> list[Block]:
    """A table that a PDF gives as lines («Вид топлива Плотность, кг/м3», «АИ-92 К5 725–780», …) looks like
    a run of headings: short lines standing alone. A heading with nothing under it holds no passage, so its
    rows would be lost from the index. A run of :data:`TABLE_RUN` or more headings with no text between them,
    most holding a figure after their first word, is kept as lines of text; a numbered heading («2. Нормы
    плотности») is structure and stays, and so does a first line without a figure (the table's title)."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and blocks[j].kind == "heading" and not NUMBERED_RE.match(blocks[j].text):
            j += 1
        run = blocks[i:j]
        if len(run) >= TABLE_RUN and sum(bool(_FIGURE.search(b.text)) for b in run) * 2 > len(run):
            if not _FIGURE.search(run[0].text):
                out.append(run[0])
                run = run[1:]
            out.extend(Block("paragraph", b.text, page=b.page) for b in run)
            i = j
            continue
        out.append(blocks[i])
        i += 1
    return out


TABLE_RUN = 3
