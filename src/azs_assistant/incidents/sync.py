"""Incremental copy from an external source: rows after the stored (watermark, key) position are
read in one ordered pass and stored in batches; each batch commits together with the new position,
so an interrupted sync resumes where it stopped and a repeated one changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from azs_assistant.incidents.records import FIELDS, StoreResult, store
from azs_assistant.incidents.sources import SourceConfig, SourceError, decode_mark, encode_mark
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import IncidentSync, utcnow


@dataclass
class SyncReport:
    source: str
    read: int = 0
    stored: StoreResult = field(default_factory=StoreResult)
    watermark: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "read": self.read, **self.stored.to_dict(), "watermark": self.watermark}


def sync(db: Database, source: SourceConfig, *, full: bool = False) -> SyncReport:
    """Copy new and changed rows of ``source``; ``full`` ignores the stored position."""
    report = SyncReport(source.name)
    with db.writing("incidents") as s:
        state = s.get(IncidentSync, source.name)
        if state is None:
            state = IncidentSync(source=source.name, rows_total=0)
            s.add(state)
        after = None
        if source.watermark and state.watermark is not None and not full:
            after = (decode_mark(state.watermark), decode_mark(state.last_key))
        report.watermark = state.watermark
    engine = source.engine()
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=source.batch_size).execute(
                source.select(after))
            for batch in result.partitions(source.batch_size):
                rows = [dict(row._mapping) for row in batch]
                report.read += len(rows)
                with db.writing("incidents") as s:
                    stored = store(s, [(str(r.get("incident_id")), {k: r[k] for k in FIELDS}) for r in rows],
                                   origin=source.name, date_format=source.date_format)
                    report.stored.add(stored)
                    state = s.get(IncidentSync, source.name)
                    assert state is not None
                    if source.watermark:
                        last = rows[-1]
                        state.watermark = encode_mark(last["_watermark"])
                        state.last_key = encode_mark(last["incident_id"])
                        report.watermark = state.watermark
                    state.rows_total += stored.inserted
    except SQLAlchemyError as exc:
        _record(db, source.name, f"error: {type(exc).__name__}")
        raise SourceError(f"Источник «{source.name}» недоступен или запрос не выполнился: {_short(exc)}",
                          f"Source {source.name} failed: {_short(exc)}", source=source.name) from exc
    finally:
        engine.dispose()
    _record(db, source.name, json.dumps(report.to_dict(), ensure_ascii=False, default=str)[:4000])
    return report


@dataclass(frozen=True)
class LastRun:
    """Where a source's sync stands: when it last ran and how many rows it has copied in all."""

    at: datetime | None
    rows_total: int


def last_runs(db: Database, names: list[str]) -> dict[str, LastRun | None]:
    """The last run of each named source (``None`` for one never synced)."""
    with db.session() as s:
        states = {name: s.get(IncidentSync, name) for name in names}
        return {name: LastRun(st.last_run_at, st.rows_total) if st else None for name, st in states.items()}


def run_states(db: Database) -> tuple[dict[str, float], dict[str, int]]:
    """Seconds since each source's last run, and whether that run failed."""
    lag, failing = {}, {}
    now = utcnow()
    with db.session() as s:
        for state in s.scalars(select(IncidentSync)):
            if state.last_run_at is not None:
                ran = state.last_run_at if state.last_run_at.tzinfo else state.last_run_at.replace(tzinfo=UTC)
                lag[state.source] = max(0.0, (now - ran).total_seconds())
                failing[state.source] = int((state.last_status or "").startswith("error"))
    return lag, failing


def _short(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]


def _record(db: Database, name: str, status: str) -> None:
    with db.session() as s:
        state = s.get(IncidentSync, name)
        if state is not None:
            state.last_run_at, state.last_status = utcnow(), status
