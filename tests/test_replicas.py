"""Several replicas behind a load balancer, end to end: two `azs serve` processes and two `azs worker`
processes on one PostgreSQL schema, a private Redis and a private RabbitMQ node, checked only through the
processes' HTTP APIs (and the workers' own log lines):

- a document uploaded on replica A (202 + job) is ingested by a worker and answerable on replica B within
  seconds; deleted on B, A stops citing it;
- the complaint limit per address holds across both replicas (requests split over A and B hit 429 at the
  shared limit); sign-in throttling counts failures made on either replica; a session opened on A works on
  B, and its CSRF token is checked there;
- the answer cache is shared: the same question asked on the other replica is a cache hit;
- a stored schedule's job runs once per period with two workers ticking (with a broker, the API processes
  queue nothing: the workers run the schedulers); and without a broker, with two API processes alone (each
  ticking its own scheduler and running jobs in its own pool), once per period too.

What is already proven elsewhere with several processes or several apps: tests/api/test_shared_limits.py
(the complaint limit over two in-process apps on one Redis), tests/jobs/test_broker.py (two `azs worker`
processes on RabbitMQ, a kill -9 mid-OCR, the broker stopped), tests/search/test_incremental.py (a second
Services catching up from the database's generation), tests/jobs/test_schedules.py (two schedulers in one
process, one job per period).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from azs_assistant.jobs.schedule import MIN_EVERY_S
from azs_assistant.reports.schedule import REPORT_JOB
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.storage.models import Job
from tests.brokers import (
    AzsProcesses,
    PrivateRedis,
    RabbitNode,
    azs_processes,
    free_port,
    private_rabbitmq,
    private_redis,
)
from tests.conftest import ROOT, _pg_schema_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]
TICKETS_PER_MINUTE = 4
ENV = {"AZS_EMBEDDINGS": "none", "AZS_JOB_LEASE_S": "5", "AZS_JOB_SWEEP_S": "0.5", "AZS_JOB_WORKERS": "1",
       "AZS_NOTIFY_INTERVAL_S": "2", "AZS_TICKET_RATE_PER_MINUTE": str(TICKETS_PER_MINUTE),
       "AZS_OCR_SECOND_PASS": "", "AZS_OCR_LINE_READER": "false", "AZS_LOG_FORMAT": "json", "AZS_LOG_LEVEL": "info"}
SCHEDULE = "replicas-check"
NO_BROKER_SCHEDULE = "no-broker-check"
PASSWORD = "Very-long-pass-2026"


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``check`` until it returns something true; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@dataclass
class Cluster:
    """The four processes, an admin API key, and one HTTP client per API replica."""

    procs: AzsProcesses
    a: httpx.Client | None = None
    b: httpx.Client | None = None

    @property
    def clients(self) -> tuple[httpx.Client, httpx.Client]:
        assert self.a is not None and self.b is not None
        return self.a, self.b


@pytest.fixture(scope="module")
def rabbit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitNode]:
    with private_rabbitmq(tmp_path_factory.mktemp("rabbit")) as node:
        yield node


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    with private_redis(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    yield from _pg_schema_url()  # a fresh schema of the test database, dropped afterwards


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, database_url: str, rabbit: RabbitNode,
            redis_server: PrivateRedis) -> Iterator[Cluster]:
    """Two API replicas and two workers started together on a fresh schema (their migrations race, as when a
    deployment starts every process at once), then an admin key and a user made in the shared database."""
    tmp = tmp_path_factory.mktemp("replicas")
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT / "src"), "AZS_DATABASE_URL": database_url,
           "AZS_BROKER_URL": rabbit.url, "AZS_CACHE_URL": redis_server.url}
    running = Cluster(AzsProcesses(tmp, env))
    ports = {"api-a": free_port(), "api-b": free_port()}
    try:
        for name, port in ports.items():
            running.procs.start(name, "serve", "--port", str(port))
        running.procs.start("worker-1", "worker")
        running.procs.start("worker-2", "worker")
        for port in ports.values():
            running.procs.wait(partial(running.procs.serving, port), 120, f"the API on :{port}")
        running.procs.wait_workers("worker-1", "worker-2")
        svc = Services(Settings(data_dir=tmp / "setup", database_url=database_url, embeddings="none"))
        try:  # what an operator does once with the CLI: a key for the scripts, an account for a person
            key, _ = svc.access.create_key("replicas", ["admin"], stations=["*"], rate_per_minute=0, actor="test")
            svc.access.add_user("kassir.ivanova", PASSWORD, ["operator"], stations=["*"])
            svc.access.add_user("kassir.petrov", PASSWORD, ["operator"], stations=["*"])
        finally:
            svc.close()
        # a connection per request, as through a load balancer: a kept-alive one that uvicorn closes after 5 s
        # idle would race the next request (a reset that says nothing about the replicas)
        options: dict[str, Any] = {"headers": {"X-API-Key": key}, "timeout": 30,
                                   "limits": httpx.Limits(max_keepalive_connections=0)}
        running.a = httpx.Client(base_url=f"http://127.0.0.1:{ports['api-a']}", **options)
        running.b = httpx.Client(base_url=f"http://127.0.0.1:{ports['api-b']}", **options)
        # registered first so that its periods pass while the other checks run
        resp = running.a.post("/api/v1/jobs/schedules", json={
            "name": SCHEDULE, "every": "10s", "report": {"questions": ["инциденты по регионам"], "formats": "csv"}})
        assert resp.status_code == 201, resp.text
        yield running
    finally:
        for client in (running.a, running.b):
            if client is not None:
                client.close()
        running.procs.stop()


# First in the module: its two processes run before the broker cluster starts (2 cores; no six at once).
def test_without_a_broker_two_api_processes_run_a_stored_schedule_once_per_period(tmp_path: Path) -> None:
    """GIVEN two `azs serve` processes on one PostgreSQL schema and no broker (each runs jobs in its own pool and
    ticks its own scheduler) and a report stored to run every 10 s (the shortest period allowed) WHEN three
    periods have passed THEN each period has one job, run once (one attempt, one log line in one of the two
    processes), no period is skipped, and each run's file was written."""
    schema = _pg_schema_url()
    database_url = next(schema)
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT / "src"), "AZS_DATABASE_URL": database_url}
    for name in ("AZS_BROKER_URL", "AZS_CACHE_URL"):
        env.pop(name, None)
    ports = {"api-a": free_port(), "api-b": free_port()}
    try:
        with azs_processes(tmp_path, env) as procs:
            for name, port in ports.items():
                procs.start(name, "serve", "--port", str(port))
            for port in ports.values():
                procs.wait(partial(procs.serving, port), 120, f"the API on :{port}")
            svc = Services(Settings(data_dir=tmp_path / "setup", database_url=database_url, embeddings="none"))
            try:
                svc.scheduled_reports.register("test", NO_BROKER_SCHEDULE, MIN_EVERY_S, ["инциденты по регионам"],
                                               "csv", tmp_path / "reports")

                def jobs() -> list[Job]:
                    return [j for j in svc.jobs.list(kind=REPORT_JOB, limit=100)[1] if j.created_by == "scheduler"]

                procs.wait(lambda: sum(j.status == "done" for j in jobs()) >= 3, 60, "three periods' reports")
                svc.schedules.remove("test", NO_BROKER_SCHEDULE)
                time.sleep(1.5)  # a job queued just before the removal finishes
                done = jobs()
            finally:
                svc.close()
            pids = {str(procs.procs[name][0].pid) for name in ports}
            runs = [line for name in ports for line in procs.log_lines(name)
                    if f"отчёт по расписанию «{NO_BROKER_SCHEDULE}»" in line.get("message", "")]
    finally:
        next(schema, None)  # drops the schema
    slots = sorted(j.payload["slot"] for j in done)
    assert len(slots) >= 3 and slots == list(range(slots[0], slots[0] + len(slots))), slots  # one per period
    assert all(j.status == "done" and j.attempts == 1 for j in done), [(j.status, j.attempts) for j in done]
    assert all((j.worker or "").split(":")[1] in pids and (j.worker or "").endswith(":pool") for j in done), \
        [j.worker for j in done]  # the API processes' own pools: no worker process exists
    assert sorted(line["job_id"] for line in runs) == sorted(j.id for j in done), (runs, [j.id for j in done])
    written = [Path(path) for j in done for path in j.result["written"]]
    assert len(written) == len(done) and all(path.is_file() for path in written), written


def _upload(client: httpx.Client, name: str, text: str) -> str:
    resp = client.post("/api/v1/documents", files=[("files", (name, text.encode(), "text/markdown"))])
    assert resp.status_code == 202, resp.text
    return str(resp.json()["job_id"])


def _ask(client: httpx.Client, question: str) -> dict[str, Any]:
    resp = client.post("/api/v1/ask", json={"question": question})
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def _cites(answer: dict[str, Any], source: str) -> bool:
    return any(c.get("source") == source for c in answer["citations"])


def _citing(answer: dict[str, Any], source: str) -> dict[str, Any] | None:
    return answer if _cites(answer, source) else None


def test_a_document_uploaded_on_one_replica_is_answerable_on_the_other_and_its_deletion_reaches_both(
        cluster: Cluster, record_property: Callable[[str, object], None]) -> None:
    """GIVEN two API replicas and two workers WHEN a document is uploaded on A THEN a worker ingests it and B
    cites it within seconds; WHEN it is deleted on B THEN A no longer cites it."""
    a, b = cluster.clients
    question = "Какой размен оставляют в кассе на начало смены?"
    assert not _cites(_ask(b, question), "uploads/razmen.md")  # B has built its index before the upload
    started = time.monotonic()
    job_id = _upload(a, "razmen.md", "# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен "
                                    "47 500 тенге купюрами по 500 и 1000.\n")
    job = wait_for(lambda: (j := b.get(f"/api/v1/jobs/{job_id}").json())["status"] in ("done", "dead") and j,
                   60, "the upload job")
    assert job["status"] == "done" and job["result"][0]["status"] == "added", job
    assert (job["worker"] or "").endswith(":worker"), job["worker"]  # an `azs worker`, not the API process
    answer = wait_for(lambda: _citing(_ask(b, question), "uploads/razmen.md"), 10, "replica B to cite the upload")
    assert "47 500" in answer["answer_text"]
    visible_after = time.monotonic() - started
    record_property("upload_on_a_to_answer_on_b_s", round(visible_after, 2))
    assert visible_after < 30, visible_after  # upload → worker → answer on the other replica: seconds

    def found_on_a() -> bool:  # search is not cached: this is replica A's own index
        hits = a.get("/api/v1/search", params={"q": "размен 47 500 купюрами"}).json()["results"]
        return any(h["source"] == "uploads/razmen.md" for h in hits)

    assert found_on_a()
    listed = b.get("/api/v1/documents").json()
    doc_id = next(d["id"] for d in listed["items"] if d["source"] == "uploads/razmen.md")
    assert b.delete(f"/api/v1/documents/{doc_id}").status_code == 204
    after = _ask(a, question)
    assert not _cites(after, "uploads/razmen.md") and "47 500" not in after["answer_text"], after
    assert not found_on_a()


def test_the_answer_cache_is_shared_by_the_replicas(cluster: Cluster) -> None:
    """GIVEN a question answered on A WHEN the same question is asked on B THEN B answers from the cache."""
    a, b = cluster.clients
    job_id = _upload(a, "ogon.md", "# Огнетушители\n\nОгнетушитель ОП-5 проверяют раз в месяц и записывают "
                                   "в журнал пожарной безопасности.\n")
    wait_for(lambda: a.get(f"/api/v1/jobs/{job_id}").json()["status"] == "done", 60, "the upload job")
    question = "Как часто проверяют огнетушитель ОП-5?"
    first = _ask(a, question)
    assert _cites(first, "uploads/ogon.md") and first["cached"] is False, first
    again = _ask(b, question)
    assert again["cached"] is True and again["answer"] == first["answer"], again


def test_the_complaint_limit_holds_across_both_replicas(cluster: Cluster) -> None:
    """GIVEN a limit of 4 complaints a minute per address WHEN one address sends 8 alternately to A and B
    THEN exactly 4 are accepted and every later one is refused with 429, whichever replica gets it."""
    a, b = cluster.clients
    statuses = [client.post("/api/v1/tickets", json={"text": f"Грязно в туалете на колонке {n}"}).status_code
                for n, client in enumerate((a, b) * 4)]
    assert statuses == [201] * TICKETS_PER_MINUTE + [429] * 4, statuses
    refused = a.post("/api/v1/tickets", json={"text": "ещё одна жалоба"})
    assert refused.status_code == 429 and "Слишком много обращений" in refused.json()["error"]["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 61


def _login(base: str, username: str, password: str) -> httpx.Response:
    return httpx.post(f"{base}/login", data={"username": username, "password": password, "next": "/"},
                      follow_redirects=False, timeout=30)


def test_sign_in_throttling_counts_failures_made_on_either_replica(cluster: Cluster) -> None:
    """GIVEN five wrong passwords for one account from one address, split over A and B WHEN the right one is
    sent to either replica THEN it is refused (the count is shared), while another account still gets in."""
    a, b = cluster.clients
    bases = [str(a.base_url).rstrip("/"), str(b.base_url).rstrip("/")]
    for n in range(5):
        assert _login(bases[n % 2], "kassir.ivanova", "wrong-password").status_code == 401
    for base in bases:
        refused = _login(base, "kassir.ivanova", PASSWORD)
        assert refused.status_code == 401 and "Слишком много неудачных попыток" in refused.text
    assert _login(bases[1], "kassir.petrov", PASSWORD).status_code == 303


def test_a_session_opened_on_one_replica_works_on_the_other_with_its_csrf_token(cluster: Cluster) -> None:
    """GIVEN a sign-in on A WHEN the session cookie is sent to B THEN B knows the person, refuses a write
    without the session's CSRF token and accepts it with the token A issued."""
    a, b = cluster.clients
    signed_in = _login(str(a.base_url).rstrip("/"), "kassir.petrov", PASSWORD)
    assert signed_in.status_code == 303
    cookies = dict(signed_in.cookies)
    page = httpx.get(f"{str(a.base_url).rstrip('/')}/", cookies=cookies, timeout=30)
    csrf = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    other = str(b.base_url).rstrip("/")
    assert httpx.get(f"{other}/api/v1/conversations", cookies=cookies, timeout=30).status_code == 200
    body = {"question": "Как часто проверяют огнетушитель?"}
    assert httpx.post(f"{other}/api/v1/ask", json=body, cookies=cookies, timeout=30).status_code == 403
    asked = httpx.post(f"{other}/api/v1/ask", json=body, cookies=cookies, headers={"X-CSRF-Token": csrf}, timeout=30)
    assert asked.status_code == 200, asked.text


def test_a_stored_schedule_runs_once_per_period_with_two_workers(cluster: Cluster) -> None:
    """GIVEN a report stored to run every 10 s and two workers ticking WHEN two periods have passed THEN each
    period has one job, run once (one attempt, one worker's log line), and both together ran no more."""
    a, _ = cluster.clients

    def report_jobs() -> list[dict[str, Any]]:
        items = a.get("/api/v1/jobs", params={"kind": "reports.scheduled", "limit": 100}).json()["items"]
        return [j for j in items if j["created_by"] == "scheduler"]

    wait_for(lambda: sum(j["status"] == "done" for j in report_jobs()) >= 2, 40, "two periods' reports")
    assert a.delete(f"/api/v1/jobs/schedules/{SCHEDULE}").status_code == 204
    time.sleep(1.5)  # a job queued just before the removal finishes
    jobs = report_jobs()
    assert jobs and all(j["status"] == "done" and j["attempts"] == 1 for j in jobs), jobs
    runs = [line for name in ("worker-1", "worker-2") for line in cluster.procs.log_lines(name)
            if f"отчёт по расписанию «{SCHEDULE}»" in line.get("message", "")]
    assert sorted(line["job_id"] for line in runs) == sorted(j["id"] for j in jobs), (runs, jobs)
    notify = a.get("/api/v1/jobs", params={"kind": "tickets.notify", "limit": 100}).json()["items"]
    assert len(notify) >= 2 and all(j["attempts"] == 1 for j in notify)
    # with a broker the API replicas queue nothing: each period's job came from a worker's scheduler
    assert not any("по расписанию" in line.get("message", "") for name in ("api-a", "api-b")
                   for line in cluster.procs.log_lines(name))
