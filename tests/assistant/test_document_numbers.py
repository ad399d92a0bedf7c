"""A document's own number and edition, said once in its opening, hold for every passage of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azs_assistant.assistant import answerable
from azs_assistant.assistant import entities as typed_entities
from azs_assistant.services import Services
from tests.conftest import make_settings

INSTRUCTION = """# Охрана труда оператора АЗС

Инструкция ОТ-11 сети «Сарыарка Ойл». Редакция 6 от 10.01.2026. Утверждена директором по рознице.

## 1. Общие требования

1.1. К работе допускаются лица не моложе 18 лет, прошедшие инструктаж по охране труда.

## 2. Запрещается

- Разговаривать по мобильному телефону у колонок во время заправки и у площадки слива.
- Работать в одежде, пропитанной топливом.
"""


def test_the_numbers_a_document_gives_itself_are_those_after_its_kind() -> None:
    assert typed_entities.document_numbers("Инструкция ОТ-11 сети «Сарыарка Ойл».") == {"от11"}
    assert typed_entities.document_numbers("Положение П-04 ТОО «Береке Ойл», редакция 6") == {"п4"}
    assert typed_entities.document_numbers("ПРИКАЗ №211-П г. Павлодар") == {"211п"}
    # an error code or a station named in passing is no number of the document, nor another document it cites,
    # nor a word that only begins like a document's kind (the second review)
    assert typed_entities.document_numbers("Коды ошибок ТРК «Алтай-2М». Ошибка E-35: перегрев. АЗС № 7") == set()
    assert typed_entities.document_numbers("Инструкция ОТ-11 сети «Сарыарка Ойл». Разработана согласно инструкции "
                                           "ПБ-06 и приказу № 45.") == {"от11"}
    assert typed_entities.document_numbers("Трансформатор ТМГ-400. Контакт ТРК-2. Информация ПБ-06") == set()
    assert typed_entities.document_numbers("Утверждено приказом № 35-П. Ошибка 35: перегрев.") == set()


def test_editions_are_read_as_numbers() -> None:
    assert answerable.editions("Положение П-04, редакция 6 от 10.01.2026") == {"6"}
    assert answerable.asks_another_edition("что было в 5-й редакции П-04?", frozenset({"6"}))
    assert not answerable.asks_another_edition("что в 6-й редакции П-04?", frozenset({"6"}))
    assert not answerable.asks_another_edition("что в П-04?", frozenset({"6"}))
    # the edition a document states for itself is the highest its opening names
    assert answerable.current_edition("Редакция 6 от 10.01.2026, заменяет редакцию 5") == {"6"}


@pytest.fixture(scope="module")
def instruction(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    # the dense model on: without it the lexical rule decides, and the typed things are not checked
    svc = Services(make_settings(tmp_path_factory.mktemp("document-numbers"), answer_cache=False))
    assert svc.ingestor.ingest_bytes(INSTRUCTION.encode(), "uploads/ot-11.md").status == "added"
    yield svc
    svc.close()


def test_a_rule_of_the_document_named_by_its_number_answers(instruction: Services) -> None:
    # the rule's passage does not repeat «ОТ-11»: the document's opening says it (it was ruled out as lacking it)
    answer = instruction.assistant.ask("по ОТ-11 можно разговаривать по мобильному у колонки во время заправки?")
    assert not answer.abstained, answer.answer
    assert "мобильному телефону" in answer.answer and "Запрещается" in answer.answer


def test_another_edition_of_the_document_is_not_answered_by_any_of_its_passages(instruction: Services) -> None:
    # the passage quoted states no edition; its document's opening states the 6th
    answer = instruction.assistant.ask("по 5-й редакции ОТ-11 можно разговаривать по мобильному у колонки?")
    assert answer.abstained, answer.answer
