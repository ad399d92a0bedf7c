"""Rate limits shared by replicas through Redis: a limit holds however a load balancer spreads requests
over two API processes, and a Redis that stops answering degrades to each process's own window."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.http.ratelimit import RateLimiter, SharedRateLimiter
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.brokers import free_port
from tests.conftest import authorize

REDIS_URL = os.environ.get("AZS_TEST_REDIS_URL", "").strip()


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is required in CI: AZS_TEST_REDIS_URL is empty (see scripts/redis.sh)")
        pytest.skip("no Redis server (set AZS_TEST_REDIS_URL)")
    return REDIS_URL


@pytest.fixture
def replicas(tmp_path: Path, redis_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    """Two API processes' apps on one database and one Redis (each with its own services, as two processes)."""
    settings = Settings(data_dir=tmp_path, embeddings="none", cache_url=redis_url, ticket_rate_per_minute=3)
    one, two = Services(settings), Services(settings)
    with TestClient(create_app(one, background=False)) as a, TestClient(create_app(two, background=False)) as b:
        key = authorize(a, one)  # a call centre's key; the key lives in the shared database
        b.headers["X-API-Key"] = key
        yield a, b
    one.close()
    two.close()


@pytest.mark.redis
def test_the_complaint_limit_holds_across_two_replicas(replicas: tuple[TestClient, TestClient]) -> None:
    """GIVEN a limit of 3 complaints a minute per address WHEN one address sends them alternately through two
    replicas THEN the fourth is refused (429, Russian message, Retry-After) whichever replica gets it."""
    a, b = replicas
    statuses = []
    for n, client in enumerate((a, b, a, b, a)):
        resp = client.post("/api/v1/tickets", json={"text": f"Грязно в туалете, жалоба {n}"})
        statuses.append(resp.status_code)
    assert statuses[:3] == [201, 201, 201] and statuses[3:] == [429, 429], statuses
    refused = b.post("/api/v1/tickets", json={"text": "ещё одна"})
    assert "Слишком много обращений" in refused.json()["error"]["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 61


@pytest.mark.redis
def test_limits_of_two_installations_on_one_redis_stay_apart(tmp_path: Path, redis_url: str) -> None:
    run = uuid.uuid4().hex[:8]  # tmp_path's name repeats from run to run: a rerun within the minute was refused
    first = SharedRateLimiter(redis_url, f"{run}-a", 1)
    other = SharedRateLimiter(redis_url, f"{run}-b", 1)
    first.check("10.0.0.1")
    other.check("10.0.0.1")  # another namespace: its own window
    with pytest.raises(Exception) as refused:
        first.check("10.0.0.1")
    assert refused.value.http_status == 429  # type: ignore[attr-defined]


def test_a_redis_that_does_not_answer_degrades_to_the_processs_own_window(caplog: pytest.LogCaptureFixture) -> None:
    limiter = SharedRateLimiter(f"redis://127.0.0.1:{free_port()}/0", "t", 2)
    limiter.check("10.0.0.2")
    limiter.check("10.0.0.2")
    with pytest.raises(Exception) as refused:
        limiter.check("10.0.0.2")
    assert refused.value.http_status == 429  # type: ignore[attr-defined]
    assert "Redis" in caplog.text and isinstance(limiter, RateLimiter)


@pytest.mark.redis
def test_answers_of_two_installations_on_one_redis_stay_apart(tmp_path: Path, redis_url: str) -> None:
    """GIVEN two installations (two databases) on one Redis, each with one document at the same generation
    WHEN both are asked the same question THEN each answers from its own documents, not the other's cache."""
    answers = []
    for name, amount in (("first", "40 000"), ("second", "55 000")):
        svc = Services(Settings(data_dir=tmp_path / name, embeddings="none", cache_url=redis_url))
        try:
            svc.ingestor.ingest_bytes(f"# Смена\n\n## Размен\nВ кассе оставляют размен {amount} тенге.\n".encode(),
                                      "smena.md")
            answer = svc.assistant.ask("Какой размен оставляют в кассе?")
            answers.append((answer.cached, amount in answer.text))
        finally:
            svc.close()
    assert answers == [(False, True), (False, True)], answers
