"""The embedded runner: uploads become jobs that the bounded in-process pool ingests through the documents
service; a crashed process's jobs are taken up again; failures retry and then wait as dead letters; the API
answers 202 with a job id and ``?wait=true`` keeps the synchronous answer; every line of a job carries its id."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant import logs
from azs_assistant.api.app import create_app
from azs_assistant.documents.service import UPLOAD_JOB
from azs_assistant.jobs import JobContext, LocalPool
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.conftest import authorize
from tests.factories import principal

SMENA = "# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n".encode()
PROLIV = "# Пролив топлива\n\n## Действия\nОстановить отпуск топлива и засыпать пролив песком.\n".encode()


@pytest.fixture
def svc(tmp_path: Path, backend_url: str) -> Iterator[Services]:
    services = Services(Settings(data_dir=tmp_path, database_url=backend_url, embeddings="none", job_lease_s=3,
                                 job_backoff_s=0.2, job_sweep_s=0.2))
    yield services
    services.close()


def wait_for(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_an_upload_job_is_ingested_by_the_pool_with_the_job_id_on_every_line(svc: Services) -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(logs.ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = logging.getLogger("azs").level
    logging.getLogger("azs").setLevel(logging.INFO)
    try:
        job = svc.documents.submit(principal("admin", name="admin-1"), [("smena.md", SMENA), ("proliv.md", PROLIV)])
        assert svc.jobs.get(job.id).status == "queued"  # stored, nothing ran yet
        svc.job_runner.start()
        wait_for(lambda: svc.jobs.get(job.id).status == "done")
    finally:
        root.removeHandler(handler)
        logging.getLogger("azs").setLevel(old_level)
    done = svc.jobs.get(job.id)
    assert [(r["source"], r["status"]) for r in done.result] == [("uploads/smena.md", "added"),
                                                                  ("uploads/proliv.md", "added")]
    assert done.progress["done"] == 2 and done.attempts == 1
    assert svc.assistant.search("сколько размена в кассе")[0].source == "uploads/smena.md"
    # every line a job logs carries its id: this upload's lines this job's, the periodic notifier's its own
    lines = [r for r in records if r.name.startswith(("azs.jobs", "azs_assistant.documents"))]
    mine = [r for r in lines if "tickets.notify" not in r.getMessage()]
    assert mine and all(getattr(r, "job_id", "") == job.id for r in mine), [(r.name, r.getMessage()) for r in mine]
    assert all(getattr(r, "job_id", "") not in ("", job.id) for r in lines if r not in mine)
    audit = svc.access.audit_search(action="document.upload")
    assert {(a.actor, a.target, a.details["job"]) for a in audit} == {
        ("admin-1", "uploads/smena.md", job.id), ("admin-1", "uploads/proliv.md", job.id)}


def test_a_crashed_processes_job_resumes_after_its_last_finished_file(svc: Services) -> None:
    """GIVEN an upload whose first file was ingested by a process that then died (lease no longer renewed)
    WHEN a pool runs THEN the job runs again once its lease is out, skips the finished file, ingests the
    rest and stores one result."""
    job = svc.documents.submit(principal("admin"), [("smena.md", SMENA), ("proliv.md", PROLIV)])
    dead = svc.jobs.claim(job.id, "host:1:killed")
    assert dead is not None
    first = svc.ingestor.ingest_bytes(SMENA, "uploads/smena.md")
    earlier = {"source": first.source, "status": first.status, "message": None, "document_id": first.document_id,
               "chunks": first.chunks, "error_code": None}
    svc.jobs.renew(dead, {"files": 2, "done": 1, "results": [earlier]})  # then: kill -9
    started = time.monotonic()
    svc.job_runner.start()
    wait_for(lambda: svc.jobs.get(job.id).status == "done")
    assert time.monotonic() - started < svc.settings.job_lease_s + 5  # the redelivery bound
    done = svc.jobs.get(job.id)
    assert done.attempts == 2 and done.worker != "host:1:killed"
    assert [r["status"] for r in done.result] == ["added", "added"]  # not «unchanged»: file 1 was not redone
    assert svc.documents.counts()[0] == 2
    assert svc.jobs.complete(dead, ["late"]) is False


def test_a_failing_job_is_retried_then_waits_as_a_dead_letter(svc: Services) -> None:
    calls: list[int] = []

    def flaky(ctx: JobContext) -> None:
        calls.append(ctx.job.attempts)
        raise ConnectionError("сервер отчётов недоступен")

    pool = LocalPool(svc.jobs, {"reports.deliver": flaky}, workers=1, poll_s=0.1)
    job = svc.jobs.enqueue("reports.deliver", max_attempts=3)
    pool.start()
    try:
        wait_for(lambda: svc.jobs.get(job.id).status == "dead")
    finally:
        pool.stop()
    dead = svc.jobs.get(job.id)
    assert calls == [1, 2, 3] and "сервер отчётов недоступен" in (dead.error or "")


def test_the_api_answers_202_with_a_job_and_the_job_shows_progress_and_result(svc: Services) -> None:
    with TestClient(create_app(svc)) as client:
        authorize(client, svc)
        resp = client.post("/api/v1/documents", files=[("files", ("smena.md", SMENA, "text/markdown"))])
        assert resp.status_code == 202, resp.text
        body = resp.json()
        assert body["status"] == "queued" and body["files"] == ["smena.md"]
        assert resp.headers["location"] == body["location"] == f"/api/v1/jobs/{body['job_id']}"
        wait_for(lambda: client.get(body["location"]).json()["status"] == "done")
        job = client.get(body["location"]).json()
        assert job["kind"] == UPLOAD_JOB and job["result"][0]["status"] == "added"
        assert job["progress"]["done"] == 1 and job["progress"]["files"] == 1
        listed = client.get("/api/v1/jobs", params={"status": "done", "kind": UPLOAD_JOB}).json()
        assert listed["total"] == 1 and listed["items"][0]["id"] == body["job_id"]
        refused = client.post(f"{body['location']}/cancel")
        assert refused.status_code == 409 and "выполнено" in refused.json()["error"]["message"]
        assert client.get("/api/v1/jobs/" + "0" * 32).status_code == 404
        assert client.get("/api/v1/jobs/not-an-id").status_code == 422
        assert client.get("/api/v1/jobs", params={"status": "lost"}).status_code == 422
        authorize(client, svc, roles=("manager",))
        assert client.get("/api/v1/jobs").status_code == 403


def test_wait_true_answers_with_each_files_result_and_still_records_the_job(svc: Services) -> None:
    with TestClient(create_app(svc, background=False)) as client:
        authorize(client, svc)
        resp = client.post("/api/v1/documents?wait=true", files=[("files", ("smena.md", SMENA, "text/markdown"))])
        assert resp.status_code == 200, resp.text
        assert [(r["source"], r["status"]) for r in resp.json()] == [("uploads/smena.md", "added")]
    total, items = svc.jobs.list()
    assert total == 1 and items[0].status == "done" and items[0].result[0]["status"] == "added"


def test_the_pool_runs_the_notifier_as_a_periodic_job(tmp_path: Path) -> None:
    """Notifications and critical reminders are a periodic job the pool queues and runs (once per period
    across replicas), not a thread of every server."""
    svc = Services(Settings(data_dir=tmp_path, embeddings="none", notify_interval_s=0.5, job_sweep_s=0.2))
    try:
        svc.job_runner.start()
        wait_for(lambda: svc.jobs.list(kind="tickets.notify", status="done")[0] >= 2)
        job = svc.jobs.list(kind="tickets.notify", status="done")[1][0]
        assert set(job.result) >= {"repeats_queued"} and job.key.startswith("tickets.notify:")
    finally:
        svc.close()


def test_a_documents_summary_is_made_by_a_job_after_ingestion(tmp_path: Path) -> None:
    """AZS_SUMMARIZE_ON_INGEST: ingestion only queues the summary (a slow LLM call with a model); the pool
    makes it."""
    svc = Services(Settings(data_dir=tmp_path, embeddings="none", summarize_on_ingest=True, notify_interval_s=3600))
    try:
        stored = svc.ingestor.ingest_bytes(SMENA, "uploads/smena.md")
        total, items = svc.jobs.list(kind="summaries.document")
        assert total == 1 and items[0].status == "queued" and items[0].payload == {"document_id": stored.document_id}
        svc.job_runner.start()
        wait_for(lambda: svc.jobs.get(items[0].id).status == "done")
        assert svc.jobs.get(items[0].id).result == {"document_id": stored.document_id, "mode": "extractive"}
        assert "40 000" in svc.summaries.summary(stored.document_id).text
    finally:
        svc.close()


def test_a_job_whose_caller_waits_for_its_error_is_counted_by_the_state_it_was_left_in(svc: Services) -> None:
    """GIVEN a caller that waits for the job's answer (``?wait=true``: the error is raised back to it) WHEN the
    handler fails THEN the attempt is counted as a retry in ``azs_job_runs_total``, not as lost."""
    from azs_assistant import metrics
    from azs_assistant.jobs.runner import run_claimed

    def broken(ctx: JobContext) -> None:
        raise ConnectionError("сервер отчётов недоступен")

    def count(outcome: str) -> float:
        return metrics.JOB_RUNS.labels("reports.wait", outcome)._value.get()  # type: ignore[attr-defined]

    job = svc.jobs.enqueue("reports.wait", max_attempts=3, dispatch=False)
    claim = svc.jobs.claim(job.id, "w")
    assert claim is not None
    retries, lost = count("retry"), count("lost")
    with pytest.raises(ConnectionError):
        run_claimed(svc.jobs, {"reports.wait": broken}, claim, "w", reraise=True)
    assert svc.jobs.get(job.id).status == "queued"
    assert count("retry") == retries + 1 and count("lost") == lost
