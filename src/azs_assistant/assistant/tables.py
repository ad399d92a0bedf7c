"""Answers looked up in numeric tables, e.g. a tank calibration table: «уровень 87 см — сколько литров?».

When the question names a value of a table's numeric key column (by its unit or its name) and the
table has no row for it, the neighbouring rows are interpolated linearly, as measuring methods for
calibration tables prescribe, and the answer says so and cites both rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from azs_assistant import i18n
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Chunk

# A number with an optional unit; numbers after «№» are identifiers (резервуар №2), not values.
_NUMBER_UNIT = re.compile(r"(?<![№#\d.,])(?<!№\s)(\d+(?:[.,]\d+)?)\s*(мм|см|м|л|литр\w*|т|кг|%|°c|°)?(?![\w])",
                          re.IGNORECASE)


@dataclass
class Lookup:
    text: str
    rows: list[Chunk]


def _num(value: str) -> float | None:
    try:
        return float(value.replace(" ", "").replace(",", "."))
    except (ValueError, AttributeError):
        return None


def _unit_of(header: str) -> str | None:
    match = re.search(r",\s*([^\s,]+)\s*$", header)
    return match.group(1).lower().rstrip(".") if match else None


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 or abs(value) >= 100 else f"{value:.2f}".rstrip("0")


def lookup(question: str, evidence: list[Any], db: Database, analyzer: Any) -> Lookup | None:
    """An interpolated (or exact) value from a numeric table among the top passages, if asked for."""
    rows = [e.chunk for e in evidence[:5] if e.chunk.kind == "table_row" and e.chunk.meta]
    if not rows:
        return None
    question_lemmas = set(analyzer.lemmas(question))
    asked = [(float(n.replace(",", ".")), (u or "").lower()) for n, u in _NUMBER_UNIT.findall(question)]
    for first in rows:
        header = first.meta.get("header") or []
        if len(header) < 2:
            continue
        key_unit = _unit_of(header[0])
        key_named = bool(set(analyzer.lemmas(header[0].split(",")[0])) & question_lemmas)
        by_unit = [v for v, u in asked if u and key_unit and u.startswith(key_unit)]
        wanted = by_unit or [v for v, u in asked if key_named and not u]
        if not wanted:
            continue
        table = _table_rows(db, first)
        if len(table) < 2:
            continue
        result = _interpolate(table, wanted[0], header)
        if result:
            return result
    return None


def _table_rows(db: Database, first: Chunk) -> list[tuple[float, Chunk]]:
    with db.session() as s:
        chunks = s.scalars(select(Chunk).where(Chunk.document_id == first.document_id, Chunk.kind == "table_row")
                           .order_by(Chunk.ordinal)).all()
    out = []
    table = (first.meta or {}).get("table")
    for c in chunks:
        if not c.meta or c.meta.get("table") != table:
            continue
        key = _num((c.meta.get("cells") or [""])[0])
        if key is not None:
            out.append((key, c))
    keys = [k for k, _ in out]
    return out if keys == sorted(keys) else []  # only monotonic key columns can be interpolated


def _interpolate(table: list[tuple[float, Chunk]], x: float, header: list[str]) -> Lookup | None:
    for key, chunk in table:
        if key == x:
            return Lookup(chunk.text, [chunk])
    below = [(k, c) for k, c in table if k < x]
    above = [(k, c) for k, c in table if k > x]
    if not below or not above:
        return None
    (k0, c0), (k1, c1) = below[-1], above[0]
    parts = []
    cells0, cells1 = (c0.meta or {}).get("cells") or [], (c1.meta or {}).get("cells") or []
    for col in range(1, min(len(header), len(cells0), len(cells1))):
        y0, y1 = _num(cells0[col]), _num(cells1[col])
        if y0 is None or y1 is None:
            continue
        y = y0 + (y1 - y0) * (x - k0) / (k1 - k0)
        parts.append(f"{header[col]}: {_fmt(round(y))}")
    if not parts:
        return None
    # the note in Russian: the answer is cached for every language, assistant/notices.py translates the note
    note = i18n.text("azs_assistant.assistant", "table_interpolated", below=c0.text, above=c1.text)
    text = f"{header[0]}: {_fmt(x)} → " + "; ".join(parts) + f" ({note})."
    return Lookup(text, [c0, c1])
