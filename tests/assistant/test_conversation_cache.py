"""Follow-up questions read against the conversation, and the answer cache (in-process and the real
Redis server)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.assistant.cache import AnswerCache
from azs_assistant.services import Services
from tests.conftest import DEMO_KB, authorize, make_settings
from tests.factories import principal
from tests.fake_llm import Reply, running

REDIS_URL = os.environ.get("AZS_TEST_REDIS_URL", "").strip()


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    s = Services(make_settings(tmp_path, embeddings="none"))
    s.ingestor.ingest_paths([DEMO_KB / "01_priem_topliva.md", DEMO_KB / "04_neispravnosti_trk.md",
                    DEMO_KB / "12_inkassaciya.html"])
    yield s
    s.close()


def test_follow_up_is_resolved_against_the_previous_question(svc: Services) -> None:
    first = svc.assistant.ask("Как принимать топливо из бензовоза?", remember=True)
    assert first.conversation_id and first.resolved_question is None
    follow = svc.assistant.ask("а сколько ждать отстоя?", conversation=first.conversation_id)
    assert follow.resolved_question and "бензовоз" in follow.resolved_question
    assert "20 минут" in follow.answer and follow.citations[0].source == "01_priem_topliva.md"
    alone = svc.assistant.ask("а сколько ждать отстоя?")  # without the conversation: not rewritten
    assert alone.resolved_question is None
    turns = svc.conversations.turns(first.conversation_id, "cli")
    assert [t["question"] for t in turns] == ["Как принимать топливо из бензовоза?", "а сколько ждать отстоя?"]


def test_standalone_question_in_a_conversation_is_left_as_is(svc: Services) -> None:
    first = svc.assistant.ask("Как принимать топливо из бензовоза?", remember=True)
    second = svc.assistant.ask("Какой лимит наличных в кассе?", conversation=first.conversation_id)
    assert second.resolved_question is None and "250 000" in second.answer


def test_conversation_belongs_to_its_owner(svc: Services) -> None:
    from azs_assistant.errors import NotFound

    with TestClient(create_app(svc, background=False)) as client:
        authorize(client, svc, roles=("operator",))
        body = client.post("/api/v1/ask", json={"question": "Пистолет не отстреливает, что жать?"}).json()
        conv = body["conversation_id"]
        follow = client.post("/api/v1/ask", json={"question": "а если колонка не включается?",
                                                  "conversation_id": conv}).json()
        assert follow["conversation_id"] == conv and follow["resolved_question"]
        turns = client.get(f"/api/v1/conversations/{conv}").json()["turns"]
        assert len(turns) == 2
    with pytest.raises(NotFound):
        svc.conversations.turns(conv, "someone-else")
    with TestClient(create_app(svc, background=False)) as client:
        authorize(client, svc, roles=("operator",))
        missing = client.post("/api/v1/ask", json={"question": "а дальше?", "conversation_id": str(uuid.uuid4())})
        assert missing.status_code == 404


def test_follow_up_rewritten_by_the_llm(tmp_path: Path) -> None:
    with running() as fake:
        svc = Services(make_settings(tmp_path, embeddings="none", llm_base_url=fake.url, answer_cache=False))
        svc.ingestor.ingest_paths([DEMO_KB / "04_neispravnosti_trk.md"])
        fake.script(Reply("Кнопка «СТОП» на пульте ТРК останавливает подачу [1]."))
        first = svc.assistant.ask("Пистолет не отстреливает, что жать?", remember=True)
        fake.script(Reply("Что делать, если колонка ТРК не включается и табло не горит?"),
                    Reply("Проверьте автомат колонки в электрощите [1]."))
        follow = svc.assistant.ask("а если колонка не отвечает?", conversation=first.conversation_id)
        assert follow.resolved_question == "Что делать, если колонка ТРК не включается и табло не горит?"
        rewrite = fake.requests[-2]["messages"]
        assert "уточняющий вопрос" in rewrite[0]["content"] and "Пистолет не отстреливает" in rewrite[1]["content"]
        fake.script(Reply(status=500), Reply(status=500))  # the model is down: carry the topic over instead
        again = svc.assistant.ask("а если колонка не отвечает?", conversation=first.conversation_id)
        assert again.resolved_question and again.resolved_question.startswith("а если колонка не отвечает? (")
        svc.close()


def test_identical_question_is_answered_from_the_cache_until_the_kb_changes(svc: Services, tmp_path: Path) -> None:
    q = "Какой лимит наличных в кассе?"
    first = svc.assistant.ask(q)
    second = svc.assistant.ask("  какой лимит  наличных в кассе ")
    assert not first.cached and second.cached and second.answer == first.answer
    assert svc.answer_cache.hits == 1
    page = tmp_path / "new.md"
    page.write_text("# Новое\nЛимит наличных в кассе — 300 000 тенге с 1 декабря.\n", encoding="utf-8")
    svc.ingestor.ingest_paths([page])  # a new generation of the index: the cached answer is not reused
    third = svc.assistant.ask(q)
    assert not third.cached


def test_cache_separates_what_people_may_read(svc: Services) -> None:
    op, boss = principal("operator", name="a"), principal("manager", name="b")
    svc.assistant.ask("Какой лимит наличных в кассе?", op)
    assert not svc.assistant.ask("Какой лимит наличных в кассе?", boss).cached
    assert svc.assistant.ask("Какой лимит наличных в кассе?", op).cached


def test_in_process_cache_is_bounded() -> None:
    cache = AnswerCache(max_items=2)
    for n in range(3):
        cache.put(f"k{n}", {"n": n})
    assert cache.get("k0") is None and cache.get("k2") == {"n": 2}


@pytest.mark.redis
def test_redis_cache_is_shared_between_services(tmp_path: Path) -> None:
    if not REDIS_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is required in CI: AZS_TEST_REDIS_URL is empty (see scripts/redis.sh)")
        pytest.skip("no Redis server (set AZS_TEST_REDIS_URL)")
    settings = make_settings(tmp_path, embeddings="none", cache_url=REDIS_URL, answer_cache_ttl_s=60)
    one = Services(settings)
    one.ingestor.ingest_paths([DEMO_KB / "12_inkassaciya.html"])
    assert one.answer_cache.backend == "redis"
    q = f"Какой лимит наличных в кассе? {uuid.uuid4().hex[:6]}"
    first = one.assistant.ask(q)
    two = Services(settings)  # another worker on the same database and Redis
    hit = two.assistant.ask(q)
    assert hit.cached and hit.answer == first.answer
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = [k for k in client.scan_iter(f"azs:answer:{one.installation_id}:*")]  # this test's, not others
    assert keys and 0 < client.ttl(keys[0]) <= 60
    one.close()
    two.close()


def test_unreachable_redis_does_not_fail_questions(tmp_path: Path) -> None:
    svc = Services(make_settings(tmp_path, embeddings="none", cache_url="redis://127.0.0.1:1/0"))
    svc.ingestor.ingest_paths([DEMO_KB / "12_inkassaciya.html"])
    answer = svc.assistant.ask("Какой лимит наличных в кассе?")
    assert "250 000" in answer.answer and not answer.cached
    svc.close()
