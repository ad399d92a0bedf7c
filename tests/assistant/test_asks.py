"""Questions that ask two things at once are answered on both asks, from two documents when that is where
the answers are (assistant/parts.py, Assistant._answer_asks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from azs_assistant.assistant.parts import asks, with_subject
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.factories import document, principal


@pytest.mark.parametrize(("question", "expected"), [
    ("на табло E04 — что делать и какой телефон сервиса?", ["что делать", "какой телефон сервиса?"]),
    ("свет отключили — кому звонить, какой номер?", ["кому звонить", "какой номер?"]),
    ("расхождение 0,31% — это в норме? какая норма?", ["это в норме?", "какая норма?"]),
    ("во сколько сдаём выручку и кто её везёт в банк?", ["во сколько сдаём выручку", "кто её везёт в банк?"]),
    ("E04 on the display: what to do and who to call?", ["what to do", "who to call?"]),
    ("Колонка не работает. Что делать? Кому звонить?", ["Что делать?", "Кому звонить?"]),
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
    "терминал завис и не печатает чек — что делать?",  # «не» is Russian before it is Kazakh «what»
    "колонка встала и что-то пищит — что делать?",  # «что-то» asks nothing
    "The display shows E04 and is blinking: what to do?",  # «and is…» goes on a statement
    "оператор ушёл, а не сдал смену — что делать?",
    "колонка сломалась и нужно вызвать сервис, что делать?",
])
def test_a_question_with_one_ask_is_left_whole(question: str) -> None:
    assert asks(question) == []


def test_an_ask_carries_the_words_of_the_question_the_answer_does_not_hold() -> None:
    question = "на табло E04 на ТРК Алтай — что делать и какой телефон сервиса?"
    held = {"на", "табло", "E04", "ТРК", "что", "делать", "и"}
    # «E04» is held by the answer so far, but a code the question names travels always
    assert with_subject("какой телефон сервиса?", question, asks(question), lambda w: w in held) == \
        "какой телефон сервиса Алтай E04"


def test_an_ask_that_points_back_carries_the_other_asks() -> None:
    question = "какие дни завоза на АЗС №1 и кто там директор?"
    separate = asks(question)
    assert separate == ["какие дни завоза на АЗС №1", "кто там директор?"]
    assert with_subject(separate[1], question, separate, lambda w: False) == "кто там директор дни завоза АЗС №1"
    # an ask that names its own subject does not take the other ask's words
    question = "какой размен в кассе и кто отвозит выручку в банк?"
    assert with_subject("кто отвозит выручку в банк?", question, asks(question), lambda w: False) == \
        "кто отвозит выручку в банк"


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
    question = "как принять бензовоз и сколько стоит доставка бензовоза из Китая?"
    assert len(asks(question)) == 2
    assert not demo_services.assistant.ask("как принять бензовоз?").abstained
    both = demo_services.assistant.ask(question)
    assert both.abstained, both.answer


def test_an_ask_is_answered_only_from_documents_the_asker_may_read(tmp_path: Path) -> None:
    services = Services(make_settings(tmp_path, embeddings="none", answer_cache=False))
    try:
        document(services, "# Сбой E-21\n\nПри ошибке E-21 на табло колонки оператор блокирует рукав и перезапускает"
                           " колонку кнопкой на щите.\n", "uploads/e21.md")
        document(services, "# Сервисная служба\n\nТелефон сервисной службы по ремонту колонок: 7310, круглосуточно.\n",
                 "uploads/service.md", roles=["manager"])
        question = "ошибка E-21 — что делать и какой телефон сервисной службы?"
        manager = services.assistant.ask(question, principal("manager"))
        operator = services.assistant.ask(question, principal("operator"))
    finally:
        services.close()
    assert "7310" in manager.answer and "блокирует рукав" in manager.answer, manager.answer
    assert "7310" not in operator.answer and all("7310" not in c.quote for c in operator.citations), operator.answer
