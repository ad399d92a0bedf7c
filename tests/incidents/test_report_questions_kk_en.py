"""Report questions in Kazakh and English (issue 23): category, period, grouping, leaders and severity
applied as in Russian, each answer checked against a plain-Python count of the same generated log;
what no pattern reads is still named as not understood."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest

from azs_assistant.language.analyzer import normalise
from azs_assistant.reports.phrasebook import is_form_of, to_russian
from tests.incidents.incident_log import stored_log

TODAY = date(2026, 11, 23)
THIS_YEAR = (datetime(2026, 1, 1), datetime(2026, 11, 24))
LAST_MONTH = (datetime(2026, 10, 1), datetime(2026, 11, 1))
THIS_QUARTER = (datetime(2026, 10, 1), datetime(2026, 11, 24))
Q4_2025 = (datetime(2025, 10, 1), datetime(2026, 1, 1))


def within(r, period) -> bool:  # type: ignore[no-untyped-def]
    return bool(period[0] <= r["occurred_at"] < period[1])


@pytest.fixture
def log(sqlite_services):  # type: ignore[no-untyped-def]
    return stored_log(sqlite_services)


@pytest.mark.parametrize(("question", "want"), [
    ("how many fuel spills in 2026", lambda r: r["category"] == "fuel_spill" and r["occurred_at"].year == 2026),
    ("2026 жылы қанша төгілу болды", lambda r: r["category"] == "fuel_spill" and r["occurred_at"].year == 2026),
    ("how many POS failures last month", lambda r: r["category"] == "pos_failure" and within(r, LAST_MONTH)),
    ("өткен айда касса ақаулары қанша", lambda r: r["category"] == "pos_failure" and within(r, LAST_MONTH)),
    ("thefts since the start of the year, how many", lambda r: r["category"] == "theft_driveoff"
     and within(r, THIS_YEAR)),
    ("жыл басынан бері ұрлықтар саны", lambda r: r["category"] == "theft_driveoff" and within(r, THIS_YEAR)),
    ("биыл қанша ұрлық болды", lambda r: r["category"] == "theft_driveoff" and within(r, THIS_YEAR)),
    ("how many power outages in Q4 2025", lambda r: r["category"] == "power_outage" and within(r, Q4_2025)),
    ("2025 жылғы 4-тоқсанда электр өшуі қанша", lambda r: r["category"] == "power_outage" and within(r, Q4_2025)),
    ("how many incidents with severity 3 or higher this quarter", lambda r: r["severity"] >= 3
     and within(r, THIS_QUARTER)),
    ("осы тоқсанда ауырлығы 3 және одан жоғары оқиғалар қанша", lambda r: r["severity"] >= 3
     and within(r, THIS_QUARTER)),
    ("how many high severity equipment failures in 2025", lambda r: r["category"] == "equipment_failure"
     and r["severity"] >= 3 and r["occurred_at"].year == 2025),
    ("7-ЖҚС-та өткен айда қанша оқиға болды", lambda r: r["station_id"] == "АЗС-007" and within(r, LAST_MONTH)),
])
def test_kazakh_and_english_questions_count_what_they_say(sqlite_services, log, question, want) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a count asked in Kazakh or English (category, relative or calendar period, severity, station)
    WHEN asked on 23.11.2026 THEN the count is that of the rows described, and nothing is left unread."""
    report = sqlite_services.reports.ask(question, TODAY)
    assert report.result.answer == sum(1 for r in log if want(r))
    assert not [n for n in report.query.notes if n.startswith("не понял")]


@pytest.mark.parametrize(("question", "group"), [
    ("өткен айда ЖҚС бойынша оқиғалар", "station"), ("incidents by station last month", "station"),
    ("өткен айда аймақтар бойынша оқиғалар", "region"), ("incidents per region last month", "region"),
])
def test_grouping_words_split_the_count(sqlite_services, log, question: str, group: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «ЖҚС бойынша», «аймақтар бойынша», «by station», «per region» WHEN asked THEN the count is
    split that way, each group's figure that of last month's rows."""
    report = sqlite_services.reports.ask(question, TODAY)
    key = {"station": "station_id", "region": "region"}[group]
    want = Counter(r[key] for r in log if within(r, LAST_MONTH))
    assert report.query.group_by == group
    assert {k: v for k, v in report.result.answer.items() if v} == dict(want)


@pytest.mark.parametrize("question", ["топ-3 станция тоқсан бойынша", "top 3 stations this quarter",
                                      "ең көп 3 ЖҚС осы тоқсанда"])
def test_top_n_stations_for_the_running_quarter(sqlite_services, log, question: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a top-3 asked in Kazakh or English with a bare or named quarter WHEN asked THEN the three
    leading stations of this quarter up to today are ranked (ties kept), not all-time counts."""
    report = sqlite_services.reports.ask(question, TODAY)
    counts = Counter(r["station_id"] for r in log if within(r, THIS_QUARTER))
    cutoff = sorted(counts.values(), reverse=True)[2]
    assert report.query.top == 3 and report.query.group_by == "station"
    assert {s: n for s, n in report.result.answer} == {s: n for s, n in counts.items() if n >= cutoff}
    assert "01.10.2026–23.11.2026" in report.text


@pytest.mark.parametrize("question", ["2025 жылы ең көп төгілу қай ЖҚС-та болды",
                                      "which station had the most fuel spills in 2025"])
def test_which_station_most_names_the_leaders(sqlite_services, log, question: str) -> None:  # type: ignore[no-untyped-def]
    report = sqlite_services.reports.ask(question, TODAY)
    counts = Counter(r["station_id"] for r in log if r["category"] == "fuel_spill" and r["occurred_at"].year == 2025)
    top = max(counts.values())
    assert report.result.answer == {"stations": sorted(s for s, n in counts.items() if n == top), "count": top}


@pytest.mark.parametrize(("question", "unread"), [
    ("2026 жылы қанша төгілу болды бабайда", "бабайда"), ("how many fuel spills in 2026 near the car wash", "car"),
])
def test_an_untranslated_word_is_named_not_dropped(sqlite_services, log, question: str, unread: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a Kazakh or English question with a word no pattern reads WHEN asked THEN it is named as not
    understood, as in Russian."""
    said = next(n for n in sqlite_services.reports.ask(question, TODAY).query.notes if n.startswith("не понял"))
    assert f"«{unread}»" in said


@pytest.mark.parametrize(("word", "stem", "is_form"), [
    ("төгілулер", "төгілу", True), ("ақаулары", "ақау", True), ("ұрлығы", "ұрлық", True), ("ЖҚС-та", "жқс", True),
    ("thefts", "theft", True), ("төгілушілер", "төгілу", False), ("проливов", "пролив", False),
])
def test_kazakh_stems_match_with_their_endings_only(word: str, stem: str, is_form: bool) -> None:
    """GIVEN a Kazakh or English word WHEN compared with a stem THEN it matches when the rest is a listed
    ending (plural, possessive, case; softened «қ»→«ғ»), not any longer word; Russian is left to lemmas."""
    assert is_form_of(word.lower(), frozenset({stem})) is is_form


def test_russian_questions_are_not_rewritten() -> None:
    question = normalise("топ-3 станции по инцидентам за квартал")
    assert to_russian(question) == question
