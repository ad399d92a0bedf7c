"""The assistant: retrieve passages, check the evidence, answer with citations or abstain.

Without an LLM the answer is extractive: for «how do I…» questions the steps of the best passage in
order, for factual ones the sentences that hold the fact. With an LLM configured the same passages
ground a generated answer; any failure of the server falls back to the extractive answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from azs_assistant.assistant.evidence import DENSE_CONFIRMS, SUPPORT_THRESHOLD, WEAK_SUPPORT, support
from azs_assistant.assistant.extract import Extractor, is_procedural, wants_number
from azs_assistant.search.index import Hit, load_chunks
from azs_assistant.storage.models import Chunk, Document

ABSTAIN_TEXT = ("В базе знаний нет ответа на этот вопрос. Уточните вопрос или обратитесь к менеджеру АЗС; "
                "если это важно для работы, попросите добавить инструкцию в базу знаний.")
EMPTY_KB_TEXT = "База знаний пуста: загрузите документы (azs ingest или страница «Документы»)."



@dataclass
class Citation:
    source: str
    title: str
    section: str
    page: int | None
    quote: str
    score: float
    chunk_id: int
    document_id: int
    location: str | None = None

    def public(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[Citation] = field(default_factory=list)
    mode: str = "extractive"
    notice: str | None = None

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {"answer": self.answer, "abstained": self.abstained,
                               "citations": [c.public() for c in self.citations],
                               "retrieved": [c.public() for c in self.retrieved], "mode": self.mode}
        if self.notice:
            out["notice"] = self.notice
        return out


@dataclass
class Evidence:
    hit: Hit
    chunk: Chunk
    document: Document
    support: float

    def citation(self, quote: str | None = None) -> Citation:
        c, d = self.chunk, self.document
        return Citation(source=d.source, title=d.title, section=c.section, page=c.page,
                        quote=quote if quote is not None else c.text[:400], score=round(self.hit.score, 4),
                        chunk_id=c.id, document_id=d.id, location=c.location)


class Assistant:
    """Answers questions from the knowledge base (``services`` wires its parts)."""

    def __init__(self, services: Any) -> None:
        self.s = services

    # -- retrieval ------------------------------------------------------------------------
    def retrieve(self, question: str, k: int = 10) -> tuple[Any, list[Evidence]]:
        query = self.s.analyse_query(question)
        hits = self.s.index.search(query, k=k)
        rows = load_chunks(self.s.db, [h.chunk_id for h in hits])
        evidence = []
        for hit in hits:
            if hit.chunk_id not in rows:
                continue
            chunk, doc = rows[hit.chunk_id]
            lemmas = set(chunk.lemmas.split()) | set(chunk.context_lemmas.split())
            evidence.append(Evidence(hit, chunk, doc, support(query, lemmas, self.s.index.idf, self.s.index.knows)))
        return query, evidence

    # -- answering ------------------------------------------------------------------------
    def ask(self, question: str) -> Answer:
        query, evidence = self.retrieve(question)
        answer = self._extractive(question, query, evidence)
        if answer.abstained or self.s.llm is None:
            return answer
        return self.s.llm_answerer.generate(question, evidence, answer)

    def ask_stream(self, question: str) -> Iterator[dict[str, Any]]:
        """Events: ``{"type": "delta", "text"}`` pieces, then one ``{"type": "done", "answer"}``."""
        query, evidence = self.retrieve(question)
        answer = self._extractive(question, query, evidence)
        if answer.abstained or self.s.llm is None:
            yield {"type": "delta", "text": answer.answer}
            yield {"type": "done", "answer": answer.public()}
            return
        yield from self.s.llm_answerer.stream(question, evidence, answer)

    def _extractive(self, question: str, query: Any, evidence: list[Evidence]) -> Answer:
        retrieved = [e.citation() for e in evidence]
        if not evidence:
            text = EMPTY_KB_TEXT if self.s.index.size() == 0 else ABSTAIN_TEXT
            return Answer(question, text, True, [], retrieved)
        candidates = [e for e in evidence[:5] if _supported(e)]
        if not any(_supported(e) for e in evidence[:3]):
            return Answer(question, ABSTAIN_TEXT, True, [], retrieved)
        numeric, procedural = wants_number(question), is_procedural(question)
        extractor = Extractor(self.s.analyzer, self.s.index.idf)
        scored = [(e, extractor.score(e.chunk, query, numeric)) for e in candidates]
        top_unit = max(sp.best for _, sp in scored) or 1.0
        top_hit = max(e.hit.score for e, _ in scored) or 1.0
        ranked = sorted(scored, key=lambda p: -(0.35 * p[1].best / top_unit + 0.65 * p[0].hit.score / top_hit))
        chosen = [ranked[0]]
        for ev, sp in ranked[1:]:
            if sp.best >= 0.5 * ranked[0][1].best and _adds_evidence(ev, ranked[0][0]):
                chosen.append((ev, sp))
                break
        parts: list[str] = []
        citations: list[Citation] = []
        for n, (ev, sp) in enumerate(chosen, start=1):
            quote = extractor.quote(sp, procedural and n == 1, numeric, max_units=3 if n == 1 else 2)
            citations.append(ev.citation(quote))
            parts.append(f"{quote} [{n}]")
        return Answer(question, "\n\n".join(parts), False, citations, retrieved)


def _supported(ev: Evidence) -> bool:
    """Enough of the question's content is in the passage, or a little of it plus close meaning."""
    return ev.support >= SUPPORT_THRESHOLD or (ev.support >= WEAK_SUPPORT and ev.hit.dense >= DENSE_CONFIRMS)


def _adds_evidence(other: Evidence, best: Evidence) -> bool:
    """A second passage is quoted when it is strong and says something the first does not."""
    if other.support < best.support * 0.75 or other.hit.score < best.hit.score * 0.6:
        return False
    return other.chunk.document_id != best.chunk.document_id or other.chunk.section != best.chunk.section
