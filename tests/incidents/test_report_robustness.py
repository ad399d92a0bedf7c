"""Report questions that must never become a server error or a fake group: incidents without a region
(an OCR act, an external row) and periods outside the calendar («зима 0000», «за последние 5000 лет»)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.reports.parse import ReportUnclear
from tests.incidents.incident_log import stored_log

TODAY = date(2026, 11, 23)
IMPLAUSIBLE = ["зима 0000", "сколько проливов зимой 0001 года", "лето 0000", "с октября по март 0001",
               "инциденты в декабре 9999", "4 квартал 9999", "q4 9999", "за последние 5000 лет",
               "сколько проливов в мае 0000"]


@pytest.fixture
def log(sqlite_services):  # type: ignore[no-untyped-def]
    from azs_assistant.incidents.records import store

    rows = stored_log(sqlite_services)
    unplaced = {"incident_id": "OCR-1", "station_id": "АЗС-001", "region": None,
                "occurred_at": datetime(2025, 3, 4, 10), "category": "fuel_spill", "equipment": "ТРК №1",
                "description": "акт без региона", "actions_taken": "", "resolved_at": None, "severity": 2}
    with sqlite_services.db.session() as s:
        assert store(s, [("OCR-1", unplaced)], origin="test").inserted == 1
    sqlite_services.reports.invalidate()
    return rows


def _add_quiet_region(svc) -> None:  # type: ignore[no-untyped-def]
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.stations import StationInput

    svc.stations.add(SYSTEM, StationInput("АЗС-099", "АЗС «Тихая»", "Актобе"))
    svc.reports.invalidate()


def test_incidents_without_a_region_are_no_region_named_none(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an incident without a region and a registry region without incidents WHEN counts per region
    are asked THEN the zero region is listed, the unplaced incident is its own unnamed row, and no region
    is called «None» in the answer, the table or the sentence (ru, kk, en)."""
    _add_quiet_region(sqlite_services)
    report = sqlite_services.reports.ask("сколько инцидентов по регионам в 2025 году", TODAY)
    answer = report.result.answer
    assert answer["Актобе"] == 0 and "None" not in answer and answer[""] == 1
    assert [row["region"] for row in report.result.table].count(None) == 1
    assert "None" not in "".join(report.text_in(lang) for lang in ("ru", "kk", "en"))
    assert "не указано — 1" in report.text


def test_the_least_region_is_never_the_unnamed_group(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an incident without a region WHEN «в каком регионе меньше всего» (a ranking that counts zeros)
    is asked THEN the ranking holds named regions only, the zero one first."""
    _add_quiet_region(sqlite_services)
    result = sqlite_services.reports.ask("топ-3 региона, где реже всего были инциденты в 2025 году", TODAY).result
    regions = [row["region"] for row in result.table]
    assert regions and regions[0] == "Актобе" and None not in regions and "None" not in regions


@pytest.mark.parametrize("question", IMPLAUSIBLE)
def test_a_period_outside_the_calendar_is_not_understood(sqlite_services, log, question: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a year outside 1900-2100 or a span before year 1 WHEN asked THEN the typed «не понял» error in
    ru/kk/en (not a ValueError or a silent reading of «в мае 0000» as May 2026)."""
    with pytest.raises(ReportUnclear) as caught:
        sqlite_services.reports.ask(question, TODAY)
    assert "1900" in caught.value.message_ru and caught.value.message_kk and "1900" in caught.value.message_en


@pytest.mark.parametrize("question", ["зима 0000", "q4 9999", "за последние 5000 лет"])
def test_the_api_answers_an_impossible_period_with_422(tmp_path: Path, question: str) -> None:
    """GIVEN an impossible period WHEN asked through the REST API THEN 422 report_unclear, not 500."""
    from azs_assistant.api.app import create_app
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings
    from tests.api.test_api import assert_error
    from tests.conftest import authorize

    svc = Services(Settings(data_dir=tmp_path, embeddings="none"))
    try:
        with TestClient(create_app(svc), raise_server_exceptions=False) as client:
            authorize(client, svc)
            resp = client.post("/api/v1/reports/ask", json={"question": question, "today": "2026-11-23"})
            assert_error(resp, 422, "report_unclear")
    finally:
        svc.close()
