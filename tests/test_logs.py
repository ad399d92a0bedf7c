"""Structured logs: one request's lines all carry its id, concurrent requests keep theirs apart, JSON
lines parse one by one, a hostile X-Request-ID is replaced, background jobs and commands get ids too."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from fastapi.testclient import TestClient
from starlette.concurrency import run_in_threadpool
from typer.testing import CliRunner

from azs_assistant import logs
from azs_assistant.api.app import create_app
from azs_assistant.api.middleware import RequestId
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.tickets.notify import Notifier
from tests.conftest import authorize

probe_log = logging.getLogger("azs.test.probe")
Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Each test's logging set-up is undone after it."""
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in logs.PROJECT_LOGGERS}
    yield
    logs.reset()
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def json_lines(capsys: pytest.CaptureFixture[str]) -> Lines:
    """Logging as the server sets it up with AZS_LOG_FORMAT=json; returns a reader of the stderr lines
    written since the last read, each parsed as JSON (a line that does not parse fails the test)."""
    logs.configure("INFO", "json")
    capsys.readouterr()

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]

    return read


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    services = Services(Settings(data_dir=tmp_path, embeddings="none"))
    yield services
    services.close()


def test_every_line_of_a_request_carries_the_id_of_its_response(svc: Services, json_lines: Lines) -> None:
    """GIVEN an upload, whose parsing is logged from the thread pool WHEN it is served THEN its lines, the
    access line included, carry the id sent back in X-Request-ID, and the access line names the user.
    (No background pool: its periodic jobs' lines carry their own job ids, not this request's.)"""
    with TestClient(create_app(svc, background=False)) as client:
        authorize(client, svc)
        json_lines()
        smena = ("smena.md", "# Смена\n\nРазмен 40 000.".encode(), "text/markdown")
        resp = client.post("/api/v1/documents?wait=true", files=[("files", smena)])
        lines = json_lines()
    assert resp.status_code == 200, resp.text
    request_id = resp.headers["x-request-id"]
    assert len(request_id) == 32
    assert {line["logger"] for line in lines} >= {"azs.access", "azs_assistant.documents.sandbox"}
    assert all(line.get("request_id") == request_id for line in lines), lines
    access = next(line for line in lines if line["logger"] == "azs.access")
    assert access["method"] == "POST" and access["path"] == "/api/v1/documents" and access["status"] == 200
    assert access["user"] == "key:test" and access["duration_ms"] >= 0


def test_a_sane_incoming_id_is_kept_and_each_request_gets_its_own(svc: Services, json_lines: Lines) -> None:
    with TestClient(create_app(svc)) as client:
        kept = client.get("/api/v1/health", headers={"X-Request-ID": "lb-7f3a.2026:12"})
        first, second = client.get("/api/v1/health"), client.get("/api/v1/health")
    assert kept.headers["x-request-id"] == "lb-7f3a.2026:12"
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    access = [line for line in json_lines() if line["logger"] == "azs.access"]
    assert [line["request_id"] for line in access[-3:]] == [
        "lb-7f3a.2026:12", first.headers["x-request-id"], second.headers["x-request-id"]]
    assert "user" not in access[-1]  # nobody signed in


@pytest.mark.parametrize("hostile", [b"abc\r\nINFO forged line", b"a" * 1024, b"<script>", b""])
def test_a_hostile_incoming_id_is_replaced(hostile: bytes, json_lines: Lines) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        probe_log.warning("inside")
        await send({"type": "http.response.start", "status": 204, "headers": [(b"x-request-id", b"app's own")]})
        await send({"type": "http.response.body", "body": b""})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": "/x", "headers": [(b"x-request-id", hostile)]}
    asyncio.run(RequestId(app)(scope, receive, send))
    headers = [value for name, value in sent[0]["headers"] if name == b"x-request-id"]
    assert len(headers) == 1 and headers[0] != hostile and len(headers[0]) == 32
    lines = json_lines()
    assert [line["request_id"] for line in lines] == [headers[0].decode()] * 2


def test_two_concurrent_requests_keep_their_ids_apart(svc: Services, json_lines: Lines) -> None:
    """GIVEN two requests in flight at once, each logging before, during (in a thread) and after waiting
    for the other THEN every line names its own request."""
    app = create_app(svc)
    started = {"alpha": asyncio.Event(), "beta": asyncio.Event()}

    async def probe(name: str) -> dict[str, str]:
        probe_log.warning("start %s", name)
        started[name].set()
        await started["beta" if name == "alpha" else "alpha"].wait()
        await run_in_threadpool(probe_log.warning, "thread %s", name)
        await asyncio.sleep(0.01)
        probe_log.warning("end %s", name)
        return {"name": name}

    app.add_api_route("/probe/{name}", probe)

    async def both() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return list(await asyncio.gather(*(client.get(f"/probe/{name}", headers={"X-Request-ID": f"{name}-1"})
                                               for name in ("alpha", "beta"))))

    responses = asyncio.run(both())
    assert [r.headers["x-request-id"] for r in responses] == ["alpha-1", "beta-1"]
    lines = [line for line in json_lines() if line["logger"] == "azs.test.probe"]
    assert len(lines) == 6
    assert [line["message"].split()[0] for line in lines[:2]] == ["start", "start"]  # they did overlap
    for line in lines:
        assert line["request_id"] == f"{line['message'].split()[1]}-1", line


def test_json_lines_stay_one_per_record(json_lines: Lines) -> None:
    """A message with newlines and an exception's traceback still make one JSON object per line."""
    with logs.bound(job_id="import-1", user="ops"):
        try:
            raise ValueError("bad\nvalue")
        except ValueError:
            probe_log.exception("two\nlines")
    (line,) = json_lines()
    assert line["message"] == "two\nlines" and "ValueError: bad" in line["exc_info"]
    assert line["job_id"] == "import-1" and line["user"] == "ops" and line["level"] == "ERROR"
    assert "request_id" not in line


def test_text_lines_name_the_context(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("WARNING", "text")
    with logs.bound(request_id="r-1", user="ops"):
        probe_log.warning("hello")
    probe_log.warning("bare")
    first, second = capsys.readouterr().err.splitlines()
    assert first.endswith("WARNING azs.test.probe [req=r-1 user=ops] hello")
    assert second.endswith("WARNING azs.test.probe bare")


def test_the_notifier_gives_each_run_its_own_job_id(tmp_path: Path, json_lines: Lines) -> None:
    notifier = Notifier(None, Settings(data_dir=tmp_path, notify_interval_s=0.01), lambda: None)  # type: ignore[arg-type]
    runs: list[int] = []

    def run_once(now: Any = None) -> dict[str, int]:
        probe_log.warning("run %s", len(runs))
        runs.append(1)
        return {}

    notifier.run_once = run_once  # type: ignore[method-assign]
    notifier.start()
    deadline = time.monotonic() + 5
    while len(runs) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    notifier.stop()
    lines = [line for line in json_lines() if line["logger"] == "azs.test.probe"]
    assert len(lines) >= 2
    ids = [line["job_id"] for line in lines]
    assert all(i.startswith("notify-") for i in ids) and len(set(ids)) == len(ids)
    assert all("request_id" not in line for line in lines)


def test_an_azs_command_logs_under_its_own_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each `azs` invocation binds a fresh request id, and releases it when the command ends."""
    from azs_assistant import cli
    from azs_assistant.cli import documents

    seen: list[str | None] = []

    def services(ctx: typer.Context) -> None:
        seen.append(logs.request_id.get())
        raise typer.Exit(0)

    monkeypatch.setattr(documents, "services", services)
    for _ in range(2):
        CliRunner().invoke(cli.app, ["--data-dir", str(tmp_path), "documents", "list"])
    assert len(seen) == 2 and all(seen) and seen[0] != seen[1]
    assert logs.request_id.get() is None


def test_a_service_that_is_down_is_said_once_not_every_few_seconds(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """With RabbitMQ stopped a worker wrote 555 lines in 25 s: pika's seven ERROR lines and a traceback per
    attempt, Dramatiq's consumers every 3 s, and ours every sweep. GIVEN the broker's port closed WHEN jobs are
    submitted and swept THEN the project says once that it is down (and once that it is back), pika says
    nothing, and a repeated library line passes once."""
    logs.configure("INFO", "text")
    capsys.readouterr()
    svc = Services(Settings(data_dir=tmp_path, embeddings="none", broker_url="amqp://guest:guest@127.0.0.1:9/"))
    try:
        queue = svc.job_runner
        for _ in range(3):
            svc.jobs.enqueue("notify", {})  # handed to the broker at once
            queue.sweep()
        for _ in range(5):
            logging.getLogger("dramatiq.worker.ConsumerThread(azs_jobs)").critical("Consumer encountered an error")
        logged = capsys.readouterr().err
        assert logged.count("брокер недоступен") == 1, logged
        assert "pika" not in logged and "Traceback" not in logged, logged
        assert logged.count("Consumer encountered an error") == 1, logged
        library = logging.getLogger("thirdparty.server")  # (not uvicorn.error: a server test may stop its propagation)
        for _ in range(2):  # a traceback always passes; a library's bad arguments do not raise into it
            try:
                raise ValueError("сбой")
            except ValueError:
                library.exception("Exception in ASGI application")
        assert capsys.readouterr().err.count("Exception in ASGI application") == 2
        bad = logging.LogRecord("thirdparty.server", logging.WARNING, __file__, 1, "%s и %s", ("один",), None)
        assert logs._Repeats().filter(bad)  # left to the handler to report, as logging does
        queue._sent()  # the broker answers again
        assert "брокер снова доступен" in capsys.readouterr().err
    finally:
        svc.close()
