"""The answering passage is quoted whole (issue 21): the sentence that matches the question best is often
not the one that holds the fact, but its neighbour, which a window of the best-matching sentences left out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from azs_assistant.assistant.extract import WHOLE_PASSAGE
from azs_assistant.auth.principal import SYSTEM
from azs_assistant.services import Services
from tests.conftest import lexical_base, make_settings

PROBA = """# Приём топлива

## Арбитражная проба

Арбитражную пробу топлива отбирают при каждом приёме из автоцистерны и опечатывают при водителе.
Этикетку подписывают водитель и оператор. Хранение — 14 суток в металлическом шкафу операторной.

## На территории АЗС запрещается

- курить и пользоваться открытым огнём;
- заправлять автомобиль с работающим двигателем.
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    yield from lexical_base(tmp_path_factory, "whole", {"uploads/priem.md": PROBA})


def test_the_fact_beside_the_best_matching_sentence_is_quoted(svc: Services) -> None:
    answer = svc.assistant.ask("где держат арбитражную пробу топлива после приёма из автоцистерны?", SYSTEM)
    assert not answer.abstained, answer.answer
    assert "14 суток" in answer.answer and "металлическом шкафу" in answer.answer, answer.answer
    assert len(answer.answer) <= WHOLE_PASSAGE + 200, answer.answer


def test_a_whole_list_keeps_its_rule_heading(svc: Services) -> None:
    answer = svc.assistant.ask("курить на АЗС можно?", SYSTEM)
    text = answer.answer.lower()
    assert "запрещается" in text and "курить" in text, answer.answer
    assert text.index("запрещается") < text.index("курить"), answer.answer


NIGHT = """# Работа АЗС ночью

## Режим ночной смены

Ночная смена работает с 21:00 до 09:00. В ночной смене работают не менее двух человек: оператор-кассир
и старший смены. С 00:00 до 06:00 АЗС работает в режиме «ночное окно»: дверь операторной закрыта, расчёт
с клиентами ведётся через окно выдачи. С 06:30 ночная смена снимает показания счётчиков и готовит отчёт.

## Перерывы ночной смены

Работникам положены два перерыва по 20 минут. Перерывы берут по очереди, когда на АЗС остаётся второй
работник. Каждый перерыв записывают в журнал. Сон на рабочем месте запрещён.
"""


def test_a_short_passage_beside_the_answering_one_is_quoted_whole(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from azs_assistant.assistant import answer as answer_module

    services = Services(make_settings(tmp_path, embeddings="none", answer_cache=False))
    try:
        services.ingestor.ingest_bytes(NIGHT.encode(), "uploads/night.md")
        question = "как работает ночное окно, какие перерывы"  # the breaks are the second ask's quote
        whole = services.assistant.ask(question, SYSTEM)
        monkeypatch.setattr(answer_module, "SHORT_PASSAGE", 0)  # every passage beside the first by its best sentences
        cut = services.assistant.ask(question, SYSTEM)
    finally:
        services.close()
    assert not whole.abstained and len(whole.citations) == 2, whole.answer
    assert "Сон на рабочем месте запрещён" in whole.answer, whole.answer
    assert "Сон на рабочем месте запрещён" not in cut.answer, cut.answer


WINTER = """РЕГЛАМЕНТ ПРИЁМКИ ДИЗЕЛЬНОГО ТОПЛИВА ЗИМОЙ

1. Температура помутнения зимнего дизтоплива должна быть не выше минус 25 °C.
2. При приёмке оператор отбирает арбитражную пробу объёмом 1,5 литра в бутылку из тёмного стекла и хранит её 45 суток.
3. Код ответственного за приёмку — ЗИМА-7731. Телефон диспетчера Жанар: +7 727 300 11 22.
"""


@pytest.mark.parametrize(("question", "clause", "others"), [
    ("какая температура помутнения зимнего дт", "1. Температура помутнения", ["45 суток", "+7 727"]),
    ("сколько суток хранят арбитражную пробу", "хранит её 45 суток", ["минус 25", "+7 727"]),
])
def test_a_passage_of_numbered_clauses_gives_the_clause_that_answers_each_on_its_line(
        tmp_path: Path, question: str, clause: str, others: list[str]) -> None:
    """Numbered clauses each say one thing: the temperature's clause was quoted with the sample's and the
    dispatcher's phone, run on as «1. … 2. … 3. …»."""
    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        services.ingestor.ingest_bytes(WINTER.encode(), "uploads/zima.txt")  # clauses typed, not a Markdown list
        answer = services.assistant.ask(question, SYSTEM)
        steps = services.assistant.ask("как принимать дизельное топливо зимой", SYSTEM)
    finally:
        services.close()
    assert not answer.abstained and clause in answer.text, answer.text
    assert not any(other in answer.text for other in others), answer.text
    # asked for the whole regulation, every clause comes, each starting its own line
    lines = [line for line in steps.text.split("\n") if line.strip()]
    assert [n for n in (1, 2, 3) if any(line.startswith(f"{n}. ") for line in lines)] == [1, 2, 3], steps.text
