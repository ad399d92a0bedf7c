"""Conversations: follow-up questions are read against the turns before them.

«а если колонка не отвечает?» after «пистолет не отстреливает, что жать?» is not a question the
knowledge base can answer alone. A question that looks like a follow-up (it opens with «а», «и»,
«тогда», points back with «он», «там», «это», or has almost no content words of its own) is
rewritten into a standalone one: by the LLM when one is configured (a versioned prompt), otherwise
by carrying the previous question's content words over. The question as searched is stored with
each turn, so the next follow-up builds on it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import AnswerLog, Conversation, ConversationTurn, Feedback, utcnow

Rewriter = Callable[[str, list[str]], "str | None"]  # (question, earlier questions) → standalone question
HISTORY_TURNS = 3
CARRIED_WORDS = 6  # topic words carried into a follow-up at most
OWN_SUBJECT_WORDS = 4  # a follow-up with this many content words of its own asks about something else
_WORD = re.compile(r"[\w][\w-]*")
_FOLLOW_UP = re.compile(r"^\s*(а|и|но|тогда|ещё|еще|также|так|а если|а что|а как|а где|а когда|а кто|а куда|"
                        r"а сколько|а потом|а после|а при|а у|а в|а на|и если|и что|и как|ал|ал енді|and|what about)\b",
                        re.IGNORECASE)
_POINTS_BACK = re.compile(r"\b(он|она|оно|они|его|её|ее|их|ему|ей|им|этот|эта|это|эти|этого|этой|этим|этому|"
                          r"там|туда|тот|та|те|того|той|такой|такая|такое|такие|него|неё|нее|них|it|that|there)\b",
                          re.IGNORECASE)
_QUESTION_WORDS = frozenset("что как где когда сколько кто куда почему зачем какой какая какое какие можно ли "
                            "делать сделать нужно надо".split())


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

    def open(self, actor: str, conversation_id: str | None) -> str:
        """The asker's conversation (checked to be theirs), or a new one."""
        with self.db.session() as s:
            if conversation_id:
                row = s.get(Conversation, conversation_id)
                if row is None or row.actor != actor:
                    raise NotFound("Разговор не найден.", "Conversation not found.")
                return row.id
            row = Conversation(id=str(uuid.uuid4()), actor=actor[:200], created_at=utcnow(), updated_at=utcnow())
            s.add(row)
            return row.id

    def owned(self, s: Any, actor: str, conversation_id: str) -> Conversation:
        row = s.get(Conversation, conversation_id)
        if row is None or row.actor != actor:
            raise NotFound("Разговор не найден.", "Conversation not found.")
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
                               f"A conversation title has 1 to {TITLE_CHARS} characters.")
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
    def is_follow_up(self, question: str) -> bool:
        content = [w for w in self.analyzer.lemmas(question) if w not in _QUESTION_WORDS]
        return bool(_FOLLOW_UP.search(question) or _POINTS_BACK.search(question)) or len(content) <= 1

    def has_own_subject(self, question: str) -> bool:
        """«а ошибка E-50 на ТРК Алтай что значит?» names its own subject: it opens like a follow-up but
        carries four or more content words and points back to nothing, so the previous topic stays out."""
        content = [w for w in self.analyzer.lemmas(question) if w not in _QUESTION_WORDS]
        return len(set(content)) >= OWN_SUBJECT_WORDS and not _POINTS_BACK.search(question)

    def resolve(self, question: str, history: list[Turn]) -> str:
        """The question to search with: itself, or rewritten against the conversation."""
        if not history or not self.is_follow_up(question) or self.has_own_subject(question):
            return question
        if self.rewriter is not None:
            rewritten = self.rewriter(question, [t.question for t in history])
            if rewritten:
                return rewritten
        return self.carry_over(question, self._topic(history))

    def _topic(self, history: list[Turn]) -> str:
        """What the conversation is about, in the asker's words: the latest question asked on its own and
        the follow-ups after it («свет вырубило» → «а если генератор не завёлся?» → «а сколько он
        работает?» is about the generator). The stored rewrites are lemmas and are not reused."""
        start = next((i for i in range(len(history) - 1, -1, -1) if not self.is_follow_up(history[i].question)), 0)
        return " ".join(turn.question for turn in history[start:])

    def carry_over(self, question: str, previous: str) -> str:
        """«а сколько ждать?» after «как принять бензовоз» → «а сколько ждать? (принять бензовоз)»: the
        previous question's content words as its asker wrote them, «не» kept with the word it negates."""
        own = set(self.analyzer.lemmas(question))
        words = _WORD.findall(previous)
        kept: list[int] = []
        seen: set[str] = set()
        for i, word in enumerate(words):
            lemmas = [lemma for lemma in self.analyzer.lemmas(word) if lemma not in _QUESTION_WORDS]
            if lemmas and not own.intersection(lemmas) and not seen.intersection(lemmas):
                kept.append(i)
                seen.update(lemmas)
        kept = kept[-CARRIED_WORDS:]  # the latest turns name what a pronoun points to
        topic = [("не " if i > 0 and words[i - 1].lower() == "не" else "") + words[i] for i in kept]
        return f"{question} ({' '.join(topic)})" if topic else question


def _short(question: str, limit: int = 80) -> str:
    """A conversation's default title: its first question, cut at a word near ``limit`` characters."""
    text = " ".join(question.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"
