"""Grounded generation: the retrieved passages are the only source; on any failure of the server the
extractive answer is returned with a notice. The prompt is a versioned template file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING, Any

from azs_assistant.errors import LLMUnavailable
from azs_assistant.llm.client import LLMClient

if TYPE_CHECKING:
    from azs_assistant.assistant.answer import Answer, Evidence

PROMPT_VERSION = "answer_v1"
FALLBACK_NOTICE = "Языковая модель недоступна — показан ответ, извлечённый из документов."
_CITE = re.compile(r"\[(\d{1,2})\]")


def system_prompt(version: str = PROMPT_VERSION) -> str:
    return resources.files("azs_assistant.llm.prompts").joinpath(f"{version}.txt").read_text("utf-8")


def build_messages(question: str, evidence: list[Evidence]) -> list[dict[str, str]]:
    blocks = []
    for n, ev in enumerate(evidence, start=1):
        where = f"{ev.document.title}" + (f" › {ev.chunk.section}" if ev.chunk.section else "")
        blocks.append(f"<fragment id=\"{n}\" source=\"{where}\">\n{ev.chunk.text}\n</fragment>")
    user = "Фрагменты базы знаний:\n" + "\n".join(blocks) + f"\n\nВопрос: {question}"
    return [{"role": "system", "content": system_prompt()}, {"role": "user", "content": user}]


class LLMAnswerer:
    """Generates answers from passages with an ``LLMClient``; never raises to the caller."""

    def __init__(self, client: LLMClient, passages: int = 5) -> None:
        self.client = client
        self.passages = passages

    def _finish(self, text: str, evidence: list[Evidence], fallback: Answer) -> Answer:
        from azs_assistant.assistant.answer import ABSTAIN_TEXT, Answer

        used = sorted({int(n) for n in _CITE.findall(text) if 1 <= int(n) <= len(evidence)})
        if "нет ответа" in text.lower() and not used:
            return Answer(fallback.question, ABSTAIN_TEXT, True, [], fallback.retrieved, mode="llm")
        if not used:  # an answer that cites nothing is not grounded: keep the extractive one
            fallback.notice = "Ответ модели не ссылался на документы — показан ответ из документов."
            return fallback
        citations = [evidence[n - 1].citation() for n in used]
        return Answer(fallback.question, text.strip(), False, citations, fallback.retrieved, mode="llm")

    def generate(self, question: str, evidence: list[Evidence], fallback: Answer) -> Answer:
        top = evidence[: self.passages]
        try:
            text = self.client.complete(build_messages(question, top))
        except LLMUnavailable:
            fallback.notice = FALLBACK_NOTICE
            return fallback
        return self._finish(text, top, fallback)

    def stream(self, question: str, evidence: list[Evidence], fallback: Answer) -> Iterator[dict[str, Any]]:
        top = evidence[: self.passages]
        pieces: list[str] = []
        try:
            for piece in self.client.stream(build_messages(question, top)):
                pieces.append(piece)
                yield {"type": "delta", "text": piece}
        except LLMUnavailable:
            fallback.notice = FALLBACK_NOTICE
            yield {"type": "reset"}
            yield {"type": "delta", "text": fallback.answer}
            yield {"type": "done", "answer": fallback.public()}
            return
        answer = self._finish("".join(pieces), top, fallback)
        if answer is fallback:
            yield {"type": "reset"}
            yield {"type": "delta", "text": fallback.answer}
        yield {"type": "done", "answer": answer.public()}
