"""Two documents that state different figures for the thing asked: the answer quotes both and says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azs_assistant.assistant import figures
from azs_assistant.assistant.notices import localise
from azs_assistant.language.analyzer import get_analyzer
from azs_assistant.services import Services
from tests.conftest import lexical_base

LEMMAS = get_analyzer().lemmas
OLD = "Остаток наличных в кассе не должен превышать 250 000 тенге. Излишек оператор сдаёт в сейф."
NEW = "С 1 ноября лимит остатка наличных в кассе АЗС составляет 850 000 тенге. Излишек сдаётся в сейф."


def test_figures_are_read_with_their_unit_and_compared_in_one_unit() -> None:
    found = figures.figures("Остаток не более 250 000 тенге, размен 40 000 тг; ждут 30 мин или 0,5 часа; "
                            "проба 1,5 литра, 5 мл; 1,5 тыс. л; ответ за 2 рабочих дня; АИ-92, 14.03.2026 в 10:00",
                            tuple(figures._UNITS))
    said = {f.text: (f.measure, f.amount) for f in found}
    assert said["250 000 тенге"] == ("money", 250000.0) and said["40 000 тг"] == ("money", 40000.0)
    assert said["30 мин"] == said["0,5 часа"] == ("time", 1800.0)
    assert said["1,5 литра"] == ("volume", 1.5) and said["5 мл"] == ("volume", 0.005)
    assert said["1,5 тыс. л"] == ("volume", 1500.0) and said["2 рабочих дня"] == ("time", 172800.0)
    assert not any("92" in t or "2026" in t or "10:00" in t for t in said)  # a grade, a date, a clock time


def test_what_a_question_asks_decides_the_measures_compared() -> None:
    assert figures.asked_measures("какой штраф за пролив?") == ("money", "percent")
    assert figures.asked_measures("сколько фактически приняли литров") == ("volume",)
    assert figures.asked_measures("сколько по времени идёт слив") == ("time",)
    assert set(figures.asked_measures("какой лимит наличных в кассе")) == set(figures._UNITS)
    assert figures.asked_measures("можно ли курить на АЗС?") == ()


def test_two_documents_stating_different_figures_for_one_thing_disagree() -> None:
    found = figures.disagreement("какой лимит наличных в кассе?",
                                 [(1, "Инкассация", OLD), (2, "Приказ № 45", NEW)], LEMMAS)
    assert found is not None
    assert found.sides == (("Инкассация", ("250 000 тенге",)), ("Приказ № 45", ("850 000 тенге",)))


@pytest.mark.parametrize(("question", "quotes"), [
    # the same figure said in other words
    ("сколько длится приём смены?", [(1, "А", "Приём смены длится не более 30 минут."),
                                     (2, "Б", "Приём смены длится не более 0,5 часа.")]),
    # figures of other things: the generator's fuel and its start
    ("генератор через сколько запускается?", [(1, "А", "Топлива в баке генератора хватает на 10 часов."),
                                               (2, "Б", "Генератор запускается автоматически через 30 секунд.")]),
    # two things asked, each answered by its own document
    ("сколько хранится проба в Береке и сколько в Сарыарке?",
     [(1, "А", "Проба хранится на АЗС 21 сутки."), (2, "Б", "Проба хранится на АЗС 30 суток.")]),
    ("сравни лимит наличных в кассе у двух сетей", [(1, "А", OLD), (2, "Б", NEW)]),
    # one document's two figures are its own rule (the city and the road)
    ("какой лимит наличных в кассе?", [(1, "А", "Лимит наличных в кассе 150 000 тенге."),
                                        (1, "А", "На трассе лимит наличных в кассе 100 000 тенге.")]),
    # the size asked: another size's tolerance is of another record
    ("какая погрешность на мерник 10 литров?",
     [(1, "А", "Допустимая погрешность ТРК на мерник 10 литров — 25 мл."),
      (2, "Б", "Допустимая погрешность ТРК на мерник 50 л — 125 мл.")]),
    # no figure asked
    ("можно ли держать в кассе много наличных?", [(1, "А", OLD), (2, "Б", NEW)]),
])
def test_no_disagreement_where_the_figures_are_not_of_one_thing(question: str,
                                                                quotes: list[tuple[int, str, str]]) -> None:
    assert figures.disagreement(question, quotes, LEMMAS) is None


@pytest.fixture(scope="module")
def two_orders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    yield from lexical_base(tmp_path_factory, "figures", {
        "uploads/inkassaciya.md": f"# Инкассация и работа с наличными\n\n## Лимит наличных\n\n{OLD}\n",
        "uploads/prikaz_45.md": f"# Приказ № 45 о лимите наличных в кассе\n\n{NEW}\n",
        "uploads/razmen.md": "# Размен\n\nНа начало смены в кассе оставляют размен 40 000 тенге.\n"})


def test_the_answer_quotes_both_documents_and_says_they_disagree(two_orders: Services) -> None:
    answer = two_orders.assistant.ask("какой лимит наличных в кассе?")
    assert not answer.abstained
    assert "250 000 тенге" in answer.answer and "850 000 тенге" in answer.answer
    notice = answer.notice or ""
    assert notice.startswith("Документы называют разные значения: «")
    assert notice.endswith(". Уточните у менеджера АЗС, какой документ действует.")
    assert "«Инкассация и работа с наличными» — 250 000 тенге" in notice
    assert "«Приказ № 45 о лимите наличных в кассе» — 850 000 тенге" in notice
    kazakh = localise(answer, "kk").notice
    assert kazakh is not None and kazakh.startswith("Құжаттарда әртүрлі мәндер берілген: «")
    assert "850 000 тенге" in kazakh and localise(answer, "en").notice.startswith("The documents give different")  # type: ignore[union-attr]


def test_an_answer_of_one_document_carries_no_notice(two_orders: Services) -> None:
    answer = two_orders.assistant.ask("какой размен оставляют в кассе на начало смены?")
    assert "40 000 тенге" in answer.answer and answer.notice is None
