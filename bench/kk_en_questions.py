"""Manager questions in Kazakh and English (categories, relative periods, groupings, top-N, severity),
with answers computed here by pandas over the demo incident log, never by the report parser. Writes
``bench/data/reports_kk_en/reports.jsonl`` beside a copy of the log, so
``bench/eval_reports.py --set bench/data/reports_kk_en --today 2026-11-23`` scores them.

The questions were written before the parser learnt these languages. Each records its fixed
``split``: ``tuning`` (the parser may be adjusted on these) or ``validation`` (only measured), half
and half within every kind and language.

    python bench/kk_en_questions.py          # rewrite the set from demo/incidents.csv
"""

# ruff: noqa: E501  (one question per line reads as the table it is)
from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "demo" / "incidents.csv"
OUT = ROOT / "bench" / "data" / "reports_kk_en"
CATEGORIES = sorted(yaml.safe_load((ROOT / "src" / "azs_assistant" / "reports" / "data" / "categories.yaml")
                                   .read_text(encoding="utf-8"))["categories"])
TODAY = date(2026, 11, 23)
TOMORROW = date(2026, 11, 24)  # a running period includes today

# the periods the questions name, as [start, end) dates for «today» = 23.11.2026
YEAR_2025, YEAR_2026 = (date(2025, 1, 1), date(2026, 1, 1)), (date(2026, 1, 1), date(2027, 1, 1))
THIS_YEAR = (date(2026, 1, 1), TOMORROW)
LAST_MONTH = (date(2026, 10, 1), date(2026, 11, 1))
THIS_MONTH = (date(2026, 11, 1), TOMORROW)
THIS_QUARTER = (date(2026, 10, 1), TOMORROW)
LAST_QUARTER = (date(2026, 7, 1), date(2026, 10, 1))
Q4_2025 = (date(2025, 10, 1), date(2026, 1, 1))
Q2_2026 = (date(2026, 4, 1), date(2026, 7, 1))
LAST_WEEK = (date(2026, 11, 16), date(2026, 11, 23))
LAST_30_DAYS = (date(2026, 10, 25), TOMORROW)
OCT_2025 = (date(2025, 10, 1), date(2025, 11, 1))
MARCH_2026 = (date(2026, 3, 1), date(2026, 4, 1))

# (question, language, kind, split, what to compute)
# what: ("count", filters) | ("group", by, filters) | ("top", n, by, filters)
QUESTIONS: list[tuple[str, str, str, str, tuple[Any, ...]]] = [
    # a category in a period
    ("how many fuel spills in 2026", "en", "category_period", "tuning", ("count", {"cat": "fuel_spill", "period": YEAR_2026})),
    ("how many spills were there in 2025", "en", "category_period", "validation", ("count", {"cat": "fuel_spill", "period": YEAR_2025})),
    ("how many POS failures last month", "en", "category_period", "tuning", ("count", {"cat": "pos_failure", "period": LAST_MONTH})),
    ("number of equipment failures this year", "en", "category_period", "validation", ("count", {"cat": "equipment_failure", "period": THIS_YEAR})),
    ("how many thefts since the start of the year", "en", "category_period", "tuning", ("count", {"cat": "theft_driveoff", "period": THIS_YEAR})),
    ("how many power outages in Q4 2025", "en", "category_period", "validation", ("count", {"cat": "power_outage", "period": Q4_2025})),
    ("safety violations in the last quarter, how many", "en", "category_period", "tuning", ("count", {"cat": "safety", "period": LAST_QUARTER})),
    ("how many drive-offs this quarter", "en", "category_period", "validation", ("count", {"cat": "theft_driveoff", "period": THIS_QUARTER})),
    ("how many equipment failures in October 2025", "en", "category_period", "tuning", ("count", {"cat": "equipment_failure", "period": OCT_2025})),
    ("how many POS failures in the last 30 days", "en", "category_period", "validation", ("count", {"cat": "pos_failure", "period": LAST_30_DAYS})),
    ("2026 жылы қанша төгілу болды", "kk", "category_period", "tuning", ("count", {"cat": "fuel_spill", "period": YEAR_2026})),
    ("2025 жылы төгілулер саны", "kk", "category_period", "validation", ("count", {"cat": "fuel_spill", "period": YEAR_2025})),
    ("өткен айда касса ақаулары қанша", "kk", "category_period", "tuning", ("count", {"cat": "pos_failure", "period": LAST_MONTH})),
    ("биыл жабдық ақаулары неше рет болды", "kk", "category_period", "validation", ("count", {"cat": "equipment_failure", "period": THIS_YEAR})),
    ("жыл басынан бері қанша ұрлық болды", "kk", "category_period", "tuning", ("count", {"cat": "theft_driveoff", "period": THIS_YEAR})),
    ("2025 жылғы 4-тоқсанда электр өшуі қанша", "kk", "category_period", "validation", ("count", {"cat": "power_outage", "period": Q4_2025})),
    ("өткен тоқсанда қауіпсіздік бұзушылықтары қанша", "kk", "category_period", "tuning", ("count", {"cat": "safety", "period": LAST_QUARTER})),
    ("осы тоқсанда ұрлықтар саны", "kk", "category_period", "validation", ("count", {"cat": "theft_driveoff", "period": THIS_QUARTER})),
    ("осы жылы қанша касса ақауы болды", "kk", "category_period", "tuning", ("count", {"cat": "pos_failure", "period": THIS_YEAR})),
    ("өткен аптада жабдық ақаулары неше", "kk", "category_period", "validation", ("count", {"cat": "equipment_failure", "period": LAST_WEEK})),
    # all incidents grouped
    ("incidents by region in 2026", "en", "group", "tuning", ("group", "region", {"period": YEAR_2026})),
    ("incidents by station in 2025", "en", "group", "validation", ("group", "station_id", {"period": YEAR_2025})),
    ("how many incidents per category this year", "en", "group", "tuning", ("group", "category", {"period": THIS_YEAR})),
    ("number of incidents by region in Q4 2025", "en", "group", "validation", ("group", "region", {"period": Q4_2025})),
    ("өткен айда ЖҚС бойынша оқиғалар", "kk", "group", "tuning", ("group", "station_id", {"period": LAST_MONTH})),
    ("2026 жылы аймақтар бойынша оқиғалар саны", "kk", "group", "validation", ("group", "region", {"period": YEAR_2026})),
    ("биыл санаттар бойынша оқиғалар", "kk", "group", "tuning", ("group", "category", {"period": THIS_YEAR})),
    ("2025 жылы станциялар бойынша оқиғалар саны", "kk", "group", "validation", ("group", "station_id", {"period": YEAR_2025})),
    # leaders
    ("top 3 stations by incidents this quarter", "en", "top", "tuning", ("top", 3, "station_id", {"period": THIS_QUARTER})),
    ("which station had the most fuel spills in 2025", "en", "top", "validation", ("top", 1, "station_id", {"cat": "fuel_spill", "period": YEAR_2025})),
    ("top-3 regions by POS failures this year", "en", "top", "tuning", ("top", 3, "region", {"cat": "pos_failure", "period": THIS_YEAR})),
    ("which region had the most equipment failures last quarter", "en", "top", "validation", ("top", 1, "region", {"cat": "equipment_failure", "period": LAST_QUARTER})),
    ("топ-3 станция тоқсан бойынша", "kk", "top", "tuning", ("top", 3, "station_id", {"period": THIS_QUARTER})),
    ("2025 жылы ең көп төгілу қай ЖҚС-та болды", "kk", "top", "validation", ("top", 1, "station_id", {"cat": "fuel_spill", "period": YEAR_2025})),
    ("биыл касса ақаулары бойынша ең көп 3 аймақ", "kk", "top", "tuning", ("top", 3, "region", {"cat": "pos_failure", "period": THIS_YEAR})),
    ("өткен тоқсанда жабдық ақаулары ең көп қай аймақта", "kk", "top", "validation", ("top", 1, "region", {"cat": "equipment_failure", "period": LAST_QUARTER})),
    # severity
    ("how many incidents with severity 3 or higher in 2026", "en", "severity", "tuning", ("count", {"sev": 3, "period": YEAR_2026})),
    ("how many high severity equipment failures in 2025", "en", "severity", "validation", ("count", {"cat": "equipment_failure", "sev": 3, "period": YEAR_2025})),
    ("how many severity 4 incidents last month", "en", "severity", "tuning", ("count", {"sev": 4, "sev_max": 4, "period": LAST_MONTH})),
    ("number of POS failures with severity 2+ this year", "en", "severity", "validation", ("count", {"cat": "pos_failure", "sev": 2, "period": THIS_YEAR})),
    ("2026 жылы ауырлығы 3 және одан жоғары оқиғалар қанша", "kk", "severity", "tuning", ("count", {"sev": 3, "period": YEAR_2026})),
    ("2025 жылы ауырлығы 3+ жабдық ақаулары қанша", "kk", "severity", "validation", ("count", {"cat": "equipment_failure", "sev": 3, "period": YEAR_2025})),
    ("өткен айда ауырлығы 4 оқиғалар саны", "kk", "severity", "tuning", ("count", {"sev": 4, "sev_max": 4, "period": LAST_MONTH})),
    ("биыл ауырлығы 2 және жоғары касса ақаулары неше", "kk", "severity", "validation", ("count", {"cat": "pos_failure", "sev": 2, "period": THIS_YEAR})),
    # a station or a region in a period
    ("how many incidents at station 5 last month", "en", "place_period", "tuning", ("count", {"station": "АЗС-005", "period": LAST_MONTH})),
    ("how many POS failures in Almaty in March 2026", "en", "place_period", "validation", ("count", {"cat": "pos_failure", "region": "Алматы", "period": MARCH_2026})),
    ("7-ЖҚС-та өткен айда қанша оқиға болды", "kk", "place_period", "tuning", ("count", {"station": "АЗС-007", "period": LAST_MONTH})),
    ("Астанада биыл қанша төгілу болды", "kk", "place_period", "validation", ("count", {"cat": "fuel_spill", "region": "Астана", "period": THIS_YEAR})),
]


def load() -> pd.DataFrame:
    log = pd.read_csv(LOG, encoding="utf-8-sig")
    log["day"] = pd.to_datetime(log["occurred_at"]).dt.date
    return log


def select(log: pd.DataFrame, cat: str | None = None, period: tuple[date, date] | None = None,
           station: str | None = None, region: str | None = None, sev: int | None = None,
           sev_max: int | None = None) -> pd.DataFrame:
    keep = pd.Series(True, index=log.index)
    if cat:
        keep &= log["category"] == cat
    if period:
        keep &= (log["day"] >= period[0]) & (log["day"] < period[1])
    if station:
        keep &= log["station_id"] == station
    if region:
        keep &= log["region"] == region
    if sev is not None:
        keep &= log["severity"] >= sev
    if sev_max is not None:
        keep &= log["severity"] <= sev_max
    return log[keep]


def answer(log: pd.DataFrame, what: tuple[Any, ...]) -> Any:
    if what[0] == "count":
        return int(len(select(log, **what[1])))
    if what[0] == "group":  # breakdowns keep zero rows: every station and region of the log, every category
        # of the phrase book and the log but the catch-all «other» (listed only when the log has it)
        every = (sorted({c for c in CATEGORIES if c != "other"} | set(log["category"].unique()))
                 if what[1] == "category" else sorted(log[what[1]].unique()))
        counts = select(log, **what[2])[what[1]].value_counts().reindex(every, fill_value=0)
        return {str(k): int(v) for k, v in sorted(counts.items())}
    _, n, by, filters = what
    counts = select(log, **filters)[by].value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    cutoff = ranked[min(n, len(ranked)) - 1][1]
    leaders = [(str(k), int(v)) for k, v in ranked if v >= cutoff]  # ties kept in full
    plural = {"station_id": "stations", "region": "regions"}[by]
    return {plural: [k for k, _ in leaders], "count": int(cutoff)} if n == 1 else [[k, v] for k, v in leaders]


def main() -> None:
    log = load()
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LOG, OUT / "incidents.csv")
    with (OUT / "reports.jsonl").open("w", encoding="utf-8") as f:
        for i, (question, lang, kind, split, what) in enumerate(QUESTIONS, 1):
            item = {"id": f"kken-{i:03d}", "question": question, "answer": answer(log, what),
                    "kind": f"{lang}_{kind}", "split": split}
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    splits = Counter(s for _, _, _, s, _ in QUESTIONS)
    print(f"{len(QUESTIONS)} questions ({dict(splits)}) → {OUT / 'reports.jsonl'}")


if __name__ == "__main__":
    main()
