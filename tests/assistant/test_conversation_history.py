"""A person's conversations as the chat's history shows them: listed latest first with a title, renamed,
deleted, reloaded with citations and the person's ratings, and the latest answer regenerated in place."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.factories import document, principal

GUIDE = ("# Приём смены\n\n## Порядок приёма\n1. Пересчитайте наличные в кассе.\n"
         "2. Проверьте размен: на начало смены в кассе оставляют 40 000 тенге.\n3. Снимите X-отчёт.\n")


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    s = Services(make_settings(tmp_path, embeddings="none"))
    document(s, GUIDE, "uploads/smena.md")
    yield s
    s.close()


def _ask(svc: Services, who, question: str, conversation: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    events = list(svc.assistant.stream_for(who, question, conversation))
    return events[-1]["answer"]  # type: ignore[no-any-return]


def test_conversations_are_listed_latest_first_titled_by_their_first_question_and_only_to_their_owner(
        svc: Services) -> None:
    aigerim, bolat = principal("operator", name="aigerim"), principal("operator", name="bolat")
    first = _ask(svc, aigerim, "Как принять смену?")
    _ask(svc, aigerim, "Какой размен оставляют на начало смены?", first["conversation_id"])
    second = _ask(svc, aigerim, "Когда снимать X-отчёт при приёме смены?")
    svc.conversations.open("aigerim", None)  # opened but never asked in: not listed
    assert [(c.id, c.title) for c in svc.conversations.list_for("aigerim")] == [
        (second["conversation_id"], "Когда снимать X-отчёт при приёме смены?"),
        (first["conversation_id"], "Как принять смену?")]
    assert svc.conversations.list_for("bolat") == []
    with pytest.raises(NotFound):
        svc.conversations.turns(first["conversation_id"], "bolat")
    with pytest.raises(NotFound):
        _ask(svc, bolat, "а размен?", first["conversation_id"])


def test_rename_checks_the_title_and_delete_takes_the_turns_but_keeps_the_answer_log(svc: Services) -> None:
    from sqlalchemy import func, select

    from azs_assistant.storage.models import AnswerLog, ConversationTurn

    who = principal("operator", name="aigerim")
    cid = _ask(svc, who, "Как принять смену?")["conversation_id"]
    assert svc.conversations.rename("aigerim", cid, "  Смена   15 ноября ").title == "Смена 15 ноября"
    assert svc.conversations.title_of("aigerim", cid) == "Смена 15 ноября"
    for bad in ("   ", "я" * 201):
        with pytest.raises(InvalidInput, match="Название разговора"):
            svc.conversations.rename("aigerim", cid, bad)
    with pytest.raises(NotFound):
        svc.conversations.rename("bolat", cid, "чужой")
    with pytest.raises(NotFound):
        svc.conversations.delete("bolat", cid)
    svc.conversations.delete("aigerim", cid)
    assert svc.conversations.list_for("aigerim") == []
    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ConversationTurn)) == 0
        assert s.scalar(select(func.count()).select_from(AnswerLog)) == 1  # ratings and datasets keep it


def test_a_reloaded_conversation_carries_citations_the_answer_id_and_the_askers_rating(svc: Services) -> None:
    who = principal("operator", name="aigerim")
    answer = _ask(svc, who, "Как принять смену?")
    svc.learning.rate(answer["answer_id"], who, -1, "мало")
    svc.learning.rate(answer["answer_id"], who, 1)  # changed their mind: the latest rating counts
    [turn] = svc.conversations.turns(answer["conversation_id"], "aigerim")
    assert turn["answer_id"] == answer["answer_id"] and turn["rated"] == "up"
    assert "\n1. Пересчитайте наличные" in turn["answer"]  # the steps, under their bold heading
    assert [c["title"] for c in turn["citations"]] == ["Приём смены"]
    assert turn["citations"][0]["chunk_id"] == answer["citations"][0]["chunk_id"]


def test_regenerate_replaces_the_latest_turn_instead_of_adding_one(svc: Services) -> None:
    from sqlalchemy import select

    from azs_assistant.storage.models import AuditEvent

    who = principal("operator", name="aigerim")
    first = _ask(svc, who, "Как принять смену?")
    cid = first["conversation_id"]
    _ask(svc, who, "Какой размен оставляют на начало смены?", cid)
    again = list(svc.assistant.stream_for(who, "Какой размен оставляют на начало смены?", cid, regenerate=True))
    done = again[-1]["answer"]
    assert "40 000" in done["answer"] and done["answer_id"] not in (None, first["answer_id"])
    turns = svc.conversations.turns(cid, "aigerim")
    assert [t["question"] for t in turns] == ["Как принять смену?", "Какой размен оставляют на начало смены?"]
    assert turns[-1]["answer_id"] == done["answer_id"]
    with svc.db.session() as s:
        details = [e.details for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "ask"))]
    assert [d.get("regenerate", False) for d in details] == [False, False, True]
