"""The web UI's date fields read dates as people in Kazakhstan type them (issue 26), in one parser."""

from __future__ import annotations

from datetime import date

import pytest

from azs_assistant.errors import InvalidInput
from azs_assistant.web.dates import day_text, parse_day, read_days


@pytest.mark.parametrize(("typed", "day"), [
    ("25.03.2026", date(2026, 3, 25)), ("5.3.26", date(2026, 3, 5)), ("05.03.2026", date(2026, 3, 5)),
    ("2026-03-25", date(2026, 3, 25)), (" 29.02.2028 ", date(2028, 2, 29)), ("1/12/2025", date(2025, 12, 1)),
    # a phone's digits keypad (an iPhone's has no «.»): digits alone, or spaces
    ("25032026", date(2026, 3, 25)), ("250326", date(2026, 3, 25)), ("25 03 2026", date(2026, 3, 25)),
])
def test_dotted_short_and_iso_dates_are_read_day_first(typed: str, day: date) -> None:
    assert parse_day(typed) == day


def test_an_empty_field_is_no_date() -> None:
    assert parse_day("") is None and parse_day(None) is None and parse_day("   ") is None


@pytest.mark.parametrize("typed", ["abc", "25.03", "2026/03/25", "25.03.026", "25-03-2026", "1.1.1.2026", "0x10",
                                   "2503202", "25032026 1"])
def test_what_is_not_a_date_is_refused_with_the_format_to_write(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_day(typed, "since")
    assert refused.value.details["field"] == "since"
    assert refused.value.message("ru") == f"«{typed}» — не дата: пишите дд.мм.гггг, например 25.03.2026."
    assert "кк.аа.жжжж" in refused.value.message("kk") and "dd.mm.yyyy" in refused.value.message("en")


@pytest.mark.parametrize(("typed", "shown"), [("31.02.2026", "31.02.2026"), ("29.2.27", "29.02.2027"),
                                              ("2026-13-01", "01.13.2026"), ("00.01.2026", "00.01.2026")])
def test_a_day_the_calendar_lacks_is_refused_by_name(typed: str, shown: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_day(typed)
    assert refused.value.message("ru") == f"Даты {shown} нет в календаре: проверьте день и месяц."
    assert refused.value.message("kk") == f"Күнтізбеде {shown} күні жоқ: күн мен айды тексеріңіз."


def test_a_form_s_dates_come_back_shown_as_dd_mm_yyyy_and_the_wrong_one_as_typed_with_its_message() -> None:
    read = read_days({"date_from": "2026-3-5", "date_to": "31.02.2026", "other": ""}, "kk")
    assert read.days == {"date_from": date(2026, 3, 5), "date_to": None, "other": None}
    assert read.shown == {"date_from": "05.03.2026", "date_to": "31.02.2026", "other": ""}
    assert list(read.errors) == ["date_to"] and read.errors["date_to"].startswith("Күнтізбеде 31.02.2026")
    assert read.iso() == {"date_from": "2026-03-05"}
    assert day_text(date(2026, 1, 2)) == "02.01.2026" and day_text(None) == ""


@pytest.mark.parametrize(("typed", "year"), [("31.12.9999", 9999), ("0001-01-01", 1), ("01.01.1999", 1999),
                                             ("1.1.2101", 2101)])
def test_a_year_outside_2000_2100_is_refused_in_each_language(typed: str, year: int) -> None:
    """GIVEN a real calendar day far from the documents' years WHEN typed THEN refused by its field in
    ru/kk/en, as the form fields refuse it (31.12.9999 made «the day after» overflow: a 500)."""
    with pytest.raises(InvalidInput) as refused:
        parse_day(typed, "until")
    assert refused.value.details["field"] == "until"
    assert f"Год {year} вне допустимого диапазона 2000–2100" in refused.value.message("ru")
    assert f"{year} жылы 2000–2100 аралығынан тыс" in refused.value.message("kk")
    assert f"The year {year} is outside 2000–2100" in refused.value.message("en")
