"""Question-answering quality on an evaluation set (corpus/ + qa.jsonl + corpus/manifest.jsonl).

Ingests the corpus into a data directory (fresh, or ``--data-dir`` to reuse one), asks every question
with the answer cache off, and prints per split (tuning and validation where the set has them) and per
question type: Recall@1, Recall@5, MRR@10, fact coverage of the answer and of the whole text of the
top-1/3/5 retrieved passages, the rate of answerable questions answered and of unanswerable ones
declined, the ordered-steps rate of procedures and, for multi-document questions, all documents in the
top 5. Then ask latency without and with the answer cache. ``--baseline`` scores a plain hybrid
(bench/qa_baseline.py) on the same questions; ``--dialogues`` and ``--meaning`` run the set's
conversations and meaning checks. Questions whose document still needs OCR are reported apart.

    python bench/eval_qa.py --set ../shared/eval [--json out.json] [--show-misses]
    python bench/eval_qa.py --set bench/data/qa_blind --split all --baseline --dialogues --meaning \
        --data-dir /tmp/azs-blind [--json out.json]

Manifest paths are resolved against corpus/, the set folder, then the repository root (the blind set
lists the demo documents as demo/knowledge_base/...).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from qa_figures import coverage, format_report, in_order, percentile_ms, question_row, report

ROOT = Path(__file__).resolve().parent.parent
SPLITS = ("tune", "valid")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def manifest_paths(set_dir: Path) -> dict[str, Path]:
    """doc_id → the file, from corpus/manifest.jsonl."""
    corpus = set_dir / "corpus" if (set_dir / "corpus").is_dir() else set_dir
    out = {}
    for m in read_jsonl(corpus / "manifest.jsonl"):
        path = next((b / m["file"] for b in (corpus, set_dir, ROOT) if (b / m["file"]).is_file()), None)
        if path is None:
            raise SystemExit(f"manifest file not found: {m['file']}")
        out[m["doc_id"]] = path
    return out


def open_services(data_dir: Path, answer_cache: bool) -> Any:
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings

    return Services(Settings(data_dir=data_dir, answer_cache=answer_cache))


def ingest(svc: Any, paths: dict[str, Path]) -> tuple[dict[str, str], set[str]]:
    """Ingest (unchanged files are skipped); returns stored source → doc_id and the doc_ids awaiting OCR."""
    from azs_assistant.auth.principal import SYSTEM

    t0 = time.perf_counter()
    results = svc.ingestor.ingest_paths(sorted(paths.values()))
    print(f"ingested {sum(r.status in ('added', 'updated') for r in results)} documents "
          f"({sum(r.status == 'unchanged' for r in results)} unchanged, "
          f"{sum(r.status == 'needs_ocr' for r in results)} need OCR) in {time.perf_counter() - t0:.1f} s")
    by_name = {p.name: d for d, p in paths.items()}
    source_doc, pending = {}, set()
    for doc in svc.documents.visible_to(SYSTEM, 0, 100_000).items:
        doc_id = by_name.get(Path(doc.source).name)
        if doc_id is not None:
            source_doc[doc.source] = doc_id
            if doc.status == "needs_ocr":
                pending.add(doc_id)
    return source_doc, pending


def chunk_texts(svc: Any) -> dict[int, str]:
    """Every stored passage's whole text, with its heading path (read only)."""
    from sqlalchemy import select

    from azs_assistant.storage.models import Chunk

    with svc.db.session() as s:
        return {r.id: f"{r.section or ''}\n{r.text}" for r in s.execute(select(Chunk.id, Chunk.section, Chunk.text))}


def gold_of(q: dict[str, Any]) -> set[str]:
    d = q.get("doc_id")
    return set(d) if isinstance(d, list) else ({d} if d else set())


def group_of(q: dict[str, Any], pending: set[str]) -> str:
    gold = gold_of(q)
    return "pending_ocr" if gold and gold <= pending else q["type"]


def run_project(svc: Any, questions: list[dict[str, Any]], source_doc: dict[str, str], pending: set[str],
                texts: dict[int, str]) -> tuple[list[dict[str, Any]], list[float]]:
    """Ask every question through the assistant (cache off); rows and latencies in seconds."""
    rows, latencies = [], []
    if questions:
        svc.assistant.ask(questions[0]["question"])  # warm-up, untimed: loads the embedding model
    for q in questions:
        t = time.perf_counter()
        ans = svc.assistant.ask(q["question"])
        latencies.append(time.perf_counter() - t)
        ranked = [source_doc.get(c.source, c.source) for c in ans.retrieved]
        passages = [texts.get(c.chunk_id, c.quote) for c in ans.retrieved[:5]]
        row = question_row(q, gold_of(q), ranked, passages, ans.answer, ans.abstained, group_of(q, pending))
        row["latency_ms"] = round(latencies[-1] * 1000, 1)
        row["notice"] = ans.notice  # the documents disagree on the figure asked
        rows.append(row)
    return rows, latencies


def run_baseline(svc: Any, questions: list[dict[str, Any]], source_doc: dict[str, str],
                 pending: set[str]) -> list[dict[str, Any]]:
    """The same questions through the plain hybrid: answer = first passage, never abstains."""
    from qa_baseline import PlainHybrid

    hybrid = PlainHybrid(svc)
    rows = []
    for q in questions:
        top = hybrid.search(q["question"], k=10)
        ranked = [source_doc.get(p.source, p.source) for p in top]
        passages = [f"{p.section}\n{p.text}" for p in top[:5]]
        answer = top[0].text if top else ""
        rows.append(question_row(q, gold_of(q), ranked, passages, answer, False, group_of(q, pending)))
    return rows


def cached_latency(data_dir: Path, questions: list[dict[str, Any]], sample: int) -> list[float]:
    """Seconds per repeated question with the answer cache on (each asked once before, untimed)."""
    svc = open_services(data_dir, answer_cache=True)
    picked = random.Random(21).sample(questions, min(sample, len(questions)))
    for q in picked:
        svc.assistant.ask(q["question"])
    out = []
    for q in picked:
        t = time.perf_counter()
        svc.assistant.ask(q["question"])
        out.append(time.perf_counter() - t)
    svc.close()
    return out


def print_reports(title: str, rows: list[dict[str, Any]], has_splits: bool) -> dict[str, Any]:
    reports: dict[str, Any] = {}
    parts = [(s, [r for r in rows if r["split"] == s]) for s in SPLITS] if has_splits else []
    parts.append(("all", rows))
    for name, part in parts:
        if part:
            reports[name] = report(part)
            print(format_report(f"{title} — {name} ({len(part)} questions)", reports[name]) + "\n")
    return reports


def show_misses(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        missed = not r["r1"] or (r["facts"] or 0) < 1 or r["abstained"]
        if (r["gold"] and missed) or (not r["gold"] and not r["abstained"]):
            print(f"--- {r['id']} [{r['type']}/{r['split']}] {r['question']}\n gold={r['gold']} top={r['top']} "
                  f"abstained={r['abstained']} missing={r['missing']}\n {r['answer'][:500]}\n")


def run_dialogues(svc: Any, dialogues: list[dict[str, Any]], source_doc: dict[str, str],
                  show: bool) -> dict[str, Any]:
    """Each dialogue through the conversation path; per-turn facts/answered, own-subject leaks."""
    rows = []
    for d in dialogues:
        conversation = None
        for i, turn in enumerate(d["turns"], start=1):
            ans = svc.assistant.ask(turn["question"], None, conversation, remember=True)
            conversation = ans.conversation_id
            facts = turn.get("answer_facts") or []
            rows.append({"dialogue": d["id"], "split": d.get("split"), "turn": i, "question": turn["question"],
                         "resolved": ans.resolved_question, "own_subject": bool(turn.get("own_subject")),
                         "unanswerable": not turn.get("doc_id"), "abstained": ans.abstained,
                         "facts": coverage(facts, ans.answer), "answer": ans.answer,
                         "top_doc": source_doc.get(ans.retrieved[0].source) if ans.retrieved else None,
                         "gold": turn.get("doc_id")})
    out: dict[str, Any] = {}
    from qa_figures import mean

    for label, pick in [("turn 1", lambda r: r["turn"] == 1), ("turn 2", lambda r: r["turn"] == 2),
                        ("turn 3", lambda r: r["turn"] == 3), ("follow-ups", lambda r: r["turn"] > 1),
                        ("own subject", lambda r: r["own_subject"]), ("all", lambda r: True)]:
        part = [r for r in rows if pick(r)]
        ans_part = [r for r in part if not r["unanswerable"]]
        out[label] = {"n": len(part), "facts": mean(r["facts"] for r in ans_part),
                      "answered": mean(not r["abstained"] for r in ans_part),
                      "r1_doc": mean(r["top_doc"] == r["gold"] for r in ans_part),
                      "declined": mean(r["abstained"] for r in part if r["unanswerable"]),
                      "rewritten": mean(r["resolved"] is not None for r in part)}
    own = [r for r in rows if r["own_subject"]]
    out["own subject"]["leaked"] = mean(r["resolved"] is not None for r in own)
    print("== dialogues (conversation path; rewritten = the question was searched with carried-over words; "
          "leaked = an own-subject turn got the previous topic)")
    print(f"{'turns':14} {'n':>4} {'facts':>6} {'answ':>6} {'R@1doc':>6} {'decl':>6} {'rewr':>6} {'leaked':>6}")
    for label, s in out.items():
        print(f"{label:14} {s['n']:>4} " + " ".join(
            f"{s[k]:6.3f}" if s.get(k) is not None else "     -"
            for k in ("facts", "answered", "r1_doc", "declined", "rewritten", "leaked")))
    if show:
        for r in rows:
            bad = (r["unanswerable"] != r["abstained"]) or (r["facts"] is not None and r["facts"] < 1) or \
                  (r["own_subject"] and r["resolved"] is not None)
            if bad:
                print(f"--- {r['dialogue']} turn {r['turn']}: {r['question']}\n resolved={r['resolved']!r} "
                      f"abstained={r['abstained']} facts={r['facts']}\n {r['answer'][:300]}\n")
    print()
    return {"summary": out, "rows": rows}


def run_meaning(svc: Any, items: list[dict[str, Any]], show: bool) -> dict[str, Any]:
    """Meaning checks: all must_contain present; for procedures all steps present and in order."""
    from qa_figures import found_facts, mean

    rows = []
    for m in items:
        ans = svc.assistant.ask(m["question"])
        need = m.get("must_contain_in_order") or m.get("must_contain") or []
        found = found_facts(need, ans.answer)
        ordered = in_order(need, ans.answer) if "must_contain_in_order" in m else None
        ok = len(found) == len(need) and ordered is not False
        rows.append({"id": m["id"], "split": m.get("split"), "kind": m["kind"], "question": m["question"],
                     "abstained": ans.abstained, "all_present": len(found) == len(need), "in_order": ordered,
                     "ok": ok, "missing": [x for x in need if x not in found], "answer": ans.answer})
    out: dict[str, Any] = {}
    kinds = sorted({r["kind"] for r in rows})
    for label in [*kinds, "all"]:
        part = [r for r in rows if label in ("all", r["kind"])]
        out[label] = {"n": len(part), "ok": mean(r["ok"] for r in part),
                      "all_present": mean(r["all_present"] for r in part),
                      "reordered": mean(r["all_present"] and r["in_order"] is False for r in part),
                      "answered": mean(not r["abstained"] for r in part)}
    print("== meaning (ok = every must_contain item present, procedures also in order)")
    print(f"{'kind':14} {'n':>4} {'ok':>6} {'present':>7} {'reord':>6} {'answ':>6}")
    for label, s in out.items():
        print(f"{label:14} {s['n']:>4} {s['ok']:6.3f} {s['all_present']:7.3f} {s['reordered']:6.3f} "
              f"{s['answered']:6.3f}")
    if show:
        for r in rows:
            if not r["ok"]:
                print(f"--- {r['id']} [{r['kind']}] {r['question']}\n missing={r['missing']} "
                      f"in_order={r['in_order']} abstained={r['abstained']}\n {r['answer'][:400]}\n")
    print()
    return {"summary": out, "rows": rows}


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", required=True, type=Path,
                    help="folder with qa.jsonl and corpus/ (or the documents and manifest.jsonl themselves)")
    ap.add_argument("--qa", type=Path, help="questions file (default: SET/qa.jsonl)")
    ap.add_argument("--split", choices=("tune", "valid", "all"), default="all")
    ap.add_argument("--data-dir", type=Path, help="reuse this data dir instead of a fresh one")
    ap.add_argument("--baseline", action="store_true", help="also score the plain hybrid (bench/qa_baseline.py)")
    ap.add_argument("--dialogues", action="store_true", help="run SET/dialogues.jsonl through conversations")
    ap.add_argument("--meaning", action="store_true", help="run SET/meaning.jsonl")
    ap.add_argument("--skip-qa", action="store_true", help="only the dialogues and meaning checks")
    ap.add_argument("--cached-sample", type=int, default=40, help="questions timed again with the cache on")
    ap.add_argument("--json", type=Path, help="write per-question results here")
    ap.add_argument("--show-misses", action="store_true")
    return ap.parse_args()


def in_split(item: dict[str, Any], split: str) -> bool:
    return split == "all" or item.get("split") in (None, split)


def main() -> int:
    args = parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="azs-eval-"))
    os.environ["AZS_DATA_DIR"] = str(data_dir)
    svc = open_services(data_dir, answer_cache=False)
    source_doc, pending = ingest(svc, manifest_paths(args.set))
    questions = [q for q in read_jsonl(args.qa or args.set / "qa.jsonl") if in_split(q, args.split)]
    has_splits = any(q.get("split") for q in questions) and args.split == "all"
    out: dict[str, Any] = {"set": str(args.set), "split": args.split}
    if not args.skip_qa and questions:
        texts = chunk_texts(svc)
        rows, latencies = run_project(svc, questions, source_doc, pending, texts)
        out["report"] = print_reports("assistant (extractive, answer cache off)", rows, has_splits)
        cached = cached_latency(data_dir, questions, args.cached_sample)
        out["latency_ms"] = {"uncached_p50": percentile_ms(latencies, 0.5),
                             "uncached_p95": percentile_ms(latencies, 0.95), "uncached_n": len(latencies),
                             "cached_p50": percentile_ms(cached, 0.5), "cached_p95": percentile_ms(cached, 0.95),
                             "cached_n": len(cached)}
        lat = out["latency_ms"]
        print(f"ask latency, answer cache off: p50 {lat['uncached_p50']} ms, p95 {lat['uncached_p95']} ms "
              f"({lat['uncached_n']} questions); cache hits: p50 {lat['cached_p50']} ms, "
              f"p95 {lat['cached_p95']} ms ({lat['cached_n']} repeated questions)\n")
        out["rows"] = rows
        flagged = [r for r in rows if r.get("notice")]
        print(f"answers flagged as documents disagreeing on the figure asked: {len(flagged)} of {len(rows)}")
        for r in flagged:
            print(f"  {r['id']} {r['question']}\n    {r['notice']}")
        print()
        if args.show_misses:
            show_misses(rows)
        if args.baseline:
            base = run_baseline(svc, questions, source_doc, pending)
            out["baseline_report"] = print_reports("plain hybrid baseline (BM25 lemmas + e5, RRF; answer = top "
                                                   "passage, never abstains)", base, has_splits)
            out["baseline_rows"] = base
    if args.dialogues:
        dialogues = [d for d in read_jsonl(args.set / "dialogues.jsonl") if in_split(d, args.split)]
        out["dialogues"] = run_dialogues(svc, dialogues, source_doc, args.show_misses)
    if args.meaning:
        items = [m for m in read_jsonl(args.set / "meaning.jsonl") if in_split(m, args.split)]
        out["meaning"] = run_meaning(svc, items, args.show_misses)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    svc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
