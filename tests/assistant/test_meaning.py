"""Answers keep their meaning: a list item is quoted with the lead-in that gives it its polarity
(«запрещается:», «только после:»), whether the lead-in is a sentence before the list or the section's
heading. Quoted alone, «Курить и пользоваться открытым огнём» says the opposite of the rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from azs_assistant.auth.principal import SYSTEM
from azs_assistant.services import Services
from tests.conftest import make_settings

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
    services = Services(make_settings(Path(tmp_path_factory.mktemp("meaning")), embeddings="none"))
    services.ingestor.ingest_bytes(RULES.encode(), "uploads/pravila.md")
    yield services
    services.close()


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
