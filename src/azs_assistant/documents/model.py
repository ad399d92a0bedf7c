"""What parsers produce: a title and an ordered list of typed blocks with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0
    page: int | None = None
    location: str | None = None
    meta: dict[str, Any] | None = None


@dataclass(slots=True)
class ParsedDocument:
    title: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    pages_needing_ocr: list[int] = field(default_factory=list)
    whole_needs_ocr: bool = False
