"""Validating incident rows from any source and storing them (insert or update by ``incident_id``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from azs_assistant.stations import station_number
from azs_assistant.storage.models import Incident, utcnow

__all__ = ["FIELDS", "REQUIRED", "BadRow", "StoreResult", "normalise", "parse_datetime", "station_number", "store"]

FIELDS = ("incident_id", "station_id", "region", "occurred_at", "category", "equipment", "description",
          "actions_taken", "resolved_at", "severity")
REQUIRED = ("incident_id", "station_id", "occurred_at", "category")
_DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
                 "%d/%m/%Y", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f")
_COMPARED = FIELDS + ("origin",)
# Where a record came from (``Incident.origin``): an operator's chat report, a scanned form, an imported file
# («import:журнал.csv»); anything else is the name of a configured sync source.
CHAT_ORIGIN = "chat"
OCR_ORIGIN = "ocr"
IMPORT_ORIGIN = "import:"


def origin_kind(origin: str) -> tuple[str, str]:
    """("chat" | "ocr" | "import" | "sync", the file's or the source's name) for a record's origin."""
    if origin in (CHAT_ORIGIN, OCR_ORIGIN):
        return origin, ""
    if origin.startswith(IMPORT_ORIGIN):
        return "import", origin.removeprefix(IMPORT_ORIGIN)
    return "sync", origin
LOOKUP_CHUNK = 500  # ids looked up per query


class BadRow(ValueError):
    """A source row that cannot become an incident; the reason is in Russian."""


@dataclass
class StoreResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[tuple[str, str]] = field(default_factory=list)  # (row reference, reason)

    def to_dict(self) -> dict[str, Any]:
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "bad_rows": [{"row": ref, "reason": reason} for ref, reason in self.bad]}

    def add(self, other: StoreResult) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.bad.extend(other.bad)


def parse_datetime(value: Any, fmt: str | None = None) -> datetime | None:
    """A timestamp from a database value, an Excel cell or text in the usual Russian/ISO forms.

    Times are kept as wall-clock time: an aware value loses its zone, since incident logs record the
    station's local time and reports speak of «ночью» in that time."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value).strip()
    if not text:
        return None
    if fmt:
        try:
            return datetime.strptime(text, fmt)
        except ValueError as exc:
            raise BadRow(f"дата «{text}» не в формате {fmt}") from exc
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    for candidate in _DATE_FORMATS:
        try:
            return datetime.strptime(text, candidate)
        except ValueError:
            continue
    raise BadRow(f"не удалось разобрать дату «{text}»")


def _text(value: Any, limit: int) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text[:limit] if text else None


def _severity(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError as exc:
        raise BadRow(f"уровень серьёзности «{value}» не число") from exc
    if math.isnan(number):
        return None
    if number != int(number) or not 0 <= number <= 10:
        raise BadRow(f"уровень серьёзности {value} вне шкалы 0–10")
    return int(number)


def normalise(raw: Mapping[str, Any], origin: str, date_format: str | None = None) -> dict[str, Any]:
    """A validated incident row with its derived calendar columns, or ``BadRow`` with the reason."""
    row: dict[str, Any] = {
        "incident_id": _text(raw.get("incident_id"), 100),
        "station_id": _text(raw.get("station_id"), 50),
        "region": _text(raw.get("region"), 100),
        "category": _text(raw.get("category"), 100),
        "equipment": _text(raw.get("equipment"), 300),
        "description": _text(raw.get("description"), 20000),
        "actions_taken": _text(raw.get("actions_taken"), 20000),
        "severity": _severity(raw.get("severity")),
        "origin": origin,
    }
    row["occurred_at"] = parse_datetime(raw.get("occurred_at"), date_format)
    row["resolved_at"] = parse_datetime(raw.get("resolved_at"), date_format)
    missing = [name for name in REQUIRED if row.get(name) in (None, "")]
    if missing:
        raise BadRow("не заполнены обязательные поля: " + ", ".join(missing))
    occurred, resolved = row["occurred_at"], row["resolved_at"]
    if resolved is not None and resolved < occurred:
        raise BadRow(f"устранено ({resolved:%d.%m.%Y %H:%M}) раньше, чем произошло ({occurred:%d.%m.%Y %H:%M})")
    row.update(year=occurred.year, quarter=(occurred.month - 1) // 3 + 1, month=occurred.month,
               weekday=occurred.weekday(), hour=occurred.hour, is_open=int(resolved is None),
               resolution_hours=(resolved - occurred).total_seconds() / 3600 if resolved else None)
    return row


def store(session: Session, raws: Iterable[tuple[str, Mapping[str, Any]]], origin: str,
          date_format: str | None = None) -> StoreResult:
    """Insert new incidents and update changed ones (by ``incident_id``) inside the caller's
    transaction; a bad row is reported and skipped. ``raws`` pairs a row reference (for the
    report) with the row mapped onto ``FIELDS``."""
    result = StoreResult()
    rows: dict[str, dict[str, Any]] = {}
    for ref, raw in raws:
        try:
            row = normalise(raw, origin, date_format)
        except BadRow as exc:
            result.bad.append((ref, str(exc)))
            continue
        rows[row["incident_id"]] = row  # a later version of the same id in one batch wins
    if not rows:
        return result
    existing: dict[str, dict[str, Any]] = {}
    ids = list(rows)
    columns = [getattr(Incident, name) for name in _COMPARED]
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = ids[start:start + LOOKUP_CHUNK]
        for found in session.execute(select(*columns).where(Incident.incident_id.in_(chunk))):
            existing[found.incident_id] = dict(found._mapping)
    now = utcnow()
    new = [{**row, "updated_at": now} for key, row in rows.items() if key not in existing]
    changed = [{**row, "updated_at": now, "key": key} for key, row in rows.items()
               if key in existing and any(existing[key][name] != row[name] for name in _COMPARED)]
    table: Any = Incident.__table__
    if new:
        session.execute(insert(table), new)
    if changed:
        names = [name for name in changed[0] if name not in ("key", "incident_id")]
        statement = (update(table).where(table.c.incident_id == bindparam("b_key"))
                     .values({name: bindparam("b_" + name) for name in names}))
        session.execute(statement, [{"b_" + k: v for k, v in row.items()} for row in changed])
    result.inserted, result.updated = len(new), len(changed)
    result.unchanged = len(rows) - len(new) - len(changed)
    return result
