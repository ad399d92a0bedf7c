"""The answerability model: what a question names must be in the passage, and the shipped weights."""

from __future__ import annotations

import pytest

from azs_assistant.assistant import answerable
from azs_assistant.language import get_analyzer
from azs_assistant.search.query import AnalyzedQuery


def _query(text: str) -> AnalyzedQuery:
    tokens = get_analyzer().tokens(text)
    return AnalyzedQuery(text=text, tokens=tokens, terms={}, key_terms=[(t.lemma, 1.0) for t in tokens])


def _lemma(word: str) -> str:
    tokens = get_analyzer().tokens(word)
    return tokens[0].lemma if tokens else word


def _missing(question: str, passage: str) -> list[str]:
    lemmas = set(get_analyzer().lemmas(passage))
    return [e for e in answerable.entities(_query(question))
            if not answerable._present(e, passage, lemmas, _lemma)]


@pytest.mark.parametrize(("question", "named"), [
    ("Какая цена АИ-95 в Актобе?", {"аи-95", "актобе"}),
    ("что значит ошибка E-47 на колонке", {"e-47"}),
    ("Сколько хранится проба по регламенту РГ-ПТ-01?", {"рг-пт-01"}),
    ("как заполнить ТТН", {"ттн"}),
    ("Курить на АЗС можно?", {"азс"}),
])
def test_the_things_a_question_names(question: str, named: set[str]) -> None:
    found = set(answerable.entities(_query(question)))
    assert named <= found, found
    assert "какая" not in found and "курить" not in found  # a capital at the start of a sentence is no name


def test_a_near_miss_names_what_the_passage_lacks() -> None:
    table = "Цены по регионам: Алматы — АИ-92 205 тг, АИ-95 245 тг; Астана — АИ-92 207 тг, АИ-95 247 тг."
    assert _missing("Какая цена АИ-95 в Актобе?", table) == ["актобе"]
    assert _missing("Какая цена АИ-95 в Астане?", table) == []
    assert _missing("сколько стоит 92-й в Алматы", table) == []
    codes = "Коды ошибок ТРК: E-12 нет связи с контроллером; E-40 перегрев насоса."
    assert _missing("что значит ошибка E-47", codes) == ["e-47"]
    assert _missing("что значит ошибка Е12", codes) == []  # Cyrillic Е, no dash
    assert _missing("What is the price of AI-95 in Almaty?", table) == []  # transliterated
    # a number the question states is not the number of a code: «+35» (a temperature) is not «E-35»
    heat = "Код: E-35; Описание: Перегрев электродвигателя насоса"
    assert _missing("в жару +35 и выше что положено оператору", heat) == ["+35"]
    assert _missing("на топаз 511 ошибка что делать", "ТРК Топаз-511: нет связи") == []  # a model's number
    assert _missing("в жару +35 что положено", "При температуре выше +35 градусов — перерыв") == []


def _judge(question: str, *texts: str, known: bool = False) -> list[list[float]]:
    analyzer = get_analyzer()
    passages = [answerable.Retrieved(t, frozenset(analyzer.lemmas(t)), 0.8, 0.88, 1.0 - n / 10)
                for n, t in enumerate(texts)]
    return answerable.judge(_query(question), passages, lambda _: 1.0, lambda _: known, _lemma)


def test_a_name_the_knowledge_base_never_uses_is_absent() -> None:
    named = answerable.FEATURES.index("named_absent")
    # «Актобе» is in no retrieved passage, and the base does not know the word: the question is a near miss
    assert _judge("Какая цена АИ-95 в Актобе?", "Алматы АИ-95 245 тг", "Астана АИ-95 247 тг")[0][named] == 1
    assert _judge("Какая цена АИ-95 в Актобе?", "Алматы АИ-95 245 тг", "Актобе АИ-95 249 тг")[0][named] == 0
    # a name the base uses elsewhere (the chain's own name) is context, not a miss
    assert _judge("Сколько сорбента на АЗС Береке?", "Сорбент: не менее 25 кг", known=True)[0][named] == 0
    # a code no retrieved passage holds is a miss whatever the base knows
    assert _judge("что значит ошибка E-47", "E-12 нет связи", "E-40 перегрев", known=True)[0][named] == 1


def test_features_and_the_shipped_model_agree() -> None:
    model = answerable.model()
    assert len(model.weights) == len(answerable.FEATURES) and 0 < model.threshold < 1
    weights = answerable.describe()["weights"]
    # what the model learned must make sense, or the fit is broken: more support and closer meaning
    # make an answer likelier, a named thing the base lacks makes it less likely
    assert weights["support"] > 0 and weights["dense"] > 0 and weights["named_absent"] < 0
    near = _judge("Какая цена АИ-95 в Актобе?", "Алматы АИ-95 245 тг")[0]
    held = _judge("Какая цена АИ-95 в Актобе?", "Актобе АИ-95 249 тг")[0]
    assert answerable.probability(near) < answerable.probability(held)


class _Row:
    kind = "table_row"

    def __init__(self, header: list[str], cells: list[str]) -> None:
        self.meta = {"header": header, "cells": cells}
        self.text = "; ".join(f"{h}: {c}" for h, c in zip(header, cells, strict=True))


COMPLAINTS = ["Тема обращения", "Кто рассматривает", "Срок ответа"]
SHELF_LIFE = ["Продукт", "Срок реализации после приготовления", "Что делать по истечении"]


def _terms_query(text: str) -> AnalyzedQuery:
    analyzer = get_analyzer()
    tokens = analyzer.tokens(text)
    return AnalyzedQuery(text=text, tokens=tokens, terms={lemma: 1.0 for lemma in analyzer.lemmas(text)},
                         key_terms=[(t.lemma, 1.0) for t in tokens])


@pytest.mark.parametrize(("question", "row", "nothing"), [
    # the table has no row for what is asked: the question's words are all in its headers
    ("в какой срок отвечают на жалобу по мойке",
     _Row(COMPLAINTS, ["Качество топлива", "Лаборатория", "7 рабочих дней"]), True),
    ("срок реализации пирожков с мясом", _Row(SHELF_LIFE, ["Сэндвичи в упаковке", "до даты на этикетке",
                                                           "Снять с витрины за 2 часа до конца срока"]), True),
    # the row's own cells name what is asked
    ("в какой срок отвечают на жалобу по качеству топлива",
     _Row(COMPLAINTS, ["Качество топлива", "Лаборатория", "7 рабочих дней"]), False),
    ("сосиски на гриле сколько держим", _Row(SHELF_LIFE, ["Хот-дог на роликовом гриле", "4 часа", "Списать"]), False),
    ("что значит ошибка E-35", _Row(["Код", "Описание"], ["E-35", "Перегрев электродвигателя насоса"]), False),
    # a typed thing of the question in the row's cells names the record: «на двойку» is «АЗС №2»
    ("во сколько инкас на двойку", _Row(["АЗС", "Город", "Инкассация"], ["АЗС №2", "Павлодар", "11:00"]), False),
    # the measure a value is given in names no record: «часов» against «8 часов», «процент» against «1%»
    ("сколько часов можно держать самсу на витрине", _Row(SHELF_LIFE, ["Выпечка из печи", "8 часов", "Списать"]), True),
    ("есть уровень платина в бонусах? какой процент", _Row(["Уровень", "Бонус за топливо"], ["Стандарт", "1%"]), True),
    # English or Kazakh: the cells are Russian, the dense model decides
    ("How long can hot dogs stay on the roller grill?",
     _Row(SHELF_LIFE, ["Хот-дог на роликовом гриле", "4 часа", "Списать"]), False),
])
def test_a_row_that_names_nothing_of_the_question_cannot_answer(question: str, row: _Row, nothing: bool) -> None:
    analyzer = get_analyzer()
    assert answerable.row_names_nothing(_terms_query(question), row, analyzer.lemmas, _lemma) is nothing


def test_a_passage_that_is_no_row_is_never_ruled_out_as_one() -> None:
    class Text:
        kind, meta, text = "text", None, "Курить на АЗС запрещается."

    assert not answerable.row_names_nothing(_terms_query("мойка"), Text(), get_analyzer().lemmas, _lemma)


def test_a_choice_the_question_offers_is_held_by_either() -> None:
    entities_missing = answerable.FEATURES.index("entities_missing")
    values = _judge("какую бобину ставить в ккм, 80 или 57?", "Заменить рулон чековой ленты шириной 80 мм.",
                    "Заменить рулон чековой ленты.")
    assert values[0][entities_missing] == 0.0
    assert values[1][entities_missing] == 1.0


def test_a_stations_row_answers_what_it_holds_besides_the_station() -> None:
    row = "АЗС: АЗС №4; Город: Костанай; Адрес: пр. Абая 210; Инкассация: 10:00 и 19:00; Режим работы: круглосуточно"
    lemmas = get_analyzer().lemmas
    assert answerable.row_holds_more(_terms_query("во сколько инкассация на АЗС №4 в Костанае"), row, lemmas)
    assert not answerable.row_holds_more(_terms_query("во сколько начнутся сварочные работы на АЗС №4 в Костанае"),
                                         row, lemmas)


def test_a_choice_is_held_by_either_in_the_hard_rule_too() -> None:
    typed_missing = len(answerable.FEATURES)  # the first rule after the model's features
    values = _judge("что лить в генератор, АИ-92 или АИ-95?", "Генератор заправляют бензином АИ-92.")
    assert values[0][typed_missing] == 0.0


@pytest.mark.parametrize(("passage", "question", "only"), [
    # a line naming its document answers nothing it prescribes
    ("Положение П-02 сети «Сарыарка Ойл», редакция 4 от 15.01.2026.", "когда начинается дневная смена", True),
    ("Инструкция ЭЛ-14 сети «Сарыарка Ойл».", "свет пропал что делать", True),
    ("ТОО «Береке Ойл», приказ №211-П от 01.10.2025", "с какой даты зимнее ДТ", False),  # the date is asked
    # ... but it is the answer about the document itself
    ("Положение П-02 сети «Сарыарка Ойл», редакция 4 от 15.01.2026.", "какая редакция положения П-02", False),
    ("Инструкция ЭЛ-14 сети «Сарыарка Ойл».", "по какой инструкции работаем при отключении света", False),
    # a passage that goes on to say something is no document line
    ("Инструкция ГЗ-13 сети «Сарыарка Ойл». Перед заправкой водитель глушит двигатель.", "как заправлять газом",
     False),
    ("Положение П-02: смена начинается в 08:00.", "когда начинается смена", False),
    ("Порядок действий при отключении", "что делать при отключении", False),
])
def test_a_passage_that_only_names_its_document_answers_only_about_the_document(passage: str, question: str,
                                                                                 only: bool) -> None:
    from azs_assistant.assistant.answerable import only_names_its_document

    assert only_names_its_document(passage, question) is only


def _values(**changed: float) -> list[float]:
    """A first passage holding every word and thing of the question, with a low model probability (the search's
    score below another's before the re-ranker), then the hard rules' verdicts."""
    base = {"support": 1.0, "dense": 0.83, "relative_score": 0.62, "first": 1.0, "entities_missing": 0.0,
            "has_entities": 1.0, "strongest_missing": 0.0, "unknown_share": 0.0, "jargon_hit": 0.0, "margin": 0.1,
            "terms": 1.39, "foreign": 0.0, "named_absent": 0.0, "typed_missing": 0.0,
            "translation_missing": 0.0, "variant_other": 0.0}
    base.update(changed)
    return [base[name] for name in (*answerable.FEATURES, *answerable.RULES)]


def test_a_first_passage_holding_the_whole_question_answers_whatever_the_probability() -> None:
    """GIVEN «по акту 0318 расхождение сколько» and the act itself first, holding every word and the act's number,
    which the model read at 0.43 WHEN judged THEN it answers; one lacking a word, a thing named or ruled out by a
    hard rule, or not first, is left to the model."""
    assert answerable.probability(_values()) < answerable.model().threshold
    assert answerable.covers(_values())
    assert not answerable.covers(_values(strongest_missing=0.4))
    assert not answerable.covers(_values(entities_missing=1.0))
    assert not answerable.covers(_values(named_absent=1.0))
    assert not answerable.covers(_values(unknown_share=0.25))
    assert not answerable.covers(_values(first=0.0))
    assert not answerable.covers(_values(typed_missing=1.0))
    # a question of no word or of one («что делать?», «помогите») holds trivially all it weighs: not read so
    assert not answerable.covers(_values(support=0.0, terms=0.0))
    assert not answerable.covers(_values(terms=0.69))

