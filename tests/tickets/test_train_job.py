"""Retraining the complaint classifier as a background job: an admin queues it, a runner trains on the
corrected tickets, and every other process retrains too once it sees the stored generation move."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from azs_assistant import logs
from azs_assistant.cli import app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.tickets import service as tickets_service
from tests.jobs.test_pool import wait_for


@pytest.mark.slow  # three trainings of the classifier: each about 1 s alone, 15 s on a loaded 2-core machine
def test_an_admin_queues_retraining_and_every_replica_takes_the_new_model(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN an API replica whose classifier is trained and a person's correction stored after that WHEN an
    admin runs `azs tickets train --background` and a worker's pool runs the job THEN the job's result counts
    the correction, its lines carry the job id, and the replica retrains to the same version by itself."""
    monkeypatch.setattr(tickets_service, "CLASSIFIER_CHECK_S", 0.2)
    data = tmp_path / "data"
    settings = Settings(data_dir=data, embeddings="none", job_sweep_s=0.2)
    api, worker = Services(settings), Services(settings)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(logs.ContextFilter())
    try:
        ticket, _ = api.tickets.create("Хочу вернуть деньги за кофе, был холодный")  # trains the replica's model
        before = api.tickets.classifier.version
        api.tickets.relabel(ticket.number, actor="support", category="praise_or_suggestion", urgency="low")

        out = CliRunner().invoke(app, ["--data-dir", str(data), "tickets", "train", "--background", "--json"])
        assert out.exit_code == 0, out.output
        job_id = json.loads(out.output)["job_id"]
        assert api.jobs.get(job_id).status == "queued"  # queued, not trained by the command
        assert [(a.action, a.details["job"]) for a in api.access.audit_search(action="tickets.train")] == [
            ("tickets.train", job_id)]

        logging.getLogger().addHandler(handler)
        logging.getLogger("azs").setLevel(logging.INFO)
        worker.job_runner.start()
        wait_for(lambda: api.jobs.get(job_id).status == "done")
        result = api.jobs.get(job_id).result
        assert result["corrected_tickets"] == 1 and result["version"] != before

        wait_for(lambda: api.tickets.classifier.version == result["version"], timeout=20)
    finally:
        logging.getLogger().removeHandler(handler)
        worker.close()
        api.close()
    # the job's two lines carry its id; the replica's own retraining, outside any job, carries none
    job_lines = [r for r in records if r.name == "azs.tickets" and "другим процессом" not in r.getMessage()]
    assert len(job_lines) == 2 and all(getattr(r, "job_id", "") == job_id for r in job_lines)
    assert all(not getattr(r, "job_id", "") for r in records if "другим процессом" in r.getMessage())


def test_the_api_queues_retraining_as_a_job(tmp_path: Path) -> None:
    """GIVEN an admin WHEN they POST /tickets/train THEN 202 with the job's id and Location; the job is stored."""
    from fastapi.testclient import TestClient

    from azs_assistant.api.app import create_app
    from tests.conftest import authorize

    svc = Services(Settings(data_dir=tmp_path, embeddings="none"))
    try:
        with TestClient(create_app(svc, background=False)) as client:
            authorize(client, svc)
            resp = client.post("/api/v1/tickets/train")
            body = resp.json()
            assert resp.status_code == 202 and resp.headers["location"] == body["location"] == \
                f"/api/v1/jobs/{body['job_id']}"
            job = client.get(body["location"]).json()
            assert (job["kind"], job["status"]) == ("tickets.train", "queued")
    finally:
        svc.close()
