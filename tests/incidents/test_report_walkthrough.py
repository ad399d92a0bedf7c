"""What a manager found walking the reports page: comparisons of named regions, the conditions of every
answer and file, category names and the page's language in files, rankings with ties, weeks, examples in
the page's language and file names. Each answer is checked against a plain-Python count of the same rows."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from azs_assistant.incidents.records import store
from azs_assistant.reports.render import export
from azs_assistant.services import Services
from tests.conftest import authorize, make_settings
from tests.incidents.incident_log import stored_log

TODAY = date(2026, 11, 23)
NOT_UNDERSTOOD = {"ru": "не понял", "kk": "түсінбедім", "en": "not understood"}


@pytest.fixture
def log(sqlite_services):  # type: ignore[no-untyped-def]
    return stored_log(sqlite_services)


def rows_of(*incidents: tuple[str, str, str, datetime]) -> list[tuple[str, dict[str, Any]]]:
    """(station, region, category, when) → rows for ``store``."""
    return [(f"W-{i:03d}", {"incident_id": f"W-{i:03d}", "station_id": st, "region": reg, "category": cat,
                            "occurred_at": at, "severity": 2})
            for i, (st, reg, cat, at) in enumerate(incidents)]


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def sheet_of(body: bytes) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(body)).active


def test_comparing_two_named_regions_sets_them_side_by_side_not_two_years(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «сравни Алматы и Астану по отказам оборудования в 2025» WHEN asked THEN one count per named region
    (not the sum of both against 2024), and the sentence names both; two stations likewise; a comparison with
    last year stays one."""
    report = sqlite_services.reports.ask("сравни Алматы и Астану по отказам оборудования в 2025", TODAY)
    want = {region: sum(r["region"] == region and r["category"] == "equipment_failure"
                        and r["occurred_at"].year == 2025 for r in log) for region in ("Алматы", "Астана")}
    assert report.query.metric == "count" and report.query.group_by == "region"
    assert report.result.answer == want
    assert f"Алматы — {want['Алматы']}; Астана — {want['Астана']}" in report.text and "не понял" not in report.text
    stations = sqlite_services.reports.ask("АЗС-1 vs АЗС-7 по проливам за 2026", TODAY)
    assert stations.query.group_by == "station" and set(stations.result.answer) == {"АЗС-001", "АЗС-007"}
    yoy = sqlite_services.reports.ask("сколько инцидентов в Алматы и Астане в 2026 году по сравнению с прошлым", TODAY)
    assert yoy.query.metric == "yoy"


@pytest.mark.parametrize("question", ["сравни азс 1 и 2", "сравни станции 1 и 7", "compare stations 1 and 7",
                                      "азс 1, 7 по проливам"])
def test_a_list_of_station_numbers_names_every_station(sqlite_services, log, question: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN stations named by a list of numbers («азс 1 и 2», «stations 1 and 7») WHEN asked THEN every one is a
    filter (the second number was left unread and the answer was of the first station alone)."""
    report = sqlite_services.reports.ask(question, TODAY)
    numbers = [int(n) for n in re.findall(r"\d+", question)]
    assert set(report.query.filters.stations or []) == {f"АЗС-{n:03d}" for n in numbers}, report.text
    assert "не понял" not in report.text


@pytest.mark.parametrize("question", ["инциденты азс 1, 2025", "инциденты на азс 1, 2 марта 2026",
                                      "азс 1 и 2 последних месяца", "stations 1 and 2 weeks ago"])
def test_a_number_after_a_station_that_is_a_year_a_day_or_a_span_is_no_station(sqlite_services, log,  # type: ignore[no-untyped-def]
                                                                                question: str) -> None:
    """«азс 1, 2025» is station 1 in 2025, not stations 1 and 2025 (a review's cases): a list of stations goes on
    only with numbers that are not a year, a day of a month or a span of time."""
    report = sqlite_services.reports.ask(question, TODAY)
    assert report.query.filters.stations == ["АЗС-001"], report.text


@pytest.mark.parametrize(("question", "start"), [
    ("инциденты во 2 квартале 2025", date(2025, 4, 1)),
    ("проливы в 3 квартале 2025", date(2025, 7, 1)),
    ("инциденты на азс 1 за 4 квартал 2025", date(2025, 10, 1)),
])
def test_a_quarter_by_its_number_is_a_period_not_a_ranking_of_quarters(sqlite_services, log, question: str,  # type: ignore[no-untyped-def]
                                                                      start: date) -> None:
    """GIVEN «инциденты во 2 квартале 2025» WHEN asked THEN the count of that quarter (it was refused as unclear:
    «2 квартале» was read as «which two quarters» too); «в каком квартале больше всего» still ranks quarters."""
    report = sqlite_services.reports.ask(question, TODAY)
    assert report.query.metric == "count" and report.query.filters.date_from.date() == start, report.text
    ranked = sqlite_services.reports.ask("в каком квартале больше всего проливов", TODAY)
    assert ranked.query.group_by == "quarter"


def test_this_year_s_in_kazakh_is_this_year(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """«биылғы» (this year's) and «былтырғы» (last year's) are periods, not words left unread."""
    this = sqlite_services.reports.ask("биылғы оқиғалар өңірлер бойынша", TODAY)
    assert this.query.filters.date_from.date() == date(TODAY.year, 1, 1) and "не понял" not in this.text
    last = sqlite_services.reports.ask("былтырғы төгілулер саны", TODAY)
    assert last.query.filters.date_from.date() == date(TODAY.year - 1, 1, 1) and "не понял" not in last.text


@pytest.mark.parametrize("question", [
    "2025 жылы Алматы мен Астанадағы жабдық ақауларын салыстыр",  # no letter Russian lacks but «ғ»
    "Алматы мен Астананы жабдық ақаулары бойынша 2025 жылы салыстыру",
    "compare equipment failures in Almaty and Astana in 2025",
    "equipment failures in Almaty versus Astana in 2025",
])
def test_a_comparison_of_two_regions_asked_in_kazakh_or_english_sets_them_side_by_side(
        sqlite_services, log, question: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN two regions compared in Kazakh («мен», «салыстыр») or English («compare … and», «versus») WHEN asked
    THEN one count per region, as the Russian «сравни Алматы и Астану» gets, with every word read."""
    report = sqlite_services.reports.ask(question, TODAY)
    want = {region: sum(r["region"] == region and r["category"] == "equipment_failure"
                        and r["occurred_at"].year == 2025 for r in log) for region in ("Алматы", "Астана")}
    assert report.query.group_by == "region" and report.result.answer == want, report.text
    assert "не понял" not in report.text


def test_a_kazakh_question_in_shared_letters_is_read_as_kazakh_and_a_russian_one_is_untouched(
        sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «Алматы мен Астананы 2025 жылы салыстыр» (every letter also Russian) WHEN asked THEN it is read as
    Kazakh; a Russian question with a region in the locative keeps its meaning."""
    kk = sqlite_services.reports.ask("Алматы мен Астананы 2025 жылы салыстыр", TODAY)
    assert kk.query.group_by == "region" and set(kk.result.answer) == {"Алматы", "Астана"}
    ru = sqlite_services.reports.ask("сколько инцидентов было в Астане в 2025 году", TODAY)
    assert ru.result.answer == sum(r["region"] == "Астана" and r["occurred_at"].year == 2025 for r in log)
    # Russian words that are also Kazakh ones are not read as Kazakh («кеше» is «в кеше», not «вчера»)
    cache = sqlite_services.reports.ask("сколько инцидентов было в кеше", TODAY)
    assert "кеше" in cache.text and cache.query.filters.date_from is None


@pytest.mark.parametrize("question", ["spills in Almaty compared to last year",
                                      "Алматыдағы төгілулерді былтырмен салыстыр"])
def test_compared_with_last_year_in_english_or_kazakh_looks_at_this_year(sqlite_services, log, question: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «compared to last year» / «былтырмен салыстыр» WHEN asked THEN this year so far is compared with the same
    days of last year (last year was taken for the period looked at)."""
    report = sqlite_services.reports.ask(question, TODAY)
    assert report.query.metric == "yoy" and report.query.filters.date_from.year == TODAY.year, report.text


def test_a_comparison_with_a_year_before_the_log_says_there_is_no_data(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a log that starts in 2025 WHEN 2025 is compared with 2024 THEN the earlier figure is unknown (None),
    not 0 with a change of +N, and the sentence says where the log starts; a year the log reaches only in part
    keeps its figure and says it is partial."""
    first = min(r["occurred_at"] for r in log).date()
    report = sqlite_services.reports.ask("сколько инцидентов в 2025 году по сравнению с прошлым годом", TODAY)
    current = sum(r["occurred_at"].year == 2025 for r in log)
    assert report.result.answer == {"current": current, "previous": None, "change": None, "change_pct": None}
    assert f"журнал начинается {first:%d.%m.%Y}" in report.text and "изменение" not in report.text
    assert "the log starts on" in report.text_in("en") and "журнал" in report.text_in("kk")

    store_late = [(f"L-{i}", {"incident_id": f"L-{i}", "station_id": "АЗС-001", "region": "Алматы",
                              "category": "fuel_spill", "occurred_at": datetime(2027, 2, 1 + i)}) for i in range(3)]
    with sqlite_services.db.session() as s:
        store(s, store_late, origin="test")
    sqlite_services.reports.invalidate()
    partial = sqlite_services.reports.ask("сколько инцидентов в 2026 году по сравнению с прошлым годом", TODAY)
    # 2026 runs until today: it is compared with the same days of 2025
    assert partial.result.answer["previous"] == sum(datetime(2025, 1, 1) <= r["occurred_at"] < datetime(2025, 11, 24)
                                                    for r in log)
    assert "покрыт не полностью" not in partial.text  # 2025 is covered from its first day


def test_a_period_the_log_does_not_reach_says_so(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """«в 2024 году: 0» read as a calm year, though the log starts in 2025."""
    first = min(r["occurred_at"] for r in log).date()
    before = sqlite_services.reports.ask(f"сколько инцидентов в {first.year - 1} году", TODAY)
    assert f"данных нет: журнал начинается {first:%d.%m.%Y}" in before.text, before.text
    assert f"журнал {first:%d.%m.%Y} күнінен басталады" in before.text_in("kk")
    if first > date(first.year, 1, 1):
        during = sqlite_services.reports.ask(f"сколько инцидентов в {first.year} году", TODAY)
        assert f"(журнал начинается {first:%d.%m.%Y})" in during.text and "данных нет" not in during.text
    inside = sqlite_services.reports.ask("сколько инцидентов было", TODAY)
    assert "журнал начинается" not in inside.text


def test_every_answer_and_file_states_its_period_and_filters(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a Kazakh question naming a region and a category, and a question narrowed by the page's station
    and dates WHEN answered THEN the sentence and the XLSX and PDF name the period, the region, the station
    and the category in the language of the answer; without a period the whole log is named with its dates."""
    report = sqlite_services.reports.ask("Алматыда былтыр қанша жабдық ақауы болды", TODAY)
    said = report.text_in("kk")
    assert report.result.answer == sum(r["region"] == "Алматы" and r["category"] == "equipment_failure"
                                       and r["occurred_at"].year == 2025 for r in log)
    assert "кезең: 01.01.2025–31.12.2025" in said and "өңір: Алматы" in said and "санат: жабдық ақаулары" in said

    page = sqlite_services.reports.ask_filtered("сколько проливов", TODAY, station="АЗС-001",
                                                date_from=date(2026, 9, 1), date_to=date(2026, 10, 1))
    for lang, words in {"ru": ("период: 01.09.2026–30.09.2026", "АЗС: АЗС-001", "категория: проливы топлива"),
                        "kk": ("кезең: 01.09.2026–30.09.2026", "ЖҚС: АЗС-001", "санат: төгілген жанармай"),
                        "en": ("period: 01.09.2026–30.09.2026", "station: АЗС-001", "category: fuel spills")}.items():
        assert all(w in page.conditions_in(lang) for w in words), page.conditions_in(lang)
        sheet = sheet_of(page.export("xlsx", lang).body)
        lines = " ".join(str(sheet.cell(row=i, column=1).value) for i in range(1, 4))
        assert all(w in lines for w in words), lines
        assert all(w in pdf_text(page.export("pdf", lang).body) for w in words)

    first, last = min(r["occurred_at"] for r in log), max(r["occurred_at"] for r in log)
    everything = sqlite_services.reports.ask("сколько инцидентов по регионам", TODAY)
    assert f"период: весь журнал ({first:%d.%m.%Y}–{last:%d.%m.%Y})" in everything.text


def test_files_name_categories_as_the_screen_does(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a count per category WHEN written as CSV, XLSX and PDF THEN the categories carry the names the
    screen shows (Russian or the page's language), never their codes."""
    report = sqlite_services.reports.ask("сколько инцидентов по категориям", TODAY)
    rows = list(csv.reader(io.StringIO(export(report.result, "csv").decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["категория", "количество"]
    assert {"отказы оборудования", "проливы топлива"} <= {r[0] for r in rows[1:]}
    sheet = sheet_of(export(report.result, "xlsx", report.question))
    cells = {str(c.value) for row in sheet.iter_rows() for c in row}
    assert "отказы оборудования" in cells and "equipment_failure" not in cells
    text = pdf_text(export(report.result, "pdf", report.question))
    assert "отказы оборудования" in text and "equipment_failure" not in text and "customer_injury" not in text
    english = list(csv.reader(io.StringIO(export(report.result, "csv", lang="en").decode("utf-8-sig"))))
    assert english[0] == ["category", "count"] and "equipment failures" in {r[0] for r in english[1:]}


def test_files_are_in_the_language_of_the_answer_on_screen(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the Kazakh interface WHEN a grouped report is downloaded THEN the XLSX sheet, its headers, the PDF
    and the chart's axis are Kazakh (English likewise), not Russian."""
    report = sqlite_services.reports.ask("2025 жылы ЖҚС-тар бойынша оқиғалар", TODAY)
    sheet = sheet_of(report.export("xlsx", "kk").body)
    assert sheet.title == "Есеп" and [c.value for c in sheet[5]] == ["ЖҚС", "саны"]
    assert "ЖҚС-тар бойынша" in sheet["A2"].value and "Шарттар — кезең" in sheet["A3"].value
    text = pdf_text(report.export("pdf", "kk").body)
    assert "ЖҚС-тар бойынша" in text and "количество" not in text and "По станциям" not in text
    svg = report.export("svg", "kk").body.decode("utf-8")
    assert "оқиғалар" in svg and "инцидентов" not in svg
    assert "incidents" in report.export("svg", "en").body.decode("utf-8")
    assert sheet_of(report.export("xlsx", "en").body).title == "Report"


def test_a_top_five_with_ties_lists_them_all_and_says_why(sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """GIVEN stations with 5, 4, 3, 3, 3, 3 incidents WHEN the top 3 are asked THEN every station tied with the
    third is listed (no equal is cut by the alphabet) and the sentence says that 6 are listed, not 3, because
    places 3–6 share the value; the files say the same."""
    counts = {"АЗС-001": 5, "АЗС-002": 4, "АЗС-003": 3, "АЗС-004": 3, "АЗС-005": 3, "АЗС-006": 3}
    incidents = [(st, "Алматы", "fuel_spill", datetime(2026, 10, 1 + i, 10)) for st, n in counts.items()
                 for i in range(n)]
    with sqlite_services.db.session() as s:
        store(s, rows_of(*incidents), origin="test")
    report = sqlite_services.reports.ask("топ-3 станций по числу инцидентов за квартал", TODAY)
    assert [row["station"] for row in report.result.table] == list(counts)
    assert "топ-3" in report.text and "В списке 6, а не 3: места 3–6 делят поровну (3)." in report.text
    assert "6 listed, not 3: places 3–6 are tied (3 each)." in report.text_in("en")
    assert "Тізімде 3 емес, 6" in report.text_in("kk")
    assert "места 3–6 делят поровну" in sheet_of(report.export("xlsx").body)["A2"].value
    assert "места 3–6 делят поровну" in pdf_text(report.export("pdf").body)


def test_a_weekly_breakdown_counts_iso_weeks_labelled_by_their_dates(sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """GIVEN spills in the first weeks of 2026 WHEN «динамика проливов по неделям за 2026 год» is asked THEN one
    row per ISO week (Monday to Sunday) the log spans within the year, quiet weeks with 0, labelled by their
    dates, no word left not understood, and the answer names the category, not «Инцидентов»."""
    spills = [datetime(2026, 1, 5, 9), datetime(2026, 1, 11, 23), datetime(2026, 1, 12, 1), datetime(2026, 1, 28, 12)]
    with sqlite_services.db.session() as s:
        store(s, rows_of(*[("АЗС-001", "Алматы", "fuel_spill", at) for at in spills],
                         ("АЗС-001", "Алматы", "pos_failure", datetime(2026, 1, 6, 9))), origin="test")
    report = sqlite_services.reports.ask("динамика проливов по неделям за 2026 год", TODAY)
    assert report.query.group_by == "week" and report.query.filters.categories == ["fuel_spill"]
    assert report.result.table == [{"week": "2026-W02 (05.01–11.01)", "count": 2},
                                   {"week": "2026-W03 (12.01–18.01)", "count": 1},
                                   {"week": "2026-W04 (19.01–25.01)", "count": 0},
                                   {"week": "2026-W05 (26.01–01.02)", "count": 1}]
    assert report.text.startswith("По неделям: 2026-W02 (05.01–11.01) — 2;") and "Инцидентов" not in report.text
    assert "категория: проливы топлива" in report.text and "не понял" not in report.text
    assert sqlite_services.reports.ask("динамика проливов за 2026 год", TODAY).query.group_by == "month"
    assert sqlite_services.reports.ask("spills by week in 2026", TODAY).query.group_by == "week"
    kazakh = sqlite_services.reports.ask("2026 жылы апталар бойынша төгілулер", TODAY)
    assert kazakh.query.group_by == "week" and "апталар бойынша" in kazakh.text_in("kk").lower()


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_examples_offered_in_each_language_are_understood(sqlite_services, log, lang: str) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the reports page in Russian, Kazakh or English WHEN it offers example questions THEN they are in
    that language and each is answered without a word left not understood."""
    examples = sqlite_services.reports.examples_for(None, lang)
    assert len(examples) == 4
    if lang != "ru":
        assert not set(examples) & set(sqlite_services.reports.examples_for(None, "ru"))
    for question in examples:
        said = sqlite_services.reports.ask(question, TODAY).text_in(lang)
        assert NOT_UNDERSTOOD[lang] not in said, (question, said)


def test_file_names_say_what_the_report_holds(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """GIVEN reports of different kinds WHEN downloaded THEN each file is named report-<kind>-<period> in ASCII,
    and the CSV stays a plain table (its first line is the header row) that tools read as it is."""
    ask = sqlite_services.reports.ask
    assert ask("инциденты по регионам за 2025 год", TODAY).export("xlsx").name == \
        "report-by-region-2025-01-01_2025-12-31.xlsx"
    assert ask("топ-3 станции по инцидентам за квартал", TODAY).export("pdf").name == \
        "report-top3-station-2026-10-01_2026-11-23.pdf"
    assert ask("сколько проливов", TODAY).export("csv").name == "report-count-all-time.csv"
    assert ask("среднее время устранения по регионам в 2025", TODAY).export("csv").name == \
        "report-by-region-mean-hours-2025-01-01_2025-12-31.csv"
    file = ask("инциденты по регионам за 2025 год", TODAY).export("csv")
    assert file.name.isascii() and file.media_type.startswith("text/csv")
    assert file.body.decode("utf-8-sig").splitlines()[0] == "регион;количество"
    # a Russian Excel opens it by a double click: «;» between columns and a decimal comma; English keeps «,» and «.»
    hours = ask("среднее время устранения по регионам в 2025", TODAY)
    ru = list(csv.reader(io.StringIO(hours.export("csv").body.decode("utf-8-sig")), delimiter=";"))
    en = list(csv.reader(io.StringIO(hours.export("csv", "en").body.decode("utf-8-sig"))))
    assert len(ru[0]) == len(en[0]) == 2 and len(ru) == len(en) > 2
    assert all(re.fullmatch(r"\d+,\d", r[1]) for r in ru[1:]) and all(re.fullmatch(r"\d+\.\d", r[1]) for r in en[1:])


@pytest.fixture
def web(tmp_path: Path) -> Iterator[TestClient]:
    from azs_assistant.api.app import create_app

    svc = Services(make_settings(tmp_path, embeddings="none"))
    stored_log(svc)
    with TestClient(create_app(svc, background=False)) as client:
        authorize(client, svc, roles=("manager",))
        yield client
    svc.close()


def test_the_page_says_the_conditions_and_downloads_in_its_language(web: TestClient) -> None:
    """GIVEN the Kazakh reports page with a station and dates picked WHEN a report is shown and downloaded THEN
    the page says the period and the station, the examples are Kazakh, and the files come in Kazakh with a
    name that says what they hold."""
    page = web.get("/reports", params={"lang": "kk"}).text
    examples = re.findall(r'<a href="/reports\?question=[^"]+">([^<]+)</a>', page)
    assert examples and all(re.search(r"[әғқңөұүһі]", e) or "ЖҚС" in e for e in examples), examples
    asked = {"question": "Алматыда қанша төгілу болды", "station": "АЗС-001", "date_from": "01.09.2026",
             "date_to": "01.10.2026", "lang": "kk"}
    shown = web.get("/reports", params=asked)
    assert shown.status_code == 200, shown.text
    said = re.search(r'id="report-conditions">([^<]+)<', shown.text).group(1)
    assert "кезең: 01.09.2026–30.09.2026" in said and "ЖҚС: АЗС-001" in said and "санат: төгілген жанармай" in said
    link = re.search(r'href="(/api/v1/reports/export\?format=xlsx&[^"]+)"', shown.text).group(1).replace("&amp;", "&")
    file = web.get(f"{link}&lang=kk")
    assert file.status_code == 200, file.text
    assert 'filename="report-count-2026-09-01_2026-09-30.xlsx"' in file.headers["content-disposition"]
    sheet = sheet_of(file.content)
    assert sheet.title == "Есеп" and "ЖҚС: АЗС-001" in sheet["A3"].value


def test_months_are_named_as_a_reader_names_them_and_a_list_keeps_its_blank_cells(sqlite_services) -> None:  # type: ignore[no-untyped-def]
    """GIVEN spills in March and May 2026 WHEN the month with most spills and the spills by month are asked THEN
    the sentences, the page's cells and the files say «март 2026» («March 2026» in English), the JSON keeps the
    sortable «2026-03»; a list of incidents leaves a region nobody wrote blank, where a breakdown by region says
    «не указано»."""
    from azs_assistant.reports.render import cell_text

    with sqlite_services.db.session() as s:
        store(s, rows_of(("АЗС-001", "Алматы", "fuel_spill", datetime(2026, 3, 2, 9)),
                         ("АЗС-001", "Алматы", "fuel_spill", datetime(2026, 3, 9, 9)),
                         ("АЗС-002", None, "fuel_spill", datetime(2026, 5, 4, 9))), origin="test")  # type: ignore[arg-type]
    leader = sqlite_services.reports.ask("в каком месяце 2026 года больше всего проливов", TODAY)
    assert leader.query.group_by == "month" and "март 2026 — 2" in leader.text and "2026-03" not in leader.text
    assert "March 2026" in leader.text_in("en")
    by_month = sqlite_services.reports.ask("проливы по месяцам за 2026 год", TODAY)
    assert "март 2026 — 2" in by_month.text and "2026-03" in by_month.result.answer
    assert "май 2026;1" in by_month.export("csv").body.decode("utf-8-sig")
    assert json.loads(by_month.export("json").body)["table"][0]["month"].startswith("2026-")
    names = sqlite_services.reports.category_names("ru")
    assert cell_text("month", "2026-03", names, "kk") == "наурыз 2026"
    listed = sqlite_services.reports.ask("список проливов за май 2026", TODAY)
    assert listed.result.table and all(cell_text("region", r["region"], names, "ru", listed.query.group_by) == ""
                                       for r in listed.result.table)
    by_region = sqlite_services.reports.ask("проливы по регионам за 2026 год", TODAY)
    assert "не указано" in [cell_text("region", r["region"], names, "ru", "region") for r in by_region.result.table]


def test_the_pages_chart_hints_write_decimals_as_the_reader_does(sqlite_services, log) -> None:  # type: ignore[no-untyped-def]
    """The hover hint of a bar said «12,5» on the English page: a decimal comma in Russian, a point in English."""
    from azs_assistant.reports.render import chart_for_page

    hours = sqlite_services.reports.ask("среднее время устранения по регионам в 2025", TODAY)
    hints = {lang: re.findall(r"<title>[^<:]+: ([\d.,]+)</title>", chart_for_page(hours.result, lang=lang) or "")
             for lang in ("ru", "en")}
    assert hints["ru"] and any("," in h for h in hints["ru"]) and not any("." in h for h in hints["ru"])
    assert len(hints["en"]) == len(hints["ru"]) and not any("," in h for h in hints["en"])
