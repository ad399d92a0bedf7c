"""Cutting blocks into passages that keep their section path, page and table-row structure.

A passage is what a citation points at, so it follows the document's own structure: a list of steps
stays whole with the sentence that introduces it, a table row keeps its header, and nothing crosses
a section boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from azs_assistant.documents.model import Block, ParsedDocument

if TYPE_CHECKING:
    from azs_assistant.storage.models import Chunk

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+(?=[А-ЯЁA-Z0-9«\"(])")
_NUMBERING = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[а-яa-z]\)|\d{1,3}\))$")


@dataclass(slots=True)
class Passage:
    kind: str
    text: str
    section: str
    page: int | None
    location: str | None = None
    meta: dict[str, Any] | None = None
    items: list[str] = field(default_factory=list)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; a clause number («4.1.») stays with the sentence it numbers."""
    out: list[str] = []
    pending = ""
    for piece in _SENTENCE_SPLIT.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if _NUMBERING.match(piece):
            pending = f"{pending} {piece}".strip()
            continue
        out.append(f"{pending} {piece}".strip() if pending else piece)
        pending = ""
    if pending:
        out.append(pending)
    return out


def chunk_document(doc: ParsedDocument, max_chars: int = 900) -> list[Passage]:
    """Passages in document order."""
    passages: list[Passage] = []
    path: list[tuple[int, str]] = []
    buf: list[Block] = []

    def section() -> str:
        return " › ".join(title for _, title in path)

    def flush() -> None:
        if buf:
            passages.extend(_pack(buf, section(), max_chars))
            buf.clear()

    for block in doc.blocks:
        if block.kind == "heading":
            flush()
            while path and path[-1][0] >= block.level:
                path.pop()
            path.append((block.level, block.text))
        elif block.kind == "table_row":
            flush()
            passages.append(Passage("table_row", block.text, section(), block.page, block.location, block.meta))
        else:
            buf.append(block)
    flush()
    return passages


def _pack(blocks: list[Block], section: str, max_chars: int) -> list[Passage]:
    """Group a section's paragraphs and list items into passages of at most ~max_chars."""
    out: list[Passage] = []
    cur: list[Block] = []
    size = 0

    def emit() -> None:
        nonlocal size
        if cur:
            items = [b.text for b in cur if b.kind == "list_item"]
            kind = "steps" if len(items) >= 2 else "text"
            text = "\n".join(("— " + b.text) if b.kind == "list_item" else b.text for b in cur)
            out.append(Passage(kind, text, section, cur[0].page, items=items))
        cur.clear()
        size = 0

    for block in blocks:
        pieces = [block] if len(block.text) <= max_chars else [
            Block(block.kind, s, page=block.page) for s in _long_pieces(block.text, max_chars)]
        for piece in pieces:
            starts_new_list = piece.kind == "list_item" and cur and cur[-1].kind == "paragraph" \
                and not cur[-1].text.rstrip().endswith(":")
            if cur and (size + len(piece.text) > max_chars or starts_new_list
                        or piece.page != cur[0].page):  # a citation names one page
                intro = cur[-1] if cur[-1].kind == "paragraph" and cur[-1].text.endswith(":") else None
                if intro and piece.kind == "list_item":
                    cur.pop()
                    emit()
                    cur.append(intro)
                    size = len(intro.text)
                else:
                    emit()
            cur.append(piece)
            size += len(piece.text)
    emit()
    return out


def _long_pieces(text: str, max_chars: int) -> list[str]:
    pieces: list[str] = []
    cur = ""
    for sentence in split_sentences(text):
        if cur and len(cur) + len(sentence) > max_chars:
            pieces.append(cur)
            cur = ""
        cur = f"{cur} {sentence}".strip()
    if cur:
        pieces.append(cur)
    return pieces


def units_of(chunk: Chunk) -> list[str]:
    """Sentences and list items of a passage, in order."""
    if chunk.kind == "table_row":
        return [chunk.text]
    units: list[str] = []
    for line in chunk.text.split("\n"):
        line = line.strip()
        if line.startswith("— "):
            units.append(line[2:])
        elif line:
            units.extend(split_sentences(line))
    return units
