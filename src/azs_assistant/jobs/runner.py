"""Running one job (claim, renew the lease while it runs, store the result once or record the failure),
and the bounded in-process pool that runs jobs when no broker is configured.

A handler is a function of a :class:`JobContext`; it reads the job's payload and files, reports progress
(which also renews the lease and notices a cancel) and returns a JSON-able result. A handler that fails
with a typed error meant for the user (a 4xx ``AzsError``: the input is wrong) is not retried; any other
failure (database restarting, a bug, the LLM server away) is retried with back-off, then dead-lettered.
"""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azs_assistant import logs, metrics
from azs_assistant.errors import AzsError
from azs_assistant.jobs.schedule import Scheduler
from azs_assistant.jobs.store import Claim, JobLost, Jobs
from azs_assistant.storage.models import Job

log = logging.getLogger("azs.jobs")
Handler = Callable[["JobContext"], Any]


def worker_name(role: str) -> str:
    """``host:pid:role``: which process holds a job, in the jobs list and the logs."""
    return f"{socket.gethostname()}:{os.getpid()}:{role}"


class JobContext:
    """What a handler sees: the job as claimed, its files, and progress reports (which renew the lease)."""

    def __init__(self, jobs: Jobs, claim: Claim) -> None:
        self._jobs, self._claim = jobs, claim
        self.job: Job = claim.job
        self.payload: dict[str, Any] = dict(claim.job.payload or {})
        # what an earlier, interrupted attempt reported: a handler resumes from it instead of redoing work
        self.previous: dict[str, Any] = dict(claim.job.progress or {})
        self._lock = threading.Lock()

    def files(self) -> list[tuple[str, bytes]]:
        return self._jobs.files(self.job.id)

    def progress(self, **values: Any) -> None:
        """Record progress; raises :class:`JobLost` when the job was cancelled or taken over meanwhile."""
        with self._lock:
            self._jobs.renew(self._claim, values)

    def renew(self) -> None:
        with self._lock:
            self._jobs.renew(self._claim)


def _renewing(ctx: JobContext, every_s: float, stop: threading.Event) -> None:
    while not stop.wait(every_s):
        try:
            ctx.renew()
        except JobLost:
            log.warning("задание больше не принадлежит этому обработчику (отменено или передано другому)")
            return
        except Exception:  # the database away for a moment: the next renewal may succeed
            log.warning("не удалось продлить аренду задания", exc_info=True)


def execute(jobs: Jobs, handlers: dict[str, Handler], job_id: str, worker: str) -> str | None:
    """Claim and run one job; the new status, or None when it was not ours to run (done already,
    running elsewhere, cancelled). Every line logged meanwhile carries the job id."""
    claim = jobs.claim(job_id, worker)
    if claim is None:
        return None
    return run_claimed(jobs, handlers, claim, worker)


def run_claimed(jobs: Jobs, handlers: dict[str, Handler], claim: Claim, worker: str, *,
                reraise: bool = False) -> str | None:
    """Run a job this worker holds. ``reraise``: the caller waits for the answer (``?wait=true``) and gets
    the handler's error itself, after it is recorded."""
    with logs.bound(job_id=claim.job.id):
        return _run(jobs, handlers, claim, worker, reraise)


def _run(jobs: Jobs, handlers: dict[str, Handler], claim: Claim, worker: str, reraise: bool) -> str | None:
    started = time.perf_counter()
    left: list[str | None] = [None]
    try:
        left[0] = _attempt(jobs, handlers, claim, worker, reraise, left)
        return left[0]
    finally:  # counted in the process that ran it: `azs worker --metrics-port` or the API's /metrics
        metrics.JOB_RUNS.labels(claim.job.kind, metrics.job_outcome(left[0])).inc()
        metrics.JOB_DURATION.labels(claim.job.kind).observe(time.perf_counter() - started)


def _attempt(jobs: Jobs, handlers: dict[str, Handler], claim: Claim, worker: str, reraise: bool,
             left: list[str | None]) -> str | None:
    """One attempt; the status it leaves the job in is also put in ``left`` before a ``reraise``d error."""
    job, ctx, stop = claim.job, JobContext(jobs, claim), threading.Event()
    # the built-in schedules' housekeeping (the notifier every 10 s) wrote two INFO lines each time, ~17,000 a day;
    # its runs that go well are logged at debug (a failure is still a warning)
    level = logging.DEBUG if job.created_by == "scheduler" and "schedule" not in (job.payload or {}) else logging.INFO
    log.log(level, "задание %s начато (попытка %d из %d, %s)", job.kind, job.attempts, job.max_attempts, worker)
    beat = threading.Thread(target=contextvars.copy_context().run, args=(_renewing, ctx, jobs.lease_s / 3, stop),
                            name=f"azs-lease-{job.id[:8]}", daemon=True)
    beat.start()
    started = time.monotonic()
    try:
        handler = handlers.get(job.kind)
        if handler is None:
            return jobs.fail(claim, f"Неизвестный вид задания «{job.kind}».", retry=False)
        result = handler(ctx)
    except JobLost:
        log.warning("задание %s прервано: отменено или передано другому обработчику", job.kind)
        return None
    except AzsError as exc:
        status = left[0] = jobs.fail(claim, exc.message_ru, retry=exc.http_status >= 500, messages=exc.messages())
        log.warning("задание %s не выполнено: %s → %s", job.kind, exc.message_en, status)
        if reraise:
            raise
        return status
    except Exception as exc:
        status = left[0] = jobs.fail(claim, f"{type(exc).__name__}: {exc}")
        log.exception("задание %s упало → %s", job.kind, status)
        if reraise:
            raise
        return status
    finally:
        stop.set()
    if not jobs.complete(claim, result):
        log.warning("результат задания %s отброшен: задание уже не наше", job.kind)
        return None
    log.log(level, "задание %s выполнено за %.1f с", job.kind, time.monotonic() - started)
    return "done"


class LocalPool:
    """The embedded runner: a few threads in this process take due jobs from the table. Jobs are stored
    before they get here, so a crash loses none; the next start (any replica's pool) takes them up once
    their lease runs out. ``workers`` bounds how much background work competes with requests."""

    def __init__(self, jobs: Jobs, handlers: dict[str, Handler], workers: int = 2, poll_s: float = 2.0,
                 scheduler: Scheduler | None = None) -> None:
        self.jobs, self.handlers, self.workers, self.poll_s = jobs, handlers, workers, poll_s
        self.scheduler = scheduler
        self.name = worker_name("pool")
        self._wake, self._stop = threading.Event(), threading.Event()
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._thread: threading.Thread | None = None

    def submit(self, job_id: str) -> None:
        """A job was stored: look for work now instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="azs-job")
        self._thread = threading.Thread(target=self._loop, name="azs-jobs", daemon=True)
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.jobs.reap()
                if self.scheduler is not None:
                    self.scheduler.tick()
                self._fill()
            except Exception:  # the database away: try again at the next round
                log.warning("очередь заданий недоступна", exc_info=True)
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def _fill(self) -> None:
        with self._lock:
            free = self.workers - len(self._busy)
        if free <= 0 or self._executor is None:
            return
        for job_id in self.jobs.due(limit=free + len(self._busy)):
            with self._lock:
                if job_id in self._busy or len(self._busy) >= self.workers:
                    continue
                self._busy.add(job_id)
            self._executor.submit(self._one, job_id)

    def _one(self, job_id: str) -> None:
        try:
            execute(self.jobs, self.handlers, job_id, self.name)
        except Exception:
            log.exception("задание %s: сбой обработчика очереди", job_id)
        finally:
            with self._lock:
                self._busy.discard(job_id)
            self._wake.set()  # a slot is free: the next due job need not wait for the poll
