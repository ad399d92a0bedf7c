"""Periodic jobs that run once per period however many replicas or workers there are: every runner ticks,
and each tick queues the period's job under a key (``tickets.notify:176480000``) that the jobs table keeps
unique, so the second replica's insert finds the first one's job instead of adding its own."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from azs_assistant.jobs.store import Jobs

log = logging.getLogger("azs.jobs")
# Finished periodic jobs are kept this long (for the jobs page), then deleted: one every 10 s adds up.
KEEP_PERIODIC_S = 3600.0


@dataclass(frozen=True)
class Schedule:
    kind: str
    every_s: float


class Scheduler:
    def __init__(self, jobs: Jobs, schedules: list[Schedule]) -> None:
        self.jobs, self.schedules = jobs, schedules
        self._last: dict[str, int] = {}
        self._purged = 0.0

    def tick(self, now: float | None = None) -> list[str]:
        """Queue each schedule's job for the current period (once per process and period; once overall thanks
        to the key). Returns the ids of the jobs queued or found."""
        now = time.time() if now is None else now
        queued = []
        for schedule in self.schedules:
            slot = int(now // schedule.every_s)
            if self._last.get(schedule.kind) == slot:
                continue
            job = self.jobs.enqueue(schedule.kind, {"slot": slot}, key=f"{schedule.kind}:{slot}", max_attempts=1,
                                    created_by="scheduler")
            self._last[schedule.kind] = slot
            queued.append(job.id)
        if now - self._purged > 60:
            self._purged = now
            self.jobs.purge_periodic(KEEP_PERIODIC_S)
        return queued
