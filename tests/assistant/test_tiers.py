"""A table of tiers («до 1 000 л», «от 1 000 до 5 000 л», «свыше 20 000 л»: a discount's or a status's levels)
answers an amount of its unit with the one row whose range holds it (``assistant/tables.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from azs_assistant.assistant.tables import amounts, cell_range
from azs_assistant.auth.principal import SYSTEM
from azs_assistant.services import Services
from tests.conftest import make_settings

INF = float("inf")


@pytest.mark.parametrize(("question", "expected"), [
    ("Какая скидка у корпоративщика, который заливает 8 тысяч литров в месяц?", [(8000.0, "л")]),
    ("накатал за квартал на 450 тыс. тенге", [(450000.0, "тг")]),
    ("при 8 тысячах литров, «1,5 млн. тенге»", [(8000.0, "л"), (1500000.0, "тг")]),
    ("1,5 млн ₸ в месяц", [(1500000.0, "тг")]),
    ("В 2025 году пролили 3 000 л на АЗС №12", [(2025.0, None), (3000.0, "л")]),
])
def test_amounts_a_question_names_with_their_unit(question: str, expected: list[tuple[float, str | None]]) -> None:
    assert amounts(question) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("до 1 000 л", (-INF, 1000.0, "л")),
    ("от 1 000 до 5 000 л", (1000.0, 5000.0, "л")),
    ("свыше 20 000 л", (20000.0, INF, "л")),
    ("1000–5000 литров", (1000.0, 5000.0, "л")),
    ("от 300 до 600 тыс. тг", (300000.0, 600000.0, "тг")),
    ("не более 5 л", (-INF, 5.0, "л")),
    ("не\u00a0более 5 л", (-INF, 5.0, "л")),
    ("от 500 тыс. до 1 млн тг", (500000.0, 1000000.0, "тг")),
    ("АИ-92", None),
    ("15", None),  # a single number is no range
])
def test_a_cell_states_a_range(cell: str, expected: tuple[float, float, str | None] | None) -> None:
    assert cell_range(cell) == expected


FLEET = """# Корпоративные топливные карты «Береке Fleet»

## Скидки по объёму

Скидка зависит от объёма заправок по карте за месяц.

| Объём заправок в месяц | Скидка, тг/л |
|---|---|
| до 1 000 л | 0 |
| от 1 000 до 5 000 л | 3 |
| от 5 000 до 20 000 л | 5 |
| свыше 20 000 л | 7 |

## Выдача карт

Карты выдаёт отдел по работе с корпоративными клиентами в течение 5 рабочих дней.
"""


@pytest.mark.parametrize(("question", "row"), [
    ("Какая скидка у корпоративщика, который заливает 8 тысяч литров в месяц?", "от 5 000 до 20 000 л"),
    ("скидка по флит карте если берут 25000 литров", "свыше 20 000 л"),
    ("у клиента 700 л в месяц по карте — скидка какая?", "до 1 000 л"),
])
def test_an_amount_gets_the_tier_that_holds_it(tmp_path: Path, question: str, row: str) -> None:
    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        assert services.ingestor.ingest_bytes(FLEET.encode(), "uploads/fleet.md").status == "added"
        answer = services.assistant.ask(question, SYSTEM)
        assert not answer.abstained, answer.answer
        first = answer.answer.split("\n\n")[0]
        assert row in first and first.count("Объём заправок") == 1, answer.answer
        assert answer.citations[0].quote.startswith(f"Объём заправок в месяц: {row}")
    finally:
        services.close()


LIMITS = FLEET + """
## Лимиты

Суточный лимит по карте меняет менеджер по работе с корпоративными клиентами по заявке клиента.
"""


@pytest.mark.parametrize("question", ["Как поменять лимит 500 л в сутки по карте?",
                                      "Можно ли заправить канистру на 20 л?"])
def test_an_amount_of_something_else_gets_no_tier(tmp_path: Path, question: str) -> None:
    """A question with an amount in the table's unit that asks nothing its other columns give is no tier's."""
    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        assert services.ingestor.ingest_bytes(LIMITS.encode(), "uploads/fleet.md").status == "added"
        answer = services.assistant.ask(question, SYSTEM)
        assert "Скидка, тг/л" not in answer.answer.split("\n\n")[0], answer.answer
    finally:
        services.close()
