"""A PostgreSQL restart while requests are in flight: they fail with 503 and a Russian message (never a
500), readiness says the database is down, and the app recovers by itself once the server is back."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.brokers import private_postgres
from tests.conftest import authorize

pytestmark = pytest.mark.slow


def test_requests_during_a_postgres_restart_get_503_and_the_app_recovers(tmp_path: Path) -> None:
    with private_postgres() as pg:
        svc = Services(Settings(data_dir=tmp_path / "data", database_url=pg.url, embeddings="none", ocr=False))
        try:
            with TestClient(create_app(svc, background=False)) as client:
                authorize(client, svc)
                assert client.get("/api/v1/documents").status_code == 200
                seen: list[int] = []
                stop = threading.Event()

                def traffic() -> None:  # requests in flight across the restart
                    while not stop.is_set():
                        seen.append(client.get("/api/v1/documents").status_code)

                thread = threading.Thread(target=traffic)
                thread.start()
                time.sleep(0.3)
                pg.stop()
                down = client.get("/api/v1/documents")
                ready = client.get("/api/v1/health/ready")
                time.sleep(0.5)
                pg.start()
                time.sleep(0.5)
                stop.set()
                thread.join(30)
                after = client.get("/api/v1/documents")
        finally:
            svc.close()
    assert down.status_code == 503 and down.headers["retry-after"] == "5"
    body = down.json()["error"]
    assert body["code"] == "database_unavailable" and "База данных временно недоступна" in body["message"]
    assert ready.status_code == 503 and "база данных" in ready.json()["message"]
    assert set(seen) <= {200, 503} and 503 in seen, seen  # never a 500
    assert after.status_code == 200  # recovered without restarting the app
