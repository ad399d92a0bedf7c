"""The jobs table on SQLite and PostgreSQL: stored first, claimed once, a result stored once, retries with
back-off, dead letters, admin retry and cancel, lost workers' jobs taken up again, the counts for metrics."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from azs_assistant.errors import Conflict, InvalidInput, NotFound
from azs_assistant.jobs import JobLost, Jobs
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import AuditEvent, Job, JobFile, utcnow


@pytest.fixture
def jobs(backend_url: str) -> Iterator[Jobs]:
    db = Database(backend_url)
    db.migrate()
    audit: list[tuple] = []
    store = Jobs(db, lease_s=30, max_attempts=3, backoff_s=10, audit=lambda *args: audit.append(args))
    store.audited = audit  # type: ignore[attr-defined]
    yield store
    db.dispose()


def test_a_job_and_its_files_are_stored_before_anyone_runs_it(jobs: Jobs) -> None:
    woken: list[str] = []
    jobs.on_enqueued = woken.append
    job = jobs.enqueue("documents.upload", {"files": ["a.md"]}, files=[("a.md", b"# A")], created_by="admin")
    assert woken == [job.id]
    stored = jobs.get(job.id)
    assert (stored.status, stored.attempts, stored.payload) == ("queued", 0, {"files": ["a.md"]})
    assert jobs.files(job.id) == [("a.md", b"# A")]
    assert jobs.due() == [job.id]


def test_a_job_is_claimed_once_and_its_result_stored_once(jobs: Jobs) -> None:
    """GIVEN one job WHEN two workers get its id (a broker redelivers) THEN one claims it, the other gets None;
    a worker whose lease was taken over cannot store a result."""
    job = jobs.enqueue("k", files=[("f", b"x")])
    first = jobs.claim(job.id, "w1")
    assert first is not None and jobs.claim(job.id, "w2") is None
    assert jobs.complete(first, {"n": 1}) is True
    assert jobs.complete(first, {"n": 2}) is False
    done = jobs.get(job.id)
    assert (done.status, done.result, done.attempts, done.lease) == ("done", {"n": 1}, 1, None)
    assert jobs.files(job.id) == []  # the files go once the job is done
    assert jobs.claim(job.id, "w3") is None


def test_a_failure_is_retried_after_a_doubling_pause_then_dead_lettered(jobs: Jobs) -> None:
    job = jobs.enqueue("k", max_attempts=2)
    claim = jobs.claim(job.id, "w")
    assert claim is not None
    before = utcnow()
    assert jobs.fail(claim, "сеть недоступна") == "queued"
    again = jobs.get(job.id)
    wait = (again.run_after.replace(tzinfo=before.tzinfo) - before).total_seconds()
    assert 9 <= wait <= 11 and again.error == "сеть недоступна"
    assert jobs.due() == [] and jobs.claim(job.id, "w") is None  # not before its back-off is over
    with jobs.db.session() as s:
        s.execute(update(Job).where(Job.id == job.id).values(run_after=utcnow() - timedelta(seconds=1)))
    second = jobs.claim(job.id, "w")
    assert second is not None and second.job.attempts == 2
    assert jobs.fail(second, "снова") == "dead"
    dead = jobs.get(job.id)
    assert (dead.status, dead.error) == ("dead", "снова") and dead.finished_at is not None
    total, items = jobs.list(status="dead")
    assert total == 1 and items[0].id == job.id


def test_a_wrong_input_is_not_retried(jobs: Jobs) -> None:
    job = jobs.enqueue("k")
    claim = jobs.claim(job.id, "w")
    assert claim is not None and jobs.fail(claim, "плохой файл", retry=False) == "dead"


def test_admins_retry_dead_jobs_and_cancel_queued_ones_and_both_are_audited(jobs: Jobs) -> None:
    job = jobs.enqueue("k", max_attempts=1, files=[("f", b"x")])
    claim = jobs.claim(job.id, "w")
    assert claim is not None and jobs.fail(claim, "boom") == "dead"
    retried = jobs.retry("cli:admin", job.id)
    assert (retried.status, retried.attempts) == ("queued", 0)
    with pytest.raises(Conflict) as not_dead:
        jobs.retry("cli:admin", job.id)
    assert "в очереди" in not_dead.value.message_ru
    cancelled = jobs.cancel("cli:admin", job.id)
    assert cancelled.status == "cancelled" and jobs.files(job.id) == []
    with pytest.raises(Conflict):
        jobs.cancel("cli:admin", job.id)
    assert [a[1] for a in jobs.audited] == ["job.retry", "job.cancel"]  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        jobs.get("0" * 32)
    with pytest.raises(InvalidInput):
        jobs.list(status="lost")


def test_a_cancelled_running_job_learns_it_at_its_next_progress_report(jobs: Jobs) -> None:
    job = jobs.enqueue("k")
    claim = jobs.claim(job.id, "w")
    assert claim is not None
    jobs.renew(claim, {"done": 1})
    jobs.cancel("cli:admin", job.id)
    with pytest.raises(JobLost):
        jobs.renew(claim, {"done": 2})
    assert jobs.complete(claim, "late") is False
    assert jobs.get(job.id).progress == {"done": 1}


def test_a_dead_workers_job_is_queued_again_when_its_lease_runs_out(jobs: Jobs) -> None:
    """GIVEN a worker that claimed a job and stopped renewing (kill -9) WHEN its lease has run out THEN the
    sweep queues the job again, and on its last attempt dead-letters it instead of looping."""
    jobs.lease_s = 0.2
    job = jobs.enqueue("k", max_attempts=2)
    lost = jobs.claim(job.id, "killed")
    assert lost is not None
    assert jobs.reap() == 0  # the lease still runs
    time.sleep(0.3)
    assert jobs.reap() == 1
    requeued = jobs.get(job.id)
    assert requeued.status == "queued" and "перестал отвечать" in (requeued.error or "")
    assert jobs.complete(lost, "from the dead") is False  # the killed worker's late result is refused
    second = jobs.claim(job.id, "w2")
    assert second is not None and second.job.attempts == 2
    time.sleep(0.3)
    assert jobs.reap() == 1 and jobs.get(job.id).status == "dead"


def test_a_keyed_job_is_queued_once(jobs: Jobs) -> None:
    first = jobs.enqueue("reports.daily", key="reports.daily:2026-12-01")
    second = jobs.enqueue("reports.daily", key="reports.daily:2026-12-01")
    assert first.id == second.id
    with jobs.db.session() as s:
        assert len(s.scalars(select(Job)).all()) == 1


def test_undispatched_jobs_are_handed_out_once(jobs: Jobs) -> None:
    job = jobs.enqueue("k", dispatch=False)
    assert jobs.undispatched(stale_s=600) == [job.id]
    assert jobs.undispatched(stale_s=600) == []  # another sweeper does not publish it again
    jobs.undispatch(job.id)  # the publish failed: back for the next sweep
    assert jobs.undispatched(stale_s=600) == [job.id]


def test_counts_by_kind_and_status_and_the_oldest_queued_age(jobs: Jobs) -> None:
    """The stable surface the metrics exporter reads."""
    assert jobs.counts().by_kind_status == {} and jobs.counts().oldest_queued_age_s == 0
    old = jobs.enqueue("documents.upload")
    jobs.enqueue("documents.upload")
    done = jobs.enqueue("incidents.sync")
    claim = jobs.claim(done.id, "w")
    assert claim is not None and jobs.complete(claim, None)
    with jobs.db.session() as s:
        s.execute(update(Job).where(Job.id == old.id).values(run_after=utcnow() - timedelta(seconds=120)))
    counts = jobs.counts()
    assert counts.by_kind_status == {("documents.upload", "queued"): 2, ("incidents.sync", "done"): 1}
    assert 119 <= counts.oldest_queued_age_s < 200


def test_job_files_go_with_their_job(jobs: Jobs) -> None:
    job = jobs.enqueue("k", files=[("a", b"1"), ("b", b"2")])
    assert [name for name, _ in jobs.files(job.id)] == ["a", "b"]
    jobs.cancel("cli", job.id)
    with jobs.db.session() as s:
        assert s.scalars(select(JobFile)).all() == []
        assert s.scalars(select(AuditEvent)).all() == []  # audit here went to the test's list


def test_a_periodic_job_is_queued_once_per_period_however_many_replicas_tick(jobs: Jobs) -> None:
    """GIVEN two replicas' schedulers WHEN both tick in the same period THEN one job exists for it; the next
    period gets its own; finished periodic jobs are purged after a while, dead ones kept."""
    from azs_assistant.jobs.schedule import Schedule, Scheduler

    first, second = (Scheduler(jobs, [Schedule("tickets.notify", 10)]) for _ in range(2))
    a, b = first.tick(now=1000.0), second.tick(now=1005.0)
    assert a == b and len(a) == 1
    assert first.tick(now=1009.0) == []  # same period, same process: not even tried again
    later = second.tick(now=1011.0)
    assert later and later != a
    total, items = jobs.list(kind="tickets.notify")
    assert total == 2 and {j.key for j in items} == {"tickets.notify:100", "tickets.notify:101"}
    done = jobs.claim(a[0], "w")
    assert done is not None and jobs.complete(done, {"sent": 0})
    with jobs.db.session() as s:
        s.execute(update(Job).where(Job.id == a[0]).values(finished_at=utcnow() - timedelta(hours=2)))
    assert jobs.purge_periodic(3600) == 1
    assert [j.id for j in jobs.list(kind="tickets.notify")[1]] == later


def test_the_built_in_housekeeping_is_logged_at_debug_and_other_jobs_at_info(jobs: Jobs, caplog) -> None:  # type: ignore[no-untyped-def]
    """An IT walk found `azs worker` writing two INFO lines every 10 s for the notifier (~17,000 a day): a built-in
    schedule's run that goes well is logged at debug; a stored schedule's job and an upload stay at info."""
    import logging

    from azs_assistant.jobs.runner import execute

    handlers = {"tickets.notify": lambda ctx: None, "report": lambda ctx: None}
    routine = jobs.enqueue("tickets.notify", {"slot": 1}, created_by="scheduler")
    stored = jobs.enqueue("report", {"schedule": "weekly", "slot": 1}, created_by="scheduler")
    with caplog.at_level(logging.DEBUG, logger="azs.jobs"):
        assert execute(jobs, handlers, routine.id, "w") == "done"
        assert execute(jobs, handlers, stored.id, "w") == "done"
    levels = {(r.args[0], r.levelno) for r in caplog.records if isinstance(r.args, tuple) and r.args}
    assert ("tickets.notify", logging.DEBUG) in levels and ("tickets.notify", logging.INFO) not in levels
    assert ("report", logging.INFO) in levels
