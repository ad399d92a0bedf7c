"""Fit the answerability model (src/azs_assistant/assistant/answerable.py) on the tuning part of a question set.

For every question the assistant retrieves its passages as it does when answering; each of the first
five passages gets the model's features and a label: 1 when the question is answerable, the passage
comes from a gold document and holds one of the expected facts, else 0. The assistant's hard rules
(``answerable.RULES``: a typed thing of the question missing from the passage; and
``lacks_what_is_asked``) rule some passages out whatever the model says: a logistic
regression is fitted on the tuning part only; the operating point is the
probability threshold at which, on the tuning part, the most unanswerable questions are declined while at
least ``--answered`` of the answerable ones are answered (a question is answered when one of its first
three passages is not ruled out and reaches the threshold, as the assistant decides). The validation part
is then scored at that point and as a precision/recall curve; nothing is chosen on it. What the rules
alone do on each part is printed too, with every answerable question they rule out.

    PYTHONPATH=src .venv/bin/python bench/train_answerable.py --set bench/data/qa_blind \\
        --data-dir /tmp/eqa/blind [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_qa import gold_of, in_split, ingest, manifest_paths, open_services, read_jsonl  # noqa: E402
from qa_figures import found_facts  # noqa: E402

TARGET = Path(__file__).resolve().parents[1] / "src/azs_assistant/assistant/data/answerable.json"
FIRST = 3  # the assistant answers when one of its first three passages holds the answer


def collect(svc: Any, questions: list[dict[str, Any]], source_doc: dict[str, str]) -> list[dict[str, Any]]:
    """Retrieval for every question (the slow part, cached): the first five passages as the model
    reads them, and their labels."""
    from azs_assistant.assistant import answerable

    rows = []
    for q in questions:
        query, evidence = svc.assistant.retrieve(q["question"])
        answerable_q = not q["type"].startswith("unanswerable")
        passages = []
        for ev, p in zip(evidence, answerable.retrieved(evidence), strict=False):
            doc_id = source_doc.get(ev.document.source)
            facts = q.get("answer_facts") or []
            label = answerable_q and doc_id in gold_of(q) and (not facts or bool(found_facts(facts, p.text)))
            passages.append({"text": p.text, "lemmas": sorted(p.lemmas), "support": p.support, "dense": p.dense,
                             "score": p.score, "label": int(label)})
        rows.append({"id": q["id"], "question": q["question"], "type": q["type"], "split": q["split"],
                     "answerable": answerable_q, "passages": passages, "search_top": query.search_top})
    return rows


def featurize(svc: Any, rows: list[dict[str, Any]]) -> None:
    """The model's features of every cached passage, computed by the product's own code."""
    from azs_assistant.assistant import answerable
    from azs_assistant.assistant import entities as typed_entities

    assistant = svc.assistant
    for r in rows:
        query = assistant.queries.analyse(r["question"])
        query.search_top = tuple(r["search_top"]) if r.get("search_top") else None
        passages = [answerable.Retrieved(p["text"], frozenset(p["lemmas"]), p["support"], p["dense"], p["score"])
                    for p in r["passages"]]
        values = answerable.judge(query, passages, assistant.index.idf, assistant.index.knows, assistant._lemma_of)
        synonyms = cache(lambda word: assistant.queries.analyse(word).expansions)
        n = len(answerable.FEATURES)
        r["features"] = [v[:n] for v in values]
        # the product's hard rules: the model's probability does not matter where one rules a passage out
        r["ruled"] = [answerable.ruled_out(v) or answerable.lacks_what_is_asked(r["question"], p.text, synonyms)
                      for v, p in zip(values, passages, strict=True)]
        r["why"] = [", ".join(str(e) for e in typed_entities.missing(r["question"], p.text))
                    + (" kind of value asked" if lacks else "")
                    for p, lacks in zip(passages, (answerable.lacks_what_is_asked(r["question"], p.text, synonyms)
                                                   for p in passages), strict=True)]
        r["labels"] = [p["label"] for p in r["passages"]]
        r["support"] = [p["support"] for p in r["passages"]]
        r["dense"] = [p["dense"] for p in r["passages"]]


def decide(rows: list[dict[str, Any]], probs: list[list[float]], threshold: float) -> dict[str, float]:
    answered = [any(p >= threshold for p in ps[:FIRST]) for ps in probs]
    pos = [a for a, r in zip(answered, rows, strict=True) if r["answerable"]]
    neg = [a for a, r in zip(answered, rows, strict=True) if not r["answerable"]]
    said = sum(answered)
    right = sum(a and r["answerable"] for a, r in zip(answered, rows, strict=True))
    return {"answered": sum(pos) / max(len(pos), 1), "declined": 1 - sum(neg) / max(len(neg), 1),
            "precision": right / max(said, 1), "n_pos": len(pos), "n_neg": len(neg)}


def rules_report(name: str, part: list[dict[str, Any]]) -> None:
    """What the hard rules alone do: answerable questions whose every passage that holds the answer (among
    the first three) they rule out (declined wrongly, whatever the model says), and unanswerable ones whose
    first three passages they all rule out (declined, whatever the model says)."""
    pos = [r for r in part if r["answerable"] and any(r["labels"][:FIRST])]
    neg = [r for r in part if not r["answerable"]]
    near = [r for r in neg if r["type"] == "unanswerable_near_miss"]
    wrong = [r for r in pos if all(ruled for ruled, lab in zip(r["ruled"][:FIRST], r["labels"][:FIRST], strict=True)
                                   if lab)]
    caught = [r for r in neg if r["ruled"][:FIRST] and all(r["ruled"][:FIRST])]
    print(f"hard rules on {name}: answerable with the answer in the first {FIRST} ruled out {len(wrong)}/{len(pos)}, "
          f"unanswerable ruled out {len(caught)}/{len(neg)} (near misses "
          f"{sum(r['type'] == 'unanswerable_near_miss' for r in caught)}/{len(near)})")
    for r in wrong:
        why = next(w for w, lab in zip(r["why"], r["labels"], strict=False) if lab)
        print(f"  ruled out wrongly: {r['id']} {r['question']!r}: {why}")


def old_rule(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The hand-set thresholds this model replaces (support ≥ 0.5, or ≥ 0.3 with dense ≥ 0.865)."""
    probs = [[1.0 if s >= 0.5 or (s >= 0.3 and d >= 0.865) else 0.0 for s, d in zip(r["support"], r["dense"],
                                                                                       strict=True)] for r in rows]
    return decide(rows, probs, 0.5)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, required=True)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--qa", type=Path, action="append",
                    help="questions file over the set's documents (repeatable; default: SET/qa.jsonl): each file's "
                         "tuning part is fitted on, each validation part only scored")
    ap.add_argument("--answered", type=float, default=0.95, help="answerable questions answered at the operating point")
    ap.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--cache", type=Path, help="retrieval results to reuse (written when missing): features are "
                    "recomputed from them on every run, so a change to the features needs no new retrieval")
    ap.add_argument("--write", action="store_true", help=f"store the model in {TARGET.relative_to(TARGET.parents[3])}")
    args = ap.parse_args()

    from sklearn.linear_model import LogisticRegression

    from azs_assistant.assistant.answerable import FEATURES

    questions = [q for f in (args.qa or [args.set / "qa.jsonl"]) for q in read_jsonl(f)]
    args.data_dir.mkdir(parents=True, exist_ok=True)
    svc = open_services(args.data_dir, answer_cache=False)
    cached = json.loads(args.cache.read_text(encoding="utf-8")) if args.cache and args.cache.exists() else None
    if cached is not None and [r["id"] for r in cached] == [q["id"] for q in questions]:
        rows = cached
    else:  # no cache, or one of other questions (another --qa): retrieval again
        source_doc, _ = ingest(svc, manifest_paths(args.set))
        t = time.perf_counter()
        rows = collect(svc, questions, source_doc)
        print(f"retrieval for {len(rows)} questions in {time.perf_counter() - t:.1f} s")
        if args.cache:
            args.cache.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    featurize(svc, rows)
    svc.close()

    tune = [r for r in rows if in_split(r, "tune")]
    valid = [r for r in rows if in_split(r, "valid")]
    # fitted on every passage (fitting on those the hard rules leave chose a lower operating point that
    # answered an off-topic question of the demo base, «пароль от Wi-Fi», and validated no better)
    x = np.array([f for r in tune for f in r["features"]])
    y = np.array([lab for r in tune for lab in r["labels"]])
    means, scales = x.mean(axis=0), x.std(axis=0)
    scales[scales == 0] = 1.0
    fit = LogisticRegression(C=args.C, class_weight="balanced", max_iter=2000).fit((x - means) / scales, y)
    weights, bias = fit.coef_[0], float(fit.intercept_[0])

    def probs_of(part: list[dict[str, Any]]) -> list[list[float]]:
        out = []
        for r in part:
            f = np.array(r["features"]) if r["features"] else np.zeros((0, len(FEATURES)))
            z = bias + ((f - means) / scales) @ weights if len(f) else np.array([])
            out.append([0.0 if ruled else float(p) for p, ruled in zip(1 / (1 + np.exp(-z)), r["ruled"], strict=True)])
        return out

    p_tune, p_valid = probs_of(tune), probs_of(valid)
    grid = [round(t, 3) for t in np.arange(0.05, 0.951, 0.025)]
    ok = [(t, decide(tune, p_tune, t)) for t in grid]
    meeting = [(t, d) for t, d in ok if d["answered"] >= args.answered]
    threshold = max(meeting, key=lambda p: (p[1]["declined"], p[0]))[0] if meeting else grid[0]

    print(f"\n{len(tune)} tuning questions ({sum(len(r['labels']) for r in tune)} passages), "
          f"{len(valid)} validation questions")
    named = ", ".join(f"{n} {w:+.2f}" for n, w in zip(FEATURES, weights, strict=True))
    print(f"weights: {named}, bias {bias:+.2f}")
    print(f"\n{'threshold':>9} | {'tune answered':>13} {'declined':>8} {'precision':>9} | "
          f"{'valid answered':>14} {'declined':>8} {'precision':>9}")
    for t in grid:
        a, b = decide(tune, p_tune, t), decide(valid, p_valid, t)
        mark = " <- operating point" if t == threshold else ""
        print(f"{t:9.3f} | {a['answered']:13.3f} {a['declined']:8.3f} {a['precision']:9.3f} | "
              f"{b['answered']:14.3f} {b['declined']:8.3f} {b['precision']:9.3f}{mark}")
    for name, part in (("tune", tune), ("valid", valid)):
        rules_report(name, part)
    for name, part in (("tune", tune), ("valid", valid)):
        o = old_rule(part)
        print(f"hand-set thresholds on {name}: answered {o['answered']:.3f}, declined {o['declined']:.3f}")
    if args.write:
        files = ", ".join(f.name for f in args.qa or [args.set / "qa.jsonl"])
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        TARGET.write_text(json.dumps({
            "features": list(FEATURES), "weights": [round(float(w), 6) for w in weights], "bias": round(bias, 6),
            "means": [round(float(m), 6) for m in means], "scales": [round(float(s), 6) for s in scales],
            "threshold": threshold,
            "fitted": {"on": f"{files} tuning parts, {len(tune)} questions", "date": date.today().isoformat(),
                       "C": args.C, "answered_target": args.answered,
                       "command": f"bench/train_answerable.py --set {args.set} "
                                  + "".join(f"--qa {f} " for f in args.qa or [])
                                  + "--data-dir DIR --cache FILE "
                                  f"--answered {args.answered} --C {args.C} --write"},
        }, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
