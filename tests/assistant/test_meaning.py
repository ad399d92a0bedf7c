"""Answers keep their meaning: a list item is quoted with the lead-in that gives it its polarity
(«запрещается:», «только после:»), whether the lead-in is a sentence before the list or the section's
heading. Quoted alone, «Курить и пользоваться открытым огнём» says the opposite of the rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azs_assistant.assistant.extract import is_yes_no, rule_units
from azs_assistant.auth.principal import SYSTEM
from azs_assistant.documents.chunking import units_of
from azs_assistant.services import Services
from azs_assistant.storage.models import Chunk
from tests.conftest import lexical_base

RULES = """# Правила безопасности на АЗС

## На территории АЗС запрещается

- курить и пользоваться открытым огнём;
- заправлять автомобиль с работающим двигателем;
- мыть автомобили у топливораздаточных колонок.

## Приём наличных

Кассир проверяет каждую купюру детектором. При приёме наличных запрещается:

- принимать купюры с надрывами и пятнами краски;
- оставлять денежный ящик кассы открытым.

## Слив топлива

Слив топлива из автоцистерны начинают только после выполнения условий:

- автоцистерна заземлена;
- отстой топлива длится не менее 15 минут.
"""


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    yield from lexical_base(tmp_path_factory, "meaning", {"uploads/pravila.md": RULES})


@pytest.mark.parametrize(("question", "polarity", "item"), [
    ("курить на АЗС можно?", "запрещается", "курить"),
    ("можно ли заправлять машину с работающим двигателем", "запрещается", "работающим двигателем"),
    ("можно принимать купюры с пятнами краски?", "запрещается", "пятнами краски"),
    ("когда можно начинать слив из автоцистерны", "только после", "заземлена"),
])
def test_a_quoted_list_item_keeps_its_lead_in(svc: Services, question: str, polarity: str, item: str) -> None:
    answer = svc.assistant.ask(question, SYSTEM)
    text = answer.answer.lower()
    assert not answer.abstained, answer.answer
    assert polarity in text and item in text, answer.answer
    assert text.index(polarity) < text.index(item), answer.answer


SORBENT = """# Уборка проливов на АЗС

## Сорбент

Отработанный сорбент и мусор АЗС вывозит подрядчик раз в месяц по акту. Запас сорбента на АЗС: 30 кг.

## Уборка пролива

- Засыпать пролив сорбентом от краёв к центру.
- Собрать сорбент совком в металлический контейнер.

## Запрещается

- смывать пролив водой в ливневую канализацию;
- выбрасывать отработанный сорбент в бытовой мусор.
"""


@pytest.fixture(scope="module")
def sorbent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    yield from lexical_base(tmp_path_factory, "sorbent", {"uploads/sorbent.md": SORBENT})


@pytest.mark.parametrize("question", ["можно отработанный сорбент выбросить в мусор?",
                                      "сорбент можно в мусор выкинуть?"])
def test_may_i_is_answered_by_the_rule_not_by_a_passage_that_only_names_the_thing(sorbent: Services,
                                                                                   question: str) -> None:
    """«Можно…?» asks what a rule allows or forbids: the passage that says who takes the used sorbent away
    names it as often, but only the prohibition answers."""
    answer = sorbent.assistant.ask(question, SYSTEM)
    first = answer.answer.lower().split("[1]")[0]  # the first quote
    assert not answer.abstained, answer.answer
    assert "запрещается" in first and "бытовой мусор" in first, answer.answer
    assert first.index("запрещается") < first.index("бытовой мусор"), answer.answer


@pytest.mark.parametrize(("question", "yes_no"), [
    ("можно ли курить у колонки", True),
    ("курить на АЗС можно?", True),
    ("можно оператору вручную запустить генератор?", True),
    ("разрешается ли курить в операторной", True),
    ("что делать при проливе?", False),
    ("пролив бензина? порядок действий", False),  # a topic, then what is asked: no yes/no
    ("можно инструкцию по сливу топлива", False),  # a request, not a question whether it is allowed
    ("сколько стоит АИ-92?", False),
])
def test_questions_that_ask_whether_something_is_allowed(question: str, yes_no: bool) -> None:
    assert is_yes_no(question) is yes_no


def test_a_list_item_under_a_prohibiting_lead_in_or_heading_is_a_rule() -> None:
    chunk = Chunk(text="Уборка пролива:\n— засыпать сорбентом.\nЗапрещается:\n— смывать водой.\n"
                       "Сорбент вывозит подрядчик.", section="Проливы › Уборка", kind="steps")
    units = units_of(chunk)
    assert [units[i] for i in sorted(rule_units(chunk, units))] == ["Запрещается:", "смывать водой."]
    under = Chunk(text="— курить;\n— мыть автомобили.", section="Правила › На территории АЗС запрещается", kind="steps")
    assert rule_units(under, units_of(under)) == {0, 1}


def test_a_prohibiting_heading_leads_items_quoted_with_other_lines_on_a_line_of_its_own() -> None:
    """«**Заправка запрещается:** - Если…» put the first item on the heading's line, where Markdown shows no bullet."""
    from azs_assistant.assistant.extract import _with_rule_heading

    chunk = Chunk(text="— Если баллон повреждён.\n— Во время грозы.\nУтечка газа: нажать аварийную кнопку.",
                  section="Инструкция › Заправка запрещается", kind="steps")
    text = _with_rule_heading(chunk, "- Если баллон повреждён.\n- Во время грозы.\n\nУтечка газа: нажать кнопку.", True)
    assert text.startswith("**Заправка запрещается:**\n\n- Если баллон повреждён."), text
    # a sentence quoted before the items stays before the heading: it is not what the heading forbids
    text = _with_rule_heading(chunk, "Сорбент вывозит подрядчик.\n- Если баллон повреждён.", True)
    assert text == "Сорбент вывозит подрядчик.\n\n**Заправка запрещается:**\n\n- Если баллон повреждён.", text


def test_a_prohibition_quoted_as_a_whole_list_keeps_its_heading() -> None:
    """A list of prohibitions under its heading and no lead-in line of its own, quoted whole beside an answer (a
    list beside an answer comes with all its items), keeps «Оператору запрещается:» first: its items alone read as
    things the operator should do (a first version dropped it)."""
    from azs_assistant.assistant.extract import Extractor, ScoredPassage

    chunk = Chunk(text="— Обещать клиенту компенсацию.\n— Спорить с клиентом.\n— Удалять отзывы.",
                  section="Стандарт › 4. Оператору запрещается:", kind="steps")
    sp = ScoredPassage(chunk, ["Обещать клиенту компенсацию.", "Спорить с клиентом.", "Удалять отзывы."],
                       [1.0, 0.2, 0.1])
    text = Extractor(None, lambda _: 1.0).quote(sp, True, False, numbered=False)  # type: ignore[arg-type]
    assert text.startswith("**4\\. Оператору запрещается:**\n\n- Обещать"), text
    assert text.count("\n- ") == 3  # every item


def _lead_and_rule(services: Services, question: str, lead_words: str) -> tuple[str, str | None]:
    """``_rule_instead`` called with the passage holding ``lead_words`` as the answering lead: the lead's text
    and the text of the passage that replaces it (None: the lead stands)."""
    from azs_assistant.assistant.extract import Extractor

    assistant = services.assistant
    query, evidence = assistant.retrieve(question)
    extractor = Extractor(assistant.analyzer, assistant.index.idf)
    lead = next(e for e in evidence if lead_words in e.chunk.text)
    rule = assistant._rule_instead(query, (lead, extractor.score(lead.chunk, query, False, True)), evidence, None,
                                   extractor)
    return lead.chunk.text, None if rule is None else rule[0].chunk.text


def test_a_rule_on_the_thing_asked_replaces_a_lead_that_only_describes_it(sorbent: Services) -> None:
    lead, rule = _lead_and_rule(sorbent, "можно отработанный сорбент выбросить в мусор?", "вывозит подрядчик")
    assert rule is not None and "бытовой мусор" in rule, (lead, rule)


def test_a_rule_about_another_thing_does_not_replace_the_lead(sorbent: Services) -> None:
    """The prohibitions name the sorbent too («выбрасывать отработанный сорбент…»), but say nothing of where
    its stock is kept."""
    lead, rule = _lead_and_rule(sorbent, "можно хранить запас сорбента в операторной?", "Запас сорбента")
    assert rule is None, (lead, rule)
