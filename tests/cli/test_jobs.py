"""`azs ingest --json/--quiet`, `azs jobs list|show|retry|cancel` and `azs worker` without a broker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.cli.conftest import Azs
from tests.conftest import ROOT

GUIDE = "# Пролив\n\n## Крупный пролив\n- Нажать аварийную кнопку.\n- Позвонить 112.\n"


def test_ingest_json_and_quiet_for_scripts(azs: Azs, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "proliv.md").write_text(GUIDE, encoding="utf-8")
    (kb / "bad.pdf").write_bytes(b"%PDF-broken")
    out = azs("ingest", "--json", str(kb))
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["files"] == 2 and report["counts"] == {"added": 1, "failed": 1} and report["passages"] >= 1
    assert {r["source"]: r["status"] for r in report["results"]} == {"proliv.md": "added", "bad.pdf": "failed"}
    quiet = azs("ingest", "--quiet", str(kb / "proliv.md"))
    assert quiet.exit_code == 0 and quiet.stdout == ""  # unchanged, nothing to say
    failing = azs("ingest", "-q", str(kb / "bad.pdf"))
    assert failing.exit_code == 3 and "bad.pdf" in failing.stderr and failing.stdout == ""


def test_jobs_list_show_retry_and_cancel(azs: Azs, tmp_path: Path) -> None:
    svc = Services(Settings(data_dir=tmp_path / "data", embeddings="none"))
    try:
        dead = svc.jobs.enqueue("incidents.sync", max_attempts=1, dispatch=False)
        claim = svc.jobs.claim(dead.id, "w")
        assert claim is not None and svc.jobs.fail(claim, "Oracle недоступен") == "dead"
        queued = svc.jobs.enqueue("documents.upload", dispatch=False)
    finally:
        svc.close()
    listed = azs("jobs", "list", "--status", "dead")
    assert listed.exit_code == 0 and dead.id in listed.stdout and "Oracle недоступен" in listed.stdout
    assert queued.id not in listed.stdout
    as_json = json.loads(azs("jobs", "list", "--json").stdout)
    assert as_json["total"] == 2 and {j["status"] for j in as_json["items"]} == {"dead", "queued"}
    assert json.loads(azs("jobs", "show", dead.id).stdout)["error"] == "Oracle недоступен"
    assert "снова в очереди" in azs("jobs", "retry", dead.id).stdout
    assert azs("jobs", "cancel", queued.id).exit_code == 0
    again = azs("jobs", "cancel", queued.id)
    assert again.exit_code == 5 and "отменено" in again.output
    assert azs("jobs", "show", "0" * 32).exit_code == 4
    assert azs("jobs", "list", "--status", "lost").exit_code == 2


def test_worker_without_a_broker_runs_queued_jobs_and_stops_on_sigterm(tmp_path: Path) -> None:
    """GIVEN an upload stored while no server ran WHEN `azs worker` starts (no broker) THEN it ingests it,
    and SIGTERM stops the worker cleanly."""
    data = tmp_path / "data"
    svc = Services(Settings(data_dir=data, embeddings="none"))
    try:
        from tests.factories import principal

        job = svc.documents.submit(principal("admin"), [("proliv.md", GUIDE.encode())])
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "AZS_EMBEDDINGS": "none", "AZS_LOG_FORMAT": "json",
               "AZS_JOB_SWEEP_S": "0.5"}
        env.pop("AZS_BROKER_URL", None)
        worker = subprocess.Popen([sys.executable, "-m", "azs_assistant.cli", "--data-dir", str(data), "worker"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 90
            while svc.jobs.get(job.id).status != "done":
                assert worker.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        finally:
            worker.send_signal(signal.SIGTERM)
            output = worker.communicate(timeout=30)[0].decode()
        assert worker.returncode == 0, output
        assert "без брокера" in output
        assert any(json.loads(line).get("job_id") == job.id for line in output.splitlines() if line.startswith("{"))
        assert svc.jobs.get(job.id).result[0]["status"] == "added"
    finally:
        svc.close()


def test_jobs_list_shows_the_chain_s_clock_and_leaves_out_the_notifier_s_runs(azs: Azs, tmp_path: Path) -> None:
    """An IT walk: `jobs list` said 19:54 (UTC, unsaid) for what the audit page showed as 00:54 in Almaty, and its
    50 rows were all the notifier's runs (one every 10 s), which the page leaves out."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import update

    from azs_assistant.storage.models import Job

    svc = Services(Settings(data_dir=tmp_path / "data", embeddings="none"))
    try:
        upload = svc.jobs.enqueue("documents.upload", dispatch=False)
        routine = svc.jobs.enqueue("tickets.notify", dispatch=False)
        claim = svc.jobs.claim(routine.id, "w")
        assert claim is not None and svc.jobs.complete(claim, {})
        made = datetime(2026, 12, 5, 19, 54, tzinfo=UTC)
        with svc.db.session() as s:
            s.execute(update(Job).where(Job.id == upload.id).values(created_at=made))
        zone = svc.settings.timezone
    finally:
        svc.close()
    listed = azs("jobs", "list").stdout
    assert upload.id in listed and routine.id not in listed and "tickets.notify не показаны" in listed
    assert made.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M") in listed
    assert routine.id in azs("jobs", "list", "--kind", "tickets.notify").stdout
