"""Dates typed into the web UI's filters, in the one place that reads them (issue 26): people in Kazakhstan
write 25.03.2026 whatever language the page speaks or their Windows is set to, so every date field is a text
field shown and read as dd.mm.yyyy (d.m.yy too, digits alone as a phone's digits keypad types them, and the ISO
yyyy-mm-dd of links and bookmarks).
A two-digit year is of this century (the documents and incidents are). A date that is not one comes back
as a typed error with its message in ru, kk and en, for the page to show next to its field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from azs_assistant.errors import InvalidInput

__all__ = ["DayFields", "day_text", "parse_day", "read_days"]
_DOTTED = re.compile(r"(\d{1,2})[./ ](\d{1,2})[./ ](\d{4}|\d{2})")
# digits alone, as a phone's digits keypad (no «.» on an iPhone's) types them: 25032026, 250326
_COMPACT = re.compile(r"(\d{2})(\d{2})(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years of the documents and incidents, as the form fields allow


def parse_day(text: str | None, name: str = "date") -> date | None:
    """«25.03.2026», «5.3.26», «25 03 2026», «25032026» or «2026-03-25» as a date; empty is None; anything else
    is refused (InvalidInput with ``field=name``) in the user's language: not a date at all, a day the calendar
    lacks (31.02), or a year outside 2000-2100."""
    value = (text or "").strip()
    if not value:
        return None
    if m := _DOTTED.fullmatch(value) or _COMPACT.fullmatch(value):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year += 2000 if len(m.group(3)) == 2 else 0
    elif m := _ISO.fullmatch(value):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise InvalidInput(f"«{value}» — не дата: пишите дд.мм.гггг, например 25.03.2026.",
                           f"“{value}” is not a date: write dd.mm.yyyy, for example 25.03.2026.",
                           message_kk=f"«{value}» — күн емес: кк.аа.жжжж түрінде жазыңыз, мысалы 25.03.2026.",
                           field=name)
    try:
        read = date(year, month, day)
    except ValueError:
        shown = f"{day:02d}.{month:02d}.{year:04d}"
        raise InvalidInput(f"Даты {shown} нет в календаре: проверьте день и месяц.",
                           f"There is no {shown} in the calendar: check the day and the month.",
                           message_kk=f"Күнтізбеде {shown} күні жоқ: күн мен айды тексеріңіз.", field=name) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:  # 31.12.9999 is a day, but «the day after» it overflows a filter
        raise InvalidInput(f"Год {year} вне допустимого диапазона {FIRST_YEAR}–{LAST_YEAR}: проверьте дату «{value}».",
                           f"The year {year} is outside {FIRST_YEAR}–{LAST_YEAR}: check the date “{value}”.",
                           message_kk=f"{year} жылы {FIRST_YEAR}–{LAST_YEAR} аралығынан тыс: «{value}» күнін "
                                      "тексеріңіз.", field=name)
    return read


def day_text(day: date | None) -> str:
    """A date as the fields show it: dd.mm.yyyy."""
    return "" if day is None else day.strftime("%d.%m.%Y")


@dataclass
class DayFields:
    """A form's date fields read together: each as a date, as the page shows it back (dd.mm.yyyy, or what
    was typed when it is wrong, to be corrected), and the message of each wrong one in the page's language."""

    days: dict[str, date | None] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def iso(self) -> dict[str, str]:
        """The good dates as yyyy-mm-dd, for links to the page and to the API (its date parameters are ISO)."""
        return {name: day.isoformat() for name, day in self.days.items() if day is not None}


def read_days(values: Mapping[str, str | None], lang: str) -> DayFields:
    """Read every date field of a form; a wrong one is kept as typed, with its message, never raised."""
    read = DayFields()
    for name, text in values.items():
        typed = (text or "").strip()[:40]
        try:
            day = parse_day(typed, name)
        except InvalidInput as wrong:
            read.days[name], read.shown[name], read.errors[name] = None, typed, wrong.message(lang)
            continue
        read.days[name], read.shown[name] = day, day_text(day)
    return read
