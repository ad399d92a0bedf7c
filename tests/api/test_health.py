"""Liveness says only that the process answers; readiness asks the database, the broker and Tesseract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.brokers import free_port


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    services = Services(Settings(data_dir=tmp_path, embeddings="none"))
    yield services
    services.close()


def test_live_and_ready_without_a_broker(svc: Services) -> None:
    with TestClient(create_app(svc, background=False)) as client:
        assert client.get("/api/v1/health/live").json() == {"status": "ok"}
        ready = client.get("/api/v1/health/ready")
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["status"] == "ok" and body["message"] == "Сервис готов к работе."
    assert {c["name"]: c["ok"] for c in body["checks"]} == {"database": True, "ocr": True}


def test_a_broker_that_does_not_answer_makes_the_replica_unready_but_alive(tmp_path: Path) -> None:
    """GIVEN AZS_BROKER_URL pointing at a port where no broker listens WHEN the probes ask THEN liveness is
    200 (a restart would not help) and readiness 503, naming the broker in Russian."""
    url = f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F"
    svc = Services(Settings(data_dir=tmp_path, embeddings="none", broker_url=url, ocr=False))
    try:
        with TestClient(create_app(svc, background=False)) as client:
            assert client.get("/api/v1/health/live").status_code == 200
            ready = client.get("/api/v1/health/ready")
    finally:
        svc.close()
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "unavailable" and "брокер заданий" in body["message"]
    checks = {c["name"]: c for c in body["checks"]}
    assert checks["database"]["ok"] and not checks["broker"]["ok"] and checks["broker"]["error"]
    assert "ocr" not in checks  # OCR off: Tesseract is not needed, not asked


def test_why_a_part_is_down_is_said_in_the_readers_language_where_the_project_says_it() -> None:
    """The jobs page showed «Нет языковых данных Tesseract…» on its English and Kazakh pages: a check that fails on
    the project's own error keeps its text in ru, kk and en; a driver's exception stays as it was raised."""
    from azs_assistant.errors import InvalidInput
    from azs_assistant.readiness import _timed

    def missing() -> None:
        raise InvalidInput("Нет языковых данных Tesseract: xyz.", "Missing Tesseract languages: xyz.",
                           message_kk="Tesseract тіл деректері жоқ: xyz.")

    def refused() -> None:
        raise ConnectionRefusedError("connection refused")

    check = _timed("ocr", missing)
    assert not check.ok and check.error == "Нет языковых данных Tesseract: xyz."  # the probe's answer stays Russian
    assert check.error_in("en") == "Missing Tesseract languages: xyz."
    assert check.error_in("kk") == "Tesseract тіл деректері жоқ: xyz."
    driver = _timed("database", refused)
    assert driver.error_in("en") == driver.error == "ConnectionRefusedError: connection refused"

    def silent() -> None:
        raise ConnectionError()  # pika's AMQPConnectionError has no text

    assert _timed("broker", silent).error == "ConnectionError: нет соединения"
