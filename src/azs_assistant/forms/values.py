"""What a form field's value looks like in OCR'd text, and its parsing by the field's type.

A stretch of text after a label holds more than the value (fillers, a unit, a second number): the
value is the first part shaped like the field's type (a number with its thousands spaced, a date in
digits or with the month in words, the template's pattern, words for a string up to its stop words).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from azs_assistant.forms.locate import FILLER, tokens

if TYPE_CHECKING:
    from azs_assistant.forms.extract import FieldSpec

_INTEGER = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0]\d{3})+(?![\d.,]\d)|\d+")
_DECIMAL = re.compile(r"-?\d+(?:\s?[.,]\s?\d+)?")
_DATE = re.compile(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)"
                   r"|(?<!\d)\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?(?:\d{4}|\d{2})(?!\d)")


_DATE_IN_WORDS = re.compile(r"(?<!\d)(\d{1,2})\s*»?\s*([а-яА-ЯёЁ]{3,9})\s+(\d{4})(?!\d)")  # «12» марта 2026 г.
_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря")


def shaped(text: str, spec: FieldSpec) -> str | None:
    """The part of a stretch of text that looks like the field's value (a number, a date, the
    template's pattern, or any words for a string field), or None; a string field ends at its stop words."""
    found = shape_span(text, spec)
    return found[0] if found else None


def shape_span(text: str, spec: FieldSpec) -> tuple[str, int] | None:
    """(the value, where it ends in ``text``) as ``_shaped``; a string runs to the end of the text."""
    for stop in spec.stop:
        text = _cut_at(text, stop)
    shape = {"integer": _INTEGER, "decimal": _DECIMAL, "date": _DATE}.get(spec.type)
    if shape is not None and not spec.pattern:  # searched as it is: a minus sign is no filler
        m = shape.search(text)
        if m is None and spec.type == "date":
            return _date_in_words(text)
        return None if m is None else (re.sub(r"\s+", " " if spec.type == "integer" else "", m.group()), m.end())
    lead = len(text) - len(text.lstrip(FILLER))
    # a string keeps its closing dot («Ахметов Б.К.»), not a leader of dots or a blank line after it
    text = re.sub(r"[\s.…]*(?:\.{2,}|…)[\s.…]*$", "", text[lead:]).rstrip(" \t:;,_|—–-=~»\"'")
    if spec.pattern:
        m = re.search(spec.pattern, text)
        return (m.group(), lead + m.end()) if m else None
    return (text, lead + len(text)) if re.search(r"[^\W_]", text) else None


def _date_in_words(text: str) -> tuple[str, int] | None:
    """A date with the month in words («12» марта 2026 г.) as ДД.ММ.ГГГГ, and where it ends; or None."""
    m = _DATE_IN_WORDS.search(text)
    if m is None:
        return None
    from rapidfuzz import fuzz, process

    word = " ".join(t for t, _, _ in tokens(m.group(2)))
    best = process.extractOne(word, _MONTHS, scorer=fuzz.ratio, score_cutoff=80)
    if best is None:  # one letter misread in a month's name is forgiven, another word is not a month
        return None
    month = best[2] + 1
    return f"{int(m.group(1)):02d}.{month:02d}.{m.group(3)}", m.end()


def _cut_at(text: str, stop: str) -> str:
    """The text before a stop word, matched case-blind with «ё» as «е», or as a word with a letter
    or so misread («Подписъ»)."""
    from rapidfuzz import fuzz

    low = text.lower().replace("ё", "е")
    cut = low.find(stop.lower().replace("ё", "е"))
    if cut >= 0:
        return text[:cut]
    words = [t for t, _, _ in tokens(stop)]
    if len(words) == 1 and len(words[0]) >= 5:
        for tok, start, _ in tokens(text):
            if fuzz.ratio(tok, words[0]) >= 80:
                return text[:start]
    return text


def parse(raw: str, spec: FieldSpec) -> Any:
    if spec.type == "integer":
        m = re.search(r"\d[\d\s]*", raw)
        if not m:
            raise ValueError(f"ожидалось число, а не «{raw}»")
        value: Any = int(re.sub(r"\s", "", m.group()))
    elif spec.type == "decimal":
        m = re.search(r"-?\d+(?:[.,]\d+)?", raw)
        if not m:
            raise ValueError(f"ожидалось число, а не «{raw}»")
        value = float(m.group().replace(",", "."))
    elif spec.type == "date":
        iso = re.search(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)", raw)  # as the form page sends it back
        m = iso or re.search(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?!\d)", raw)
        # digits alone, typed on a phone's digits keypad (an iPhone's has no «.»): 14112026, 141126
        m = m or re.fullmatch(r"\s*(\d{2})(\d{2})(\d{4}|\d{2})\s*", raw)
        if not m:
            raise ValueError(f"ожидалась дата ДД.ММ.ГГГГ, а не «{raw}»")
        if iso:
            y, mo, d = (int(x) for x in m.groups())
        else:
            d, mo, y = (int(x) for x in m.groups())
        y = y + 2000 if y < 100 else y
        try:
            value = date(y, mo, d).isoformat()
        except ValueError as exc:
            raise ValueError(f"несуществующая дата «{m.group()}»") from exc
        if not 2000 <= y <= 2100:
            raise ValueError(f"год {y} вне допустимого диапазона")
        return value
    else:
        return raw.strip()
    if spec.min is not None and value < spec.min or spec.max is not None and value > spec.max:
        raise ValueError(f"значение {value} вне диапазона {spec.min}–{spec.max}")
    return value


class BadValue(ValueError):
    """A typed value the field does not take: ``code`` names the kind (a ``fv_*`` text of ``forms/i18n``) and
    ``values`` fill it, so each front end says it in its user's language."""

    def __init__(self, code: str, **values: str) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


_TYPED_INTEGER = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+|\d+")
_TYPED_DECIMAL = re.compile(r"-?(?:\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[.,]\d+)?")
_TYPED_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{8}|\d{6}")
_LOOKALIKES = str.maketrans("ABCEHKMOPTXYU", "АВСЕНКМОРТХУИ")


def cyrillic_capitals(value: str) -> str:
    """The value in capitals, Latin letters that look Cyrillic read as Cyrillic («AU-92» → «АИ-92»)."""
    return value.upper().translate(_LOOKALIKES)


def _folded(value: str) -> str:
    """A choice as people and OCR write it: case, Latin look-alikes, spaces and dashes folded («аи 92», «AИ-92»)."""
    return re.sub(r"[\s\-‐–—]+", "-", cyrillic_capitals(value.strip()))


_LEAD = re.compile(r"([^\W\d_]+)[\s.№#-]*(?=\d)")


def _without_label(text: str, spec: FieldSpec) -> str:
    """A number typed with its field's word before it, as people write it: «АЗС-001», «АЗС № 17», «ТРК 3» (the
    profile names a station «АЗС-001», and the act's «АЗС №» field refused it). Only the field's own word goes."""
    if re.match(r"№\s*\d", text):  # «№17»
        return text.lstrip("№ ")
    lead = _LEAD.match(text)
    if lead is None:
        return text
    titles = (spec.title or "", spec.title_kk or "", spec.title_en or "", *spec.labels)  # «ЖҚС-017» in Kazakh
    words = {m.group(0).lower() for label in titles if (m := re.match(r"[^\W\d_]+", label))}
    return text[lead.end():] if lead.group(1).lower() in words else text


def typed(raw: str, spec: FieldSpec) -> Any:
    """A value a person typed (or confirmed) into a field: the whole of it must be the field's value, or
    :class:`BadValue` says why not. A number is all digits («15OO» is refused, where a reading of the page would
    take its «15»), a date is a whole date, a field with the form's list of choices takes one of them (in any
    case or spelling of the letters; stored as the list writes it), and a template's pattern matches the whole
    value."""
    text = raw.strip()
    if spec.type == "integer":
        text = _without_label(text, spec)
    if spec.type in ("integer", "decimal"):
        if not (_TYPED_INTEGER if spec.type == "integer" else _TYPED_DECIMAL).fullmatch(text):
            raise BadValue("fv_not_integer" if spec.type == "integer" else "fv_not_number", value=raw)
        number: float = int(re.sub(r"\s", "", text)) if spec.type == "integer" else \
            float(re.sub(r"\s", "", text).replace(",", "."))
        if spec.min is not None and number < spec.min or spec.max is not None and number > spec.max:
            low = "" if spec.min is None else f"{spec.min:g}"
            high = "" if spec.max is None else f"{spec.max:g}"
            raise BadValue("fv_out_of_range", value=raw, range=f"{low}–{high}")
        return number
    if spec.type == "date":
        if not _TYPED_DATE.fullmatch(text):
            raise BadValue("fv_not_date", value=raw)
        try:
            return parse(text, spec)
        except ValueError:
            raise BadValue("fv_bad_date", value=raw) from None
    if spec.choices:
        choice = next((c for c in spec.choices if _folded(c) == _folded(text)), None)
        if choice is None:
            raise BadValue("fv_not_in_list", value=raw, choices=", ".join(spec.choices))
        return choice
    if spec.pattern and not re.fullmatch(spec.pattern, text):
        raise BadValue("fv_not_pattern", value=raw)
    return text
