"""Summaries and change notes for documents, for every front end (CLI, API, web, chat).

A summary is made on demand (or at ingestion when ``AZS_SUMMARIZE_ON_INGEST`` is set) and kept for
the document's version: the next request for the same version is read from the database. With an
LLM configured the model writes it (map-reduce), checked against the document; when the server
fails or the check fails, the extractive summary is given with a notice.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from azs_assistant import i18n
from azs_assistant.assistant.model import Answer, Citation, section_without_title
from azs_assistant.auth.principal import SYSTEM
from azs_assistant.documents.changes import describe_changes
from azs_assistant.errors import Forbidden, LLMUnavailable, NotFound
from azs_assistant.storage.models import Chunk, Document, DocumentChange, DocumentSummary, utcnow
from azs_assistant.summaries.extractive import Summary, render, summarise
from azs_assistant.summaries.llm import PROMPT_VERSION, SummaryRejected, llm_summary

if TYPE_CHECKING:
    from azs_assistant.documents.service import Documents
    from azs_assistant.language.analyzer import Analyzer
    from azs_assistant.llm.client import LLMClient
    from azs_assistant.search.index import SearchIndex
    from azs_assistant.search.service import Queries
    from azs_assistant.storage.db import Database

log = logging.getLogger(__name__)
TEXTS = "azs_assistant.assistant"

FALLBACK_NOTICE = i18n.text(TEXTS, "summary_fallback")  # kk and en: assistant/i18n, the assistant says them
REJECTED_NOTICE = i18n.text(TEXTS, "summary_rejected")

_SUMMARY_INTENT = re.compile(
    r"\b(перескаж\w*|пересказ\w*|кратко\w*|вкратце|краткое содержание|резюмир\w*|резюме|"
    r"суть|о ч[её]м|summari[sz]e|summary|қысқаша|мазмұн\w*)\b", re.IGNORECASE)
_CHANGES_INTENT = re.compile(r"\b(что|чт[оа]) (изменилось|поменялось|нового|новое)\b|\bизменения в\b", re.IGNORECASE)
_FILLER = re.compile(
    r"\b(перескаж\w*|пересказ\w*|кратко\w*|вкратце|краткое|содержание|резюмир\w*|резюме|суть|о ч[её]м|"
    r"summari[sz]e|summary|қысқаша|мазмұн\w*|что|чт[оа]|изменилось|поменялось|нового|новое|изменения|"
    r"пожалуйста|плиз|мне|нам|можешь|можете|сделай|дай|дайте|расскажи|изложи|опиши|в|во|про|по|для|"
    r"документ\w*|этот|эту|этого|говорится|написано|там|есть|ли)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,/-]\d+)*")


def is_summary_request(question: str) -> bool:
    return bool(_SUMMARY_INTENT.search(question)) and len(question) <= 300


def is_changes_request(question: str) -> bool:
    return bool(_CHANGES_INTENT.search(question)) and len(question) <= 300


class Summaries:
    """Summaries and change notes; ``llm`` None: extractive only. ``model`` names the LLM a summary was made with."""

    def __init__(self, db: Database, documents: Documents, index: SearchIndex, queries: Queries, analyzer: Analyzer,
                 llm: LLMClient | None, model: str) -> None:
        self.db, self.documents, self.index, self.queries, self.analyzer = db, documents, index, queries, analyzer
        self.llm, self.model = llm, model

    # -- summaries --------------------------------------------------------------------------
    def summary(self, ref: str | int, principal: Any = None, refresh: bool = False) -> Summary:
        """A document's summary (cached); ``refresh`` makes it anew: a manager's or an admin's call
        (the pipeline refreshes without a principal)."""
        if refresh and principal is not None and not principal.has("manager", "admin"):
            raise Forbidden("Пересоздать краткое содержание может руководитель или администратор.",
                            "Refreshing a summary needs the manager or admin role.",
                            message_kk="Қысқаша мазмұнды тек басшы немесе әкімші қайта жасай алады.")
        doc = self._document(ref, principal)
        kind = "llm" if self.llm is not None else "extractive"
        if not refresh:
            cached = self._cached(doc, kind)
            if cached is not None:
                return cached
        chunks = self.documents.chunks(doc.id)
        extractive = summarise(doc.id, doc.title, doc.version, chunks, self.analyzer)
        if self.llm is None:  # kind == "extractive"
            self._store(doc, extractive)
            return extractive
        try:
            made = llm_summary(self.llm, doc.id, doc.title, doc.version, chunks)
        except LLMUnavailable:
            extractive.notice = FALLBACK_NOTICE
            return extractive  # not kept: the model is asked again next time
        except SummaryRejected as exc:
            log.warning("LLM summary of document %s rejected: %s", doc.id, exc)
            extractive.notice = REJECTED_NOTICE
            return extractive
        self._store(doc, made)
        return made

    def at_hand(self, ref: str | int, principal: Any = None) -> Summary:
        """A summary without waiting for the model: the stored one of the model if there is one, else the
        extractive one (stored, or made now in milliseconds). The document's page shows this, so a
        citation opens at once even when the model is slow or down."""
        doc = self._document(ref, principal)
        for kind in ("llm", "extractive") if self.llm is not None else ("extractive",):
            cached = self._cached(doc, kind)
            if cached is not None:
                return cached
        extractive = summarise(doc.id, doc.title, doc.version, self.documents.chunks(doc.id), self.analyzer)
        self._store(doc, extractive)
        return extractive

    def _cached(self, doc: Document, kind: str) -> Summary | None:
        with self.db.session() as s:
            row = s.scalar(select(DocumentSummary).where(DocumentSummary.document_id == doc.id,
                                                         DocumentSummary.kind == kind))
            if row is None or row.version != doc.version or row.sha256 != doc.sha256:
                return None
            if kind == "llm" and (row.model != self.model or row.prompt_version != PROMPT_VERSION):
                return None
            return Summary.from_public(row.data)

    def _store(self, doc: Document, summary: Summary) -> None:
        with self.db.session() as s:
            row = s.scalar(select(DocumentSummary).where(DocumentSummary.document_id == doc.id,
                                                         DocumentSummary.kind == summary.mode))
            if row is None:
                row = DocumentSummary(document_id=doc.id, kind=summary.mode)
                s.add(row)
            row.version, row.sha256 = doc.version, doc.sha256
            row.model, row.prompt_version = summary.model, summary.prompt_version
            row.data = summary.public()
            row.created_at = utcnow()

    # -- what changed -----------------------------------------------------------------------
    def changes(self, ref: str | int, principal: Any = None, lang: str = "ru") -> list[dict[str, Any]]:
        """Every recorded replacement of the document, newest first; the accounts' frame in ``lang``."""
        doc = self._document(ref, principal)
        with self.db.session() as s:
            rows = s.scalars(select(DocumentChange).where(DocumentChange.document_id == doc.id)
                             .order_by(DocumentChange.to_version.desc())).all()
        return [{"from_version": r.from_version, "to_version": r.to_version, "created_at": r.created_at,
                 "text": describe_changes(r.data, doc.title, r.from_version, r.to_version, lang=lang),
                 "changes": r.data}
                for r in rows]

    # -- chat -------------------------------------------------------------------------------
    def chat_answer(self, question: str, principal: Any = None, lang: str = "ru") -> Answer | None:
        """«Кратко перескажи приказ №47», «что изменилось в регламенте приёма топлива»; None when
        the question is not such a request. An extractive summary's frame is in ``lang``."""
        changes = is_changes_request(question)
        if not changes and not is_summary_request(question):
            return None
        doc = self.find_document(question, principal)
        if doc is None:
            named = _NUMBER.search(_FILLER.sub(" ", question))
            if named is None:
                return None  # no document matches: let the knowledge base answer the question as asked
            return Answer(question, i18n.text(TEXTS, "no_document", number=named.group(0)), True, mode="summary")
        if changes:
            found = self.changes(doc.id, principal, lang)
            said = found[0]["text"] if found else i18n.text(TEXTS, "no_versions", title=doc.title)
            return Answer(question, said, False, [self._doc_citation(doc, None, said[:400])], mode="changes")
        summary = self.summary(doc.id, principal)
        chunks = {c.id: c for c in self.documents.chunks(doc.id)}
        citations = [self._doc_citation(doc, chunks.get(p.chunk_id), p.text)
                     for sec in summary.sections for p in sec.points][:8]
        # the stored text is Russian; the frame around the document's sentences is made again in the asker's language
        text = render(summary, lang) if summary.mode == "extractive" and summary.sections else summary.text
        answer = Answer(question, text, False, citations, mode=f"summary_{summary.mode}")
        answer.notice = summary.notice
        return answer

    def find_document(self, question: str, principal: Any = None) -> Document | None:
        """The document a request names: by the words and numbers of its title, else by search."""
        rest = _FILLER.sub(" ", question)
        words = set(self.analyzer.lemmas(rest))
        nums = set(_NUMBER.findall(rest))
        if not words and not nums:
            return None
        docs = self.documents.visible_to(principal or SYSTEM, 0, 100_000).items
        if not docs:
            return None
        hits: dict[int, float] = {}
        if words:
            for h in self.index.search(self.queries.analyse(rest), k=20, refresh=False):
                hits[h.document_id] = hits.get(h.document_id, 0.0) + h.score
        top_hit = max(hits.values(), default=0.0) or 1.0
        heads = self._openings() if nums else {}
        best, best_score = None, 0.0
        for d in docs:
            title_words = set(self.analyzer.lemmas(f"{d.title} {d.source}"))
            score = 2.0 * len(words & title_words) / (len(words) or 1) + 0.8 * hits.get(d.id, 0.0) / top_hit
            if nums:
                found = set(_NUMBER.findall(f"{d.title} {d.source} {heads.get(d.id, '')}"))
                if not nums <= found:
                    continue  # «приказ №47» is not a summary of order №48
                score += 1.0
            if score > best_score:
                best, best_score = d, score
        return best if best_score >= 0.6 else None

    def _openings(self) -> dict[int, str]:
        """The first two passages of every document (where an order states its number), in one query."""
        with self.db.session() as s:
            rows = s.execute(select(Chunk.document_id, Chunk.text).where(Chunk.ordinal < 2)
                             .order_by(Chunk.document_id, Chunk.ordinal)).all()
        out: dict[int, str] = {}
        for document_id, text in rows:
            out[document_id] = f"{out.get(document_id, '')} {text}"
        return out

    def _document(self, ref: str | int, principal: Any) -> Document:
        doc = self.documents.find(ref)
        if principal is not None and not principal.may_read(doc.audience):
            raise NotFound(f"Документ «{ref}» не найден.", "Document not found.",
                           message_kk=f"«{ref}» құжаты табылмады.")
        return doc

    @staticmethod
    def _doc_citation(doc: Document, chunk: Chunk | None, quote: str) -> Citation:
        return Citation(source=doc.source, title=doc.title,
                        section=section_without_title(chunk.section, doc.title) if chunk else "",
                        page=chunk.page if chunk else None, quote=quote[:400], score=1.0,
                        chunk_id=chunk.id if chunk else 0, document_id=doc.id,
                        location=chunk.location if chunk else None)
