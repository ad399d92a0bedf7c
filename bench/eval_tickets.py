"""Customer complaints classified through ``azs tickets classify --batch --json`` and compared with
their labels: per-label precision/recall, macro-F1 for category, accuracy for urgency and routing,
recall of ``critical``, a confusion matrix, and the time per ticket.

    python bench/eval_tickets.py --set ../shared/eval [--rules routing.yaml] [--show]

``--set`` is a directory with ``tickets.jsonl`` ({"id", "text", "category", "urgency", "route_to"}).
No language model is used. The classifier never sees these files: it learns from the examples
shipped in the package (and a company's own, if ``--examples`` is given).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def prf(gold: list[str], pred: list[str]) -> dict[str, tuple[float, float, float, int]]:
    out = {}
    for label in sorted(set(gold) | set(pred)):
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label and g != label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = (precision, recall, f1, tp + fn)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, required=True)
    ap.add_argument("--rules", type=Path, default=None, help="the company's routing file")
    ap.add_argument("--examples", type=Path, default=None, help="extra labelled examples (YAML)")
    ap.add_argument("--show", action="store_true", help="print every mistake")
    args = ap.parse_args()

    from typer.testing import CliRunner

    from azs_assistant.cli import State, app

    rows = [json.loads(x) for x in (args.set / "tickets.jsonl").read_text("utf-8").splitlines() if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        batch = Path(tmp) / "batch.jsonl"
        batch.write_text("".join(json.dumps({k: r[k] for k in ("id", "text", "channel", "station") if k in r},
                                            ensure_ascii=False) + "\n" for r in rows), "utf-8")
        env = {"AZS_EMBEDDINGS": "none"}
        if args.rules:
            env["AZS_TICKET_RULES"] = str(args.rules.resolve())
        if args.examples:
            env["AZS_TICKET_EXAMPLES"] = str(args.examples.resolve())
        runner = CliRunner()
        state = State(data_dir)  # services stay warm across the invocations, as in one long process
        base = ["--data-dir", str(data_dir)]
        t = time.perf_counter()
        warm = runner.invoke(app, base + ["tickets", "train", "--json"], env=env, obj=state)
        if warm.exit_code != 0:
            print(warm.output, file=sys.stderr)
            return 1
        print(f"trained: {json.loads(warm.output)['total']} examples in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        out = runner.invoke(app, base + ["tickets", "classify", "--batch", str(batch), "--json"], env=env, obj=state)
        elapsed = time.perf_counter() - t
        state.close()
        if out.exit_code != 0:
            print(out.output, file=sys.stderr)
            return 1
    got = {p["id"]: p for p in map(json.loads, out.output.strip().splitlines())}
    missing = [r["id"] for r in rows if r["id"] not in got or "error" in got[r["id"]]]
    if missing:
        print(f"no answer for {missing}", file=sys.stderr)
        return 1
    gold_c = [r["category"] for r in rows]
    pred_c = [got[r["id"]]["category"] for r in rows]
    gold_u = [r["urgency"] for r in rows]
    pred_u = [got[r["id"]]["urgency"] for r in rows]
    gold_r = [r["route_to"] for r in rows]
    pred_r = [got[r["id"]]["route_to"] for r in rows]

    table = prf(gold_c, pred_c)
    print(f"\n{'category':22} {'prec':>6} {'rec':>6} {'F1':>6} {'n':>4}")
    for label, (p, r, f, n) in table.items():
        print(f"{label:22} {p:6.3f} {r:6.3f} {f:6.3f} {n:4d}")
    macro = sum(v[2] for v in table.values()) / len(table)
    print(f"\n{'urgency':22} {'prec':>6} {'rec':>6} {'F1':>6} {'n':>4}")
    for label, (p, r, f, n) in prf(gold_u, pred_u).items():
        print(f"{label:22} {p:6.3f} {r:6.3f} {f:6.3f} {n:4d}")

    labels = sorted(set(gold_c) | set(pred_c))
    short = {lab: lab[:6] for lab in labels}
    pairs = Counter(zip(gold_c, pred_c, strict=True))
    print("\nconfusion (rows: label, columns: predicted)")
    print(" " * 22 + " ".join(f"{short[c]:>6}" for c in labels))
    for g in labels:
        print(f"{g:22}" + " ".join(f"{pairs[(g, p)] or '.':>6}" for p in labels))

    crit = [i for i, g in enumerate(gold_u) if g == "critical"]
    crit_recall = sum(pred_u[i] == "critical" for i in crit) / max(len(crit), 1)
    false_crit = sum(p == "critical" and g != "critical" for g, p in zip(gold_u, pred_u, strict=True))
    urgency_acc = sum(g == p for g, p in zip(gold_u, pred_u, strict=True)) / len(rows)
    routing_acc = sum(g == p for g, p in zip(gold_r, pred_r, strict=True)) / len(rows)
    triage = sum(bool(got[r["id"]].get("needs_triage")) for r in rows)
    print(f"\ncategory macro-F1   {macro:.3f}   (target ≥ 0.90)")
    print(f"urgency accuracy    {urgency_acc:.3f}   (target ≥ 0.85)")
    print(f"routing accuracy    {routing_acc:.3f}   (target ≥ 0.90)")
    print(f"critical recall     {crit_recall:.3f}   (target 1.0; {len(crit)} critical, {false_crit} false alarms)")
    print(f"sent to triage      {triage}/{len(rows)}")
    print(f"time per ticket     {elapsed / len(rows) * 1000:.1f} ms (batch through the CLI, in-process)")
    if args.show:
        for r in rows:
            p = got[r["id"]]
            if (p["category"], p["urgency"], p["route_to"]) != (r["category"], r["urgency"], r["route_to"]):
                print(f"  {r['id']}: want {r['category']}/{r['urgency']}/{r['route_to']} got "
                      f"{p['category']}/{p['urgency']}/{p['route_to']} ({p['confidence']}) {r['text'][:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
