"""The example questions the README, docs/web.md, docs/api.md and the API schema show a new user,
asked of the demo knowledge base as that user would: the answers hold their facts, a procedure comes
with all its steps in order, a rule keeps its polarity.

Examples about the incident log («как в прошлый раз решили проблему с ТРК 3?», «инцидент: АЗС-012,
пролив у ТРК 2» in docs/web.md) and the manager's reports are answered from the incident log, not the
knowledge base: tests/incidents/test_history.py and tests/api/test_access.py ask them.
"""

from __future__ import annotations

import pytest

from azs_assistant.services import Services
from tests.conftest import ROOT

# The fuel-acceptance regulation (demo/knowledge_base/01_priem_topliva.md), its steps in order.
ACCEPTANCE_STEPS = ["диспетчеру отдела логистики по телефону 1200", "противооткатных упора", "четырьмя конусами",
                    "два огнетушителя ОП-8", "Заземление подключают до открытия", "сверяет товарно-транспортную",
                    "Пломбы на горловинах", "20 минут отстоя", "водочувствительной пастой",
                    "Перед сливом измеряют уровень", "Сливной рукав подключают", "не отходит от площадки",
                    "Через 15 минут после окончания слива", "не более 0,4%", "контрольную пробу 1 литр"]

EXAMPLES = [  # (where the example is shown, question, facts the answer must hold, in order when a procedure)
    ("README.md", "бензовоз приехал, когда мерить отсеки?", ["20 минут отстоя"]),
    ("README.md", "зэтка во скока", ["08:00"]),
    ("docs/web.md", "зэтка во скока?", ["08:00"]),
    ("docs/web.md", "кратко перескажи регламент приёма топлива", ["20 минут", "0,4%"]),
    ("docs/api.md", "Какой размен в кассе на начало смены?", ["40 000 тенге"]),
    ("src/azs_assistant/api/schemas.py", "Бензовоз приехал, когда можно мерить отсеки?", ["20 минут отстоя"]),
    ("issue 21", "как принять бензовоз", ACCEPTANCE_STEPS),
    ("issue 21", "курить на АЗС можно?", ["запрещается", "курить"]),
]

# Once declined, or answered with the contacts row alone: the regulation's passages, judged to hold part of
# the answer beside the row that does, are quoted with it (answerable.supports); «не отвечает» is the jargon
# of a device with no connection; «по шагам» says how to answer, not what about (INTENT_WORDS).
EXAMPLES_DECLINED = [
    ("docs/web.md", "бензовоз приехал, что делать", ACCEPTANCE_STEPS),
    ("issue 21", "бензовоз приехал, что делать по шагам?", ACCEPTANCE_STEPS),
    ("issue 21", "колонка не отвечает что делать", ["Нет связи колонки", "Перезапустить программу на кассе"]),
]


def test_the_examples_are_still_in_the_docs() -> None:
    for where, question, _ in EXAMPLES + EXAMPLES_DECLINED:
        if where != "issue 21":
            assert f"«{question}»" in (ROOT / where).read_text(encoding="utf-8") or question in (
                ROOT / where).read_text(encoding="utf-8"), (where, question)


def _holds_in_order(answer: str, facts: list[str]) -> list[str]:
    """The facts missing from the answer, or out of order after the last one found (in any letter case, as
    bench/qa_figures.py matches facts: a whole list quotes «Курить…» as its item begins)."""
    missing, at, answer = [], 0, answer.lower()
    for fact in facts:
        found = answer.find(fact.lower(), at)
        if found < 0:
            missing.append(fact)
        else:
            at = found + len(fact)
    return missing


@pytest.mark.slow
@pytest.mark.parametrize(("where", "question", "facts"), [
    *EXAMPLES, *EXAMPLES_DECLINED])
def test_example_questions_of_the_docs_get_answers_that_hold_their_facts(demo_services: Services, where: str,
                                                                           question: str, facts: list[str]) -> None:
    answer = demo_services.assistant.ask(question)
    assert not answer.abstained, (where, question, answer.answer)
    text = answer.text  # what a reader sees, without Markdown marks
    assert _holds_in_order(text, facts) == [], (where, question, answer.answer)


@pytest.mark.slow
def test_the_acceptance_procedure_is_one_numbered_list_under_its_section_headings(demo_services: Services) -> None:
    answer = demo_services.assistant.ask("как принять бензовоз")
    numbered = [line for line in answer.answer.splitlines() if line[:3].rstrip(". ").isdigit()]
    assert len(numbered) == 17 and numbered[0].startswith("1. ") and numbered[-1].startswith("17. "), answer.answer
    assert "**Подготовка площадки слива**" in answer.answer and "**Слив**" in answer.answer
    assert all(c.source == "01_priem_topliva.md" for c in answer.citations if c.source.endswith(".md"))


@pytest.mark.slow
def test_kazakh_questions_over_russian_documents_are_answered_by_their_subject_or_declined(
        demo_services: Services) -> None:
    """«жалақы қанша?» (the salary) was answered with the till's change of 40 000 тенге: the dictionary's «заработная
    плата» is in no passage, so it is declined. «темекі шегуге бола ма?» (smoking) led with «Соединять муфту
    разрешено…», matched by the «разрешено» the dictionary gives for «бола ма?»; «жанармай төгілсе не істеу керек»
    (a spill) with the nozzle that does not shut off, a sentence naming «разлитое топливо»."""
    salary = demo_services.assistant.ask("жалақы қанша?")
    assert salary.abstained, salary.answer
    smoking = demo_services.assistant.ask("темекі шегуге бола ма?")
    assert smoking.citations[0].source == "06_pozharnaya_bezopasnost.docx", smoking.answer
    assert smoking.text.startswith("На территории АЗС запрещается"), smoking.answer
    spill = demo_services.assistant.ask("жанармай төгілсе не істеу керек")
    assert spill.citations[0].source == "05_proliv.txt", spill.answer
    assert _holds_in_order(spill.text, ["Небольшой пролив", "Остановить заправку", "Средний пролив",
                                        "Крупный пролив", "Позвонить 112"]) == [], spill.answer


@pytest.mark.slow
def test_a_list_quoted_beside_the_answer_comes_under_its_heading(demo_services: Services) -> None:
    """«пролив топлива на АЗС» quoted the large spill's «Нажать аварийную кнопку… Позвонить 112» beside the medium
    spill's list without saying it is for a spill over 20 litres: it read as what to do with any spill."""
    answer = demo_services.assistant.ask("пролив топлива на АЗС")
    assert not answer.abstained, answer.answer
    assert _holds_in_order(answer.text, ["Средний пролив (от 1 до 20 литров)", "Остановить все колонки",
                                         "Крупный пролив (более 20 литров)", "Нажать аварийную кнопку"]) == [], \
        answer.answer


@pytest.mark.slow
def test_a_spill_s_size_in_everyday_words_finds_its_list(demo_services: Services) -> None:
    """«мелкий пролив до литра» led with the medium spill's list, and «большой пролив что делать» got the medium
    spill's list alone, without «Позвонить 112»: «мелкий», «маленький», «большой» are the operators' words for the
    instruction's «небольшой» and «крупный» (the dictionary's size entries); the dictionary's term that is in one
    heading only tells the lists apart, and a list whose heading names the question leads a passage without steps."""
    small = demo_services.assistant.ask("мелкий пролив до литра что делать")
    assert small.text.startswith("Небольшой пролив (до 1 литра)"), small.answer
    large = demo_services.assistant.ask("большой пролив что делать")
    # (the size named, its list leads, not the nozzle that does not shut off retrieved first, nor all three sizes)
    assert large.text.startswith("Крупный пролив (более 20 литров)"), large.answer
    assert _holds_in_order(large.text, ["Крупный пролив (более 20 литров)", "Позвонить 112"]) == [], large.answer
    assert "Небольшой пролив" not in large.text, large.answer


@pytest.mark.slow
def test_a_spill_s_size_asked_is_not_answered_by_another_size(demo_services: Services) -> None:
    """«малый пролив что делать» got «нет ответа» («малый» was no dictionary word for «небольшой»); «в каком радиусе
    ограждать небольшой пролив» was answered by the medium spill's «конусами в радиусе 6 метров», which the
    instruction sets for the medium spill only (the hard rule ``variant_other``)."""
    small = demo_services.assistant.ask("малый пролив что делать")
    assert small.text.startswith("Небольшой пролив (до 1 литра)"), small.answer
    # nor is another size's list quoted beside it (it followed: «Средний пролив … конусами в радиусе 6 метров»)
    assert "Средний пролив" not in small.text and "Крупный пролив" not in small.text, small.answer
    large = demo_services.assistant.ask("большой пролив что делать")
    assert "Средний пролив" not in large.text and "Небольшой пролив" not in large.text, large.answer
    radius = demo_services.assistant.ask("в каком радиусе ограждать небольшой пролив")
    assert radius.abstained and "6 метров" not in radius.text, radius.answer
    medium = demo_services.assistant.ask("средний пролив в каком радиусе ставить конусы")
    assert not medium.abstained and "в радиусе 6 метров" in medium.text, medium.answer
