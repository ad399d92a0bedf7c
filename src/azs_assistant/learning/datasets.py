"""Fine-tuning datasets from the answers people rated and corrected.

- **SFT** (`azs learning export-sft`): chat-messages JSONL (`{"messages": [system, user, assistant]}`),
  the format TRL's SFTTrainer, Axolotl (`chat_template`) and LLaMA-Factory (`sharegpt`/OpenAI style) read.
  The user turn is built exactly like the live prompt (numbered fragments, then the question); the
  assistant turn is a supervisor's corrected answer or an answer rated 👍 and never 👎.
- **Preferences** (`azs learning export-preferences`): `{"prompt", "chosen", "rejected"}` JSONL for
  DPO/ORPO (TRL's DPOTrainer, ORPOTrainer): a correction is chosen over the original answer; for one
  question, an answer rated 👍 is chosen over one rated 👎.

Personal data is masked (phones, card numbers, e-mails, IIN, names after «меня зовут»/«с уважением»),
duplicates are dropped, and the split into train/validation is by question, so the same question never
lands on both sides.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from azs_assistant.llm.generate import system_prompt, user_message
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import AnswerLog, Feedback

_NAME = r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+"
_PII = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL]"),
    (re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)"), "[КАРТА]"),
    (re.compile(r"(?<!\d)\d{12}(?!\d)"), "[ИИН]"),
    (re.compile(r"(?:\+7|(?<!\d)8)[\s(-]*\d{3}[\s)-]*[\d*]{3}[\s-]*[\d*]{2}[\s-]*[\d*]{2}(?!\d)"), "[ТЕЛЕФОН]"),
    (re.compile(r"(?i)(меня зовут|с уважением,?|my name is)\s+" + _NAME + r"(?:\s+" + _NAME + ")?"), r"\1 [ИМЯ]"),
]


def scrub(text: str) -> str:
    """The text with personal data replaced by placeholders."""
    for pattern, repl in _PII:
        text = pattern.sub(repl, text)
    return text


def user_prompt(question: str, retrieved: list[dict[str, Any]], passages: int = 5) -> str:
    """The user turn as the live prompt builds it (``llm.generate.user_message``)."""
    fragments = [(c.get("title", "") + (f" › {c['section']}" if c.get("section") else ""), c.get("quote", ""))
                 for c in retrieved[:passages]]
    return user_message(question, fragments)


@dataclass
class Export:
    train: int
    validation: int
    skipped_duplicates: int
    files: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"train": self.train, "validation": self.validation, "skipped_duplicates": self.skipped_duplicates,
                "files": self.files}


def _rows(db: Database) -> list[tuple[AnswerLog, list[Feedback]]]:
    with db.session() as s:
        answers = {a.id: a for a in s.scalars(select(AnswerLog))}
        by_answer: dict[int, list[Feedback]] = defaultdict(list)
        for f in s.scalars(select(Feedback).order_by(Feedback.id)):
            by_answer[f.answer_id].append(f)
    return [(answers[i], fb) for i, fb in sorted(by_answer.items()) if i in answers]


def _split(question: str, validation: float) -> str:
    bucket = int(hashlib.sha256(question.strip().lower().encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "validation" if bucket < validation else "train"


def _write(out: Path, name: str, items: list[tuple[str, dict[str, Any]]], validation: float) -> Export:
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    parts: dict[str, list[dict[str, Any]]] = {"train": [], "validation": []}
    duplicates = 0
    for question, item in items:
        key = hashlib.sha256(json.dumps(item, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        parts[_split(question, validation)].append(item)
    files = []
    for part, rows in parts.items():
        path = out / f"{name}_{part}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        files.append(str(path))
    return Export(len(parts["train"]), len(parts["validation"]), duplicates, files)


def export_sft(db: Database, out: Path, validation: float = 0.1) -> Export:
    system = system_prompt()
    items = []
    for answer, feedback in _rows(db):
        corrected = [f.corrected_answer for f in feedback if f.corrected_answer]
        liked = any(f.rating > 0 for f in feedback) and not any(f.rating < 0 for f in feedback)
        target = corrected[-1] if corrected else (answer.answer if liked and not answer.abstained else None)
        if not target:
            continue
        question = scrub(answer.question)
        items.append((question, {"messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": scrub(user_prompt(question, answer.retrieved))},
            {"role": "assistant", "content": scrub(target)}]}))
    return _write(out, "sft", items, validation)


def export_preferences(db: Database, out: Path, validation: float = 0.1) -> Export:
    rows = _rows(db)
    items = []
    by_question: dict[str, list[tuple[AnswerLog, int]]] = defaultdict(list)
    for answer, feedback in rows:
        prompt = scrub(user_prompt(scrub(answer.question), answer.retrieved))
        corrected = [f.corrected_answer for f in feedback if f.corrected_answer]
        if corrected and corrected[-1].strip() != answer.answer.strip():
            items.append((answer.question, {"prompt": prompt, "chosen": scrub(corrected[-1]),
                                            "rejected": scrub(answer.answer)}))
        score = sum(f.rating for f in feedback)
        if score:
            by_question[answer.question.strip().lower()].append((answer, score))
    for rated in by_question.values():
        good = [a for a, score in rated if score > 0]
        bad = [a for a, score in rated if score < 0]
        for g in good:
            for b in bad:
                if g.answer.strip() != b.answer.strip():
                    items.append((g.question, {"prompt": scrub(user_prompt(scrub(g.question), g.retrieved)),
                                               "chosen": scrub(g.answer), "rejected": scrub(b.answer)}))
    return _write(out, "preferences", items, validation)
