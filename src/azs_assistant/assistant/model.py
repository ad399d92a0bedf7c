"""The answer model: what an answer is, what it cites, and the evidence it was built from.

Plain data, importing nothing of the project's at run time but the Markdown helpers and the message
catalogues (which import nothing either), so every layer that makes or shows an answer (the assistant, LLM generation,
summaries, learning, the front ends) can use it without importing the assistant's machinery. The
answer text is Markdown (``assistant/markdown.py``); ``Answer.text`` is the same without markup.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from azs_assistant import i18n
from azs_assistant.assistant.markdown import to_plain

if TYPE_CHECKING:
    from azs_assistant.search.index import Hit
    from azs_assistant.storage.models import Chunk, Document

# The assistant's fixed texts are kept in assistant/i18n/{ru,kk,en}.yaml; answers are made with the Russian
# ones and put into the asker's language at the end of a turn (assistant/notices.py).
ABSTAIN_TEXT = i18n.text("azs_assistant.assistant", "abstain")
EMPTY_KB_TEXT = i18n.text("azs_assistant.assistant", "empty_kb")


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
    url: str | None = None  # where the web UI opens it (an incident); passages open /passages/{chunk_id}

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
    checks: list[str] = field(default_factory=list)  # why a generated answer was not shown (logged, not public)
    resolved_question: str | None = None  # a follow-up as searched, after rewriting
    conversation_id: str | None = None
    cached: bool = False

    @property
    def text(self) -> str:
        """The answer without Markdown (numbered steps keep their numbers), for scripts and plain media."""
        return to_plain(self.answer)

    def public(self) -> dict[str, Any]:
        """The answer as the API sends it: ``answer`` in Markdown, ``answer_text`` the same without markup."""
        out: dict[str, Any] = {"answer": self.answer, "answer_text": self.text, "abstained": self.abstained,
                               "citations": [c.public() for c in self.citations],
                               "retrieved": [c.public() for c in self.retrieved], "mode": self.mode}
        if self.notice:
            out["notice"] = self.notice
        for name in ("resolved_question", "conversation_id"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.cached:
            out["cached"] = True
        return out

    @classmethod
    def from_public(cls, question: str, data: dict[str, Any]) -> Answer:
        return cls(question, data["answer"], data["abstained"], [Citation(**c) for c in data["citations"]],
                   [Citation(**c) for c in data["retrieved"]], data.get("mode", "extractive"), data.get("notice"))


@dataclass
class Evidence:
    hit: Hit
    chunk: Chunk
    document: Document
    support: float
    relevance: float | None = None  # the re-ranker's probability (assistant/ranking.py), when it ranked this
    elsewhere: bool = False  # from a document of another organisation than the one the question names
    names_document: bool = False  # holds (or its document's opening holds) a document number the question names
    # the numbers its document gives itself in its title and opening («Инструкция ОТ-11»): every passage of it holds
    # them, though a step of the instruction need not repeat «ОТ-11»
    document_numbers: frozenset[str] = frozenset()
    document_editions: frozenset[str] = frozenset()  # the edition its document's opening states («редакция 6»)
    organisations: frozenset[str] = frozenset()  # the organisations its document's opening names

    def citation(self, quote: str | None = None) -> Citation:
        c, d = self.chunk, self.document
        score = self.relevance if self.relevance is not None else self.hit.score
        return Citation(source=d.source, title=d.title, section=section_without_title(c.section, d.title), page=c.page,
                        quote=quote if quote is not None else c.text[:400], score=round(score, 4),
                        chunk_id=c.id, document_id=d.id, location=c.location)


def section_without_title(section: str, title: str) -> str:
    """The heading path below the document's own title (which citations show separately)."""
    first, sep, rest = section.partition(" › ")
    return rest if sep and first.strip().lower() == title.strip().lower() else ("" if first == title else section)
