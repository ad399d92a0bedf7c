"""The assistant's own texts in the asker's language: no answer, the model is away, no such document.

The rule, in one place: the interface's language when the front end knows it (the web page, a Telegram
user's own setting, the API's ``lang``), else the language the question is written in. The texts are
made in Russian where an answer is made (the cache, the stream and the conversation log keep them so);
``localise`` puts a finished answer's fixed texts into the asker's language as the last step of a turn.
A text is recognised only when the whole answer or notice is one of them, so quoted passages always stay
in their document's own language.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache

from azs_assistant.assistant.model import Answer
from azs_assistant.i18n import LANGUAGES, catalogue
from azs_assistant.language.detect import detect_language

PACKAGE = "azs_assistant.assistant"
_FIELD = re.compile(r"\{(\w+)\}")


def answer_language(interface: str | None, question: str) -> str:
    """The language of the assistant's notices: the interface's when known, else the question's."""
    return interface if interface in LANGUAGES else detect_language(question)  # type: ignore[return-value]


def localise(answer: Answer, lang: str) -> Answer:
    """The answer with its fixed texts (the answer itself when it is one, the notice) in ``lang``."""
    if lang == "ru" or lang not in LANGUAGES:
        return answer
    text, notice = translate(answer.answer, lang), translate(answer.notice, lang) if answer.notice else None
    if text == answer.answer and notice == answer.notice:
        return answer
    return dataclasses.replace(answer, answer=text, notice=notice)


def translate(text: str, lang: str) -> str:
    """A Russian fixed text of the assistant in ``lang``, its filled-in values kept; any other text as it is."""
    for key, pattern in _patterns().items():
        found = pattern.fullmatch(text)
        if found:
            return catalogue(PACKAGE, lang)[key].format(**found.groupdict())
    return text


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Each Russian text as a pattern: its literal parts exact, each ``{placeholder}`` any text."""
    out = {}
    for key, template in catalogue(PACKAGE, "ru").items():
        parts = _FIELD.split(template)  # literal, name, literal, name, …
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out[key] = re.compile(regex, re.DOTALL)
    return out
