"""The station registry: one reading of station ids, a CSV import that names its bad line, seeding from
the incident log, and every use of stations (scopes, complaints, form records, reports) checked
against it. Storage tests run on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from azs_assistant.errors import Conflict, Forbidden, InvalidInput
from azs_assistant.incidents.records import store
from azs_assistant.stations import match, parse_csv, parse_station, station_input

ROOT = Path(__file__).resolve().parents[2]
CSV = ("id,name,region,address,active\n"
       "АЗС-012,АЗС «Азаттык»,Алматы,\"Алматы, пр. Абая, 10\",1\n"
       "7,АЗС «Байдибек би»,Шымкент,,\n"
       "АЗС-020,Закрытая,Алматы,,0\n")


def _incidents(services, *rows: tuple[str, str, str]) -> None:  # type: ignore[no-untyped-def]
    with services.db.session() as s:
        store(s, [(f"I-{i}", {"incident_id": f"I-{i}", "station_id": st, "region": reg, "category": "fuel_spill",
                              "occurred_at": when}) for i, (st, reg, when) in enumerate(rows)], origin="test")


def test_people_write_a_station_many_ways_and_it_is_read_as_one_id() -> None:
    for raw in ("12", "АЗС 12", "азс-012", "№12", "АЗС-012", " станция №12 "):
        assert parse_station(raw) == "АЗС-012", raw
    assert parse_station("у рынка") is None and parse_station("") is None
    known = {"АЗС-012": "Алматы", "AZS-7": "Шымкент"}
    assert match("7", known) == "AZS-7" and match("азс-012", known) == "АЗС-012" and match("99", known) == "АЗС-099"


def test_a_bad_row_names_its_line_and_nothing_is_stored(services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a CSV whose third row has no region WHEN it is imported THEN the error names line 3 and
    the registry stays empty; a good file imports, and importing it again changes nothing."""
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,region\n12,Абая,Алматы\n13,Без региона,\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        services.stations.import_csv("test", bad.read_text("utf-8"), name="bad.csv")
    assert "bad.csv, строка 3" in caught.value.message_ru and caught.value.details["line"] == 3
    assert services.stations.list() == []
    assert services.stations.import_csv("test", CSV).to_dict() == {"added": 3, "updated": 0, "unchanged": 0}
    assert services.stations.import_csv("test", CSV).to_dict() == {"added": 0, "updated": 0, "unchanged": 3}
    assert services.stations.import_csv("test", CSV.replace("АЗС «Байдибек би»", "Южная")).updated == 1
    assert services.stations.known() == {"АЗС-007": "Шымкент", "АЗС-012": "Алматы"}  # АЗС-020 is inactive
    assert services.stations.regions() == ["Алматы", "Шымкент"]
    assert services.stations.get("7").name == "Южная"
    with pytest.raises(InvalidInput, match="строка 3.*уже была"):
        parse_csv("id,name,region\n12,a,b\nАЗС-012,c,d\n")
    with pytest.raises(InvalidInput, match="active"):
        parse_csv("id,name,region,active\n12,a,b,может быть\n")


def test_an_empty_registry_is_seeded_once_from_the_incident_log(services) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an installation with an incident log and no registry (an upgrade) WHEN stations are read
    THEN the log's stations and regions fill the registry once; later log rows do not add to it."""
    _incidents(services, ("АЗС-012", "Алматы", "2026-01-10T10:00:00"), ("АЗС-007", "Шымкент", "2026-02-10T10:00:00"))
    assert services.stations.known() == {"АЗС-007": "Шымкент", "АЗС-012": "Алматы"}
    assert services.stations.seed_from_incidents() == 0
    _incidents(services, ("АЗС-044", "Атырау", "2026-03-10T10:00:00"))
    services.stations.invalidate()
    assert "АЗС-044" not in services.stations.known()


def test_a_user_or_key_scope_names_only_registry_stations_and_regions(services) -> None:  # type: ignore[no-untyped-def]
    services.stations.import_csv("test", text=CSV)
    with pytest.raises(InvalidInput, match="АЗС-099 нет в справочнике"):
        services.access.add_user("bob", None, ["manager"], stations=["99"])
    with pytest.raises(InvalidInput, match="Региона «Марс» нет"):
        services.access.create_key("erp", ["manager"], regions=["Марс"], actor="test")
    with pytest.raises(InvalidInput, match="АЗС-020 отключена в справочнике") as inactive:  # offered nowhere
        services.access.add_user("bob", None, ["manager"], stations=["АЗС-020"])
    assert inactive.value.message("kk").startswith("АЗС-020 станциясы анықтамалықта өшірілген")
    user = services.access.add_user("bob", None, ["manager"], stations=["азс 12", "*"], regions=["шымкент"])
    assert (user.stations, user.regions) == (["АЗС-012", "*"], ["Шымкент"])
    with pytest.raises(InvalidInput):
        services.access.update_user("bob", stations=["АЗС-098"])


def test_only_an_admin_edits_the_registry(services) -> None:  # type: ignore[no-untyped-def]
    from azs_assistant.auth.principal import Principal

    operator = Principal("aigerim", "user", frozenset({"operator"}), frozenset({"АЗС-012"}))
    with pytest.raises(Forbidden):
        services.stations.add(operator, station_input("12", "Абая", "Алматы"))
    services.stations.add("test", station_input("12", "Абая", "Алматы"))
    with pytest.raises(Conflict):
        services.stations.add("test", station_input("АЗС-012", "Абая", "Алматы"))
    assert [e.action for e in services.access.audit_search(action="station.")] == ["station.add"]


def test_a_complaint_station_is_matched_against_the_registry(services) -> None:  # type: ignore[no-untyped-def]
    services.stations.import_csv("test", text=CSV)
    known, _ = services.tickets.create("Грязно в туалете", station="№7")
    assert (known.station_id, known.region, known.needs_triage) == ("АЗС-007", "Шымкент", 0)
    stranger, _ = services.tickets.create("Грязно в туалете", station="АЗС-017")
    assert stranger.needs_triage == 1 and "АЗС-017 нет в справочнике" in stranger.triage_reason


def test_a_customer_names_the_station_by_its_address_or_name(services) -> None:  # type: ignore[no-untyped-def]
    """The form asks for «АЗС (номер или адрес)», and customers know the address, not the id: «Абая 10» was read as
    station 10, «пр. Абая, 10» and the registry's own text were not recognised at all."""
    services.stations.import_csv("test", text=CSV + "АЗС-014,АЗС «Райымбек»,Алматы,\"Алматы, пр. Райымбека, 212\",1\n")
    for given in ("Абая 10", "пр. Абая, 10", "АЗС «Азаттык», Алматы, пр. Абая, 10", "на Абая", "Азаттык",
                  "азаттыке возле"):
        ticket, _ = services.tickets.create("Грязно в туалете", station=given)
        assert (ticket.station_id, ticket.needs_triage) == ("АЗС-012", 0), (given, ticket.triage_reason)
    ticket, _ = services.tickets.create("Грязно в туалете", station="Райымбека 212")
    assert ticket.station_id == "АЗС-014"
    # a house number first is no station number («12 Республики» is ул. Республики, 12, not АЗС-012); Kazakh
    # spelling and a case ending are the same name («Абай даңғылы 10» is «пр. Абая, 10»)
    republic = "АЗС-005,АЗС «Республика»,Астана,\"Астана, ул. Республики, 12\",1\n"
    services.stations.import_csv("test", text=CSV + republic)
    for given, station in (("12 Республики", "АЗС-005"), ("Абай даңғылы 10", "АЗС-012"), ("Абай 10", "АЗС-012"),
                           ("АЗС-012 на Абая", "АЗС-012"), ("12", "АЗС-012")):
        ticket, _ = services.tickets.create("Грязно в туалете", station=given)
        assert (ticket.station_id, ticket.needs_triage) == (station, 0), (given, ticket.triage_reason)
    ticket, _ = services.tickets.create("Грязно в туалете", station="99 Сатпаева")  # no such street: not station 99
    assert ticket.station_id is None and ticket.needs_triage == 1
    for vague in ("Алматы", "Абая 11", "Байдибек 5"):  # two stations; a house number no station has (twice)
        ticket, _ = services.tickets.create("Грязно в туалете", station=vague)
        reason = ticket.triage_reason or ""
        assert ticket.needs_triage == 1 and ("не распознана" in reason or "нет в справочнике" in reason), \
            (vague, ticket.station_id, reason)
    assert ("АЗС-012", "АЗС «Азаттык», Алматы, пр. Абая, 10") in services.tickets.station_places()
    assert all(sid != "АЗС-020" for sid, _ in services.tickets.station_places())  # a closed station is offered nowhere


def test_an_act_of_an_unknown_station_is_kept_without_station_and_flagged(services) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a registry without АЗС-017 WHEN an inspection act of АЗС-017 with a defect is saved THEN the
    record has no station and says why, and no incident is opened at a station that does not exist."""
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.forms.records import PENDING_INCIDENT

    services.stations.import_csv("test", text=CSV)
    act = {"act_number": "5", "inspection_date": "2026-10-01", "dispenser": "3"}
    stranger = services.records.create(SYSTEM, "inspections", "act17.jpg", {**act, "station_id": "17"}, ["течь"])
    assert stranger.station_id is None and stranger.incident_ref == PENDING_INCIDENT
    assert any("АЗС-017 нет в справочнике" in p for p in stranger.problems)
    known = services.records.create(SYSTEM, "inspections", "act12.jpg", {**act, "station_id": "12"}, ["течь"])
    assert (known.station_id, known.incident_ref, known.problems) == ("АЗС-012", f"OCR-{known.id}", [])
    fixed = services.records.confirm(SYSTEM, stranger.id, {**act, "station_id": "7"})
    assert (fixed.station_id, fixed.problems, fixed.incident_ref) == ("АЗС-007", [], f"OCR-{fixed.id}")


def test_a_per_station_report_lists_stations_without_incidents_as_zero(services) -> None:  # type: ignore[no-untyped-def]
    """GIVEN three active stations, one of them without incidents in the period WHEN a manager of the
    region asks for the count per station THEN that station is a row with 0, and other regions are not."""
    services.stations.import_csv("test", text=CSV + "АЗС-013,Ночная,Алматы,,1\n")
    _incidents(services, ("АЗС-012", "Алматы", "2026-01-10T10:00:00"), ("АЗС-012", "Алматы", "2026-01-11T10:00:00"),
               ("АЗС-007", "Шымкент", "2026-01-12T10:00:00"))
    everyone = services.reports.run(services.reports.parse("сколько инцидентов по станциям"))
    assert everyone.result.answer == {"АЗС-007": 1, "АЗС-012": 2, "АЗС-013": 0}
    from azs_assistant.auth.principal import Principal

    almaty = Principal("dana", "user", frozenset({"manager"}), regions=frozenset({"Алматы"}))
    mine = services.reports.run(services.reports.parse("сколько инцидентов по станциям"), "",
                                almaty.allowed_stations(services.stations.known()))
    assert mine.result.answer == {"АЗС-012": 2, "АЗС-013": 0}
    assert services.reports.choices(almaty.allowed_stations(services.stations.known())) == \
        (["АЗС-012", "АЗС-013"], ["Алматы"])


def test_the_demo_stations_cover_every_station_the_demo_names() -> None:
    stations = {s.id for s in parse_csv((ROOT / "demo" / "stations.csv").read_text("utf-8"))}
    log = (ROOT / "demo" / "incidents.csv").read_text("utf-8").splitlines()[1:]
    assert {line.split(",")[1] for line in log} <= stations and "АЗС-017" in stations  # the act photo's station
