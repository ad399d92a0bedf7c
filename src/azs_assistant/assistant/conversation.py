"""Conversations: follow-up questions are read against the turns before them.

«а если колонка не отвечает?» after «пистолет не отстреливает, что жать?» is not a question the
knowledge base can answer alone. A question that looks like a follow-up (it opens with «а», «и»,
«тогда», points back with «он», «там», «это», or has almost no content words of its own) is
rewritten into a standalone one: by the LLM when one is configured (a versioned prompt), otherwise
by carrying the previous questions' content words over (``follow_up``). Both read the asker's own
questions; the question as searched is stored with each turn for the history, never built upon.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from azs_assistant import i18n
from azs_assistant.assistant.follow_up import FollowUps
from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import AnswerLog, Conversation, ConversationTurn, Feedback, utcnow

Rewriter = Callable[[str, list[str]], "str | None"]  # (question, earlier questions) → standalone question
# «В базе знаний нет ответа…» as each language says it: a turn the knowledge base did not answer
UNANSWERED = frozenset(i18n.text("azs_assistant.assistant", key, lang).strip()
                       for key in ("abstain", "empty_kb") for lang in ("ru", "kk", "en"))
HISTORY_TURNS = 3
TITLE_CHARS = 200
LISTED = 50  # the history sidebar shows this many latest conversations


@dataclass
class Turn:
    question: str
    resolved: str
    answer: str


@dataclass
class ConversationItem:
    """One line of a person's chat history: its title (given, or its first question) and when it moved."""

    id: str
    title: str
    updated_at: datetime


class Conversations:
    def __init__(self, db: Database, analyzer: Analyzer, rewriter: Rewriter | None = None) -> None:
        self.db = db
        self.analyzer = analyzer
        self.rewriter = rewriter  # with a language model (``llm.rewrite``); else words are carried over
        self.follow_ups = FollowUps(analyzer)

    def open(self, actor: str, conversation_id: str | None) -> str:
        """The asker's conversation (checked to be theirs), or a new one."""
        with self.db.session() as s:
            if conversation_id:
                row = s.get(Conversation, conversation_id)
                if row is None or row.actor != actor:
                    raise NotFound("Разговор не найден.", "Conversation not found.",
                                   message_kk="Сөйлесу табылмады.")
                return row.id
            row = Conversation(id=str(uuid.uuid4()), actor=actor[:200], created_at=utcnow(), updated_at=utcnow())
            s.add(row)
            return row.id

    def owned(self, s: Any, actor: str, conversation_id: str) -> Conversation:
        row = s.get(Conversation, conversation_id)
        if row is None or row.actor != actor:
            raise NotFound("Разговор не найден.", "Conversation not found.", message_kk="Сөйлесу табылмады.")
        return row  # type: ignore[no-any-return]

    def list_for(self, actor: str, limit: int = LISTED) -> list[ConversationItem]:
        """The person's conversations that have at least one turn, latest first."""
        first = (select(ConversationTurn.conversation_id, func.min(ConversationTurn.id).label("turn"))
                 .group_by(ConversationTurn.conversation_id).subquery())
        with self.db.session() as s:
            rows = s.execute(select(Conversation, ConversationTurn.question)
                             .join(first, first.c.conversation_id == Conversation.id)
                             .join(ConversationTurn, ConversationTurn.id == first.c.turn)
                             .where(Conversation.actor == actor)
                             .order_by(Conversation.updated_at.desc(), Conversation.id).limit(limit)).all()
            return [ConversationItem(c.id, c.title or _short(q), c.updated_at) for c, q in rows]

    def title_of(self, actor: str, conversation_id: str) -> str:
        with self.db.session() as s:
            row = self.owned(s, actor, conversation_id)
            if row.title:
                return row.title
            first = s.scalar(select(ConversationTurn.question).where(ConversationTurn.conversation_id == row.id)
                             .order_by(ConversationTurn.id).limit(1))
            return _short(first or "")

    def rename(self, actor: str, conversation_id: str, title: str) -> ConversationItem:
        title = " ".join((title or "").split())
        if not title or len(title) > TITLE_CHARS:
            raise InvalidInput(f"Название разговора — от 1 до {TITLE_CHARS} символов.",
                               f"A conversation title has 1 to {TITLE_CHARS} characters.",
                               message_kk=f"Сөйлесу атауы: 1-ден {TITLE_CHARS} таңбаға дейін.")
        with self.db.session() as s:
            row = self.owned(s, actor, conversation_id)
            row.title = title
            return ConversationItem(row.id, title, row.updated_at)

    def delete(self, actor: str, conversation_id: str) -> None:
        """The conversation and its turns; the answers stay in the answer log (feedback and datasets use them)."""
        with self.db.session() as s:
            row = self.owned(s, actor, conversation_id)
            s.execute(delete(ConversationTurn).where(ConversationTurn.conversation_id == row.id))
            s.delete(row)

    def attach_answer(self, conversation_id: str, answer_id: int) -> None:
        """The logged answer's id on the latest turn, so a reloaded conversation can still be rated."""
        with self.db.session() as s:
            turn = s.scalars(select(ConversationTurn).where(ConversationTurn.conversation_id == conversation_id)
                             .order_by(ConversationTurn.id.desc()).limit(1)).first()
            if turn is not None and turn.answer_id is None:
                turn.answer_id = answer_id

    def drop_last(self, actor: str, conversation_id: str) -> str | None:
        """Regenerate: the latest turn is taken back; returns its question (None when there is none)."""
        with self.db.session() as s:
            self.owned(s, actor, conversation_id)
            turn = s.scalars(select(ConversationTurn).where(ConversationTurn.conversation_id == conversation_id)
                             .order_by(ConversationTurn.id.desc()).limit(1)).first()
            if turn is None:
                return None
            s.delete(turn)
            return turn.question

    def history(self, conversation_id: str, limit: int = HISTORY_TURNS) -> list[Turn]:
        with self.db.session() as s:
            rows = s.scalars(select(ConversationTurn).where(ConversationTurn.conversation_id == conversation_id)
                             .order_by(ConversationTurn.id.desc()).limit(limit)).all()
            return [Turn(r.question, r.resolved, r.answer) for r in reversed(rows)]

    def turns(self, conversation_id: str, actor: str) -> list[dict[str, Any]]:
        self.open(actor, conversation_id)
        with self.db.session() as s:
            rows = s.scalars(select(ConversationTurn).where(ConversationTurn.conversation_id == conversation_id)
                             .order_by(ConversationTurn.id)).all()
            ids = [r.answer_id for r in rows if r.answer_id is not None]
            logged = {a.id: a for a in s.scalars(select(AnswerLog).where(AnswerLog.id.in_(ids)))}
            rated: dict[int | None, str] = {f.answer_id: "up" if f.rating > 0 else "down" for f in s.scalars(
                select(Feedback).where(Feedback.answer_id.in_(ids), Feedback.actor == actor, Feedback.rating != 0)
                .order_by(Feedback.id))}  # the asker's latest rating of each answer
            return [{"question": r.question, "resolved": r.resolved, "answer": r.answer, "answer_id": r.answer_id,
                     "abstained": bool(logged[r.answer_id].abstained) if r.answer_id in logged else False,
                     "citations": list(logged[r.answer_id].citations or []) if r.answer_id in logged else [],
                     "rated": rated.get(r.answer_id),
                     "created_at": r.created_at} for r in rows]

    def record(self, conversation_id: str, question: str, resolved: str, answer: str,
               answer_id: int | None = None) -> None:
        with self.db.session() as s:
            s.add(ConversationTurn(conversation_id=conversation_id, question=question[:4000], resolved=resolved[:4000],
                                   answer=answer[:20000], answer_id=answer_id, created_at=utcnow()))
            row = s.get(Conversation, conversation_id)
            if row is not None:
                row.updated_at = utcnow()

    # -- rewriting --------------------------------------------------------------------------
    def resolve(self, question: str, history: list[Turn]) -> str:
        """The question to search with: itself, or rewritten against the conversation. Only the asker's
        own questions are read (the stored rewrites are not reused)."""
        if not history or self.follow_ups.standalone([history[-1].question, question]):
            return question
        if history[-1].answer.strip() in UNANSWERED and self.follow_ups.names_a_thing(question, history[-1].question):
            # the last question had no answer, and this one names a thing of its own («а что делать при
            # проливе?» after «какая зарплата у оператора?»): the asker moved on, the unanswered topic stays behind
            return question
        if self.rewriter is not None:
            rewritten = self.rewriter(question, [t.question for t in history])
            if rewritten:
                return rewritten
        return self.follow_ups.carry_over(question, self.follow_ups.topic([t.question for t in history]))


def _short(question: str, limit: int = 80) -> str:
    """A conversation's default title: its first question, cut at a word near ``limit`` characters."""
    text = " ".join(question.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
