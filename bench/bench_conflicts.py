"""How often the answer says that two documents disagree on the figure asked, when they do and when they do not.

For each answerable question of a QA set whose answer quotes a figure the question asks (a sum, a time, a
volume…) and that names no document by its number («по положению П-04» asks what П-04 says), an order is
uploaded that restates the quoted sentence («Приказ № 77 ТОО «…» … С 1 декабря 2026 года установлено: …», the
company the cited document names): with the figure of the answer's fact changed (a conflict the answer should
flag, naming the order), unchanged (an agreement), and changed for a case the order names («для передвижных
автозаправочных станций — …»: a special case beside the rule); the last two must not be flagged. The question
is asked again after each upload and the order removed. Printed: conflicts flagged (recall), agreements and
special cases flagged (false alarms), with the misses. The base is a copy of ``--data-dir`` (an ingested set,
see bench/eval_qa.py), so the set's own index is left as it was.

    python bench/bench_conflicts.py --data-dir /tmp/azs-blind --qa bench/data/qa_blind/qa.jsonl --split tune
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True, help="an ingested data directory (copied, not changed)")
    ap.add_argument("--qa", type=Path, required=True, help="questions (jsonl with question, answer_facts, split)")
    ap.add_argument("--split", default="tune", help="tune, valid or all")
    ap.add_argument("--limit", type=int, default=60, help="at most this many questions")
    return ap.parse_args()


def changed(sentence: str, figure: Any) -> str | None:
    """The sentence with the figure's number made half as large again (a value no document states)."""
    number = re.search(r"\d[\d \u00a0,.]*", figure.text)
    if number is None:
        return None
    value = float(re.sub(r"[ \u00a0]", "", number.group(0)).replace(",", ".").rstrip("."))
    new = value * 1.5 if value >= 2 else value + 1
    said = f"{new:,.0f}".replace(",", " ") if new >= 1000 else (f"{new:g}".replace(".", ","))
    return sentence.replace(figure.text, figure.text.replace(number.group(0).rstrip(" ."), said, 1), 1)


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="azs-conflicts-"))
    shutil.copytree(args.data_dir, work, dirs_exist_ok=True)
    os.environ["AZS_DATA_DIR"] = str(work)
    sys.path.insert(0, str(ROOT / "src"))
    from azs_assistant.assistant import entities as typed_entities
    from azs_assistant.assistant import figures
    from azs_assistant.assistant.markdown import to_plain
    from azs_assistant.documents.chunking import split_sentences
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings

    svc = Services(Settings(data_dir=work, answer_cache=False))
    assistant = svc.assistant_with(None)
    questions = [json.loads(line) for line in args.qa.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [q for q in questions if args.split == "all" or q.get("split") in (None, args.split)]
    kinds = ("conflict", "agreement", "special case")
    results: dict[str, list[tuple[str, str]]] = {k: [] for k in kinds}
    flagged = dict.fromkeys(kinds, 0)
    tried = 0
    for q in questions:
        if tried >= args.limit or not q.get("answer_facts"):
            continue
        if typed_entities.document_names(q["question"]):
            continue  # «по положению П-04», «акт 0318»: what that document says, which another order does not change
        measures = figures.asked_measures(q["question"])
        answer = svc.assistant.ask(q["question"])
        if answer.abstained or not measures or answer.notice:
            continue
        quote = to_plain(answer.citations[0].quote)
        sentence = next((s for s in split_sentences(quote) if figures.figures(s, measures)
                         and any(f.lower() in s.lower() for f in q["answer_facts"])), None)
        if sentence is None:
            continue
        stated = figures.figures(sentence, measures)  # the figure the answer's fact is, else the first
        figure = next((f for f in stated for fact in q["answer_facts"] if fact.lower() in f.text.lower()
                       or f.text.lower() in fact.lower()), stated[0])
        conflicting = changed(sentence, figure)
        if conflicting is None or conflicting == sentence:
            continue
        # (an order restates the rule, not its clause's number: «3.2. Оператор может…» is «оператор может…»)
        sentence, conflicting = (re.sub(r"^\s*\d+(?:\.\d+)*\.?\s+", "", t) for t in (sentence, conflicting))
        tried += 1
        # the order is the same company's: its opening names the organisation the cited document names
        _, evidence = assistant.retrieve(q["question"])
        names = next((sorted(e.organisations) for e in evidence
                      if e.document.id == answer.citations[0].document_id), [])
        company = f" ТОО «{names[0]}»" if names else ""
        # a conflict; the same figure again (an agreement); another figure for a case the order names (a special
        # case beside the rule, not a contradiction of it)
        for kind, text in (("conflict", conflicting), ("agreement", sentence),
                           ("special case", f"для передвижных автозаправочных станций — {conflicting}")):
            body = f"# Приказ № 77{company} об изменении норм\n\nС 1 декабря 2026 года установлено: {text}\n"
            svc.ingestor.ingest_bytes(body.encode(), "uploads/prikaz_77.md")
            again = svc.assistant.ask(q["question"], lang="ru")  # (the notice compared in Russian)
            hit = bool(again.notice and "Документы называют разные значения" in again.notice
                       and "Приказ № 77" in again.notice)
            flagged[kind] += hit
            if hit != (kind == "conflict"):
                results[kind].append((q["question"], again.notice or again.answer[:160].replace("\n", " ")))
            svc.documents.remove("uploads/prikaz_77.md")
    svc.close()
    shutil.rmtree(work, ignore_errors=True)
    print(f"{args.qa.name} ({args.split}): {tried} questions whose answer quotes the figure asked")
    print(f"conflicts flagged: {flagged['conflict']}/{tried}   agreements flagged (false alarms): "
          f"{flagged['agreement']}/{tried}   special cases flagged (false alarms): {flagged['special case']}/{tried}")
    for kind, label in (("conflict", "conflict not flagged"), ("agreement", "agreement flagged"),
                        ("special case", "special case flagged")):
        for question, said in results[kind]:
            print(f"  {label}: {question}\n      {said}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
