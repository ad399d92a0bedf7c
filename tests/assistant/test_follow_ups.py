"""Follow-ups without an LLM: the previous topic is carried over in the asker's own words, only when the
follow-up has no subject of its own (issue 21: «а если не помогло?» became «(колонка отвечать)»)."""

from __future__ import annotations

import pytest

from azs_assistant.assistant.conversation import Conversations, Turn
from azs_assistant.language.analyzer import get_analyzer


@pytest.fixture(scope="module")
def conversations() -> Conversations:
    return Conversations(None, get_analyzer())  # type: ignore[arg-type]  # resolving needs no database


def turns(*questions: str) -> list[Turn]:
    return [Turn(q, f"{q} (переписано)", "") for q in questions]


def test_topic_is_carried_in_the_askers_words_with_its_negation(conversations: Conversations) -> None:
    resolved = conversations.resolve("а если не помогло?", turns("колонка не отвечает что делать"))
    assert resolved == "а если не помогло? (колонка не отвечает)"


def test_a_pronoun_reaches_back_through_the_follow_ups(conversations: Conversations) -> None:
    history = turns("свет вырубило, что делать?", "а если генератор не завёлся?")
    resolved = conversations.resolve("а сколько он на одном баке работает?", history)
    assert "генератор" in resolved and "переписано" not in resolved


@pytest.mark.parametrize(("previous", "follow_up"), [
    ("код T-31 на терминале, что делать?", "а ошибка E-50 на ТРК Алтай что значит?"),
    ("можно ли бытовой газовый баллон заправить?", "а какой залог за баллон 27 литров при возврате тары?"),
])
def test_a_follow_up_with_its_own_subject_is_left_alone(conversations: Conversations, previous: str,
                                                        follow_up: str) -> None:
    assert conversations.resolve(follow_up, turns(previous)) == follow_up


def test_a_short_follow_up_gets_the_topic(conversations: Conversations) -> None:
    resolved = conversations.resolve("а для дизеля зимнего?", turns("какая норма плотности у АИ-92?"))
    assert "плотности" in resolved and "АИ-92" in resolved
