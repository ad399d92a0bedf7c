"""The jobs table's use cases: enqueue (stored first), claim with a lease, renew, complete, fail with
retry and back-off, dead-letter, cancel, retry, list, and the counts a metrics exporter reads.

Every state change is one conditional UPDATE, so two workers (or two replicas' pools) that get the same
job id — a broker redelivers, a sweeper re-publishes — never both run it: the claim succeeds once, and
a worker whose lease was taken from it (it stalled, or was presumed dead) can no longer store a result.
That lease is the redelivery bound: a worker killed with ``kill -9`` stops renewing it, and the job is
queued again ``lease_s`` after its last renewal at most (plus one sweep).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from azs_assistant.errors import Conflict, InvalidInput, NotFound
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Job, JobFile, utcnow

STATUSES = ("queued", "running", "done", "dead", "cancelled")
FINAL = ("done", "dead", "cancelled")
Audit = Callable[..., None]


class JobLost(Exception):
    """This worker no longer holds the job (cancelled, or its lease expired and another took it over)."""


@dataclass(frozen=True)
class Claim:
    """A job held by this worker: its row as claimed and the lease token every later write must show."""

    job: Job
    token: str


@dataclass(frozen=True)
class JobCounts:
    """Jobs by (kind, status), and how long the oldest due queued job has waited (seconds, 0 if none)."""

    by_kind_status: dict[tuple[str, str], int]
    oldest_queued_age_s: float
    oldest_by_kind: dict[str, float] = field(default_factory=dict)  # the same age, per kind of job


def aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back (they were stored in UTC)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Jobs:
    def __init__(self, db: Database, *, lease_s: float = 30.0, max_attempts: int = 3, backoff_s: float = 5.0,
                 audit: Audit | None = None) -> None:
        self.db, self.lease_s, self.max_attempts, self.backoff_s = db, lease_s, max_attempts, backoff_s
        self._audit = audit or (lambda *args: None)
        # called with a job id after a job is stored (the runner hands it to a worker); set by the wiring
        self.on_enqueued: Callable[[str], None] | None = None

    # -- queueing ----------------------------------------------------------------------------
    def enqueue(self, kind: str, payload: dict[str, Any] | None = None, *, files: Sequence[tuple[str, bytes]] = (),
                created_by: str | None = None, key: str | None = None, max_attempts: int | None = None,
                dispatch: bool = True) -> Job:
        """Store a job (and its files) in one transaction, then hand it to the runner. With ``key``, a job
        already queued under that key is returned instead of a second one."""
        job = Job(id=secrets.token_hex(16), kind=kind, status="queued", payload=payload or {}, attempts=0,
                  max_attempts=max_attempts or self.max_attempts, key=key, created_by=created_by,
                  run_after=utcnow(), created_at=utcnow(), updated_at=utcnow())
        try:
            with self.db.session() as s:
                s.add(job)
                s.flush()
                s.add_all(JobFile(job_id=job.id, ordinal=n, name=name, data=data)
                          for n, (name, data) in enumerate(files))
        except IntegrityError:
            if key is None:
                raise
            with self.db.session() as s:
                existing = s.scalar(select(Job).where(Job.key == key))
            if existing is None:
                raise
            return existing
        if dispatch and self.on_enqueued is not None:
            self.on_enqueued(job.id)
        return job

    def enqueue_claimed(self, kind: str, payload: dict[str, Any], *, files: Sequence[tuple[str, bytes]] = (),
                        created_by: str | None = None, worker: str) -> Claim:
        """Store a job already held by this worker (a caller that waits for the result runs it itself); should
        this process die, the lease runs out and a pool or worker takes the job up like any other."""
        now, token = utcnow(), secrets.token_hex(16)
        job = Job(id=secrets.token_hex(16), kind=kind, status="running", payload=payload, attempts=1,
                  max_attempts=self.max_attempts, created_by=created_by, lease=token,
                  lease_until=now + timedelta(seconds=self.lease_s), worker=worker[:200], run_after=now,
                  dispatched_at=now, created_at=now, started_at=now, updated_at=now)
        with self.db.session() as s:
            s.add(job)
            s.flush()
            s.add_all(JobFile(job_id=job.id, ordinal=n, name=name, data=data) for n, (name, data) in enumerate(files))
        return Claim(job, token)

    def due(self, limit: int = 100) -> list[str]:
        """Ids of queued jobs whose time has come, oldest first."""
        with self.db.session() as s:
            return list(s.scalars(select(Job.id).where(Job.status == "queued", Job.run_after <= utcnow())
                                  .order_by(Job.run_after, Job.created_at).limit(limit)))

    def undispatched(self, stale_s: float, limit: int = 100) -> list[str]:
        """Due queued jobs never handed to the broker, or handed over ``stale_s`` ago and still queued (the
        publish was lost): marked as dispatched now, so one sweeper of many publishes each."""
        now = utcnow()
        picked = []
        with self.db.session() as s:
            ids = list(s.scalars(select(Job.id).where(
                Job.status == "queued", Job.run_after <= now,
                (Job.dispatched_at.is_(None)) | (Job.dispatched_at < now - timedelta(seconds=stale_s)))
                .order_by(Job.run_after).limit(limit)))
            for job_id in ids:
                stamp = s.execute(update(Job).where(Job.id == job_id, Job.status == "queued", (
                    Job.dispatched_at.is_(None)) | (Job.dispatched_at < now - timedelta(seconds=stale_s)))
                    .values(dispatched_at=now))
                if stamp.rowcount == 1:  # type: ignore[attr-defined]
                    picked.append(job_id)
        return picked

    def mark_dispatched(self, job_id: str) -> None:
        with self.db.session() as s:
            s.execute(update(Job).where(Job.id == job_id, Job.status == "queued").values(dispatched_at=utcnow()))

    def undispatch(self, job_id: str) -> None:
        """The publish failed (the broker is down): the job stays queued for the next sweep."""
        with self.db.session() as s:
            s.execute(update(Job).where(Job.id == job_id, Job.status == "queued").values(dispatched_at=None))

    # -- running -----------------------------------------------------------------------------
    def claim(self, job_id: str, worker: str) -> Claim | None:
        """Take a queued, due job for this worker; None when it is not (done, running elsewhere, gone)."""
        token, now = secrets.token_hex(16), utcnow()
        with self.db.session() as s:
            taken = s.execute(update(Job).where(Job.id == job_id, Job.status == "queued", Job.run_after <= now)
                              .values(status="running", lease=token, lease_until=now + timedelta(seconds=self.lease_s),
                                      attempts=Job.attempts + 1, worker=worker[:200], started_at=now,
                                      updated_at=now))
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return None
            job = s.get(Job, job_id)
            assert job is not None
            return Claim(job, token)

    def files(self, job_id: str) -> list[tuple[str, bytes]]:
        with self.db.session() as s:
            return [(f.name, f.data) for f in s.scalars(select(JobFile).where(JobFile.job_id == job_id)
                                                         .order_by(JobFile.ordinal))]

    def renew(self, claim: Claim, progress: dict[str, Any] | None = None) -> None:
        """Extend the lease (and record progress); :class:`JobLost` when the job is no longer ours."""
        now = utcnow()
        values: dict[str, Any] = {"lease_until": now + timedelta(seconds=self.lease_s), "updated_at": now}
        if progress is not None:
            values["progress"] = progress
        with self.db.session() as s:
            kept = s.execute(update(Job).where(Job.id == claim.job.id, Job.lease == claim.token,
                                               Job.status == "running").values(**values))
        if kept.rowcount != 1:  # type: ignore[attr-defined]
            raise JobLost(claim.job.id)

    def complete(self, claim: Claim, result: Any = None) -> bool:
        """Store the result, once: False when the job is no longer this worker's (the result is dropped)."""
        now = utcnow()
        with self.db.session() as s:
            done = s.execute(update(Job).where(Job.id == claim.job.id, Job.lease == claim.token,
                                               Job.status == "running")
                             .values(status="done", result=result, error=None, error_messages=None, lease=None,
                                     lease_until=None, finished_at=now, updated_at=now))
            if done.rowcount != 1:  # type: ignore[attr-defined]
                return False
            s.execute(delete(JobFile).where(JobFile.job_id == claim.job.id))
        return True

    def fail(self, claim: Claim, error: str, *, retry: bool = True,
             messages: dict[str, str] | None = None) -> str | None:
        """Record a failed attempt: queued again after a back-off (doubling per attempt) while attempts
        remain and ``retry``, else dead; ``messages`` are the error in each interface language. Returns the new
        status (None when the job was no longer ours)."""
        now, job = utcnow(), claim.job
        attempts = job.attempts  # as claimed: already counts this attempt
        if retry and attempts < job.max_attempts:
            status, run_after = "queued", now + timedelta(seconds=self.backoff_s * 2 ** (attempts - 1))
        else:
            status, run_after = "dead", now
        with self.db.session() as s:
            changed = s.execute(update(Job).where(Job.id == job.id, Job.lease == claim.token, Job.status == "running")
                                .values(status=status, error=error[:4000], lease=None, lease_until=None,
                                        error_messages={k: v[:4000] for k, v in messages.items()} if messages else None,
                                        run_after=run_after, dispatched_at=None, updated_at=now,
                                        finished_at=now if status == "dead" else None))
        return status if changed.rowcount == 1 else None  # type: ignore[attr-defined]

    def reap(self) -> int:
        """Jobs whose worker stopped renewing the lease (killed, frozen): queued again, or dead when that was
        their last attempt. Returns how many."""
        now = utcnow()
        lost = "Обработчик задания перестал отвечать (процесс остановлен или завис)."
        said = {"ru": lost, "kk": "Тапсырманы орындаушы жауап бермей қалды (процесс тоқтатылды немесе қатып қалды).",
                "en": "The job's worker stopped answering (its process was stopped or hung)."}
        with self.db.session() as s:
            expired = (Job.status == "running") & (Job.lease_until < now)
            again = s.execute(update(Job).where(expired, Job.attempts < Job.max_attempts)
                              .values(status="queued", lease=None, lease_until=None, dispatched_at=None,
                                      error=lost, error_messages=said, run_after=now, updated_at=now))
            dead = s.execute(update(Job).where(expired, Job.attempts >= Job.max_attempts)
                             .values(status="dead", lease=None, lease_until=None, error=lost, error_messages=said,
                                     finished_at=now,
                                     updated_at=now))
        return int(again.rowcount + dead.rowcount)  # type: ignore[attr-defined]

    def purge_periodic(self, older_than_s: float, keep: Collection[str] = ()) -> int:
        """Delete finished periodic jobs (those with a key) older than ``older_than_s``, except those keyed
        ``keep``; dead ones stay."""
        cutoff = utcnow() - timedelta(seconds=older_than_s)
        old = (Job.key.is_not(None)) & (Job.status == "done") & (Job.finished_at < cutoff)
        with self.db.session() as s:
            gone = s.execute(delete(Job).where(old, Job.key.not_in(list(keep))) if keep else delete(Job).where(old))
        return int(gone.rowcount)  # type: ignore[attr-defined]

    # -- reading and admin actions -----------------------------------------------------------
    def get(self, job_id: str) -> Job:
        with self.db.session() as s:
            job = s.get(Job, job_id)
        if job is None:
            raise NotFound(f"Задание «{job_id}» не найдено.", f"Job '{job_id}' not found.",
                           message_kk=f"«{job_id}» тапсырмасы табылмады.")
        return job

    def list(self, *, status: str | None = None, kind: str | None = None, offset: int = 0,
             limit: int = 50, routine: Collection[str] = ()) -> tuple[int, list[Job]]:
        """(how many match, one page of them, newest first); the finished runs of the ``routine`` kinds left out
        (the notifier's run every 10 s, done: housekeeping that buries the rest)."""
        if status is not None and status not in STATUSES:
            raise InvalidInput(f"Неизвестное состояние задания «{status}»; допустимы: {', '.join(STATUSES)}.",
                               f"Unknown job status '{status}'; allowed: {', '.join(STATUSES)}.",
                               message_kk=f"Тапсырманың «{status}» күйі белгісіз; мүмкін күйлер: "
                                          f"{', '.join(STATUSES)}.")
        query, count = select(Job), select(func.count()).select_from(Job)
        hidden = [~((Job.kind.in_(list(routine))) & (Job.status == "done"))] if routine else []
        for cond in ([Job.status == status] if status else []) + ([Job.kind == kind] if kind else []) + hidden:
            query, count = query.where(cond), count.where(cond)
        with self.db.session() as s:
            return (int(s.scalar(count) or 0),
                    list(s.scalars(query.order_by(Job.created_at.desc(), Job.id).offset(offset).limit(limit))))

    def kinds(self, *, status: str | None = None) -> dict[str, int]:
        """How many jobs of each kind there are (of ``status``, when given), most first: what a list of jobs is
        filtered by when one kind floods it (a ticket's notifications)."""
        query = select(Job.kind, func.count()).group_by(Job.kind)
        if status is not None:
            query = query.where(Job.status == status)
        with self.db.session() as s:
            counted = [(str(kind), int(n)) for kind, n in s.execute(query)]
        return dict(sorted(counted, key=lambda item: (-item[1], item[0])))

    def cancel(self, who: object, job_id: str, ip: str | None = None) -> Job:
        """Stop a queued or running job (a running one stops at its next progress report); audited."""
        now = utcnow()
        with self.db.session() as s:
            changed = s.execute(update(Job).where(Job.id == job_id, Job.status.in_(("queued", "running")))
                                .values(status="cancelled", lease=None, lease_until=None, finished_at=now,
                                        updated_at=now))
            if changed.rowcount != 1:  # type: ignore[attr-defined]
                job = self.get(job_id)
                raise Conflict(f"Задание уже {_STATUS_RU[job.status]}: отменять нечего.",
                               f"Job is already {job.status}.",
                               message_kk=f"Тапсырма әлдеқашан {_STATUS_KK[job.status]}: тоқтататын ештеңе жоқ.")
            s.execute(delete(JobFile).where(JobFile.job_id == job_id))
        self._audit(who, "job.cancel", job_id, {}, ip)
        return self.get(job_id)

    def retry(self, who: object, job_id: str, ip: str | None = None) -> Job:
        """Queue a dead or cancelled job again with a fresh set of attempts; audited."""
        now = utcnow()
        with self.db.session() as s:
            changed = s.execute(update(Job).where(Job.id == job_id, Job.status.in_(("dead", "cancelled")))
                                .values(status="queued", attempts=0, run_after=now, dispatched_at=None,
                                        finished_at=None, updated_at=now))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            job = self.get(job_id)
            raise Conflict(f"Задание {_STATUS_RU[job.status]}: повторять можно только остановленные.",
                           f"Only dead or cancelled jobs can be retried; this one is {job.status}.",
                           message_kk=f"Тапсырма {_STATUS_KK[job.status]}: тек тоқтатылған тапсырмаларды қайталауға "
                                      "болады.")
        self._audit(who, "job.retry", job_id, {}, ip)
        if self.on_enqueued is not None:
            self.on_enqueued(job_id)
        return self.get(job_id)

    def counts(self) -> JobCounts:
        """Jobs by kind and status and the age of the oldest due queued job: a small, stable surface for
        metrics (``azs_jobs{kind,status}``, ``azs_jobs_oldest_queued_seconds``)."""
        now = utcnow()
        with self.db.session() as s:
            rows = s.execute(select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)).all()
            oldest = dict(s.execute(select(Job.kind, func.min(Job.run_after))
                                    .where(Job.status == "queued", Job.run_after <= now).group_by(Job.kind)).all())
        ages = {kind: max((now - aware(at)).total_seconds(), 0.0) for kind, at in oldest.items()  # type: ignore[operator]
                if at is not None}
        return JobCounts({(kind, status): int(n) for kind, status, n in rows}, max(ages.values(), default=0.0), ages)


_STATUS_RU = {"queued": "в очереди", "running": "выполняется", "done": "выполнено", "dead": "остановлено после "
              "ошибок", "cancelled": "отменено"}
_STATUS_KK = {"queued": "кезекте", "running": "орындалуда", "done": "орындалды",  # as web/i18n/kk.yaml job_status_*
              "dead": "қателерден кейін тоқтатылды", "cancelled": "тоқтатылды"}
