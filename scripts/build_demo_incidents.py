"""Build demo/incidents.csv: a year and a half of invented incidents at 12 demo stations, with the
free-text descriptions (jargon, typos) operators really write. Deterministic (fixed seed).

    python scripts/build_demo_incidents.py
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "demo" / "incidents.csv"
STATIONS = {f"АЗС-{n:03d}": region for n, region in
            zip(range(1, 13), ["Алматы", "Алматы", "Алматы", "Астана", "Астана", "Шымкент", "Шымкент", "Караганда",
                               "Караганда", "Павлодар", "Актобе", "Атырау"], strict=True)}
KINDS = {  # category: (weight, hours to resolve, [(equipment, description, actions)])
    "fuel_spill": (8, (0.5, 4), [("раздаточный кран ТРК №{n}",
                                  "пролив около 2 л дт у трк {n}, клиент не удержал пистолет",
                                  "засыпали песком, убрали сорбентом"),
                                 ("площадка слива", "при сливе с бензовоза подтекание из рукава, разлив ~5 л",
                                  "остановили слив, собрали сорбентом, сообщили HSE")]),
    "pos_failure": (12, (0.2, 4), [("ККМ №1", "касса зависла, чеки не печатаются", "перезагрузили ККМ"),
                                   ("POS-терминал банка", "терминал не проводит оплату картой",
                                    "звонок в банк, замена терминала"),
                                   ("ОФД", "нет связи с ОФД, чеки копятся", "восстановили интернет-канал")]),
    "theft_driveoff": (6, (12, 72), [("видеонаблюдение", "залил полный бак и уехал не заплатив, номер видно на камере",
                                      "заявление в полицию, номер в стоп-лист")]),
    "equipment_failure": (14, (1, 30), [("ТРК №{n}", "колонка {n} не отвечает, на табло ошибка E-12",
                                         "вызвали сервисного инженера, замена платы"),
                                        ("насос ТРК №{n}", "насос гудит, отпуск медленный", "замена фильтра"),
                                        ("уровнемер резервуара №{n}", "уровнемер показывает 0",
                                         "калибровка уровнемера")]),
    "power_outage": (3, (1, 8), [("внешняя сеть", "пропал свет, генератор запустился через 5 мин",
                                  "после восстановления проверены счётчики ТРК")]),
    "fuel_quality": (2, (24, 120), [("резервуар №{n}", "жалоба клиента на качество аи-92, машина троит",
                                     "отбор проб, лабораторный анализ")]),
    "safety": (3, (0.5, 6), [("огнетушители", "просрочена перезарядка огнетушителей", "заменили огнетушители"),
                             ("вход в операторную", "клиент курил у колонки", "сделали замечание, охрана")]),
    "customer_injury": (1, (1, 48), [("вход в операторную", "клиент поскользнулся на льду у входа",
                                      "оказали первую помощь, посыпали реагентом")]),
}


def main() -> None:
    rng = random.Random(2026)
    rows = []
    start, span = datetime(2025, 6, 1), timedelta(days=540)
    cats = list(KINDS)
    weights = [KINDS[c][0] for c in cats]
    for i in range(400):
        cat = rng.choices(cats, weights)[0]
        _, (lo, hi), variants = KINDS[cat]
        equipment, description, actions = rng.choice(variants)
        n = rng.randint(1, 6)
        station = rng.choice(list(STATIONS))
        occurred = start + timedelta(seconds=rng.randrange(int(span.total_seconds())))
        resolved = None if rng.random() < 0.08 else occurred + timedelta(hours=rng.uniform(lo, hi))
        rows.append({"incident_id": f"DEMO-{i + 1:04d}", "station_id": station, "region": STATIONS[station],
                     "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M:%S"), "category": cat,
                     "equipment": equipment.format(n=n), "description": description.format(n=n),
                     "actions_taken": actions if resolved else "", "severity": rng.choice([1, 1, 2, 2, 3, 4]),
                     "resolved_at": resolved.strftime("%Y-%m-%dT%H:%M:%S") if resolved else ""})
    rows.sort(key=lambda r: r["occurred_at"])
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{OUT}: {len(rows)} incidents")


if __name__ == "__main__":
    main()
