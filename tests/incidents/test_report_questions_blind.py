"""Phrasings from the blind set's writer (issue 23, bench/data/reports_blind): relative years, ordinal
stations, severity in brackets, rankings named by their noun, tables «по каждой АЗС», comparisons with
last year over the same span, zero rows; each answer checked against a plain-Python count of the
generated log, or the reading checked where the log cannot tell."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from azs_assistant.reports.parse import ReportUnclear
from azs_assistant.reports.periods import find_periods
from tests.incidents.incident_log import stored_log

TODAY = date(2026, 11, 23)
YEAR_START, TOMORROW = datetime(2026, 1, 1), datetime(2026, 11, 24)


@pytest.fixture
def log(sqlite_services):  # type: ignore[no-untyped-def]
    return stored_log(sqlite_services)


@pytest.mark.parametrize(("question", "first", "last"), [
    ("за прошлый год всего скока", "01.01.2025", "31.12.2025"),
    ("в 4 квартале прошлого года", "01.10.2025", "31.12.2025"),
    ("в октябре прошлого года", "01.10.2025", "31.10.2025"),
    ("инциденты этого года", "01.01.2026", "23.11.2026"),
    ("позавчера что-то случалось", "21.11.2026", "21.11.2026"),
    ("за лето", "01.06.2026", "31.08.2026"),
    ("за зиму", "01.12.2025", "28.02.2026"),
    ("за сентябрь и октябрь вместе", "01.09.2026", "31.10.2026"),
    ("за декабрь и январь", "01.12.2025", "31.01.2026"),
    ("с января по октябрь", "01.01.2026", "31.10.2026"),
    ("в первой половине года", "01.01.2026", "30.06.2026"),
])
def test_periods_said_as_managers_say_them(question: str, first: str, last: str) -> None:
    """GIVEN a period said relative to today, as a season or as a run of months WHEN read on 23.11.2026 THEN
    its dates are these (the latest season that has begun; a run of adjacent months is one period)."""
    periods = find_periods(question, TODAY)
    assert periods, question
    assert periods[0].describe() == f"{first}–{last}"


def test_two_months_apart_are_not_a_run() -> None:
    """GIVEN «в октябре и марте» WHEN read THEN two periods, not October to March (the parser names the second)."""
    assert [p.describe() for p in find_periods("в октябре и марте", TODAY)] == ["01.10.2026–31.10.2026",
                                                                                "01.03.2026–31.03.2026"]


@pytest.mark.parametrize(("question", "stations"), [
    ("сколько инцидентов на седьмой в этом году", ["АЗС-007"]),
    ("на 7ке касса скока раз глючила", ["АЗС-007"]),
    ("сколько проливов на второй заправке", ["АЗС-002"]),
    ("12-я заправка, серьёзные (3-4) инциденты скока", ["АЗС-012"]),
    ("покажи инциденты на 1-й за сентябрь", ["АЗС-001"]),
    ("сколько инцидентов на первой азс", ["АЗС-001"]),
    ("сколько инцидентов на второй неделе ноября", []),
    ("сколько проливов во втором квартале", []),
])
def test_stations_said_by_their_ordinal(sqlite_services, log, question: str, stations: list[str]) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a station said as an ordinal («на седьмой», «12-я заправка», «на 7ке») WHEN parsed THEN it is that
    station, and an ordinal of a week or a quarter is not a station."""
    assert sqlite_services.reports.parse(question, TODAY).filters.stations == stations


@pytest.mark.parametrize(("question", "smin", "smax"), [
    ("сколько серьёзных (3 и выше) проливов", 3, None),
    ("12-я заправка, серьёзные (3-4) инциденты скока", 3, 4),
    ("низкой серьёзности (1-2) драйв-оффов сколько", 1, 2),
    ("сколько инцидентов низкой серьёзности", None, 2),
    ("доля серьёзных среди проливов", 3, None),
    ("% высокой серьёзности в этом году", 3, None),  # a bare «%» asks for a share (was a count, said nothing)
])
def test_severity_said_with_its_levels_in_brackets(sqlite_services, log, question: str, smin, smax) -> None:  # type: ignore[no-untyped-def]
    """GIVEN severity as «серьёзные (3-4)», «низкой серьёзности (1-2)» or a bare «серьёзных» WHEN parsed THEN
    those levels filter (or, for a share, are the part measured), and no word is left not understood."""
    q = sqlite_services.reports.parse(question, TODAY)
    part = q.share_of if q.metric == "share" else q.filters
    assert q.metric == "share" or not question.startswith(("доля", "%"))
    assert part is not None and (part.severity_min, part.severity_max) == (smin, smax)
    assert not [n for n in q.notes if n.startswith("не понял")]


def test_rankings_named_by_their_noun(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN rankings said only by their noun or a collective number WHEN parsed THEN they rank that noun,
    as many as said."""
    parse = lambda q: sqlite_services.reports.parse(q, TODAY)  # noqa: E731
    for question, group, top in [("самая проблемная заправка за прошлый квартал", "station", 1),
                                 ("пятёрка худших АЗС за прошлый месяц", "station", 5),
                                 ("первые три азс по проливам", "station", 3),
                                 ("топ 3 заправок по праливам", "station", 3),
                                 ("регион с наибольшим числом открытых", "region", 1),
                                 ("месяц с максимумом сбоев касс в этом году", "month", 1),
                                 ("по дням недели: когда чаще всего касса глючит?", "weekday", 1)]:
        q = parse(question)
        assert (q.group_by, q.top, q.order) == (group, top, "desc"), question
        assert not [n for n in q.notes if n.startswith("не понял")], question
    assert parse("регион с наибольшим числом открытых").filters.status == "open"
    assert parse("в каком месяце этого года больше всего проливов").filters.date_from == YEAR_START


def test_a_table_per_station_said_with_each_or_all(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «на каждой заправке», «по всем АЗС» WHEN asked THEN a count per station; «по АЗС-012 сколько»
    names one station and is a number."""
    want = sum(1 for r in log if r["category"] == "fuel_spill" and r["station_id"] == "АЗС-007")
    report = sqlite_services.reports.ask("сколько праливов на каждой заправке за всё время", TODAY)
    assert report.query.group_by == "station" and report.result.answer["АЗС-007"] == want
    assert sqlite_services.reports.parse("по всем АЗС кол-во инцидентов", TODAY).group_by == "station"
    one = sqlite_services.reports.ask("по АЗС-012 сколько инцидентов", TODAY)
    assert one.result.answer == sum(1 for r in log if r["station_id"] == "АЗС-012")


def test_breakdowns_keep_zero_regions_and_months(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a registry region with no incident, and months without a matching one WHEN counts per region or
    per month are asked THEN they are listed with 0 (months: those the log spans, within the period)."""
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.stations import StationInput

    sqlite_services.stations.add(SYSTEM, StationInput("АЗС-099", "АЗС «Тихая»", "Актобе"))
    sqlite_services.reports.invalidate()
    by_region = sqlite_services.reports.ask("сколько инцидентов по регионам в 2025 году", TODAY).result.answer
    assert by_region["Актобе"] == 0 and by_region["Алматы"] > 0
    asked = "помесячно проливы на азс 12 высокой серьёзности за этот год"
    by_month = sqlite_services.reports.ask(asked, TODAY).result.answer
    assert list(by_month) == [f"2026-{m:02d}" for m in range(1, 12)]
    for month, n in by_month.items():
        assert n == sum(1 for r in log if r["category"] == "fuel_spill" and r["station_id"] == "АЗС-012"
                        and r["severity"] >= 3 and f"{r['occurred_at']:%Y-%m}" == month
                        and r["occurred_at"] < TOMORROW)
    per_category = sqlite_services.reports.ask("по категориям за всё время", TODAY).result.answer
    assert "other" not in per_category and per_category["customer_injury"] == 0


def test_the_least_counts_stations_without_incidents(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a registry station with no incident WHEN «какая АЗС реже всего» is asked THEN it is that station
    with 0, not the least of those that had one."""
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.stations import StationInput

    sqlite_services.stations.add(SYSTEM, StationInput("АЗС-099", "АЗС «Тихая»", "Алматы"))
    sqlite_services.reports.invalidate()
    answer = sqlite_services.reports.ask("какая АЗС реже всего попадала в инциденты в 2025 году", TODAY).result.answer
    assert answer == {"stations": ["АЗС-099"], "count": 0}


@pytest.mark.parametrize("question", [
    "проливов стало больше или меньше чем в прошлом году?",
    "проливы год к году",
    "проливы в этом году vs в прошлом, сколько",
])
def test_this_year_is_compared_with_the_same_span_of_last_year(sqlite_services, log, question: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a comparison with last year, whichever way it is said WHEN asked on 23.11.2026 THEN this year to
    date is compared with 01.01–23.11.2025, not with the whole of 2025."""
    answer = sqlite_services.reports.ask(question, TODAY).result.answer
    spills = [r["occurred_at"] for r in log if r["category"] == "fuel_spill"]
    assert answer["current"] == sum(1 for t in spills if YEAR_START <= t < TOMORROW)
    assert answer["previous"] == sum(1 for t in spills if datetime(2025, 1, 1) <= t < datetime(2025, 11, 24))


def test_a_month_against_the_month_before_is_not_read_as_last_year(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «в прошлом месяце против позапрошлого» (not a comparison the engine makes) WHEN asked THEN the
    answer names «позапрошлого» as not understood instead of answering a year-over-year figure silently."""
    report = sqlite_services.reports.ask("кол-во инцидентов в прошлом месяце против позапрошлого", TODAY)
    assert "не понял: «позапрошлого»" in report.text


def test_open_ones_without_a_metric_are_listed(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «открытые по азс 1» or «что висит открытым …» WHEN asked THEN the open incidents are listed (to be
    worked on), while «сколько в среднем висят до закрытия» stays a duration of the closed ones."""
    report = sqlite_services.reports.ask("открытые по азс 1", TODAY)
    assert report.result.answer == [r["incident_id"] for r in sorted(log, key=lambda r: r["occurred_at"])
                                    if r["station_id"] == "АЗС-001" and r["resolved_at"] is None]
    assert sqlite_services.reports.parse("что висит открытым по Шымкенту?", TODAY).metric == "list"
    duration = sqlite_services.reports.parse("сколько в среднем висят драйв-оффы до закрытия", TODAY)
    assert duration.metric == "mean_hours" and duration.filters.status != "open"


def test_which_stations_had_none_is_refused_not_counted(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «какие АЗС без инцидентов в октябре» (no report answers it) WHEN asked THEN the parser asks to
    rephrase instead of giving the count of October's incidents."""
    with pytest.raises(ReportUnclear):
        sqlite_services.reports.ask("какие азс без инцидентов в октябре", TODAY)


def test_zero_regions_stay_within_the_askers_stations(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a manager who sees only Алматы's stations WHEN counts per region are asked THEN only Алматы is
    listed: another region is out of scope, not a region with 0."""
    allowed = {"АЗС-001", "АЗС-002"}
    answer = sqlite_services.reports.ask("сколько инцидентов по регионам в 2025 году", TODAY, allowed).result.answer
    assert answer == {"Алматы": sum(1 for r in log if r["region"] == "Алматы" and r["occurred_at"].year == 2025)}
