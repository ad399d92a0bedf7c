"""Answers looked up in numeric tables, e.g. a tank calibration table: «уровень 87 см — сколько литров?».

When the question names a value of a table's numeric key column (by its unit or its name) and the
table has no row for it, the neighbouring rows are interpolated linearly, as measuring methods for
calibration tables prescribe, and the answer says so and cites both rows.

A table whose key column holds ranges («до 1 000 л», «от 1 000 до 5 000 л», «свыше 20 000 л»: a discount's
or a status's tiers) answers an amount of the same unit («заливает 8 тысяч литров в месяц») with the one row
whose range holds it.
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


# An amount: a number (its thousands apart or not), «тысяч»/«млн» after it, and its unit (in a question, or a
# range's cell of a table).
_MULTIPLIER = r"(?:тыс(?:яч\w*|\.)?|млн\.?|миллион\w*)"
_UNIT = r"(?:литр\w*|л|тенге|тг|₸|кг|килограмм\w*|тонн\w*|т|км|километр\w*|%|процент\w*)"
_AMOUNT = re.compile(rf"(?<![№#\d.,\w-])(?<![№#]\s)(\d{{1,3}}(?:[ \u00a0]\d{{3}})+|\d+(?:[.,]\d+)?)"
                     rf"(?:\s*({_MULTIPLIER}))?(?:\s*({_UNIT}))?(?![\w])", re.IGNORECASE)
_RANGE = re.compile(rf"^\s*(?:(от|свыше|более|больше|выше|до|не\s+более|менее|меньше|не\s+менее)\s+)?"
                    rf"(?P<a>[\d][\d .,]*?)(?:\s*(?P<ta>{_MULTIPLIER}))?(?:\s*(?:[-–—]|до)\s*(?P<b>\d[\d .,]*?)"
                    rf"(?:\s*(?P<tb>{_MULTIPLIER}))?)?\s*(?P<unit>{_UNIT})?\.?\s*$", re.IGNORECASE)


def _unit(word: str | None) -> str | None:
    """A unit's one name: «литров» → «л», «тенге» → «тг»."""
    if not word:
        return None
    word = word.lower()
    for stem, unit in (("л", "л"), ("тенге", "тг"), ("тг", "тг"), ("₸", "тг"), ("кг", "кг"), ("килограмм", "кг"),
                       ("тонн", "т"), ("т", "т"), ("км", "км"), ("километр", "км"), ("%", "%"), ("процент", "%")):
        if word == stem or (len(stem) > 2 and word.startswith(stem)) or (stem == "л" and word.startswith("литр")):
            return unit
    return None


def _times(multiplier: str | None) -> float:
    if not multiplier:
        return 1.0
    return 1e6 if multiplier.lower().startswith(("млн", "миллион")) else 1e3


def amounts(question: str) -> list[tuple[float, str | None]]:
    """The amounts a question names, each with its unit (None without one): «8 тысяч литров» → (8000, «л»)."""
    out = []
    for number, multiplier, unit in _AMOUNT.findall(question):
        value = _num(number)
        if value is not None:
            out.append((value * _times(multiplier), _unit(unit)))
    return out


def cell_range(cell: str) -> tuple[float, float, str | None] | None:
    """A range a cell states, as (low, high, unit): «от 1 000 до 5 000 л» → (1000, 5000, «л»), «до 1 000 л» →
    (-inf, 1000, «л»), «свыше 20 000 л» → (20000, inf, «л»); None for any other cell (a single number too)."""
    found = _RANGE.match(" ".join(cell.split()))  # a no-break space is a space
    if found is None:
        return None
    word = (found.group(1) or "").lower()
    low, high = _num(found.group("a")), _num(found.group("b") or "")
    if low is None:
        return None
    # each end its own «тыс.»; «от 300 до 600 тыс.» means thousands at both ends
    low *= _times(found.group("ta") or (found.group("tb") if high is not None else None))
    unit = _unit(found.group("unit"))
    if high is not None:
        return low, high * _times(found.group("tb")), unit
    if word.startswith(("до", "не более", "менее", "меньше")):
        return float("-inf"), low, unit
    if word:  # от, свыше, более, не менее
        return low, float("inf"), unit
    return None


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
    """An interpolated (or exact) value from a numeric table among the top passages, if asked for; or the
    row of a table of ranges that holds the amount asked."""
    # (never another chain's table: its tiers and figures are in force at its own stations)
    rows = [e.chunk for e in evidence[:5] if e.chunk.kind == "table_row" and e.chunk.meta
            and not getattr(e, "elsewhere", False)]
    if not rows:
        return None
    question_lemmas = set(analyzer.lemmas(question))
    asked = [(float(n.replace(",", ".")), (u or "").lower()) for n, u in _NUMBER_UNIT.findall(question)]
    seen: set[tuple[int, Any]] = set()
    for first in rows:  # each table once, in the order its rows rank
        header = first.meta.get("header") or []
        if len(header) < 2 or (first.document_id, first.meta.get("table")) in seen:
            continue
        seen.add((first.document_id, first.meta.get("table")))
        tier = _tier(question, first, db, question_lemmas, analyzer)
        if tier is not None:
            return tier
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


def _tier(question: str, first: Chunk, db: Database, question_lemmas: set[str], analyzer: Any) -> Lookup | None:
    """The row of ``first``'s table, a table whose key column holds ranges of one unit in every row, that holds
    the one amount of that unit the question names, when the question names what another column gives
    («скидка» of «Скидка, тг/л»): none at a boundary two rows share, no guess without the unit, and no tier
    for a question about something else the amount is of («поменять лимит 500 л в сутки»)."""
    asked = amounts(question)
    header = (first.meta or {}).get("header") or []
    named = {lemma for h in header[1:] for lemma in analyzer.lemmas(str(h).split(",")[0])}
    if not asked or not named & question_lemmas:
        return None
    ranges = [(cell_range(str(((c.meta or {}).get("cells") or [""])[0])), c) for c in _same_table(db, first)]
    units = {r[2] for r, _ in ranges if r is not None}
    if len(ranges) < 2 or any(r is None for r, _ in ranges) or len(units) != 1 or None in units:
        return None
    wanted = [v for v, u in asked if u in units]
    if len(wanted) != 1:
        return None
    holding = [c for r, c in ranges if r is not None and r[0] <= wanted[0] <= r[1]]
    return Lookup(holding[0].text, holding) if len(holding) == 1 else None


def _same_table(db: Database, first: Chunk) -> list[Chunk]:
    """The rows of ``first``'s table, in order."""
    with db.session() as s:
        chunks = s.scalars(select(Chunk).where(Chunk.document_id == first.document_id, Chunk.kind == "table_row")
                           .order_by(Chunk.ordinal)).all()
    table = (first.meta or {}).get("table")
    return [c for c in chunks if c.meta and c.meta.get("table") == table]


def _table_rows(db: Database, first: Chunk) -> list[tuple[float, Chunk]]:
    out = []
    for c in _same_table(db, first):
        key = _num(((c.meta or {}).get("cells") or [""])[0])
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
