"""Manager questions as they are typed in a chat (slang, abbreviations, typos, two-digit years, English
and Kazakh), with answers computed here from the incident log by plain Python filters, never by the
report parser. Writes ``bench/data/reports_informal/reports.jsonl`` beside a copy of the log, so
``bench/eval_reports.py --set bench/data/reports_informal --today 2026-11-23`` scores them.

Each question records its ``split``: the phrasing families are divided in two before any tuning,
``tuning`` (the parser may be adjusted on these) and ``validation`` (only measured). A question's
``kind`` says what it asks and how it is typed.

    python bench/informal_questions.py          # rewrite the set from demo/incidents.csv
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "demo" / "incidents.csv"
OUT = ROOT / "bench" / "data" / "reports_informal"
TODAY = date(2026, 11, 23)

# How managers name a category: (words, split). The phrasing decides the split, not the question.
CATEGORY_WORDS = {
    "fuel_spill": [("проливов", "tuning"), ("праливов", "tuning"), ("разливов топлива", "validation"),
                   ("проливав", "validation"), ("fuel spills", "validation")],
    "pos_failure": [("сбоев касс", "tuning"), ("сбоев кассы", "validation"), ("косяков с кассой", "validation"),
                    ("сбоев POS", "tuning"), ("POS failures", "validation")],
    "equipment_failure": [("отказов оборудования", "tuning"), ("поломок оборудования", "validation"),
                          ("отказов абарудования", "validation"), ("поломок", "tuning")],
    "theft_driveoff": [("уездов без оплаты", "tuning"), ("краж", "validation"), ("драйвоффов", "validation"),
                       ("неоплат", "tuning")],
    "power_outage": [("отключений света", "tuning"), ("отключений электричества", "validation"),
                     ("блэкаутов", "validation")],
    "safety": [("нарушений безопасности", "tuning"), ("нарушений ТБ", "validation")],
}
HOW_MANY = [("сколько", "tuning"), ("скока", "tuning"), ("скольк", "validation"), ("сколко", "validation"),
            ("кол-во", "tuning"), ("how many", "validation"), ("қанша", "validation")]
MONTHS = {1: ["январе", "янв"], 2: ["феврале", "фев"], 3: ["марте", "мар"], 4: ["апреле", "апр"], 5: ["мае", "мая"],
          6: ["июне", "июн"], 7: ["июле", "июл"], 8: ["августе", "авг"], 9: ["сентябре", "сент"],
          10: ["октябре", "окт"], 11: ["ноябре", "нояб"], 12: ["декабре", "дек"]}
MONTH_IN = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре", "октябре",
            "ноябре", "декабре"]
MONTH_NAMES = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
               "декабрь"]
STATION_FORMS = [("на азс {n}", "tuning"), ("на АЗС-{n:03d}", "tuning"), ("на азс№{n}", "validation"),
                 ("на заправке {n}", "validation"), ("на станции {n}", "tuning"), ("азс{n}", "validation")]


def load() -> list[dict[str, Any]]:
    rows = list(csv.DictReader(LOG.open(encoding="utf-8-sig")))
    for r in rows:
        r["at"] = datetime.fromisoformat(r["occurred_at"])
        r["severity"] = int(r["severity"]) if r["severity"] else None
    return rows


def count(rows: Iterable[dict[str, Any]], **want: Any) -> int:
    return sum(1 for r in rows if _match(r, **want))


def _match(r: dict[str, Any], category: str | None = None, station: str | None = None, start: date | None = None,
           end: date | None = None, severity_min: int | None = None) -> bool:
    d = r["at"].date()
    return ((category is None or r["category"] == category) and (station is None or r["station_id"] == station)
            and (start is None or d >= start) and (end is None or d < end)
            and (severity_min is None or (r["severity"] or 0) >= severity_min))


def leaders(rows: list[dict[str, Any]], **want: Any) -> dict[str, Any]:
    counts = Counter(r["station_id"] for r in rows if _match(r, **want))
    top = max(counts.values())
    return {"stations": sorted(s for s, n in counts.items() if n == top), "count": top}


def _month_span(month: int) -> tuple[date, date, int]:
    year = TODAY.year if month <= TODAY.month else TODAY.year - 1
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1), year


def build(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:  # noqa: C901 (one list of question families)
    out: list[dict[str, Any]] = []

    def add(question: str, answer: Any, kind: str, split: str, *_: str) -> None:  # split: of the main phrasing
        out.append({"id": f"inf-{len(out) + 1:03d}", "question": question, "answer": answer, "kind": kind,
                    "split": split})

    # 1. a category at a station in a month, typed loosely
    stations = [1, 5, 7, 12, 3, 9]
    for i, (cat, words) in enumerate(CATEGORY_WORDS.items()):
        for j, (word, ws) in enumerate(words):
            how, hs = HOW_MANY[(i + j) % len(HOW_MANY)]
            form, fs = STATION_FORMS[(i * 2 + j) % len(STATION_FORMS)]
            n = stations[(i + j) % len(stations)]
            month = [10, 9, 7, 3, 5, 11][(i + 2 * j) % 6]
            start, end, _ = _month_span(month)
            mword = MONTHS[month][j % 2]
            station = f"АЗС-{n:03d}"
            add(f"{how} {word} {form.format(n=n)} в {mword}", count(rows, category=cat, station=station, start=start,
                end=end), "category_station_month", ws, hs, fs)
    # 2. a category in a quarter, the year said short («4 кв 25го», «q1 26»)
    quarter_forms = [("в {q} кв {yy}го", "tuning"), ("за {q} квартал {yy} года", "validation"),
                     ("q{q} {yy}", "tuning"), ("в {q}м квартале {yyyy}", "validation"), ("{q} кв. {yyyy} г.", "tuning")]
    for i, (cat, words) in enumerate(CATEGORY_WORDS.items()):
        for j, (qf, qs) in enumerate(quarter_forms):
            word, ws = words[(i + j) % len(words)]
            q, year = [(4, 2025), (1, 2026), (2, 2026), (3, 2026), (3, 2025)][(i + j) % 5]
            start = date(year, 3 * q - 2, 1)
            end = date(year + (q == 4), (3 * q) % 12 + 1, 1)
            how, hs = HOW_MANY[(i + 3 * j) % len(HOW_MANY)]
            period = qf.format(q=q, yy=year % 100, yyyy=year)
            add(f"{how} {word} {period}", count(rows, category=cat, start=start, end=end),
                "category_quarter_short_year", ws, qs, hs)
    # 3. which station leads in a category over a period
    lead_forms = [("где больше всего {w} {p}", "tuning"), ("какая азс лидирует по {w2} {p}", "tuning"),
                  ("у какой заправки больше всех {w} {p}", "validation"), ("топ-1 станция по {w2} {p}", "validation")]
    lead_words = {"fuel_spill": ("проливов", "проливам"), "pos_failure": ("сбоев касс", "сбоям касс"),
                  "equipment_failure": ("отказов оборудования", "отказам оборудования"),
                  "theft_driveoff": ("уездов без оплаты", "уездам без оплаты")}
    periods = [("в 2025 году", date(2025, 1, 1), date(2026, 1, 1)), ("в 2026", date(2026, 1, 1), date(2027, 1, 1)),
               ("за 1 полугодие 2026", date(2026, 1, 1), date(2026, 7, 1)),
               ("с начала года", date(2026, 1, 1), date(2026, 11, 24))]  # ends today, 23.11.2026
    for i, (cat, (w, w2)) in enumerate(lead_words.items()):
        for j, (lf, ls) in enumerate(lead_forms):
            p, start, end = periods[(i + j) % len(periods)]
            add(lf.format(w=w, w2=w2, p=p), leaders(rows, category=cat, start=start, end=end), "top_station_category",
                ls)
    # 4. severity kept: serious incidents of a category in a year
    sev_forms = [("{h} {w} с severity 3+ в {y}", "tuning"),
                 ("{h} серьёзных {w} (уровень 3 и выше) за {y} год", "validation"),
                 ("{h} {w} sev>=3 {y}", "validation"), ("{h} {w} с важностью не ниже 3 в {y} году", "tuning")]
    for i, (cat, words) in enumerate(list(CATEGORY_WORDS.items())[:5]):
        for j, (sf, ss) in enumerate(sev_forms):
            word, ws = words[j % len(words)]
            y = [2025, 2026][(i + j) % 2]
            how, _ = HOW_MANY[(i + j) % 5]
            add(sf.format(h=how, w=word, y=y), count(rows, category=cat, severity_min=3, start=date(y, 1, 1),
                end=date(y + 1, 1, 1)), "category_severity_year", ws, ss)
    # 5. relative periods, running ones end today
    quarter_start = date(TODAY.year, 3 * ((TODAY.month - 1) // 3) + 1, 1)
    tomorrow = date.fromordinal(TODAY.toordinal() + 1)  # a running period includes today
    relative = [("за квартал", quarter_start, tomorrow, "tuning"),
                ("с начала года", date(2026, 1, 1), tomorrow, "tuning"),
                ("за прошлый месяц", date(2026, 10, 1), date(2026, 11, 1), "tuning"),
                ("в этом месяце", date(2026, 11, 1), tomorrow, "validation"),
                ("за прошлую неделю", date(2026, 11, 16), date(2026, 11, 23), "validation"),
                ("за текущий квартал", quarter_start, tomorrow, "validation"),
                ("за прошлый квартал", date(2026, 7, 1), date(2026, 10, 1), "tuning"),
                ("за последние 30 дней", date(2026, 10, 25), tomorrow, "validation")]
    for i, (cat, words) in enumerate(CATEGORY_WORDS.items()):
        for j, (p, start, end, ps) in enumerate(relative):
            if (i + j) % 2:
                continue
            word, ws = words[(i + j) % len(words)]
            how, hs = HOW_MANY[(i + j) % 6]
            add(f"{how} {word} {p}", count(rows, category=cat, start=start, end=end), "category_relative_period",
                ws, ps, hs)
    # 6. all incidents of a station or the network in a year, short forms
    for j, (form, fs) in enumerate(STATION_FORMS):
        n = stations[j % len(stations)]
        y = [2025, 2026][j % 2]
        how, hs = HOW_MANY[j % len(HOW_MANY)]
        year_word = [f"за {y}", f"в {y % 100}м году", f"за {y % 100}й год"][j % 3]
        add(f"{how} инцидентов {form.format(n=n)} {year_word}", count(rows, station=f"АЗС-{n:03d}",
            start=date(y, 1, 1), end=date(y + 1, 1, 1)), "station_year", fs, hs)
    # 7. a category over the network in a month of a given year, the year typed short
    month_forms = [("в {m} {yy}го", "tuning"), ("за {m} {yyyy}", "validation"), ("в {m} {yy} года", "validation"),
                   ("{m} {yyyy}г", "tuning")]
    for i, (cat, words) in enumerate(CATEGORY_WORDS.items()):
        for j, (mf, ms) in enumerate(month_forms):
            word, _ = words[(i + 2 * j) % len(words)]
            month, year = [(10, 2025), (3, 2026), (6, 2026), (12, 2025)][(i + j) % 4]
            m = (MONTH_IN if j % 2 == 0 else MONTH_NAMES)[month - 1]
            how, _ = HOW_MANY[(i + j) % 5]
            start, end = date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)
            add(f"{how} {word} {mf.format(m=m, yy=year % 100, yyyy=year)}", count(rows, category=cat, start=start,
                end=end), "category_month_year", ms)
    # 8. whole sentences in English and Kazakh
    foreign = [("how many fuel spills at station 5 in 2026", "fuel_spill", 5, 2026),
               ("how many POS failures were there at station 1 in 2025", "pos_failure", 1, 2025),
               ("number of equipment failures at station 12 in 2026", "equipment_failure", 12, 2026),
               ("how many drive-offs at station 7 in 2025", "theft_driveoff", 7, 2025),
               ("how many power outages at station 9 in 2026", "power_outage", 9, 2026),
               ("2026 жылы 5-ЖҚС-та қанша төгілу болды", "fuel_spill", 5, 2026),
               ("2025 жылы 1-ЖҚС-та касса ақаулары қанша", "pos_failure", 1, 2025),
               ("12-ЖҚС 2026 жылы жабдық ақаулары саны", "equipment_failure", 12, 2026),
               ("7-ЖҚС-та 2025 жылы ақы төлемей кету неше рет болды", "theft_driveoff", 7, 2025),
               ("9-ЖҚС 2026 жыл электр өшуі қанша", "power_outage", 9, 2026)]
    for k, (question, cat, n, y) in enumerate(foreign):
        add(question, count(rows, category=cat, station=f"АЗС-{n:03d}", start=date(y, 1, 1), end=date(y + 1, 1, 1)),
            "english" if k < 5 else "kazakh", "validation" if k % 2 else "tuning")
    return out


def main() -> None:
    rows = load()
    questions = build(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LOG, OUT / "incidents.csv")
    with (OUT / "reports.jsonl").open("w", encoding="utf-8") as f:
        for q in questions:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    splits = Counter(q["split"] for q in questions)
    print(f"{len(questions)} questions ({dict(splits)}) → {OUT / 'reports.jsonl'}")


if __name__ == "__main__":
    main()
