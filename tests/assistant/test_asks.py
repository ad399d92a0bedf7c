"""Questions that ask two things at once are answered on both asks, from two documents when that is where
the answers are (assistant/parts.py, Assistant._other_asks)."""

from __future__ import annotations

import pytest

from azs_assistant.assistant.parts import asks, with_subject
from azs_assistant.services import Services


@pytest.mark.parametrize(("question", "expected"), [
    ("на табло E04 — что делать и какой телефон сервиса?", ["что делать", "какой телефон сервиса"]),
    ("свет отключили — кому звонить, какой номер?", ["кому звонить", "какой номер"]),
    ("расхождение 0,31% — это в норме? какая норма?", ["это в норме", "какая норма"]),
    ("во сколько сдаём выручку и кто её везёт в банк?", ["во сколько сдаём выручку", "кто её везёт в банк"]),
    ("E04 on the display: what to do and who to call?", ["what to do", "who to call"]),
])
def test_a_question_is_cut_into_its_asks(question: str, expected: list[str]) -> None:
    assert asks(question) == expected


@pytest.mark.parametrize("question", [
    "как принять бензовоз",
    "клиент пишет, что с него дважды сняли деньги, что делать?",  # «, что» opens a clause, not an ask
    "можно выписывать чеки вручную, когда нет света?",
    "кран сняли раньше, чем оплатили: какой код?",
    "плотность ДТ по акту укладывается в норму?",
    "кто принимает, сколько стоит, какой срок и кому звонить?",  # a list of asks is a message: searched whole
])
def test_a_question_with_one_ask_is_left_whole(question: str) -> None:
    assert asks(question) == []


def test_an_ask_carries_the_words_of_the_question_the_answer_does_not_hold() -> None:
    question = "на табло E04 на ТРК Алтай — что делать и какой телефон сервиса?"
    held = {"на", "табло", "E04", "ТРК", "что", "делать", "и"}
    assert with_subject("какой телефон сервиса", question, lambda w: w in held) == "какой телефон сервиса Алтай"


@pytest.mark.parametrize(("question", "facts"), [
    # the complaints regulation (07) says how much to sample; only the contacts list (10) has the number
    ("клиент жалуется на качество бензина — сколько пробы отбирать и по какому телефону отдел качества?",
     ["1 литр", "1600"]),
    ("пропал свет на АЗС — что делать и какой телефон у энергетика?", ["генератор", "1400"]),
])
def test_each_ask_is_answered_with_its_source_cited(demo_services: Services, question: str,
                                                    facts: list[str]) -> None:
    answer = demo_services.assistant.ask(question)
    assert not answer.abstained, answer.answer
    for fact in facts:
        assert fact in answer.answer, (fact, answer.answer)
        assert any(fact in c.quote for c in answer.citations), (fact, [c.quote for c in answer.citations])


def test_a_question_whose_one_ask_the_base_cannot_answer_stays_declined(demo_services: Services) -> None:
    # no passage answers the whole, and the price of a delivery from China is nowhere: answering the first ask
    # alone would look like an answer to both
    assert not demo_services.assistant.ask("как принять бензовоз?").abstained
    both = demo_services.assistant.ask("как принять бензовоз и сколько стоит доставка бензовоза из Китая?")
    assert both.abstained, both.answer
