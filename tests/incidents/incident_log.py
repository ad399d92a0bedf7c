"""A small, deterministic incident log for tests, built here (not taken from the eval set)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

CATEGORIES = ["fuel_spill", "pos_failure", "theft_driveoff", "equipment_failure", "power_outage"]
STATIONS = {"АЗС-001": "Алматы", "АЗС-002": "Алматы", "АЗС-007": "Астана", "АЗС-012": "Шымкент"}


def make_log(n: int = 240, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    start = datetime(2025, 1, 1)
    for i in range(n):
        station = rng.choice(list(STATIONS))
        occurred = start + timedelta(minutes=rng.randrange(0, 700 * 24 * 60))
        open_ = rng.random() < 0.1
        resolved = None if open_ else occurred + timedelta(minutes=rng.randrange(10, 72 * 60))
        rows.append({"incident_id": f"T-{i:05d}", "station_id": station, "region": STATIONS[station],
                     "occurred_at": occurred, "category": rng.choice(CATEGORIES),
                     "equipment": f"ТРК №{rng.randint(1, 6)}", "description": "описание", "actions_taken": "меры",
                     "resolved_at": resolved, "severity": rng.randint(1, 4)})
    return rows


def stored_log(svc: Any, n: int = 240) -> list[dict[str, Any]]:
    """``make_log(n)`` stored in the services' incident table, all rows inserted; the rows, for expected answers."""
    from azs_assistant.incidents.records import store

    rows = make_log(n)
    with svc.db.session() as s:
        result = store(s, [(r["incident_id"], r) for r in rows], origin="test")
    assert result.inserted == n
    return rows
