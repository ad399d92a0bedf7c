"""``GET /metrics``: only with the AZS_METRICS_TOKEN bearer, Prometheus text, and figures that move with what
the app does (requests by route template, answers by mode, uploads, tickets, SLA breaches, sync lag)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from azs_assistant import metrics
from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.storage.models import IncidentSync, Ticket, utcnow
from tests import factories
from tests.conftest import authorize

TOKEN = "s3cret-metrics-token"
GUIDE = "# Колонка\n\nЕсли колонка не отвечает, перезагрузите контроллер ТРК кнопкой RESET.\n".encode()


@pytest.fixture
def svc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    monkeypatch.setenv("AZS_TEST_METRICS_TOKEN", TOKEN)
    services = Services(Settings(data_dir=tmp_path, embeddings="none", metrics_token="env:AZS_TEST_METRICS_TOKEN"))
    yield services
    services.close()


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    resp = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(resp.text) for s in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:  # type: ignore[type-arg]
    return float(samples.get((name, tuple(sorted(labels.items()))), 0.0))


def test_metrics_need_the_bearer_token(svc: Services) -> None:
    with TestClient(create_app(svc, background=False)) as client:
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
        assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_no_token_configured_means_no_metrics(tmp_path: Path) -> None:
    services = Services(Settings(data_dir=tmp_path, embeddings="none"))
    try:
        with TestClient(create_app(services, background=False)) as client:
            assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    finally:
        services.close()


def test_figures_follow_requests_answers_uploads_tickets_and_syncs(svc: Services) -> None:
    """GIVEN a running app WHEN documents are uploaded, questions asked, tickets fall overdue and a sync fails
    THEN each shows in the exposition under its azs_ name, requests under their route template."""
    with TestClient(create_app(svc, background=False)) as client:
        authorize(client, svc)
        before = scrape(client)
        upload = client.post("/api/v1/documents?wait=true", files=[("files", ("kolonka.md", GUIDE, "text/markdown"))])
        assert upload.is_success
        assert client.get("/api/v1/documents/987654").status_code == 404
        answered = client.post("/api/v1/ask", json={"question": "что делать если колонка не отвечает?"}).json()
        declined = client.post("/api/v1/ask", json={"question": "какая зарплата у директора?"}).json()
        assert not answered["abstained"] and declined["abstained"]
        late = factories.ticket(svc, "Колонка 3 не работает, чек не выдали")
        with svc.db.session() as s:
            s.get(Ticket, late.id).due_at = utcnow() - timedelta(hours=1)
            s.add(IncidentSync(source="oracle-main", rows_total=0, last_run_at=utcnow() - timedelta(minutes=30),
                               last_status="error: OperationalError"))
        after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("azs_http_requests_total", method="GET", route="/api/v1/documents/{document_id}", status="404") == 1
    assert delta("azs_http_request_duration_seconds_count", method="POST", route="/api/v1/ask") == 2
    assert delta("azs_answers_total", mode="extractive") == 1 and delta("azs_answers_total", mode="declined") == 1
    assert delta("azs_ingested_documents_total", status="added") == 1
    assert delta("azs_ingested_bytes_total") == len(GUIDE)
    assert value(after, "azs_tickets", status="new") == 1 and value(after, "azs_tickets", status="closed") == 0
    urgency = svc.tickets.get(late.number).urgency
    assert value(after, "azs_tickets_sla_breached", urgency=urgency) == 1
    assert 1790 <= value(after, "azs_incident_sync_lag_seconds", source="oracle-main") <= 1900
    assert value(after, "azs_incident_sync_failing", source="oracle-main") == 1
    # the upload ran as a job: the queue's gauges come from the jobs table
    assert sum(v for (name, labels), v in after.items() if name == "azs_jobs" and dict(labels)["state"] == "done") >= 1
    exported = {name for name, _ in after}
    assert all(name.startswith("azs_") for name in exported)
    assert exported <= metrics.names()


def test_job_gauges_come_from_the_registered_hook() -> None:
    """The job queue (issue 24) plugs in through StateSources.jobs; a failing source drops only its gauges."""
    def broken() -> dict[str, int]:
        raise RuntimeError("database down")

    metrics.register_state(metrics.StateSources(
        tickets_by_status=broken,
        jobs=lambda: [metrics.JobCount("ingest", "queued", 3, 42.0), metrics.JobCount("ocr", "failed", 1)]))
    families = {f.name: f for f in text_string_to_metric_families(metrics.exposition().decode())}
    assert "azs_tickets" not in families
    jobs = {tuple(sorted(s.labels.items())): s.value for s in families["azs_jobs"].samples}
    assert jobs[(("kind", "ingest"), ("state", "queued"))] == 3
    assert families["azs_jobs_oldest_queued_age_seconds"].samples[0].value == 42.0
