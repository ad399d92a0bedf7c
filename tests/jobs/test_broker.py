"""Jobs on a real queue: `azs worker` processes on a private RabbitMQ node and a shared database.

Faults, each with what the user sees and what is stored afterwards:
- a worker killed with ``kill -9`` in the middle of an OCR upload: the job runs again on the other worker
  within the lease + one sweep, resumes after the last finished file, and its result is stored once;
- the broker stopped: an upload is still accepted (202, the job stored in the database) and is ingested by a
  worker once the broker is back; nothing is lost.
"""

from __future__ import annotations

import io
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.storage.models import Document
from tests.brokers import AzsProcesses, RabbitNode, azs_processes, private_rabbitmq
from tests.conftest import PG_URL, ROOT, _pg_schema_url, authorize
from tests.factories import principal

pytestmark = pytest.mark.slow
LEASE_S, SWEEP_S = 3.0, 0.5
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ENV = {"AZS_EMBEDDINGS": "none", "AZS_JOB_LEASE_S": str(LEASE_S), "AZS_JOB_SWEEP_S": str(SWEEP_S),
       "AZS_JOB_WORKERS": "1", "AZS_OCR_SECOND_PASS": "", "AZS_OCR_LINE_READER": "false"}


def scan(title: str) -> bytes:
    """A scanned page (PNG) that only OCR can read: a couple of seconds of Tesseract each."""
    img = Image.new("RGB", (1700, 1100), "white")
    draw, font = ImageDraw.Draw(img), ImageFont.truetype(FONT, 34)
    lines = [title, "1. Инкассация проводится ежедневно в 11:00.", "2. Лимит наличных в кассе 250 000 тенге.",
             "3. При опоздании инкассатора звонить диспетчеру.", "4. Журнал инкассации ведёт старший кассир."]
    for i, line in enumerate(lines):
        draw.text((80, 80 + i * 60), line, fill="black", font=font)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def rabbit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitNode]:
    with private_rabbitmq(tmp_path_factory.mktemp("rabbit")) as node:
        yield node


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """PostgreSQL where the machine has it (what several workers share in production), else a SQLite file."""
    if PG_URL:
        yield from _pg_schema_url()
    else:
        yield f"sqlite:///{tmp_path / 'azs.db'}"


def wait_for(check: Callable[[], bool], timeout: float) -> None:
    """Poll ``check`` (a killed worker is expected here: no process is required to stay up)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.fixture
def workers(tmp_path: Path, database_url: str, rabbit: RabbitNode) -> Iterator[AzsProcesses]:
    """`azs worker` processes started by the test, logging JSON lines; all stopped afterwards."""
    env = {**os.environ, **ENV, "PYTHONPATH": str(ROOT / "src"), "AZS_DATABASE_URL": database_url,
           "AZS_BROKER_URL": rabbit.url, "AZS_LOG_FORMAT": "json", "AZS_LOG_LEVEL": "info"}
    with azs_processes(tmp_path, env) as running:
        yield running


def services(tmp_path: Path, database_url: str, broker_url: str) -> Services:
    return Services(Settings(data_dir=tmp_path / "api", database_url=database_url, broker_url=broker_url,
                             **{k[4:].lower(): v for k, v in ENV.items()}))


def test_a_worker_killed_mid_ocr_loses_nothing_and_its_job_runs_again_on_the_other(
        tmp_path: Path, database_url: str, rabbit: RabbitNode, workers: AzsProcesses) -> None:
    first, second = workers.start("a", "worker"), workers.start("b", "worker")
    workers.wait_workers("a", "b")
    svc = services(tmp_path, database_url, rabbit.url)
    try:
        files = [(f"prikaz_{n}.png", scan(f"ПРИКАЗ № {n} О ПОРЯДКЕ ИНКАССАЦИИ")) for n in range(1, 4)]
        job = svc.documents.submit(principal("admin", name="admin-1"), files)
        wait_for(lambda: (svc.jobs.get(job.id).progress or {}).get("done", 0) >= 1, 180)
        holder = svc.jobs.get(job.id)
        assert holder.status == "running" and holder.progress["done"] < 3, "the job ended before the kill"
        victim = int((holder.worker or "").split(":")[1])
        assert victim in (first, second)
        os.kill(victim, signal.SIGKILL)  # mid-OCR of the second file
        killed_at = time.monotonic()
        wait_for(lambda: svc.jobs.get(job.id).attempts == 2, 60)
        taken_up_after = time.monotonic() - killed_at
        # the redelivery bound (lease + sweep), with slack for a loaded 2-core machine's scheduling
        assert taken_up_after <= LEASE_S + SWEEP_S + 8, taken_up_after
        wait_for(lambda: svc.jobs.get(job.id).status == "done", 240)
        done = svc.jobs.get(job.id)
        survivor = second if victim == first else first
        assert done.worker is not None and done.worker.split(":")[1] == str(survivor)
        # stored once: three documents, each version 1, and the file finished before the kill not redone
        assert [(r["source"], r["status"]) for r in done.result] == [
            (f"uploads/prikaz_{n}.png", "added") for n in range(1, 4)]
        with svc.db.session() as s:
            docs = s.scalars(select(Document).order_by(Document.source)).all()
        assert [(d.source, d.version) for d in docs] == [(f"uploads/prikaz_{n}.png", 1) for n in range(1, 4)]
        assert svc.assistant.search("лимит наличных в кассе")
        lines = [line for line in workers.log_lines(workers.name_of(survivor))
                 if line.get("logger", "").startswith("azs.jobs") and job.id in json.dumps(line)]
        assert lines and all(line.get("job_id") == job.id for line in lines
                             if "пропущено" not in line["message"]), lines
    finally:
        svc.close()


def test_with_the_broker_stopped_an_upload_is_kept_and_ingested_when_it_is_back(
        tmp_path: Path, database_url: str, rabbit: RabbitNode, workers: AzsProcesses) -> None:
    svc = services(tmp_path, database_url, rabbit.url)
    rabbit.stop()
    try:
        with TestClient(create_app(svc, background=False)) as client:
            authorize(client, svc)
            started = time.monotonic()
            resp = client.post("/api/v1/documents", files=[("files", ("smena.md", "# Смена\n\nРазмен 40 000 тенге."
                                                                      .encode(), "text/markdown"))])
            assert resp.status_code == 202, resp.text
            assert time.monotonic() - started < 10  # refused connections fail fast, nothing hangs
        job_id = resp.json()["job_id"]
        stored = svc.jobs.get(job_id)
        assert stored.status == "queued" and stored.dispatched_at is None and svc.jobs.files(job_id)
        rabbit.start()
        workers.start("a", "worker")
        workers.wait_workers("a")
        wait_for(lambda: svc.jobs.get(job_id).status == "done", 120)
        assert svc.jobs.get(job_id).result[0]["status"] == "added"
        assert svc.documents.counts()[0] == 1
    finally:
        if rabbit.process is None:
            rabbit.start()
        svc.close()
