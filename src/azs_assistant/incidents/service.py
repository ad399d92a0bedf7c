"""Incident log use cases: synchronising the configured sources, importing a file, and where each
source's synchronisation stopped. Every change tells the reports to forget their cached figures."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.storage.db import Database

if TYPE_CHECKING:  # the modules themselves are imported on first use (database drivers, spreadsheets)
    from azs_assistant.incidents.importer import StoreResult
    from azs_assistant.incidents.sources import SourceConfig
    from azs_assistant.incidents.sync import LastRun, SyncReport
    from azs_assistant.jobs import JobContext, Jobs
    from azs_assistant.jobs.schedule import Schedule, StoredSchedules
    from azs_assistant.storage.models import Job


SYNC_JOB = "incidents.sync"
log = logging.getLogger("azs.incidents")


class Incidents:
    """The incident log's sources; ``changed`` is called after every sync or import (Reports.invalidate)."""

    def __init__(self, db: Database, sources_file: Path, changed: Callable[[], None],
                 jobs: Callable[[], Jobs] | None = None, schedules: Callable[[], StoredSchedules] | None = None,
                 audit: Callable[..., None] | None = None) -> None:
        self.db, self.sources_file, self._changed, self._jobs = db, sources_file, changed, jobs
        self._schedules, self._audit = schedules, audit

    def sources(self) -> dict[str, SourceConfig]:
        from azs_assistant.incidents.sources import load_sources

        return load_sources(self.sources_file)

    def runs(self, names: list[str]) -> dict[str, LastRun | None]:
        """Where the synchronisation of each named source stopped (None: never run)."""
        from azs_assistant.incidents.sync import last_runs

        return last_runs(self.db, names)

    def sync_state(self) -> tuple[dict[str, float], dict[str, int]]:
        """Per synced source: seconds since its last run, and 1 if that run failed (the ``azs_incident_sync_*``
        gauges; a failed run leaves the watermark where it was, so the data is as old as the last good run)."""
        from azs_assistant.incidents.sync import run_states

        return run_states(self.db)

    def _chosen(self, name: str | None) -> list[SourceConfig]:
        sources = self.sources()
        if not sources:
            raise InvalidInput(f"Источники инцидентов не настроены: опишите их в {self.sources_file}.",
                               f"No incident sources are configured: describe them in {self.sources_file}.",
                               message_kk=f"Оқиғалар көздері бапталмаған: оларды {self.sources_file} файлында "
                                          "сипаттаңыз.")
        if name is not None and name not in sources:
            raise NotFound(f"Источник «{name}» не описан; есть: {', '.join(sources)}.",
                           f"The source «{name}» is not described; there are: {', '.join(sources)}.",
                           message_kk=f"«{name}» көзі сипатталмаған; барлары: {', '.join(sources)}.")
        return [sources[name]] if name else list(sources.values())

    def sync(self, name: str | None = None, *, full: bool = False,
             on_source: Callable[[int, int, str], None] | None = None) -> list[SyncReport]:
        """Copy new and changed incidents from one configured source, or from all of them."""
        from azs_assistant.incidents.sync import sync

        chosen = self._chosen(name)
        reports = []
        try:
            for n, source in enumerate(chosen):
                if on_source is not None:
                    on_source(n, len(chosen), source.name)
                reports.append(sync(self.db, source, full=full))
            return reports
        finally:
            self._changed()

    def submit_sync(self, actor: str, name: str | None = None, *, full: bool = False) -> Job:
        """The sync as a background job (the sources are checked now, so a wrong name is refused at once)."""
        self._chosen(name)
        if self._jobs is None:
            raise RuntimeError("Incidents was built without a jobs store")
        return self._jobs().enqueue(SYNC_JOB, {"source": name, "full": full}, created_by=actor)

    def schedule_sync(self, actor: object, every_s: float, name: str | None = None, *, full: bool = False,
                      ip: str | None = None) -> Schedule:
        """Register a periodic sync of one source (or all): stored, queued once per period by the job runners
        (``azs serve``'s pool or ``azs worker``); registering again replaces it. Audited."""
        try:
            self._chosen(name)
        except (NotFound, InvalidInput) as wrong:  # a wrong field of the schedule, not a missing resource
            raise InvalidInput(wrong.message_ru, wrong.message_en, message_kk=wrong.message_kk,
                               field="source") from None
        if self._schedules is None:
            raise RuntimeError("Incidents was built without a schedules store")
        return self._schedules().put(actor, f"{SYNC_JOB}:{name or 'all'}", SYNC_JOB, every_s,
                                     {"source": name, "full": full}, ip)

    def run_sync_job(self, ctx: JobContext) -> list[dict[str, Any]]:
        """The sync job: each source in turn, reported as progress; its reports are the job's result."""

        def on_source(done: int, total: int, source: str) -> None:
            log.info("синхронизация инцидентов: источник %s (%d из %d)", source, done + 1, total)
            ctx.progress(sources=total, done=done, current=source)

        reports = self.sync(ctx.payload.get("source"), full=bool(ctx.payload.get("full")), on_source=on_source)
        for report in reports:
            data = report.to_dict()
            log.info("синхронизация инцидентов %s: прочитано %s, новых %s, изменено %s", data["source"], data["read"],
                     data["inserted"], data["updated"])
        return [r.to_dict() for r in reports]

    def import_file(self, path: Path, *, mapping: Mapping[str, str] | None = None, encoding: str | None = None,
                    date_format: str | None = None, actor: Any = None, ip: str | None = None,
                    name: str | None = None) -> StoreResult:
        """Store the incidents of a CSV or XLSX file; audited with ``actor`` (its file ``name`` and the counts)."""
        from azs_assistant.incidents.importer import import_file

        try:
            result = import_file(self.db, path, mapping=mapping, encoding=encoding, date_format=date_format)
        finally:
            self._changed()
        if self._audit is not None and actor is not None:
            counts = result.to_dict()
            self._audit(actor, "incidents.import", name or path.name,
                        {**{k: counts[k] for k in ("inserted", "updated", "unchanged")},
                         "bad_rows": len(counts["bad_rows"])}, ip)
        return result
