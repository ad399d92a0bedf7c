"""Answers are logged when given; people rate them (👍/👎 with a comment) and supervisors write
corrected answers. The datasets for fine-tuning are built from these rows.

An answer is seen (rated, corrected) by the person who asked and by managers whose stations or regions
include the asker's; the asker's scope is kept with the answer. Anyone else gets «не найден»."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from azs_assistant.auth.principal import Principal
from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.learning.datasets import Export, export_preferences, export_sft
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import AnswerLog, Feedback, utcnow


class Learning:
    def __init__(self, db: Database, model: str | None, prompt_version: str | None,
                 known_stations: Callable[[], dict[str, str | None]] = dict,
                 audit: Callable[..., None] | None = None) -> None:
        self.db = db
        self._audit = audit or (lambda *args: None)
        self.model = model
        self.prompt_version = prompt_version
        self._known = known_stations

    def log_answer(self, actor: Principal | str, answer: Any) -> int:
        """Store an answer as given, with the asker's scope; returns its id for feedback."""
        llm = answer.mode.startswith("llm")
        name = actor.name if isinstance(actor, Principal) else actor
        row = AnswerLog(actor=name[:200], asker_scope=self._scope_of(actor),
                        question=answer.question[:4000], answer=answer.answer[:20000],
                        abstained=int(answer.abstained), mode=answer.mode,
                        model=self.model if llm else None, prompt_version=self.prompt_version if llm else None,
                        citations=[_cite(c) for c in answer.citations], retrieved=[_cite(c) for c in answer.retrieved],
                        created_at=utcnow())
        with self.db.session() as s:
            s.add(row)
            s.flush()
            return row.id

    def _scope_of(self, actor: Principal | str) -> dict[str, list[str]] | None:
        """The asker's stations and regions (their stations' regions included), as the answer keeps them."""
        if not isinstance(actor, Principal):
            return None
        known = self._known()
        regions = set(actor.regions) | {known[s] for s in actor.stations if known.get(s)}  # type: ignore[misc]
        return {"stations": sorted(actor.stations), "regions": sorted(r for r in regions if r)}

    @staticmethod
    def _supervises(who: Principal, scope: dict[str, list[str]] | None) -> bool:
        """A manager whose stations or regions include the asker's; an admin always."""
        if who.is_admin:
            return True
        if not who.has("manager"):
            return False
        if who.sees_all_stations:
            return True
        if not scope:
            return False
        mine = {r.lower() for r in who.regions}
        return bool(set(scope.get("stations", [])) & set(who.stations)) or bool(
            {r.lower() for r in scope.get("regions", [])} & mine)

    def _answer(self, s: Any, answer_id: int, who: Principal) -> AnswerLog:
        row = s.get(AnswerLog, answer_id)
        if row is None or (row.actor != who.name and not self._supervises(who, row.asker_scope)):
            raise NotFound("Ответ не найден.", "Answer not found.", message_kk="Жауап табылмады.")
        return row

    def rate(self, answer_id: int, who: Principal, rating: int, comment: str | None = None) -> Feedback:
        if rating not in (1, -1):
            raise InvalidInput("Оценка — 👍 или 👎.", "Rating must be up or down.", message_kk="Баға — 👍 немесе 👎.")
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
            raise InvalidInput("Исправленный ответ пустой или слишком длинный.",
                               "The corrected answer is empty or too long.",
                               message_kk="Түзетілген жауап бос немесе тым ұзын.")
        with self.db.session() as s:
            self._answer(s, answer_id, who)
            row = Feedback(answer_id=answer_id, actor=who.name, rating=0, comment=(comment or "").strip() or None,
                           corrected_answer=corrected, created_at=utcnow())
            s.add(row)
        self._audit(who, "answer.correct", str(answer_id), {})
        return row

    def export_sft(self, actor: Principal | str, out: Path, validation: float = 0.1) -> Export:
        """The fine-tuning set (chat messages JSONL) written under ``out``; audited."""
        result = export_sft(self.db, out, validation)
        self._audit(actor, "learning.export_sft", str(out), result.to_dict())
        return result

    def export_preferences(self, actor: Principal | str, out: Path, validation: float = 0.1) -> Export:
        """The preference set (prompt, chosen, rejected) written under ``out``; audited."""
        result = export_preferences(self.db, out, validation)
        self._audit(actor, "learning.export_preferences", str(out), result.to_dict())
        return result

    def feedback_for(self, answer_id: int) -> list[Feedback]:
        with self.db.session() as s:
            return list(s.scalars(select(Feedback).where(Feedback.answer_id == answer_id).order_by(Feedback.id)))


def _cite(c: Any) -> dict[str, Any]:
    return {"source": c.source, "title": c.title, "section": c.section, "page": c.page, "quote": c.quote,
            "chunk_id": c.chunk_id}
