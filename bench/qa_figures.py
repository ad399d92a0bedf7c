"""Scoring for bench/eval_qa.py: fact matching, per-question rows, and the summary figures.

Facts are matched after the normalisation the blind set's writer used to check them against the
documents (bench/data/qa_blind/README.md): lower case, ё→е, dashes and quotes unified, a comma read
as a decimal point, spaces collapsed and removed between digits. Markdown emphasis is dropped so a
bold lead-in still matches.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

_DASHES = re.compile(r"[‐‑‒–—―−]")
_QUOTES = re.compile(r"[«»„“”]")


def norm(text: str) -> str:
    """Text as facts are compared: see the module docstring."""
    text = text.lower().replace("ё", "е").replace("*", "").replace("`", "")
    text = _QUOTES.sub('"', _DASHES.sub("-", text)).replace(",", ".")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(?<=\d) (?=\d)", "", text)


def found_facts(facts: list[str], text: str) -> list[str]:
    """The facts present in the text (any order)."""
    haystack = norm(text)
    return [f for f in facts if norm(f) in haystack]


def in_order(facts: list[str], text: str) -> bool:
    """All facts present, each after the previous one (a sequential search)."""
    haystack, at = norm(text), 0
    for fact in facts:
        pos = haystack.find(norm(fact), at)
        if pos < 0:
            return False
        at = pos + len(norm(fact))
    return True


def coverage(facts: list[str], text: str) -> float | None:
    return len(found_facts(facts, text)) / len(facts) if facts else None


def is_unanswerable(row: dict[str, Any]) -> bool:
    return not row["gold"]


def question_row(q: dict[str, Any], gold: set[str], ranked: list[str], passages: list[str], answer: str,
                 abstained: bool, group: str) -> dict[str, Any]:
    """One scored question: ranks of the right documents, facts in the answer and in the passages."""
    facts = q.get("answer_facts") or []
    first = next((i for i, s in enumerate(ranked[:10]) if s in gold), None)
    doc_ranks = {g: next((i + 1 for i, s in enumerate(ranked[:10]) if s == g), None) for g in sorted(gold)}
    found = found_facts(facts, answer)
    row: dict[str, Any] = {
        "id": q["id"], "split": q.get("split"), "type": q["type"], "group": group, "question": q["question"],
        "gold": sorted(gold), "first_hit_rank": None if first is None else first + 1, "doc_ranks": doc_ranks,
        "r1": first == 0, "r5": first is not None and first < 5,
        "rr": 1.0 / (first + 1) if first is not None else 0.0,
        "all_docs_top5": bool(gold) and all(r is not None and r <= 5 for r in doc_ranks.values()),
        "abstained": abstained, "facts": len(found) / len(facts) if facts else None,
        "facts_found": found, "missing": [f for f in facts if f not in found], "answer": answer,
        "top": ranked[:5]}
    for k in (1, 3, 5):
        row[f"facts_top{k}"] = coverage(facts, "\n".join(passages[:k]))
    if q.get("ordered") or q["type"] == "procedure":
        row["ordered_ok"] = bool(facts) and in_order(facts, answer)
    return row


def mean(values: Iterable[Any]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return round(sum(vals) / len(vals), 3) if vals else None


def summary(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of a group of rows (answerable and unanswerable ones each where present)."""
    answerable = [r for r in items if not is_unanswerable(r)]
    unanswerable = [r for r in items if is_unanswerable(r)]
    out: dict[str, Any] = {"n": len(items)}
    if answerable:
        out |= {"recall@1": mean(r["r1"] for r in answerable), "recall@5": mean(r["r5"] for r in answerable),
                "mrr@10": mean(r["rr"] for r in answerable),
                "facts": mean(r["facts"] for r in answerable),
                "facts_top1": mean(r["facts_top1"] for r in answerable),
                "facts_top3": mean(r["facts_top3"] for r in answerable),
                "facts_top5": mean(r["facts_top5"] for r in answerable),
                "answered": mean(not r["abstained"] for r in answerable)}
        multi = [r for r in answerable if len(r["gold"]) > 1]
        if multi:
            out["all_docs@5"] = mean(r["all_docs_top5"] for r in multi)
        ordered = [r for r in answerable if "ordered_ok" in r]
        if ordered:
            out["ordered"] = mean(r["ordered_ok"] for r in ordered)
    if unanswerable:
        out["declined"] = mean(r["abstained"] for r in unanswerable)
    return out


def report(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Overall (without questions whose document awaits OCR), then one entry per question type."""
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_group[r["group"]].append(r)
    return {"overall": summary([r for r in rows if r["group"] != "pending_ocr"]),
            **{g: summary(v) for g, v in sorted(by_group.items())}}


COLUMNS = [("R@1", "recall@1"), ("R@5", "recall@5"), ("MRR", "mrr@10"), ("facts", "facts"),
           ("top1", "facts_top1"), ("top3", "facts_top3"), ("top5", "facts_top5"), ("answ", "answered"),
           ("decl", "declined"), ("order", "ordered"), ("all@5", "all_docs@5")]


def format_report(title: str, rep: dict[str, dict[str, Any]]) -> str:
    """A fixed-width table: one line per group, '-' where a figure does not apply."""
    head = f"{'group':24} {'n':>4} " + " ".join(f"{c:>6}" for c, _ in COLUMNS)
    lines = [f"== {title}", head]
    for name, s in rep.items():
        cells = " ".join(f"{s[k]:6.3f}" if s.get(k) is not None else "     -" for _, k in COLUMNS)
        lines.append(f"{name:24} {s['n']:>4} {cells}")
    return "\n".join(lines)


def percentile_ms(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of seconds, in milliseconds."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p * len(ordered)) - 1)] * 1000, 1)
