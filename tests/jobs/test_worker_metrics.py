"""`azs worker --metrics-port`: the worker's own figures (its jobs, OCR pages, ingestion) for Prometheus,
behind the same AZS_METRICS_TOKEN bearer as the API's /metrics. A real `azs worker` process takes an
upload from the database (the in-process pool; with RabbitMQ installed, also from a private broker),
and the test scrapes its port."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.brokers import free_port, private_rabbitmq
from tests.conftest import ROOT
from tests.factories import principal
from tests.jobs.test_broker import scan, wait_for

TOKEN = "worker-metrics-token"
ENV = {"AZS_EMBEDDINGS": "none", "AZS_JOB_WORKERS": "1", "AZS_JOB_SWEEP_S": "0.5", "AZS_OCR_SECOND_PASS": "",
       "AZS_OCR_LINE_READER": "false", "AZS_LOG_LEVEL": "info"}

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(port: int, token: str | None = TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"http://127.0.0.1:{port}/metrics", headers=headers, timeout=5)


def samples(port: int) -> Samples:
    resp = scrape(port)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(resp.text) for s in family.samples}


def value(found: Samples, name: str, **labels: str) -> float:
    return float(found.get((name, tuple(sorted(labels.items()))), 0.0))


def stage_count(found: Samples) -> float:
    return sum(v for (name, _), v in found.items() if name == "azs_ocr_stage_duration_seconds_count")


def start_worker(tmp: Path, database_url: str, port: int, broker_url: str | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT / "src"), "AZS_DATABASE_URL": database_url,
           "AZS_METRICS_TOKEN": "env:AZS_TEST_WORKER_TOKEN", "AZS_TEST_WORKER_TOKEN": TOKEN,
           "AZS_WORKER_METRICS_HOST": "127.0.0.1"}
    env.pop("AZS_BROKER_URL", None)
    if broker_url:
        env["AZS_BROKER_URL"] = broker_url
    log = (tmp / "worker.log").open("wb")
    return subprocess.Popen([sys.executable, "-m", "azs_assistant.cli", "--data-dir", str(tmp / "worker"), "worker",
                             "--metrics-port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture(params=["pool", pytest.param("rabbitmq", marks=pytest.mark.slow)])
def broker_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    if request.param == "pool":
        yield None
        return
    with private_rabbitmq(tmp_path_factory.mktemp("rabbit")) as node:
        yield node.url


@pytest.mark.slow  # about 14 s: a worker process starts, and Tesseract reads the page
def test_a_worker_serves_its_job_and_ocr_figures_only_with_the_token(tmp_path: Path, broker_url: str | None) -> None:
    """GIVEN a running `azs worker --metrics-port` WHEN it ingests a scanned page THEN its /metrics shows the
    job done, the OCR page and the stored file, and answers 401 without the token or with a wrong one."""
    database_url, port = f"sqlite:///{tmp_path / 'azs.db'}", free_port()
    svc = Services(Settings(data_dir=tmp_path / "api", database_url=database_url, broker_url=broker_url,
                            **{k[4:].lower(): v for k, v in ENV.items() if k != "AZS_LOG_LEVEL"}))
    svc.db.migrate()
    worker = start_worker(tmp_path, database_url, port, broker_url)
    try:
        def serving() -> bool:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text("utf-8", "replace")
            try:
                return scrape(port, None).status_code == 401
            except httpx.TransportError:
                return False

        wait_for(serving, 120)
        wrong = scrape(port, "nope")
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        assert "AZS_METRICS_TOKEN" in wrong.text
        before = samples(port)
        job = svc.documents.submit(principal("admin", name="admin-1"), [("prikaz_7.png", scan("ПРИКАЗ № 7"))])
        wait_for(lambda: svc.jobs.get(job.id).status in ("done", "dead"), 180)
        assert svc.jobs.get(job.id).status == "done", svc.jobs.get(job.id).error
        wait_for(lambda: value(samples(port), "azs_job_runs_total", kind=job.kind, outcome="done")
                 > value(before, "azs_job_runs_total", kind=job.kind, outcome="done"), 10)
        after = samples(port)
        assert value(after, "azs_job_duration_seconds_count", kind=job.kind) == \
            value(before, "azs_job_duration_seconds_count", kind=job.kind) + 1
        assert value(after, "azs_ocr_pages_total", quality="ok") == \
            value(before, "azs_ocr_pages_total", quality="ok") + 1
        assert stage_count(after) > stage_count(before)  # time per OCR stage observed
        assert value(after, "azs_ingested_documents_total", status="added") == \
            value(before, "azs_ingested_documents_total", status="added") + 1
        assert value(after, "azs_ingested_bytes_total") > value(before, "azs_ingested_bytes_total")
        # the worker's endpoint holds its own counters only: the state gauges come from the API's /metrics
        assert not any(name == "azs_tickets" for name, _ in after)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        svc.close()


def test_a_worker_refuses_a_metrics_port_without_a_token(tmp_path: Path) -> None:
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT / "src"), "AZS_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    env.pop("AZS_METRICS_TOKEN", None)
    env.pop("AZS_BROKER_URL", None)
    done = subprocess.run([sys.executable, "-m", "azs_assistant.cli", "--data-dir", str(tmp_path), "worker",
                           "--metrics-port", "0"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "AZS_METRICS_TOKEN" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_the_worker_endpoint_serves_metrics_only() -> None:
    from azs_assistant import metrics

    server = metrics.serve("127.0.0.1", 0, TOKEN)
    try:
        resp = httpx.get(f"http://127.0.0.1:{server.server_port}/other",
                         headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
        assert resp.status_code == 404
        assert "azs_job_runs" in scrape(server.server_port).text
    finally:
        server.shutdown()
