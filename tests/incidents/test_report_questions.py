"""Questions as managers type them (issue 23): relative periods resolved to dates that end today
while the period runs, two-digit years, typos, zero rows; each answer checked against a plain-Python
count of the same generated log."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from azs_assistant.reports.periods import find_periods
from tests.incidents.incident_log import stored_log

TODAY = date(2026, 11, 23)


@pytest.fixture
def log(sqlite_services):  # type: ignore[no-untyped-def]
    return stored_log(sqlite_services)


@pytest.mark.parametrize(("question", "first", "last"), [
    ("топ-3 станции по инцидентам за квартал", "01.10.2026", "23.11.2026"),
    ("сколько проливов с начала года", "01.01.2026", "23.11.2026"),
    ("сколько сбоев в этом году", "01.01.2026", "23.11.2026"),
    ("инциденты за прошлую неделю", "16.11.2026", "22.11.2026"),
    ("сколько за месяц", "01.11.2026", "23.11.2026"),
    ("проливы в 4 кв 25го", "01.10.2025", "31.12.2025"),
    ("q4 25", "01.10.2025", "31.12.2025"),
    ("сбои в 25м году", "01.01.2025", "31.12.2025"),
    ("проливы в октябре 25го", "01.10.2025", "31.10.2025"),
])
def test_relative_and_short_periods_resolve_to_dates(question: str, first: str, last: str) -> None:
    """GIVEN a period said as managers say it WHEN it is read on 23.11.2026 THEN its dates are these
    (a running period ends today, not at its calendar end; «25го» is 2025)."""
    periods = find_periods(question, TODAY)
    assert periods, question
    assert periods[0].describe() == f"{first}–{last}"


def test_bare_quarter_is_applied_and_its_dates_are_said(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «топ-3 станции по инцидентам за квартал» WHEN asked THEN the counts are this quarter's up
    to today (not all-time) and the answer names the dates."""
    report = sqlite_services.reports.ask("топ-3 станции по инцидентам за квартал", TODAY)
    counts: dict[str, int] = {}
    for r in log:
        if datetime(2026, 10, 1) <= r["occurred_at"] < datetime(2026, 11, 24):
            counts[r["station_id"]] = counts.get(r["station_id"], 0) + 1
    got = {row["station"]: row["count"] for row in report.result.table}
    assert got and all(counts[s] == n for s, n in got.items())
    assert sum(got.values()) < len(log)
    assert "01.10.2026–23.11.2026" in report.text


def test_slang_and_typos_are_understood_and_said_back(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «скока праливов на азс 1 в октябре» WHEN asked THEN it counts fuel spills of АЗС-001 in
    October 2026 and says how it read the misspelt word."""
    report = sqlite_services.reports.ask("скока праливов на азс 1 в октябре", TODAY)
    want = sum(r["category"] == "fuel_spill" and r["station_id"] == "АЗС-001" and r["occurred_at"].year == 2026
               and r["occurred_at"].month == 10 for r in log)
    assert report.result.answer == want
    assert report.query.filters.categories == ["fuel_spill"]
    assert "«праливов» понято как «пролив»" in report.text


def test_per_station_counts_keep_stations_without_incidents(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a registry station with no incident WHEN counts per station are asked THEN it is listed with 0."""
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.stations import StationInput

    sqlite_services.stations.add(SYSTEM, StationInput("АЗС-099", "АЗС «Тихая»", "Алматы"))
    sqlite_services.reports.invalidate()
    report = sqlite_services.reports.ask("сколько инцидентов по станциям в 2025 году", TODAY)
    assert {"station": "АЗС-099", "count": 0} in report.result.table


def test_per_category_counts_keep_categories_without_incidents(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a phrase-book category the log never had (customer_injury) WHEN counts per category are
    asked THEN it is listed with 0, and the sentence names categories in words."""
    report = sqlite_services.reports.ask("сколько инцидентов по категориям в 2025 году", TODAY)
    assert {"category": "customer_injury", "count": 0} in report.result.table
    assert "травмы клиентов — 0" in report.text and "fuel_spill" not in report.text


def test_report_sentence_in_kazakh_and_english(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a report WHEN the page is Kazakh or English THEN the sentence and the period note are in that
    language, the numbers the same."""
    report = sqlite_services.reports.ask("сколько проливов с начала года", TODAY)
    names = {c: s.name_in("en") for c, s in sqlite_services.reports.categories.items()}
    english = report.text_in("en", names)
    assert english.startswith(f"Incidents: {report.result.answer}.") and "period: 01.01.2026–23.11.2026" in english
    kazakh = report.text_in("kk")
    assert kazakh.startswith(f"Оқиғалар саны: {report.result.answer}.") and "кезең:" in kazakh
    assert "Инцидентов" not in english + kazakh


@pytest.mark.parametrize(("question", "want"), [
    ("кол-во сбоев POS азс1 в сент", lambda r: r["category"] == "pos_failure" and r["station_id"] == "АЗС-001"
     and r["occurred_at"].year == 2026 and r["occurred_at"].month == 9),
    ("скока серьёзных праливов (уровень 3 и выше) за 2026 год", lambda r: r["category"] == "fuel_spill"
     and r["severity"] >= 3 and r["occurred_at"].year == 2026),
    ("how many fuel spills at station 7 in 2025", lambda r: r["category"] == "fuel_spill"
     and r["station_id"] == "АЗС-007" and r["occurred_at"].year == 2025),
    ("2025 жылы 12-ЖҚС-та қанша төгілу болды", lambda r: r["category"] == "fuel_spill"
     and r["station_id"] == "АЗС-012" and r["occurred_at"].year == 2025),
    ("скольк отказов абарудования в 1 полугодие 2026", lambda r: r["category"] == "equipment_failure"
     and r["occurred_at"].year == 2026 and r["occurred_at"].month <= 6),
])
def test_chat_typed_questions_count_what_they_say(sqlite_services, log, question, want) -> None:  # type: ignore[no-untyped-def]
    """GIVEN questions typed as in a chat (abbreviated month, «уровень 3 и выше», English, Kazakh, a
    two-letter typo) WHEN asked THEN the count is that of the rows they describe."""
    assert sqlite_services.reports.ask(question, TODAY).result.answer == sum(1 for r in log if want(r))


def test_where_most_in_a_year_ranks_stations_not_years(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    report = sqlite_services.reports.ask("где больше всего проливов в 2025 году", TODAY)
    assert report.query.group_by == "station"


def test_a_word_nothing_reads_is_named_not_dropped(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a question with a word neither the dictionary nor the parser knows WHEN asked THEN the answer
    says it did not understand that word (in the page's language too), instead of silently ignoring it."""
    report = sqlite_services.reports.ask("сколько проливов в 2026 у бабайки", TODAY)
    assert "не понял: «бабайки»" in report.text
    assert "not understood: «бабайки»" in report.text_in("en")
    clean = sqlite_services.reports.ask("скока праливов на азс 1 в октябре", TODAY)
    assert "не понял" not in clean.text


@pytest.mark.parametrize(("question", "unread"), [
    ("топ станций по часам простоя", ["часам", "простоя"]),  # dictionary words no pattern applied
    ("сколько проливов на азс 1 в октябре и марте", ["марте"]),  # two months apart: not a run of months
    ("сколько глюков на азс 1 в 2026", ["глюков"]),
])
def test_dictionary_words_that_are_not_applied_are_named(sqlite_services, log, question: str,  # type: ignore[no-untyped-def]
                                                        unread: list[str]) -> None:
    """GIVEN a question with words the dictionary knows but no part of the parser applies WHEN asked THEN
    the answer names each of them before its figures are trusted, rather than dropping them silently."""
    report = sqlite_services.reports.ask(question, TODAY)
    said = next(n for n in report.query.notes if n.startswith("не понял"))
    assert said == "не понял: " + ", ".join(f"«{w}»" for w in unread) + " — это в ответе не учтено"


@pytest.mark.parametrize("question", [
    "отказов оборудования за 2026 скока", "скока праливов на азс 1 в октябре", "кол-во косяков с кассой октябрь 2025г",
    "сколько проливов в октябре 25го", "скока серьёзных праливов (уровень 3 и выше) за 2026 год",
    "how many fuel spills at station 1 in 2026", "покажи мне пожалуйста график проливов по месяцам за 2026",
])
def test_filler_and_words_read_together_are_not_named(sqlite_services, log, question: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a question whose every meaningful word is applied WHEN asked THEN nothing is named as not
    understood: filler («скока», «покажи», «график»), a year said apart from its month, «серьёзных» beside
    the level it restates."""
    assert not [n for n in sqlite_services.reports.ask(question, TODAY).query.notes if n.startswith("не понял")]


def test_severity_said_as_tyazhest_is_applied(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «по тяжести высокой» WHEN asked THEN it filters severity 3 and above (it was dropped silently,
    counting every incident), and «по тяжести» alone still groups by severity."""
    report = sqlite_services.reports.ask("сколько инцидентов по тяжести высокой на азс 1 за квартал график", TODAY)
    want = sum(1 for r in log if r["station_id"] == "АЗС-001" and r["severity"] >= 3
               and datetime(2026, 10, 1) <= r["occurred_at"] < datetime(2026, 11, 24))
    assert report.result.answer == want and "не понял" not in report.text
    assert sqlite_services.reports.ask("инциденты по тяжести за 2026", TODAY).query.group_by == "severity"


def test_a_report_is_said_in_kazakh_with_its_notes(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a report with a time of day and a word not understood WHEN shown in the Kazakh interface THEN
    its sentence and its notes are Kazakh (the texts of reports/i18n/kk.yaml), the dates as they are."""
    report = sqlite_services.reports.ask("сколько проливов с 23 до 6 часов в 2026 у бабайки", TODAY)
    said = report.text_in("kk")
    assert said.startswith("Оқиғалар саны:") and "түсінбедім: «бабайки» — жауапта ескерілмеді" in said
    assert "уақыт: 23:00 – 06:00" in said and "кезең: 01.01.2026–31.12.2026" in said


def test_filters_name_only_stations_and_regions_that_exist(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a saved link with a mistyped station or region WHEN opened THEN it is refused by name, not
    answered with zeros."""
    from azs_assistant.errors import InvalidInput

    with pytest.raises(InvalidInput, match="АЗС-099"):
        sqlite_services.reports.ask_filtered(None, TODAY, station="АЗС-099")
    with pytest.raises(InvalidInput, match="Марс"):
        sqlite_services.reports.ask_filtered(None, TODAY, region="Марс")
    assert sqlite_services.reports.ask_filtered(None, TODAY, station="АЗС-012", region="шымкент").result.answer
