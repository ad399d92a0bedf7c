"""Reports over the incident log: question → typed query → SQL → sentence, table, chart, files."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as time_of_day
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select

from azs_assistant.errors import InvalidInput
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.reports.engine import ReportEngine, ReportResult
from azs_assistant.reports.parse import QuestionParser, Vocabulary, load_categories
from azs_assistant.reports.query import ReportQuery
from azs_assistant.reports.render import describe
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Incident

VOCABULARY_TTL_S = 30.0  # station, region and category names change only with a sync


@dataclass
class Report:
    question: str
    query: ReportQuery
    result: ReportResult
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "query": self.query.model_dump(mode="json", exclude_defaults=False),
                "answer": self.result.answer, "table": self.result.table, "text": self.text}


class Reports:
    def __init__(self, db: Database, analyzer: Analyzer, categories_file: Any = None) -> None:
        self.db = db
        self.engine = ReportEngine(db.engine.connect)
        self.categories = load_categories(analyzer, categories_file)
        self.parser = QuestionParser(analyzer, self.categories)
        self._vocab: tuple[float, Vocabulary] | None = None

    def vocabulary(self) -> Vocabulary:
        cached = self._vocab
        if cached is not None and time.monotonic() - cached[0] < VOCABULARY_TTL_S:
            return cached[1]
        t = Incident.__table__.c
        with self.db.engine.connect() as conn:
            vocab = Vocabulary(
                stations=sorted(conn.execute(select(t.station_id).distinct()).scalars()),
                regions=sorted(r for r in conn.execute(select(t.region).distinct()).scalars() if r),
                categories=sorted(conn.execute(select(t.category).distinct()).scalars()),
                max_severity=conn.execute(select(func.max(t.severity))).scalar(),
            )
        self._vocab = (time.monotonic(), vocab)  # one assignment: readers see the old or the new pair
        return vocab

    def invalidate(self) -> None:
        self._vocab = None

    def parse(self, question: str, today: date | None = None) -> ReportQuery:
        return self.parser.parse(question, self.vocabulary(), today or date.today())

    def run(self, query: ReportQuery, question: str = "") -> Report:
        result = self.engine.run(query)
        names = {code: spec.name for code, spec in self.categories.items()}
        return Report(question, query, result, describe(result, names))

    def ask(self, question: str, today: date | None = None) -> Report:
        return self.run(self.parse(question, today), question)

    def ask_filtered(self, question: str | None, today: date | None = None, *, station: str | None = None,
                     region: str | None = None, category: str | None = None, date_from: date | None = None,
                     date_to: date | None = None) -> Report:
        """A question narrowed by filters picked on the reports page or in an export link (station,
        region, category, period [from, to)); without a question, a summary of what they select."""
        query = self.parse(question, today) if question and question.strip() else ReportQuery(metric="summary")
        overrides = {"stations": [station] if station else None, "regions": [region] if region else None,
                     "categories": [category] if category else None,
                     "date_from": datetime.combine(date_from, time_of_day.min) if date_from else None,
                     "date_to": datetime.combine(date_to, time_of_day.min) if date_to else None}
        chosen = {k: v for k, v in overrides.items() if v is not None}
        if chosen:
            try:
                query = ReportQuery.model_validate({**query.model_dump(), "filters": {**query.filters.model_dump(),
                                                                                     **chosen}})
            except ValidationError as exc:
                problems = "; ".join(e["msg"] for e in exc.errors())
                raise InvalidInput(f"Фильтры отчёта противоречат друг другу: {problems}.", problems) from exc
        return self.run(query, question or "Сводка по инцидентам")
