"""Question-answering quality on an evaluation set (corpus/ + qa.jsonl + corpus/manifest.jsonl).

Ingests the corpus into a fresh data directory, asks every question, and prints Recall@1, Recall@5,
MRR@10, fact coverage of the answer text, abstention accuracy on unanswerable questions and answer
rate on the others, overall and per question type. Questions whose document still needs OCR are
reported apart (``pending_ocr``).

    python bench/eval_qa.py --set ../shared/eval [--json out.json] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("ё", "е").replace(",", "."))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", required=True, type=Path,
                    help="folder with qa.jsonl and corpus/ (or the documents and manifest.jsonl themselves)")
    ap.add_argument("--qa", type=Path, help="questions file (default: SET/qa.jsonl)")
    ap.add_argument("--data-dir", type=Path, help="reuse this data dir instead of a fresh one")
    ap.add_argument("--json", type=Path, help="write per-question results here")
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="azs-eval-"))
    os.environ["AZS_DATA_DIR"] = str(data_dir)
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings

    svc = Services(Settings())
    corpus = args.set / "corpus" if (args.set / "corpus").is_dir() else args.set
    manifest = {}
    for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            m = json.loads(line)
            manifest[m["doc_id"]] = m["file"]
    t0 = time.perf_counter()
    results = svc.ingest_paths([corpus / f for f in sorted(manifest.values())])
    print(f"ingested {sum(r.status in ('added', 'updated') for r in results)} documents "
          f"({sum(r.status == 'unchanged' for r in results)} unchanged, "
          f"{sum(r.status == 'needs_ocr' for r in results)} need OCR) in {time.perf_counter() - t0:.1f} s")
    pending = {d.source for d in svc.list_documents(limit=100000) if d.status == "needs_ocr"}

    rows = []
    latencies = []
    for line in (args.qa or args.set / "qa.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        t = time.perf_counter()
        ans = svc.assistant.ask(q["question"])
        latencies.append(time.perf_counter() - t)
        gold_ids = q["doc_id"] if isinstance(q["doc_id"], list) else ([q["doc_id"]] if q["doc_id"] else [])
        gold = {manifest.get(g, g) for g in gold_ids}
        ranked = [c.source for c in ans.retrieved]
        first = next((i for i, s in enumerate(ranked[:10]) if s in gold), None)
        text = norm(ans.answer)
        facts = q.get("answer_facts") or []
        found = [f for f in facts if norm(f) in text]
        group = "pending_ocr" if gold and gold <= pending else q["type"]
        rows.append({"id": q["id"], "type": q["type"], "group": group, "question": q["question"],
                     "abstained": ans.abstained, "r1": first == 0, "r5": first is not None and first < 5,
                     "rr": 1.0 / (first + 1) if first is not None else 0.0,
                     "facts": len(found) / len(facts) if facts else None,
                     "missing": [f for f in facts if f not in found],
                     "answer": ans.answer, "top": ranked[:3], "gold": sorted(gold)})

    def summary(items: list[dict]) -> dict[str, float | int]:
        answerable = [r for r in items if r["gold"]]
        unanswerable = [r for r in items if not r["gold"]]
        out: dict[str, float | int] = {"n": len(items)}
        if answerable:
            out |= {"recall@1": _mean(r["r1"] for r in answerable), "recall@5": _mean(r["r5"] for r in answerable),
                    "mrr@10": _mean(r["rr"] for r in answerable),
                    "fact_coverage": _mean(r["facts"] for r in answerable if r["facts"] is not None),
                    "answer_rate": _mean(not r["abstained"] for r in answerable)}
        if unanswerable:
            out["abstention_accuracy"] = _mean(r["abstained"] for r in unanswerable)
        return out

    scored = [r for r in rows if r["group"] != "pending_ocr"]
    by_type = defaultdict(list)
    for r in rows:
        by_type[r["group"]].append(r)
    report = {"overall": summary(scored), **{t: summary(v) for t, v in sorted(by_type.items())}}
    lat = sorted(latencies)

    def nearest_rank(p: float) -> float:
        return round(lat[max(0, math.ceil(p * len(lat)) - 1)] * 1000, 1)

    report["latency_ms"] = {"p50": nearest_rank(0.5), "p95": nearest_rank(0.95)}
    print(f"{'group':14} {'n':>3} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'facts':>6} {'answ':>6} {'abst':>6}")
    for name, s in report.items():
        if name == "latency_ms":
            continue
        print(f"{name:14} {s['n']:>3} " + " ".join(
            f"{s[k]:6.3f}" if k in s else "     -" for k in
            ("recall@1", "recall@5", "mrr@10", "fact_coverage", "answer_rate", "abstention_accuracy")))
    print(f"ask latency: p50 {report['latency_ms']['p50']} ms, p95 {report['latency_ms']['p95']} ms")
    if args.show_misses:
        for r in rows:
            missed = not r["r1"] or (r["facts"] or 0) < 1 or r["abstained"]
            bad = (r["gold"] and missed) or (not r["gold"] and not r["abstained"])
            if bad:
                print(f"\n--- {r['id']} [{r['type']}] {r['question']}\n gold={r['gold']} top={r['top']} "
                      f"abstained={r['abstained']} missing={r['missing']}\n {r['answer'][:500]}")
    if args.json:
        args.json.write_text(json.dumps({"report": report, "rows": rows}, ensure_ascii=False, indent=1))
    svc.close()
    return 0


def _mean(values) -> float:  # type: ignore[no-untyped-def]
    values = [float(v) for v in values]
    return round(sum(values) / len(values), 3) if values else 0.0


if __name__ == "__main__":
    sys.exit(main())
