"""Russian periods in managers' questions → [start, end) timestamps: «за октябрь», «во 2 квартале
2026», «в прошлом месяце», «с 1 по 15 марта», «за последние 30 дней», «в 2025 году».

A month or quarter without a year means the latest one that has begun by ``today``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

MONTHS = {"январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7, "август": 8,
          "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12}
_MONTH_STEMS = [("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("мая", 5), ("май", 5), ("мае", 5), ("июн", 6),
                ("июл", 7), ("авг", 8), ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12)]
ORDINALS = {"1": 1, "i": 1, "перв": 1, "2": 2, "ii": 2, "втор": 2, "3": 3, "iii": 3, "трет": 3, "4": 4, "iv": 4,
            "четв": 4}
_MONTH_WORD = (r"(январ\w*|феврал\w*|март\w*|апрел\w*|ма[йяе]\b|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*"
               r"|декабр\w*|(?:янв|фев|мар|апр|авг|сент?|окт|нояб?|дек)\b\.?)")  # «в сент», «окт.» as typed in a chat
# a year said as a number or relative to today («в октябре прошлого года», «4 квартал этого года»)
_RELATIVE_YEAR = r"(?:этого|текущего|нынешнего|прошлого|прошедшего|предыдущего|позапрошлого)\s+года"
_YEAR = rf"(?:\s+(\d{{4}}(?:\s*(?:год\w*|г\.?))?|{_RELATIVE_YEAR}))?"
_ORD = r"(1|2|3|4|iv|iii|ii|i|перв\w*|втор\w*|трет\w*|четв[её]рт\w*)"
# a year after a quarter: «2025», «2025 г.», «25го», «25 года»; a bare two-digit number only at the end
_SHORT_YEAR = (r"(?:\s*(\d{4}|\d{2}(?=\s*-?\s*(?:го\b|г\b|год)|\s*$|\s*[,.?!]))(?:\s*-?\s*(?:го|год\w*|г\.?))?"
               rf"|\s+({_RELATIVE_YEAR}))?")
FIRST_YEAR, LAST_YEAR = 1900, 2100  # the years a question about the incident log may name
NUMBER_WORDS = {"один": 1, "одну": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
                "семь": 7, "восемь": 8, "девять": 9, "десять": 10}


@dataclass
class Period:
    start: datetime
    end: datetime  # exclusive
    position: int  # where in the question it was said
    label: str
    spans: tuple[tuple[int, int], ...] = ()  # the words it was read from (the parser marks them read)

    def describe(self) -> str:
        last = self.end - timedelta(days=1)
        return f"{self.start:%d.%m.%Y}–{last:%d.%m.%Y}"


def month_number(word: str) -> int | None:
    word = word.lower()
    for stem, number in _MONTH_STEMS:
        if word.startswith(stem):
            return number
    return None


def _ordinal(word: str) -> int | None:
    word = word.lower()
    for key, number in ORDINALS.items():
        if word == key or (len(key) > 2 and word.startswith(key)):
            return number
    return None


def _latest_year(month: int, today: date) -> int:
    return today.year if month <= today.month else today.year - 1


def _day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d)


def _parse_date(text: str) -> datetime | None:
    d, m, y = text.split(".")
    year = int(y) + (2000 if len(y) == 2 else 0)
    try:
        return datetime(year, int(m), int(d))
    except ValueError:
        return None


def find_periods(text: str, today: date) -> list[Period]:
    """Every period said in the (lower-cased) question, in the order said; overlapping mentions are
    read once (the longest reading wins: «с 1 по 15 марта 2026» is not also «март 2026»)."""
    found: list[tuple[int, int, Period]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], start: datetime, end: datetime, label: str, borrowed: bool = False) -> None:
        """``borrowed``: the year came from elsewhere in the question («в октябре … 25го»)."""
        if any(m.start() < b and a < m.end() for a, b in taken):
            return
        taken.append((m.start(), m.end()))
        spans = (m.span(),) + ((year_span,) if borrowed and year_span else ())
        found.append((m.start(), m.end(), Period(start, end, m.start(), label, spans)))

    standalone_year, year_span = None, None
    for m in re.finditer(r"(?<![.\d])\b(20\d{2})\b|(?<![.\d])\b(\d{2})\s*-?\s*(?:го|м|ом)\b(?:\s+год\w*)?"
                         r"|(?<![.\d])\b(\d{2})\s+год\w*", text):
        if standalone_year is None:
            standalone_year, year_span = _year(m.group(1) or m.group(2) or m.group(3)), m.span()

    for m in re.finditer(r"(?:с|от)\s+(\d{1,2}\.\d{1,2}\.\d{2,4})\s+(?:по|до)\s+(\d{1,2}\.\d{1,2}\.\d{2,4})", text):
        a, b = _parse_date(m.group(1)), _parse_date(m.group(2))
        if a and b and a <= b:
            add(m, a, b + timedelta(days=1), "dates")
    for m in re.finditer(rf"с\s+(\d{{1,2}})(?:-?го)?(?:\s+{_MONTH_WORD})?\s+(?:по|до)\s+(\d{{1,2}})(?:-?е|-?го)?\s+{_MONTH_WORD}{_YEAR}",
                         text):
        month_b = month_number(m.group(4)) or 1
        month_a = month_number(m.group(2)) if m.group(2) else month_b
        year = _said_year(m.group(5), today) or standalone_year or _latest_year(month_a or 1, today)
        try:
            a, b = _day(year, month_a or month_b, int(m.group(1))), _day(year, month_b, int(m.group(3)))
        except ValueError:
            continue
        if a <= b:
            add(m, a, b + timedelta(days=1), "days", not m.group(5))
    for m in re.finditer(rf"\b{_ORD}(?:\s*-?\s*(?:[ыио]?й|м|го|ом|ый))?\s+(?:квартал\w*|кв\b\.?){_SHORT_YEAR}", text):
        q = _ordinal(m.group(1))
        if q is None or re.search(r"(?:последн|прошедш)\w*\s+$", text[:m.start()]):  # «за последние 2 квартала»
            continue
        year = _said_year(m.group(2) or m.group(3), today) or standalone_year or _quarter_year(q, today)
        start = _day(year, 3 * (q - 1) + 1, 1)
        add(m, start, start + relativedelta(months=3), f"{q} квартал {year}", not m.group(2))
    for m in re.finditer(rf"\bq([1-4]){_SHORT_YEAR}", text):
        q = int(m.group(1))
        year = _said_year(m.group(2) or m.group(3), today) or standalone_year or _quarter_year(q, today)
        start = _day(year, 3 * (q - 1) + 1, 1)
        add(m, start, start + relativedelta(months=3), f"{q} квартал {year}", not m.group(2))
    for m in re.finditer(rf"\b(перв|втор|1|2)(?:\w*|-?е|-?м)\s+(?:полугоди\w*|половин\w+(?:\s+года)?){_YEAR}", text):
        half = 1 if m.group(1) in ("перв", "1") else 2
        year = _said_year(m.group(2), today) or standalone_year or today.year
        start = _day(year, 1 if half == 1 else 7, 1)
        add(m, start, start + relativedelta(months=6), f"{half} полугодие {year}", not m.group(2))
    # a run of months: «с января по октябрь», «за сентябрь и октябрь (вместе)», «сентябрь-октябрь 2026»
    for m in re.finditer(rf"(?:\b(?:с|от)\s+)?\b{_MONTH_WORD}\s*(?:,|и|-|–|по|до)\s*{_MONTH_WORD}{_YEAR}", text):
        first, last = month_number(m.group(1)), month_number(m.group(2))
        joined = re.search(r"\s(?:и|,)\s|,", m.group(0)) is not None
        if first is None or last is None or first == last or (joined and (last - first) % 12 != 1):
            continue  # «в октябре и марте» is two periods, not a run: the second is named as not understood
        year_b = _said_year(m.group(3), today) or standalone_year or _latest_year(last, today)
        year_a = year_b if first <= last else year_b - 1
        add(m, _day(year_a, first, 1), _day(year_b, last, 1) + relativedelta(months=1), m.group(0), not m.group(3))
    for m in re.finditer(rf"\b(?:(?:за|в|во)\s+)?(?:(этим|этой|это|этого|прошлым|прошлой|прошлое|прошлого)\s+)?"
                         rf"(лет[оау]|летом|зим[аеуы]|зимой|весн[аеуы]|весной|осен[ьи]|осенью)\b{_YEAR}", text):
        first_month = {"л": 6, "з": 12, "в": 3, "о": 9}[m.group(2)[0]]
        season_year = _said_year(m.group(3), today)
        if season_year is None:  # the latest season that has begun; «прошлым летом» the one before it
            begun = _day(today.year, first_month, 1) <= _day(today.year, today.month, today.day)
            season_year = today.year - (0 if begun else 1) - (1 if (m.group(1) or "").startswith("прошл") else 0)
        elif first_month == 12:
            season_year -= 1  # «зима 2026» = December 2025 – February 2026
        start = _day(season_year, first_month, 1)
        add(m, start, start + relativedelta(months=3), m.group(0), False)
    for m in re.finditer(rf"\b{_MONTH_WORD}{_YEAR}", text):
        month = month_number(m.group(1))
        if month is None:
            continue
        year = _said_year(m.group(2), today) or standalone_year or _latest_year(month, today)
        start = _day(year, month, 1)
        add(m, start, start + relativedelta(months=1), f"{m.group(1)} {year}", not m.group(2))

    this_month = _day(today.year, today.month, 1)
    this_quarter = _day(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    tomorrow = _day(today.year, today.month, today.day) + timedelta(days=1)  # a running period ends today
    relative = [
        (r"(?:в|за)\s+(?:этом|текущем|этот|текущий|нынешн\w*)\s+год(?:у|а)?\b|с начала (?:этого |текущего )?года"
         r"|\b(?:этого|текущего|нынешнего)\s+года"
         r"|(?:за|в\s+течение)\s+года?\b(?!\s*\d)",
         lambda: (_day(today.year, 1, 1), tomorrow)),
        (r"(?:в|за)\s+(?:прошлом|прошедшем|предыдущем|прошлый|прошедший|предыдущий)\s+год(?:у|а)?\b"
         r"|\b(?:прошлого|прошедшего|предыдущего)\s+года\b|\bпрошлогодн\w*",
         lambda: (_day(today.year - 1, 1, 1), _day(today.year, 1, 1))),
        (r"(?:в|за)\s+(?:этом|текущем|этот|текущий)\s+месяц\w*|с начала (?:этого |текущего )?месяца"
         r"|за\s+месяц\b",
         lambda: (this_month, tomorrow)),
        (r"(?:в|за)\s+(?:прошлом|прошедшем|предыдущем|прошлый|предыдущий)\s+месяц\w*",
         lambda: (this_month - relativedelta(months=1), this_month)),
        (r"(?:в|за)\s+(?:этом|текущем|этот|текущий)\s+квартал\w*|с начала (?:этого |текущего )?квартала"
         r"|(?:за|в)\s+квартал(?:е)?\b(?!\s*\d)",
         lambda: (this_quarter, tomorrow)),
        (r"(?:в|за)\s+(?:прошлом|предыдущем|прошлый|предыдущий)\s+квартал\w*",
         lambda: (this_quarter - relativedelta(months=3), this_quarter)),
        (r"(?:на|за)\s+(?:этой|текущей|эту|текущую)\s+неделе?\w*|за\s+неделю\b",
         lambda: (_monday(today), tomorrow)),
        (r"(?:на|за)\s+(?:прошлой|предыдущей|прошлую|предыдущую)\s+неделе?\w*",
         lambda: (_monday(today) - timedelta(days=7), _monday(today))),
        (r"\bсегодня\b", lambda: (_day(today.year, today.month, today.day),
                                 _day(today.year, today.month, today.day) + timedelta(days=1))),
        (r"\bвчера\b", lambda: (_day(today.year, today.month, today.day) - timedelta(days=1),
                               _day(today.year, today.month, today.day))),
        (r"\bпозавчера\b", lambda: (_day(today.year, today.month, today.day) - timedelta(days=2),
                                   _day(today.year, today.month, today.day) - timedelta(days=1))),
    ]
    for pattern, span in relative:
        for m in re.finditer(pattern, text):
            a, b = span()
            add(m, a, b, m.group(0))
    # «за последний квартал», like «за последний месяц», is the three months up to today (it was not read at all,
    # and the report counted the whole log)
    for m in re.finditer(r"(?:за|в)\s+(?:последн\w+|прошедш\w+)\s+(?:(\d+|[а-я]+)\s+)?(дн\w*|день|недел\w*|месяц\w*"
                         r"|квартал\w*|год\w*|лет)", text):
        raw = m.group(1)
        n = int(raw) if raw and raw.isdigit() else NUMBER_WORDS.get(raw or "", 1)
        unit = m.group(2)
        end = _day(today.year, today.month, today.day) + timedelta(days=1)
        delta = (timedelta(days=n) if unit.startswith(("дн", "день")) else timedelta(weeks=n) if unit.startswith("недел")
                 else relativedelta(months=n) if unit.startswith("месяц")
                 else relativedelta(months=3 * n) if unit.startswith("квартал") else relativedelta(years=n))
        add(m, end - delta, end, m.group(0))
    for m in re.finditer(r"(?<![.\d])\b(20\d{2})\b\s*(?:год\w*|г\.?)?", text):
        year = int(m.group(1))
        add(m, _day(year, 1, 1), _day(year + 1, 1, 1), f"{year} год")
    for m in re.finditer(r"(?<![.\d])\b([12]\d)\s*-?\s*(?:м|ом|го|й)?\s+год(?:у|а)?\b", text):  # «в 25м году»
        year = _year(m.group(1))
        add(m, _day(year, 1, 1), _day(year + 1, 1, 1), f"{year} год")
    return [p for _, _, p in sorted(found, key=lambda x: x[0])]


def _said_year(said: str | None, today: date) -> int | None:
    """The year a month or quarter was said with: «2025», «2025 года», «прошлого года» (None: not said)."""
    if not said:
        return None
    if digits := re.match(r"\d+", said):
        return _year(digits.group(0))
    back = 2 if said.startswith("позапрошл") else 1 if said.startswith(("прошл", "прошедш", "предыдущ")) else 0
    return today.year - back


def _year(text: str) -> int:
    """«2025», «25» (as in «4 кв 25го») → 2025; a year outside 1900-2100 («зима 0000», «в декабре 9999»)
    is refused with ValueError, which the report service turns into its «не понял» answer."""
    year = int(text) + (2000 if len(text) == 2 else 0)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"implausible year {year}")
    return year


def _quarter_year(q: int, today: date) -> int:
    current = (today.month - 1) // 3 + 1
    return today.year if q <= current else today.year - 1


def _monday(today: date) -> datetime:
    start = today - timedelta(days=today.weekday())
    return datetime(start.year, start.month, start.day)
