"""What the assistant needs from services that sit beside it and import its answer model (the LLM
answerer, the answer log, document summaries): structural types, so the assistant names them without
importing them (the layering test forbids the cycle an import would make)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from azs_assistant.assistant.model import Answer, Evidence


class Answerer(Protocol):
    """A generated answer grounded in the evidence, or ``fallback`` when the model fails (``LLMAnswerer``)."""

    prompt_version: str

    def generate(self, question: str, evidence: list[Evidence], fallback: Answer) -> Answer: ...

    def stream(self, question: str, evidence: list[Evidence], fallback: Answer) -> Iterator[dict[str, Any]]: ...


class AnswerLog(Protocol):
    """Where answers are logged for feedback (``Learning``); returns the answer's id."""

    def log_answer(self, actor: Any, answer: Any) -> int: ...


class ChatAnswers(Protocol):
    """Requests answered from something other than the knowledge base: a summary, what changed (``Summaries``)."""

    def chat_answer(self, question: str, principal: Any = None, lang: str = "ru") -> Answer | None: ...
