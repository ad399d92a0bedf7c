"""A question that names a document's number («по акту 0318») is answered from that document first: the
acceptance regulation matches every other word of «во сколько закончили слив по акту 0318», the act itself
only the number (Assistant._names_document, ranking.rerank)."""

from __future__ import annotations

from pathlib import Path

from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.factories import document

ACT = """# Акт приёма

АКТ № 0318 приёма нефтепродуктов из автоцистерны, АЗС № 7, г. Экибастуз. Дата: 14.03.2026.

## Слив

Начало слива 10:15, окончание слива 10:52. Фактически принято: 18 392 л.
"""

RULES = """# Регламент приёма нефтепродуктов

## Слив

Слив ведут под постоянным наблюдением оператора. Время начала и окончания слива записывают в акт приёма.
После окончания слива закрыть клапан и выждать 15 минут до замера уровня.
"""


def test_the_document_named_by_its_number_comes_first(tmp_path: Path) -> None:
    services = Services(make_settings(tmp_path, answer_cache=False))
    try:
        document(services, RULES, "uploads/reglament.md")
        document(services, ACT, "uploads/act_0318.md")
        _, evidence = services.assistant.retrieve("во сколько закончили слив по акту 0318")
        flags = [(e.document.source, e.names_document) for e in evidence]
        # every passage of the act is flagged (its «Слив» passage through the document's opening), no other
        assert {source for source, flag in flags if flag} == {"uploads/act_0318.md"}, flags
        assert all(flag for source, flag in flags if source == "uploads/act_0318.md"), flags
        assert evidence[0].document.source == "uploads/act_0318.md", [e.document.source for e in evidence]
        # a question naming no document number flags nothing
        _, evidence = services.assistant.retrieve("во сколько закончили слив")
        assert not any(e.names_document for e in evidence)
    finally:
        services.close()
