"""The answering passage is quoted whole (issue 21): the sentence that matches the question best is often
not the one that holds the fact, but its neighbour, which a window of the best-matching sentences left out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from azs_assistant.assistant.extract import WHOLE_PASSAGE
from azs_assistant.auth.principal import SYSTEM
from azs_assistant.services import Services
from tests.conftest import make_settings

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
    services = Services(make_settings(Path(tmp_path_factory.mktemp("whole")), embeddings="none"))
    services.ingestor.ingest_bytes(PROBA.encode(), "uploads/priem.md")
    yield services
    services.close()


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
