"""Grounded generation: the retrieved passages are the only source; on any failure of the server, or
when the answer fails the checks (``llm.check``), the extractive answer is returned with a notice.

The prompts are versioned template files: ``answer_v2.txt`` (system) and ``answer_v2.user.txt``
(the passages, the language to answer in, the question). Passage text is data: tags that could
close or open a fragment inside it are neutralised, so a document cannot step out of its block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from string import Template
from typing import TYPE_CHECKING, Any

from azs_assistant import i18n
from azs_assistant.assistant.extract import is_procedural, wants_number
from azs_assistant.assistant.model import ABSTAIN_TEXT, Answer, Evidence
from azs_assistant.assistant.notices import joined
from azs_assistant.errors import LLMUnavailable
from azs_assistant.language.detect import NAMES, detect_language
from azs_assistant.llm import prompts
from azs_assistant.llm.check import check_answer, meaning_problems
from azs_assistant.llm.client import LLMClient
from azs_assistant.llm.prompts import as_data, template

if TYPE_CHECKING:
    from azs_assistant.language.analyzer import Analyzer

__all__ = ["FALLBACK_NOTICE", "PROMPT_VERSION", "UNCHECKED_NOTICE", "LLMAnswerer", "as_data", "build_messages",
           "system_prompt", "template", "user_message"]

PROMPT_VERSION = prompts.ANSWER
FALLBACK_NOTICE = i18n.text("azs_assistant.assistant", "llm_fallback")  # kk and en: assistant/i18n
UNCHECKED_NOTICE = i18n.text("azs_assistant.assistant", "llm_unchecked")
ABSTAIN_MARK = "нет ответа"


def system_prompt(version: str = PROMPT_VERSION) -> str:
    return template(version)


def user_message(question: str, fragments: list[tuple[str, str]], version: str = PROMPT_VERSION) -> str:
    """The user turn: numbered fragments ((source, text) pairs), the language, the question. The
    learning datasets build it with this function too, so training sees the live prompt."""
    blocks = []
    for n, (source, text) in enumerate(fragments, start=1):
        where = as_data(source).replace('"', "'")
        blocks.append(f"<fragment id=\"{n}\" source=\"{where}\">\n{as_data(text)}\n</fragment>")
    return Template(template(f"{version}.user")).substitute(
        fragments="\n".join(blocks), language=NAMES[detect_language(question)], question=as_data(question))


def build_messages(question: str, evidence: list[Evidence], version: str = PROMPT_VERSION) -> list[dict[str, str]]:
    fragments = [(ev.document.title + (f" › {ev.chunk.section}" if ev.chunk.section else ""), ev.chunk.text)
                 for ev in evidence]
    return [{"role": "system", "content": system_prompt(version)},
            {"role": "user", "content": user_message(question, fragments, version)}]


class LLMAnswerer:
    """Generates answers from passages with an ``LLMClient``; never raises to the caller."""

    prompt_version = PROMPT_VERSION  # part of the answer cache's key

    def __init__(self, client: LLMClient, analyzer: Analyzer, passages: int = 5) -> None:
        self.client = client
        self.analyzer = analyzer
        self.passages = passages

    def _finish(self, text: str, evidence: list[Evidence], fallback: Answer) -> Answer:
        if ABSTAIN_MARK in text.lower() and not re.search(r"\[\d{1,2}\]", text):
            return Answer(fallback.question, ABSTAIN_TEXT, True, [], fallback.retrieved, mode="llm")
        language = detect_language(fallback.question)
        verdict = check_answer(text, [e.chunk.text for e in evidence], self.analyzer, lexical=language == "ru")
        lost = meaning_problems(text, fallback.answer, language, wants_number(fallback.question),
                                is_procedural(fallback.question))
        if not verdict.ok or lost:  # not grounded, or it lost a «не», a step or the number: keep the quote
            fallback.notice = joined(fallback.notice, UNCHECKED_NOTICE)
            fallback.checks = lost + verdict.problems
            return fallback
        citations = [evidence[n - 1].citation() for n in verdict.used]
        # the answer's [n] are fragment numbers; renumber them to the order of the citations list
        order = {n: i for i, n in enumerate(verdict.used, start=1)}
        body = re.sub(r"\[(\d{1,2})\]", lambda m: f"[{order.get(int(m.group(1)), m.group(1))}]", verdict.text)
        # (the documents' disagreement on the figure asked holds whatever the model made of it)
        return Answer(fallback.question, body.strip(), False, citations, fallback.retrieved, mode="llm",
                      notice=fallback.notice)

    def generate(self, question: str, evidence: list[Evidence], fallback: Answer) -> Answer:
        top = evidence[: self.passages]
        try:
            text = self.client.complete(build_messages(question, top))
        except LLMUnavailable:
            fallback.notice = joined(fallback.notice, FALLBACK_NOTICE)
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
            fallback.notice = joined(fallback.notice, FALLBACK_NOTICE)
            yield {"type": "reset"}
            yield {"type": "delta", "text": fallback.answer}
            yield {"type": "done", "answer": fallback.public()}
            return
        answer = self._finish("".join(pieces), top, fallback)
        if answer is fallback or answer.answer != "".join(pieces).strip():
            yield {"type": "reset"}  # what was shown while streaming is replaced by the checked answer
            yield {"type": "delta", "text": answer.answer}
        yield {"type": "done", "answer": answer.public()}
