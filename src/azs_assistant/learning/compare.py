"""Compare two model endpoints (e.g. the base model and a LoRA fine-tune) on a question set with
gold facts, through the assistant's real path: retrieval, the prompt, the answer checks.

For each endpoint: fact coverage (share of the gold facts found in the answers to answerable
questions), citation validity (share of generated answers that passed the citation and number
checks rather than falling back), abstention (unanswerable questions refused) and answer rate
(answerable ones answered), and latency. A candidate is adopted only when it is at least as good
on every measure and better on one, so a fine-tune that reads better but cites worse is refused.

Questions file: JSONL with ``question`` and ``answer_facts`` (empty, or ``"type": "unanswerable"``,
for questions the knowledge base cannot answer): the format of ``shared/eval/qa.jsonl``.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from azs_assistant.assistant.answer import Assistant
from azs_assistant.assistant.ports import Answerer
from azs_assistant.errors import InvalidInput
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.llm.client import LLMClient
from azs_assistant.llm.generate import FALLBACK_NOTICE, UNCHECKED_NOTICE, LLMAnswerer
from azs_assistant.settings import Settings

# an assistant wired like the running one but answering with the given model and without the answer
# cache (``Services.assistant_with``)
AssistantFor = Callable[[Answerer], Assistant]

TOLERANCE = 0.02  # a measure may be this much lower and still count as «no worse»


@dataclass
class Endpoint:
    name: str
    base_url: str
    model: str
    api_key: str | None = None


@dataclass
class Scores:
    endpoint: str
    model: str
    questions: int = 0
    fact_coverage: float = 0.0
    citation_validity: float = 0.0
    abstention: float = 0.0
    answer_rate: float = 0.0
    latency_p50_ms: float = 0.0
    failures: int = 0  # the server did not answer (fell back with a notice)
    per_question: list[dict[str, Any]] = field(default_factory=list)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("ё", "е").replace(",", "."))


def load_questions(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = row["question"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InvalidInput(f"{path.name}, строка {n}: нужен JSON с полем question.", f"{path}:{n}: {exc}") from exc
        facts = [str(f) for f in row.get("answer_facts") or []]
        rows.append({"id": row.get("id", str(n)), "question": question, "facts": facts,
                     "answerable": bool(facts) and row.get("type") != "unanswerable"})
    if not rows:
        raise InvalidInput(f"В {path.name} нет вопросов.", "empty question set")
    return rows


def evaluate(assistant_for: AssistantFor, settings: Settings, analyzer: Analyzer, endpoint: Endpoint,
             questions: list[dict[str, Any]]) -> Scores:
    """The assistant as it is, but answering with ``endpoint``'s model and without the answer cache."""
    llm = LLMClient(endpoint.base_url, endpoint.model, endpoint.api_key, settings.llm_timeout_s,
                    settings.llm_max_tokens)
    assistant = assistant_for(LLMAnswerer(llm, analyzer))
    scores = Scores(endpoint.name, endpoint.model, len(questions))
    covered = facts_total = generated = valid = 0
    refused = unanswerable = answered = answerable = 0
    latencies = []
    try:
        for q in questions:
            started = time.perf_counter()
            answer = assistant.ask(q["question"], lang="ru")  # the notices as compared below
            latencies.append((time.perf_counter() - started) * 1000)
            notices = (answer.notice or "").split("\n")  # (the documents' disagreement may stand beside it)
            if FALLBACK_NOTICE in notices:
                scores.failures += 1
            if answer.mode == "llm" or UNCHECKED_NOTICE in notices:
                generated += 1  # the model's answer was produced and checked
                valid += answer.mode == "llm"
            found = [f for f in q["facts"] if _norm(f) in _norm(answer.answer)]
            if q["answerable"]:
                answerable += 1
                answered += not answer.abstained
                covered += len(found)
                facts_total += len(q["facts"])
            else:
                unanswerable += 1
                refused += answer.abstained
            scores.per_question.append({"id": q["id"], "mode": answer.mode, "abstained": answer.abstained,
                                        "facts_found": found, "facts": q["facts"], "answer": answer.answer[:500]})
    finally:
        llm.close()
    scores.fact_coverage = round(covered / facts_total, 4) if facts_total else 0.0
    scores.citation_validity = round(valid / generated, 4) if generated else 0.0
    scores.abstention = round(refused / unanswerable, 4) if unanswerable else 1.0
    scores.answer_rate = round(answered / answerable, 4) if answerable else 0.0
    scores.latency_p50_ms = round(statistics.median(latencies), 1) if latencies else 0.0
    return scores


MEASURES = ("fact_coverage", "citation_validity", "abstention", "answer_rate")


def verdict(base: Scores, candidate: Scores) -> tuple[bool, list[str]]:
    """Adopt the candidate when it is no worse on every measure and better on at least one."""
    reasons, better = [], False
    for m in MEASURES:
        a, b = getattr(base, m), getattr(candidate, m)
        if b < a - TOLERANCE:
            reasons.append(f"{m}: {b:.3f} < {a:.3f}")
        elif b > a + TOLERANCE:
            better = True
    if not reasons and not better:
        reasons.append("ни одна мера не стала лучше")
    return not reasons, reasons


def compare(assistant_for: AssistantFor, settings: Settings, analyzer: Analyzer, base: Endpoint, candidate: Endpoint,
            questions: list[dict[str, Any]]) -> dict[str, Any]:
    a = evaluate(assistant_for, settings, analyzer, base, questions)
    b = evaluate(assistant_for, settings, analyzer, candidate, questions)
    adopt, reasons = verdict(a, b)
    return {"base": asdict(a), "candidate": asdict(b), "adopt": adopt, "reasons": reasons}
