"""A quality floor on complaints written for the project's own held-out set
(``bench/data/tickets_holdout.jsonl``, never used for training): the bar of the issue, so a change
to the examples or the features that makes the classifier worse fails here."""

from __future__ import annotations

import json
from pathlib import Path

HOLDOUT = Path(__file__).resolve().parents[2] / "bench" / "data" / "tickets_holdout.jsonl"


def test_holdout_meets_the_bar(sqlite_services) -> None:  # type: ignore[no-untyped-def]
    from sklearn.metrics import f1_score

    rows = [json.loads(line) for line in HOLDOUT.read_text("utf-8").splitlines() if line.strip()]
    results = [sqlite_services.tickets.classify(r["text"]) for r in rows]
    macro = f1_score([r["category"] for r in rows], [p.category for p in results], average="macro")
    urgency = sum(p.urgency == r["urgency"] for p, r in zip(results, rows, strict=True)) / len(rows)
    routing = sum(p.route_to == r["route_to"] for p, r in zip(results, rows, strict=True)) / len(rows)
    critical = [p.urgency for p, r in zip(results, rows, strict=True) if r["urgency"] == "critical"]
    assert macro >= 0.90 and urgency >= 0.85 and routing >= 0.90, (macro, urgency, routing)
    assert critical and all(u == "critical" for u in critical)
