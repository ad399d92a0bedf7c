"""Redis stopped while the API runs (a private server on a spare port): questions are still answered (past
the cache), complaints are still taken and stored, the complaint limit holds in each process on its own
(the documented fallback), and once Redis is back the shared cache is used again without a restart."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.storage.models import Ticket
from tests.brokers import private_redis
from tests.conftest import DEMO_KB, authorize

pytestmark = pytest.mark.slow  # the first complaint trains the classifier: 15-20 s on a loaded 2-core machine
QUESTION = {"question": "Что делать при проливе топлива?"}


def _answer_keys(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return len(client.keys("azs:answer:*"))
    finally:
        client.close()


def test_a_redis_outage_degrades_the_cache_and_limits_and_loses_nothing(tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    with private_redis(tmp_path / "redis") as cache:
        svc = Services(Settings(data_dir=tmp_path / "data", embeddings="none", cache_url=cache.url,
                                ticket_rate_per_minute=3))
        svc.ingestor.ingest_paths([DEMO_KB / "05_proliv.txt"])
        try:
            with TestClient(create_app(svc, background=False)) as client:
                authorize(client, svc)
                first = client.post("/api/v1/ask", json=QUESTION).json()
                assert client.post("/api/v1/ask", json=QUESTION).json()["cached"] and _answer_keys(cache.url) == 1
                before = [client.post("/api/v1/tickets", json={"text": f"Грязно в туалете, жалоба {n}"})
                          for n in range(2)]

                cache.stop()
                caplog.set_level(logging.WARNING)
                started = time.monotonic()
                down = client.post("/api/v1/ask", json=QUESTION)
                took = time.monotonic() - started
                during = [client.post("/api/v1/tickets", json={"text": f"Нет бумаги в туалете, жалоба {n}"})
                          for n in range(4)]

                cache.start()  # an empty cache, as after a restart
                back = client.post("/api/v1/ask", json=QUESTION).json()
                again = client.post("/api/v1/ask", json=QUESTION).json()
                keys_after = _answer_keys(cache.url)
        finally:
            svc.close()
        with svc.db.session() as s:
            stored = set(s.scalars(select(Ticket.number)))
            total = s.scalar(select(func.count()).select_from(Ticket))

    assert down.status_code == 200 and down.json()["answer"] == first["answer"] and not down.json()["cached"]
    assert took < 5, took  # a dead Redis costs a connect timeout (0.5 s), not a hang
    assert [r.status_code for r in before + during] == [201] * 5 + [429]  # this process's own window: 3 a minute
    assert "Слишком много обращений" in during[-1].json()["error"]["message"]
    accepted = {r.json()["number"] for r in before + during if r.status_code == 201}
    assert accepted == stored and total == 5  # every accepted complaint stored, nothing else
    assert "answer cache (redis) unavailable" in caplog.text and "Redis" in caplog.text
    assert not back["cached"] and again["cached"] and keys_after == 1  # the shared cache is used again
