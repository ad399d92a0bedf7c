"""Query analysis as a use case: a question checked, the index brought up to date, and the question
read against the current jargon dictionary and the index's vocabulary."""

from __future__ import annotations

from azs_assistant.errors import InvalidInput
from azs_assistant.language.service import Jargon
from azs_assistant.search.index import SearchIndex
from azs_assistant.search.query import AnalyzedQuery, QueryAnalyzer
from azs_assistant.storage.db import Database

MAX_QUESTION = 2000  # characters of a question: a longer one is refused


class Queries:
    """Turns a person's question into an ``AnalyzedQuery`` for retrieval."""

    def __init__(self, db: Database, index: SearchIndex, analyzer: QueryAnalyzer, jargon: Jargon) -> None:
        self.db, self.index, self.analyzer, self.jargon = db, index, analyzer, jargon

    def analyse(self, text: str, generations: tuple[int, int] | None = None) -> AnalyzedQuery:
        """The question analysed; an empty or over-long one is refused with a typed error. ``generations``:
        the index and jargon generations the caller already read (one freshness query per question)."""
        text = (text or "").strip()
        if not text:
            raise InvalidInput("Пустой запрос: напишите вопрос.", "Empty query: write a question.",
                               message_kk="Сұрақ бос: сұрағыңызды жазыңыз.")
        if len(text) > MAX_QUESTION:
            raise InvalidInput(f"Слишком длинный вопрос (больше {MAX_QUESTION} символов).",
                               f"The question is too long (over {MAX_QUESTION} characters).",
                               message_kk=f"Сұрақ тым ұзын ({MAX_QUESTION} таңбадан артық).")
        index_generation, jargon_generation = generations or self.db.generations()
        self.index.refresh(generation=index_generation)
        snapshot = self.index.vocabulary_now()
        return self.analyzer.analyse(text, self.jargon.current(jargon_generation), snapshot)
