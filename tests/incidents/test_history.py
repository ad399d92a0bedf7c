"""Past incidents answer «как в прошлый раз решили…» in the chat, and an operator's «инцидент: …»
lands in the log with origin ``chat``, counted by reports like any other."""

from __future__ import annotations

from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.incidents.records import store
from azs_assistant.storage.models import Incident
from tests.conftest import authorize

ROWS = [
    {"incident_id": "I-1", "station_id": "АЗС-012", "region": "Алматы", "occurred_at": "2026-03-02T10:00:00",
     "category": "equipment_failure", "equipment": "ТРК №3", "description": "трк 3 не отпускает топливо, ошибка E21",
     "actions_taken": "перезагрузили контроллер ТРК, вызвали техника", "resolved_at": "2026-03-02T12:30:00"},
    {"incident_id": "I-2", "station_id": "АЗС-012", "region": "Алматы", "occurred_at": "2026-05-10T09:00:00",
     "category": "equipment_failure", "equipment": "ТРК №5", "description": "трк 5 не отпускает топливо",
     "actions_taken": "заменили датчик", "resolved_at": "2026-05-10T10:00:00"},
    {"incident_id": "I-3", "station_id": "АЗС-007", "region": "Шымкент", "occurred_at": "2026-06-01T09:00:00",
     "category": "equipment_failure", "equipment": "ТРК №3", "description": "трк 3 не отпускает топливо",
     "actions_taken": "сменили плату", "resolved_at": "2026-06-01T11:00:00"},
    {"incident_id": "I-4", "station_id": "АЗС-012", "region": "Алматы", "occurred_at": "2026-07-01T09:00:00",
     "category": "fuel_spill", "equipment": "раздаточный кран ТРК №2", "description": "пралив 2 л у трк 2",
     "actions_taken": "засыпали сорбентом", "resolved_at": "2026-07-01T09:30:00"},
]


def _load(services) -> None:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        store(s, [(r["incident_id"], r) for r in ROWS], origin="test")


def test_past_incident_answers_how_it_was_solved(services) -> None:  # type: ignore[no-untyped-def]
    _load(services)
    answer = services.assistant.ask("Как в прошлый раз решили проблему с ТРК 3 на АЗС-012?")
    assert answer.mode == "incidents" and not answer.abstained
    assert [c.title for c in answer.citations] == ["Инцидент I-1"]  # station and dispenser both count
    assert "перезагрузили контроллер" in answer.answer and "2.5 ч" in answer.answer
    assert answer.citations[0].url == "/incidents/I-1"
    spill = services.assistant.ask("что делали раньше при проливе на азс 12?")
    assert spill.citations[0].title == "Инцидент I-4" and "сорбентом" in spill.answer


def test_operator_reports_an_incident_in_the_chat(services) -> None:  # type: ignore[no-untyped-def]
    _load(services)
    answer = services.assistant.ask("Инцидент: АЗС-012, пролив топлива у ТРК 2, убрали сорбентом")
    assert answer.mode == "incident" and not answer.abstained and "записан" in answer.answer
    incident_id = answer.citations[0].title.split()[-1]
    with services.db.session() as s:
        row = s.get(Incident, incident_id)
        assert (row.origin, row.station_id, row.category, row.equipment, row.is_open, row.region) == \
            ("chat", "АЗС-012", "fuel_spill", "ТРК №2", 1, "Алматы")
    report = services.reports.ask("сколько проливов на АЗС-012 в 2026 году?")
    assert report.result.answer == 2
    missing = services.assistant.ask("инцидент: пролив у ТРК 2")
    assert missing.abstained and "номер АЗС" in missing.answer


def test_chat_api_and_incident_page(sqlite_services) -> None:  # type: ignore[no-untyped-def]
    _load(sqlite_services)
    with TestClient(create_app(sqlite_services, background=False)) as client:
        authorize(client, sqlite_services)
        body = client.post("/api/v1/ask", json={"question": "как раньше устраняли ошибку на ТРК 5 АЗС 12?"}).json()
        assert body["citations"][0]["url"] == "/incidents/I-2"
        page = client.get("/incidents/I-2")
        assert page.status_code == 200 and "заменили датчик" in page.text and "отказы оборудования" in page.text
        kazakh = client.get("/incidents/I-2", headers={"accept-language": "kk"})  # category in the reader's language
        assert "жабдық ақаулары" in kazakh.text and "отказы оборудования" not in kazakh.text
        assert "1,0 сағ" in kazakh.text and "1,0 ч" in page.text  # a decimal comma, as in the reports
        chat = sqlite_services.assistant.ask("Инцидент: АЗС-012, пролив топлива у ТРК 2, убрали сорбентом")
        recorded = client.get(f"/incidents/{chat.citations[0].title.split()[-1]}", headers={"accept-language": "kk"})
        assert "оператордың чаттағы хабарламасы" in recorded.text, recorded.text  # where the record came from
        assert "1.0 h" in client.get("/incidents/I-2", headers={"accept-language": "en"}).text
        assert client.get("/incidents/NOPE").status_code == 404


def test_an_incidents_origin_is_told_by_kind() -> None:
    from azs_assistant.incidents.records import origin_kind

    assert origin_kind("chat") == ("chat", "") and origin_kind("ocr") == ("ocr", "")
    assert origin_kind("import:журнал.csv") == ("import", "журнал.csv")
    assert origin_kind("oracle-main") == ("sync", "oracle-main")
