"""Answers are logged when given; people rate them (👍/👎 with a comment) and supervisors write
corrected answers. The datasets for fine-tuning are built from these rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from azs_assistant.auth.principal import Principal
from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import AnswerLog, Feedback, utcnow


class Learning:
    def __init__(self, db: Database, model: str | None, prompt_version: str | None) -> None:
        self.db = db
        self.model = model
        self.prompt_version = prompt_version

    def log_answer(self, actor: str, answer: Any) -> int:
        """Store an answer as given; returns its id for feedback."""
        llm = answer.mode.startswith("llm")
        row = AnswerLog(actor=actor[:200], question=answer.question[:4000], answer=answer.answer[:20000],
                        abstained=int(answer.abstained), mode=answer.mode,
                        model=self.model if llm else None, prompt_version=self.prompt_version if llm else None,
                        citations=[_cite(c) for c in answer.citations], retrieved=[_cite(c) for c in answer.retrieved],
                        created_at=utcnow())
        with self.db.session() as s:
            s.add(row)
            s.flush()
            return row.id

    def _answer(self, s: Any, answer_id: int, who: Principal) -> AnswerLog:
        row = s.get(AnswerLog, answer_id)
        if row is None or (row.actor != who.name and not who.has("manager")):
            raise NotFound("Ответ не найден.", "Answer not found.")
        return row

    def rate(self, answer_id: int, who: Principal, rating: int, comment: str | None = None) -> Feedback:
        if rating not in (1, -1):
            raise InvalidInput("Оценка — 👍 или 👎.", "Rating must be up or down.")
        comment = (comment or "").strip()[:2000] or None
        with self.db.session() as s:
            self._answer(s, answer_id, who)
            row = Feedback(answer_id=answer_id, actor=who.name, rating=rating, comment=comment, created_at=utcnow())
            s.add(row)
        return row

    def correct(self, answer_id: int, who: Principal, corrected: str, comment: str | None = None) -> Feedback:
        """A supervisor's better answer (a manager or an admin)."""
        corrected = (corrected or "").strip()
        if not corrected or len(corrected) > 20000:
            raise InvalidInput("Исправленный ответ пустой или слишком длинный.", "Bad corrected answer.")
        with self.db.session() as s:
            self._answer(s, answer_id, who)
            row = Feedback(answer_id=answer_id, actor=who.name, rating=0, comment=(comment or "").strip() or None,
                           corrected_answer=corrected, created_at=utcnow())
            s.add(row)
        return row

    def feedback_for(self, answer_id: int) -> list[Feedback]:
        with self.db.session() as s:
            return list(s.scalars(select(Feedback).where(Feedback.answer_id == answer_id).order_by(Feedback.id)))


def _cite(c: Any) -> dict[str, Any]:
    return {"source": c.source, "title": c.title, "section": c.section, "page": c.page, "quote": c.quote,
            "chunk_id": c.chunk_id}
