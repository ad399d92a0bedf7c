"""Fit the passage re-ranker (src/azs_assistant/assistant/ranking.py) on the tuning part of a question set.

For every answerable question the assistant retrieves its first ``ranking.CANDIDATES`` passages in the
search's own order; each gets the ranker's features (computed by the product's code) and a label: 1 when
its document is one the question is about. A logistic regression is fitted on the tuning part only
(``--C`` chosen by 5-fold cross-validation over the tuning part's documents, so a document's questions
are never on both sides); the validation part is only scored. Printed: document Recall@1 / Recall@5 /
MRR@10 of the search's order and of the re-ranked order, per part and per question type.

    PYTHONPATH=src .venv/bin/python bench/train_ranker.py --set bench/data/qa_blind \\
        --data-dir /tmp/eqa/blind [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_qa import gold_of, in_split, ingest, manifest_paths, open_services, read_jsonl  # noqa: E402
from qa_figures import coverage, found_facts  # noqa: E402

TARGET = Path(__file__).resolve().parents[1] / "src/azs_assistant/assistant/data/ranker.json"


def collect(svc: Any, questions: list[dict[str, Any]], source_doc: dict[str, str]) -> list[dict[str, Any]]:
    from azs_assistant.assistant import ranking

    a = svc.assistant
    rows = []
    for q in questions:
        gold = gold_of(q)
        if not gold or q["type"].startswith("unanswerable"):
            continue
        query, evidence = a.retrieve(q["question"], rerank=False)
        vector = a.index.query_vector(query)
        values = ranking.features(query, evidence, a.index.idf, a.index.knows, a._lemma_of, a.index.document_lemmas,
                                  lambda ids, v=vector: a.index.document_similarity(ids, v))
        docs = [source_doc.get(e.document.source, e.document.source) for e in evidence]
        facts = q.get("answer_facts") or []
        texts = [f"{e.chunk.section}\n{e.chunk.text}" for e in evidence]
        # a passage of the right document that holds one of the expected facts; where no candidate holds
        # one (a fact spread over the document's opening), any passage of the right document
        holds = [int(d in gold and bool(facts) and bool(found_facts(facts, t)))
                 for d, t in zip(docs, texts, strict=True)]
        labels = holds if any(holds) else [int(d in gold) for d in docs]
        rows.append({"id": q["id"], "type": q["type"], "split": q["split"], "gold": sorted(gold), "docs": docs,
                     "features": values, "labels": labels, "texts": texts, "facts": facts,
                     "first_doc": sorted(gold)[0]})
    return rows


def figures(rows: list[dict[str, Any]], order_of: Any) -> dict[str, float]:
    r1 = r5 = rr = 0.0
    for r in rows:
        docs = [r["docs"][i] for i in order_of(r)]
        first = next((i for i, d in enumerate(docs[:10]) if d in r["gold"]), None)
        r1 += first == 0
        r5 += first is not None and first < 5
        rr += 1.0 / (first + 1) if first is not None else 0.0
    n = max(len(rows), 1)
    top1 = sum(coverage(r["facts"], r["texts"][order_of(r)[0]]) if r["texts"] and r["facts"] else 0.0
               for r in rows) / n
    top3 = sum(coverage(r["facts"], "\n".join(r["texts"][i] for i in order_of(r)[:3])) if r["texts"] and r["facts"]
               else 0.0 for r in rows) / n
    return {"n": len(rows), "r1": r1 / n, "r5": r5 / n, "mrr": rr / n, "top1": top1, "top3": top3}


def fit(rows: list[dict[str, Any]], c: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    x = np.array([f for r in rows for f in r["features"]])
    y = np.array([lab for r in rows for lab in r["labels"]])
    means, scales = x.mean(axis=0), x.std(axis=0)
    scales[scales == 0] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit((x - means) / scales, y)
    return model.coef_[0], means, scales, float(model.intercept_[0])


def scorer(weights: np.ndarray, means: np.ndarray, scales: np.ndarray, bias: float = 0.0) -> Any:
    def order_of(r: dict[str, Any]) -> list[int]:
        if not r["features"]:
            return []
        s = ((np.array(r["features"]) - means) / scales) @ weights
        return sorted(range(len(s)), key=lambda i: (-s[i], i))
    return order_of


def search_order(r: dict[str, Any]) -> list[int]:
    return list(range(len(r["docs"])))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, required=True)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--qa", type=Path, action="append",
                    help="questions file over the set's documents (repeatable; default: SET/qa.jsonl): each file's "
                         "tuning part is fitted on, each validation part only scored")
    ap.add_argument("--write", action="store_true", help=f"store the ranker in {TARGET.relative_to(TARGET.parents[3])}")
    args = ap.parse_args()

    from azs_assistant.assistant.ranking import FEATURES

    files = args.qa or [args.set / "qa.jsonl"]
    questions = [q for f in files for q in read_jsonl(f)]
    args.data_dir.mkdir(parents=True, exist_ok=True)
    svc = open_services(args.data_dir, answer_cache=False)
    source_doc, _ = ingest(svc, manifest_paths(args.set))
    t = time.perf_counter()
    rows = collect(svc, questions, source_doc)
    print(f"features for {len(rows)} answerable questions in {time.perf_counter() - t:.1f} s")
    svc.close()
    tune = [r for r in rows if in_split(r, "tune")]
    valid = [r for r in rows if in_split(r, "valid")]

    # C by 5-fold cross-validation over the tuning part's documents (MRR of the held-out fold)
    docs = sorted({r["first_doc"] for r in tune})
    folds = [set(docs[i::5]) for i in range(5)]
    best_c, best_mrr = 1.0, -1.0
    for c in (0.01, 0.03, 0.1, 0.3, 1.0, 3.0):
        mrr = []
        for fold in folds:
            train = [r for r in tune if r["first_doc"] not in fold]
            held = [r for r in tune if r["first_doc"] in fold]
            mrr.append(figures(held, scorer(*fit(train, c)))["mrr"] * len(held))
        score = sum(mrr) / len(tune)
        print(f"C={c:<5} cross-validated MRR on tune {score:.3f}")
        if score > best_mrr:
            best_c, best_mrr = c, score
    weights, means, scales, bias = fit(tune, best_c)
    ranked = scorer(weights, means, scales)
    print(f"\nC={best_c}; weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, weights, strict=True)))
    print(f"\n{'part':<22} {'n':>4} | {'search R@1':>10} {'R@5':>5} {'MRR':>5} {'f@1':>5} {'f@3':>5} | "
          f"{'ranked R@1':>10} {'R@5':>5} {'MRR':>5} {'f@1':>5} {'f@3':>5}")
    for name, part in (("tune", tune), ("valid", valid)):
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in part:
            groups[r["type"]].append(r)
        for label, g in [(name, part)] + [(f"  {k}", v) for k, v in sorted(groups.items())]:
            a, b = figures(g, search_order), figures(g, ranked)
            cells = [f"{x['r1']:10.3f} {x['r5']:5.3f} {x['mrr']:5.3f} {x['top1']:5.3f} {x['top3']:5.3f}"
                     for x in (a, b)]
            print(f"{label:<22} {a['n']:>4} | {cells[0]} | {cells[1]}")
    if args.write:
        TARGET.write_text(json.dumps({
            "features": list(FEATURES), "weights": [round(float(w), 6) for w in weights], "bias": round(bias, 6),
            "means": [round(float(m), 6) for m in means], "scales": [round(float(s), 6) for s in scales],
            "fitted": {"on": f"{', '.join(f.name for f in files)} tuning parts, {len(tune)} answerable questions",
                       "date": date.today().isoformat(), "C": best_c,
                       "command": f"bench/train_ranker.py --set {args.set} "
                                  + "".join(f"--qa {f} " for f in args.qa or []) + "--data-dir DIR --write"},
        }, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
