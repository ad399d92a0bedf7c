"""Manager questions over an incident log, answered through ``azs report ask --json`` and compared
with exact answers.

The benchmark does what a company would: the CSV becomes a table in a separate SQLite database (the
"company database", with its own column names and a change column), that database is configured as
an external source, ``azs incidents sync`` copies it, and every question goes through the CLI.

    python bench/eval_reports.py --set ../shared/eval [--today 2026-11-23] [--show]

``--set`` is a directory with ``incidents.csv`` and ``reports.jsonl`` ({"id", "question", "answer"},
optionally "kind" and "split"). The informal set (chat-typed questions, ``bench/informal_questions.py``)
is scored per split: ``tuning`` and ``validation``. Every answer is one of three: right, a different
figure given without a word (silent wrong), or refused or answered with «не понял: …» naming what it
left out (not understood).

    python bench/eval_reports.py --set bench/data/reports_informal --today 2026-11-23
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

COMPANY_COLUMNS = {"incident_id": "INC_ID", "station_id": "AZS_CODE", "region": "REGION_NAME",
                   "occurred_at": "OCCURRED", "category": "INC_TYPE", "equipment": "EQUIPMENT",
                   "description": "DESCR", "actions_taken": "ACTIONS", "resolved_at": "RESOLVED",
                   "severity": "SEVERITY"}


def build_company_db(csv_path: Path, db_path: Path) -> int:
    """The incident log as a company table: its own column names, text timestamps, a change column."""
    import sqlite3

    rows = list(csv.DictReader(csv_path.open(encoding="utf-8-sig")))
    con = sqlite3.connect(db_path)
    cols = ", ".join(f"{c} TEXT" for c in COMPANY_COLUMNS.values())
    con.execute(f"CREATE TABLE INCIDENTS ({cols}, UPDATED_AT TEXT)")
    placeholders = ", ".join("?" for _ in range(len(COMPANY_COLUMNS) + 1))
    con.executemany(f"INSERT INTO INCIDENTS VALUES ({placeholders})",
                    [[r.get(f) or None for f in COMPANY_COLUMNS] + [r.get("resolved_at") or r["occurred_at"]]
                     for r in rows])
    con.commit()
    con.close()
    return len(rows)


def same(got: Any, want: Any) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        try:
            return abs(float(got) - float(want)) < 1e-9
        except (TypeError, ValueError):
            return False
    if isinstance(want, dict) and isinstance(got, dict):
        return set(want) == set(got) and all(same(got[k], want[k]) for k in want)
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(same(g, w) for g, w in zip(got, want, strict=True))
    return bool(got == want)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, required=True)
    ap.add_argument("--today", default=None, help="date the questions were asked on (YYYY-MM-DD)")
    ap.add_argument("--show", action="store_true", help="print every question and answer")
    args = ap.parse_args()

    import typer.main
    import typer.testing
    from typer.testing import CliRunner

    from azs_assistant.cli import State, app

    # One `azs` process builds its command tree once; typer's test runner rebuilds it on every invoke, which
    # costs more than a question does (about 25 ms with today's 50 commands) and grows with every command
    # added. Built once here, the per-question time is the question's.
    tree = typer.main.get_command(app)
    typer.testing._get_command = lambda given: tree if given is app else typer.main.get_command(given)  # type: ignore[attr-defined]

    lines = (args.set / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(x) for x in lines if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, company = Path(tmp) / "data", Path(tmp) / "company.db"
        data_dir.mkdir()
        n = build_company_db(args.set / "incidents.csv", company)
        columns = "\n".join(f"      {k}: {v}" for k, v in COMPANY_COLUMNS.items())
        (data_dir / "incident_sources.yaml").write_text(
            f"sources:\n  - name: company\n    url: sqlite:///{company}\n    table: INCIDENTS\n"
            f"    watermark: UPDATED_AT\n    columns:\n{columns}\n", encoding="utf-8")
        runner = CliRunner()
        state = State(data_dir)  # services stay warm across the invocations, as in one long process
        base = ["--data-dir", str(data_dir)]
        t = time.perf_counter()
        out = runner.invoke(app, base + ["incidents", "sync", "--json"], obj=state)
        if out.exit_code != 0:
            print(out.output, file=sys.stderr)
            return 1
        synced = json.loads(out.output.strip().splitlines()[-1])
        print(f"sync: {synced['read']} of {n} rows read, {synced['inserted']} stored, "
              f"{len(synced['bad_rows'])} bad, {time.perf_counter() - t:.1f} s")
        by_kind: dict[str, list[bool]] = defaultdict(list)
        by_split: dict[str, Counter[str]] = defaultdict(Counter)
        latencies = []
        for q in questions:
            cmd = base + ["report", "ask", q["question"], "--json"] + (["--today", args.today] if args.today else [])
            t = time.perf_counter()
            out = runner.invoke(app, cmd, obj=state)
            latencies.append(time.perf_counter() - t)
            try:
                got = json.loads(out.output.strip().splitlines()[-1])
            except (ValueError, IndexError):
                got = {"answer": None, "text": out.output}
            ok = same(got.get("answer"), q["answer"])
            by_kind[q.get("kind", "all")].append(ok)
            outcome = "right" if ok else ("refused" if out.exit_code != 0 or got.get("answer") is None or
                                          "не понял:" in str(got.get("text", "")) else "silent")
            by_split[q.get("split", "all")][outcome] += 1
            if args.show or not ok:
                print(f"{'OK ' if ok else 'BAD'} {q['id']}: {q['question']}"
                      f"\n    got  {json.dumps(got.get('answer'), ensure_ascii=False)}"
                      f"\n    want {json.dumps(q['answer'], ensure_ascii=False)}\n    {got.get('text', '')[:200]}")
        state.close()
    total = [ok for oks in by_kind.values() for ok in oks]
    print(f"\n{'kind':36} exact")
    for kind, oks in sorted(by_kind.items()):
        print(f"{kind:36} {sum(oks)}/{len(oks)}")
    print(f"{'all':36} {sum(total)}/{len(total)} = {sum(total) / max(len(total), 1):.3f}")
    if len(by_split) > 1 or "all" not in by_split:
        print(f"\n{'split':12} {'right':>6} {'silent wrong':>13} {'not understood':>15}")
        for split, c in sorted(by_split.items()):
            n = sum(c.values())
            print(f"{split:12} {c['right']:>3}/{n:<3} {c['silent']:>13} {c['refused']:>15}")
    latencies.sort()
    print(f"per question (CLI in-process): median {latencies[len(latencies) // 2] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
