"""Report latency and sync speed at scale: 100,000 incidents in a company database (SQLite file or
PostgreSQL), synced into the assistant's store on the same backend, then typical manager questions
timed end to end (parse → SQL → sentence).

    python bench/bench_reports.py [--rows 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

QUESTIONS = [
    "Сколько проливов было на АЗС-012 в октябре 2025?",
    "Какая АЗС лидирует по проливам во 2 квартале 2026?",
    "Среднее время устранения сбоев касс в 2025 году",
    "Медианное время устранения отказов оборудования в 2026 году",
    "Сколько открытых инцидентов с severity 3 и выше?",
    "Какой открытый инцидент самый старый?",
    "Перечислите открытые инциденты severity 4 на АЗС-007",
    "В какой день недели чаще всего случаются сбои касс?",
    "Сколько краж было ночью в 2025 году?",
    "Какая доля сбоев касс имеет severity 3 или 4?",
    "Назовите три АЗС с наибольшим числом инцидентов в 2025 году",
    "Как изменилось число инцидентов в 1 квартале 2026 по сравнению с 1 кварталом 2025?",
    "Сколько инцидентов устраняли дольше 48 часов в Алматы?",
    "инциденты по месяцам за 2025 год",
]
CATEGORIES = ["fuel_spill", "pos_failure", "theft_driveoff", "equipment_failure", "power_outage", "fuel_quality",
              "safety", "customer_injury", "other"]
REGIONS = ["Алматы", "Астана", "Шымкент", "Караганда", "Павлодар", "Актобе", "Атырау"]


def company_db(url: str, n: int) -> None:
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, create_engine

    rng = random.Random(1)
    engine = create_engine(url)
    metadata = MetaData()
    table = Table("company_incidents", metadata, Column("INC_ID", String(20), primary_key=True),
                  Column("AZS", String(20)), Column("REGION", String(50)), Column("OCCURRED", DateTime),
                  Column("TYPE", String(50)), Column("EQUIPMENT", String(100)), Column("DESCR", Text),
                  Column("ACTIONS", Text), Column("RESOLVED", DateTime), Column("SEV", Integer),
                  Column("UPDATED_AT", DateTime, index=True))
    metadata.drop_all(engine)
    metadata.create_all(engine)
    start = datetime(2023, 1, 1)
    batch = []
    with engine.begin() as conn:
        for i in range(n):
            station = rng.randint(1, 300)
            occurred = start + timedelta(minutes=rng.randrange(0, 4 * 365 * 24 * 60))
            resolved = None if rng.random() < 0.05 else occurred + timedelta(minutes=rng.randrange(5, 96 * 60))
            batch.append({"INC_ID": f"INC-{i:07d}", "AZS": f"АЗС-{station:03d}", "REGION": REGIONS[station % 7],
                          "OCCURRED": occurred, "TYPE": rng.choice(CATEGORIES),
                          "EQUIPMENT": f"ТРК №{rng.randint(1, 8)}",
                          "DESCR": "пролив у трк, засыпали песком", "ACTIONS": "сообщили менеджеру",
                          "RESOLVED": resolved, "SEV": rng.randint(1, 4), "UPDATED_AT": resolved or occurred})
            if len(batch) == 5000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    engine.dispose()


def run(label: str, source_url: str, store_url: str, data_dir: Path, n: int) -> None:
    from azs_assistant.incidents.sources import SourceConfig
    from azs_assistant.incidents.sync import sync
    from azs_assistant.language.analyzer import get_analyzer
    from azs_assistant.reports.service import Reports
    from azs_assistant.storage.db import Database

    t = time.perf_counter()
    company_db(source_url, n)
    print(f"[{label}] company table with {n} rows built in {time.perf_counter() - t:.1f} s")
    db = Database(store_url)
    db.migrate()
    source = SourceConfig(name="company", url=source_url, table="company_incidents", watermark="UPDATED_AT",
                          columns={"incident_id": "INC_ID", "station_id": "AZS", "region": "REGION",
                                   "occurred_at": "OCCURRED", "category": "TYPE", "equipment": "EQUIPMENT",
                                   "description": "DESCR", "actions_taken": "ACTIONS", "resolved_at": "RESOLVED",
                                   "severity": "SEV"})
    t = time.perf_counter()
    report = sync(db, source)
    took = time.perf_counter() - t
    print(f"[{label}] sync: {report.read} rows in {took:.1f} s ({report.read / took:,.0f} rows/s); "
          f"re-sync: {sync(db, source).read} rows")
    reports = Reports(db, get_analyzer())
    reports.ask(QUESTIONS[0])  # warm: vocabulary, morphology cache
    times: list[float] = []
    per_q: dict[str, list[float]] = {}
    for _ in range(5):
        for q in QUESTIONS:
            t = time.perf_counter()
            reports.ask(q)
            elapsed = time.perf_counter() - t
            times.append(elapsed)
            per_q.setdefault(q, []).append(elapsed)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"[{label}] report latency over {len(times)} asks: median {times[len(times) // 2] * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
    slowest = sorted(per_q.items(), key=lambda kv: -max(kv[1]))[:3]
    for q, ts in slowest:
        print(f"    slowest: {max(ts) * 1000:.0f} ms  {q}")
    db.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--postgres", default=None, help="PostgreSQL URL (a scratch database: tables are replaced)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/company.db", f"sqlite:///{tmp}/azs.db", Path(tmp), args.rows)
        if args.postgres:
            from sqlalchemy import create_engine, text

            engine = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text("drop schema if exists bench_company cascade; create schema bench_company;"
                                  "drop schema if exists bench_azs cascade; create schema bench_azs;"))
            engine.dispose()
            sep = "&" if "?" in args.postgres else "?"
            run("postgres", f"{args.postgres}{sep}options=-csearch_path%3Dbench_company",
                f"{args.postgres}{sep}options=-csearch_path%3Dbench_azs", Path(tmp), args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
