"""Periodic jobs that run once per period however many replicas or workers there are: every runner ticks,
and each tick queues the period's job under a key (``tickets.notify:176480000``) that the jobs table keeps
unique, so the second replica's insert finds the first one's job instead of adding its own.

Two sources of schedules: the built-in ones (the notification outbox, from settings) and those admins
register (``azs report schedule``, ``azs incidents sync --every``), stored in ``job_schedules`` so that any
runner started later picks them up (why a table and not settings: docs/jobs.md). A stored schedule also
records the last period it queued, so a period whose finished job was purged is not queued again.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update

from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.jobs.store import Jobs
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Job, JobSchedule, utcnow

log = logging.getLogger("azs.jobs")
# Finished periodic jobs are kept this long (for the jobs page), then deleted: one every 10 s adds up.
KEEP_PERIODIC_S = 3600.0
MIN_EVERY_S = 10.0  # a stored schedule more frequent than this would flood the jobs table
MAX_EVERY_S = 366 * 86400.0  # a yearly report is the rarest; beyond, the next run's date is meaningless


def parse_every(text: str) -> float:
    """An interval such as 30s, 15m, 1h, 1d (a bare number is minutes), in seconds."""
    m = re.fullmatch(r"(\d+)\s*([smhd]?)", text.strip().lower())
    if not m or int(m.group(1)) == 0:
        raise InvalidInput(f"Интервал «{text}» не понят: пишите 30s, 15m, 1h или 1d.", f"Bad interval {text!r}.",
                           message_kk=f"«{text}» аралығы түсініксіз: 30s, 15m, 1h немесе 1d деп жазыңыз.",
                           field="every")
    return int(m.group(1)) * {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def job_key(kind: str, name: str, slot: int) -> str:
    """The key of a stored schedule's job for one period (unique in the jobs table)."""
    return f"{kind}:{name}:{slot}"[:200]


@dataclass(frozen=True)
class Schedule:
    """One periodic job: its kind, its period, and (stored schedules) its name and payload."""

    kind: str
    every_s: float
    name: str = ""
    payload: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    last_slot: int | None = None

    @property
    def label(self) -> str:
        return self.name or self.kind

    @property
    def last_key(self) -> str | None:
        """The key of the last job this schedule queued (None before its first)."""
        return None if self.last_slot is None else job_key(self.kind, self.name, self.last_slot)

    def next_run(self, now: float) -> datetime | None:
        """When the next period's job is queued; None when the current period's is still to be queued (the
        next tick of any runner queues it)."""
        if self.last_slot is None or self.last_slot < int(now // self.every_s):
            return None
        return datetime.fromtimestamp((self.last_slot + 1) * self.every_s, UTC)


@dataclass(frozen=True)
class ScheduleState:
    """A stored schedule as admins see it: when it runs next and its last job (kept past the hourly purge)."""

    schedule: Schedule
    next_run: datetime | None
    last_job: Job | None

    def to_dict(self) -> dict[str, Any]:
        """The shape the API (``SchedulePublic``) and ``azs jobs schedules --json`` answer with; times in ISO
        8601 UTC."""
        item, job = self.schedule, self.last_job
        last = None if job is None else {"job_id": job.id, "status": job.status, "attempts": job.attempts,
                                         "error": job.error, "error_messages": job.error_messages,
                                         "created_at": _iso(job.created_at),
                                         "finished_at": _iso(job.finished_at)}
        return {"name": item.name, "kind": item.kind, "every_s": item.every_s, "payload": item.payload,
                "last_slot": item.last_slot, "next_run_at": _iso(self.next_run), "last_run": last}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else (value.replace(tzinfo=UTC) if value.tzinfo is None
                                       else value.astimezone(UTC)).isoformat()


ScheduleStates = list[ScheduleState]  # `list` is a method's name inside StoredSchedules


class StoredSchedules:
    """The schedules admins registered: put (create or replace), remove, list; audited."""

    def __init__(self, db: Database, audit: Callable[..., None] | None = None) -> None:
        self.db = db
        self._audit = audit or (lambda *args: None)

    def put(self, actor: object, name: str, kind: str, every_s: float, payload: dict[str, Any],
            ip: str | None = None) -> Schedule:
        """Register a schedule, or replace the one of that name (its periods kept when its period is kept)."""
        check(name, every_s)
        name = name.strip()
        now = utcnow()
        with self.db.session() as s:
            row = s.get(JobSchedule, name)
            if row is None:
                row = JobSchedule(name=name, created_at=now)
                s.add(row)
            elif row.every_s != every_s or row.kind != kind:
                row.last_slot = None  # periods of another length: this one starts now
            row.kind, row.every_s, row.payload, row.created_by, row.updated_at = kind, every_s, payload, \
                str(getattr(actor, "name", actor))[:200], now
            s.flush()
            stored = _schedule(row)
        self._audit(actor, "schedule.put", name, {"kind": kind, "every_s": every_s}, ip)
        return stored

    def remove(self, actor: object, name: str, ip: str | None = None) -> None:
        """Delete a schedule (a job it already queued still runs); audited."""
        with self.db.session() as s:
            gone = s.execute(delete(JobSchedule).where(JobSchedule.name == name))
        if gone.rowcount != 1:  # type: ignore[attr-defined]
            raise NotFound(f"Расписания «{name}» нет.", f"No schedule '{name}'.",
                           message_kk=f"«{name}» кестесі табылмады.")
        self._audit(actor, "schedule.remove", name, {}, ip)

    def list(self) -> list[Schedule]:
        with self.db.session() as s:
            return [_schedule(row) for row in s.scalars(select(JobSchedule).order_by(JobSchedule.name))]

    def overview(self, now: float | None = None) -> ScheduleStates:
        """Each schedule with its next run and its last job (its outcome: done, retrying, dead), for admins."""
        now = time.time() if now is None else now
        schedules = self.list()
        keys = [s.last_key for s in schedules if s.last_key is not None]
        with self.db.session() as s:
            jobs = {job.key: job for job in s.scalars(select(Job).where(Job.key.in_(keys)))} if keys else {}
        return [ScheduleState(item, item.next_run(now), jobs.get(item.last_key or "")) for item in schedules]

    def mark(self, name: str, slot: int) -> None:
        """Record that ``slot`` was queued (never moves back: a slower replica's tick changes nothing)."""
        with self.db.session() as s:
            s.execute(update(JobSchedule).where(JobSchedule.name == name, (JobSchedule.last_slot.is_(None))
                                                | (JobSchedule.last_slot < slot)).values(last_slot=slot))


def check(name: str, every_s: float) -> None:
    """A schedule's name and period as the table takes them; refused in Russian otherwise."""
    if not name.strip() or len(name.strip()) > 100:
        raise InvalidInput("Имя расписания: от 1 до 100 символов.", "A schedule name has 1 to 100 characters.",
                           message_kk="Кесте атауы: 1-ден 100 таңбаға дейін.", field="name")
    if not math.isfinite(every_s) or every_s < MIN_EVERY_S:
        raise InvalidInput(f"Расписание не чаще раза в {MIN_EVERY_S:.0f} с.",
                           f"A schedule runs at most every {MIN_EVERY_S:.0f} s.",
                           message_kk=f"Кесте {MIN_EVERY_S:.0f} секундта бір реттен жиі болмайды.", field="every")
    if every_s > MAX_EVERY_S:
        raise InvalidInput(f"Расписание не реже раза в {MAX_EVERY_S / 86400:.0f} дней.",
                           f"A schedule runs at least every {MAX_EVERY_S / 86400:.0f} days.",
                           message_kk=f"Кесте кемінде {MAX_EVERY_S / 86400:.0f} күнде бір рет орындалады.",
                           field="every")


def _schedule(row: JobSchedule) -> Schedule:
    return Schedule(row.kind, row.every_s, row.name, dict(row.payload or {}), row.last_slot)


class Scheduler:
    def __init__(self, jobs: Jobs, schedules: list[Schedule], stored: StoredSchedules | None = None) -> None:
        self.jobs, self.schedules, self.stored = jobs, schedules, stored
        self._last: dict[str, int] = {}
        self._purged = 0.0

    def tick(self, now: float | None = None) -> list[str]:
        """Queue each schedule's job for the current period (once per process and period; once overall thanks
        to the key). Returns the ids of the jobs queued or found."""
        now = time.time() if now is None else now
        schedules = self._all()
        queued = [self._queue(schedule, int(now // schedule.every_s)) for schedule in schedules]
        if now - self._purged > 60:
            self._purged = now
            # each stored schedule's last job stays: the jobs page shows how its last run went
            self.jobs.purge_periodic(KEEP_PERIODIC_S, keep=[s.last_key for s in schedules if s.last_key])
        return [job_id for job_id in queued if job_id is not None]

    def _all(self) -> list[Schedule]:
        return self.schedules + (self.stored.list() if self.stored is not None else [])

    def _queue(self, schedule: Schedule, slot: int) -> str | None:
        if self._last.get(schedule.label) == slot or (schedule.last_slot is not None and schedule.last_slot >= slot):
            return None
        if schedule.name:  # a stored schedule: its own key, its payload, the usual retries
            job = self.jobs.enqueue(schedule.kind, {**schedule.payload, "schedule": schedule.name, "slot": slot},
                                    key=job_key(schedule.kind, schedule.name, slot), created_by="scheduler")
            assert self.stored is not None
            self.stored.mark(schedule.name, slot)
            log.info("по расписанию «%s» поставлено задание %s", schedule.name, job.id)
        else:
            job = self.jobs.enqueue(schedule.kind, {"slot": slot}, key=f"{schedule.kind}:{slot}",
                                    max_attempts=1, created_by="scheduler")
        self._last[schedule.label] = slot
        return job.id
