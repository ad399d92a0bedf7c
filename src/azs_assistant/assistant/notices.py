"""The assistant's own texts in the asker's language: no answer, the model is away, no such document.

The rule, in one place: the interface's language when the front end knows it (the web page, a Telegram
user's own setting, the API's ``lang``), else the language the question is written in. The texts are
made in Russian where an answer is made (the cache, the stream and the conversation log keep them so);
``localise`` puts a finished answer's fixed texts into the asker's language as the last step of a turn.
A text is recognised only when the whole answer or notice is one of them, so quoted passages always stay
in their document's own language.

The frame of longer answers (headings, labels, notes around quoted text: ``i18n/frames/``) is made in the
asker's language where the answer is built, since those answers are built anew for every turn. The one
frame inside answers the cache shares between languages, the interpolation note of a table lookup, is
found inside the answer and put into the asker's language here.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache

from azs_assistant.assistant.model import Answer
from azs_assistant.i18n import LANGUAGES, catalogue, folders, read
from azs_assistant.i18n import text as catalogue_text
from azs_assistant.language.detect import detect_language

PACKAGE = "azs_assistant.assistant"
_FIELD = re.compile(r"\{(\w+)\}")
INLINE = ("table_interpolated",)  # frames found inside a cached answer, not as the whole of it


def answer_language(interface: str | None, question: str) -> str:
    """The language of the assistant's notices: the interface's when known, else the question's."""
    return interface if interface in LANGUAGES else detect_language(question)  # type: ignore[return-value]


def localise(answer: Answer, lang: str) -> Answer:
    """The answer with its fixed texts (the answer itself when it is one, the notice) in ``lang``."""
    if lang == "ru" or lang not in LANGUAGES:
        return answer
    text = _translate_inline(translate(answer.answer, lang), lang)
    # (an answer may carry two notices, one a line: the documents disagree, and the model was away)
    notice = "\n".join(translate(line, lang) for line in answer.notice.split("\n")) if answer.notice else None
    if text == answer.answer and notice == answer.notice:
        return answer
    return dataclasses.replace(answer, answer=text, notice=notice)


def transient(notice: str | None) -> bool:
    """The notice says the answer is not final: the model was away or its reply was not confirmed (a later ask
    may get the model's answer). The documents' disagreement on a figure holds until they change."""
    texts = {catalogue_text(PACKAGE, "llm_fallback"), catalogue_text(PACKAGE, "llm_unchecked")}
    return bool(notice) and any(line in texts for line in notice.split("\n"))  # type: ignore[union-attr]


def joined(notice: str | None, more: str) -> str:
    """An answer's notice with another added as a line of its own (each is translated by itself)."""
    return f"{notice}\n{more}" if notice else more


def translate(text: str, lang: str) -> str:
    """A Russian fixed text of the assistant in ``lang``, its filled-in values kept; any other text as it is."""
    for key, pattern in _patterns().items():
        found = pattern.fullmatch(text)
        if found:
            return catalogue(PACKAGE, lang)[key].format(**found.groupdict())
    return text


def _translate_inline(text: str, lang: str) -> str:
    """Each inline frame found in ``text`` in ``lang``, its filled-in values (quoted rows) kept."""
    for key in INLINE:
        template = catalogue(PACKAGE, lang)[key]

        def said(found: re.Match[str], template: str = template) -> str:
            return template.format(**found.groupdict())

        text = _pattern(catalogue(PACKAGE, "ru")[key]).sub(said, text)
    return text


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Each whole notice (the catalogue's own folder, not the frames) as a pattern."""
    return {key: _pattern(template) for key, template in read(folders(PACKAGE)[0], "ru").items()}


def _pattern(template: str) -> re.Pattern[str]:
    """A Russian text as a pattern: its literal parts exact, each ``{placeholder}`` any text."""
    parts = _FIELD.split(template)  # literal, name, literal, name, …
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(regex, re.DOTALL)
