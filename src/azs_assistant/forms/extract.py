"""Recognising a form in OCR'd text and extracting its fields, validated by the template.

Labels are found anywhere in a line, word by word, with a fuzzy tolerance (OCR drops or confuses a
letter now and then); a value is what follows its label up to the next label, or on the next line,
wherever it first looks like the field's type (``locate.py``), and is then parsed by that type.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from azs_assistant.documents.chunking import split_sentences
from azs_assistant.errors import InvalidInput
from azs_assistant.forms.locate import FILLER as _FILLER
from azs_assistant.forms.locate import Hit, Label, find_labels, header_rows, label_of, tokens, value_after

_FOLD = str.maketrans("abcehkmoptxyё", "авсенкмортхуе")


class FieldSpec(BaseModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str | None = None  # how the web page names the field; default: the first label
    labels: list[str] = Field(min_length=1)
    choices: list[str] = Field(default_factory=list)  # the values a string field takes on the paper form
    type: Literal["string", "integer", "decimal", "date"] = "string"
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    required: bool = False
    stop: list[str] = Field(default_factory=list)

    @property
    def caption(self) -> str:
        """The field's name on the page: its title, else its first label."""
        return self.title or self.labels[0]


class DetectSpec(BaseModel):
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)


class DefectSpec(BaseModel):
    keywords: list[str] = Field(default_factory=list)
    except_: list[str] = Field(default_factory=list, alias="except")


class FormTemplate(BaseModel):
    form: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    export_name: str | None = None
    detect: DetectSpec
    fields: list[FieldSpec] = Field(min_length=1)
    defects: DefectSpec | None = None


DOUBTFUL_BELOW = 90.0  # least word confidence of a value the operator should check (dev photos: 92-96 when right)


class FieldState(BaseModel):
    """How sure the reading of one field is, for the page that asks the operator to check it."""

    state: Literal["ok", "doubtful", "missing"]
    reason: str | None = None  # in Russian; ``code`` and ``values`` let a page say it in its language
    code: Literal["missing", "missing_required", "unreadable", "not_in_list", "unsure"] | None = None
    values: dict[str, str] = Field(default_factory=dict)
    suggestion: str | None = None


class FormMatch(BaseModel):
    form: str
    fields: dict[str, Any]
    confidence: dict[str, float]
    problems: list[str]
    defects: list[str]


def normalise(text: str) -> str:
    text = text.lower().translate(_FOLD)
    text = re.sub(r"(?<=[а-я])\s*[nн]\s*(?=\d)|(?<=[а-я])\s+[nн]\s", " № ", text)
    return re.sub(r"\s+", " ", text.replace("№", " № ")).strip()


def load_templates(extra_dir: Path | None = None) -> dict[str, FormTemplate]:
    """Built-in templates plus a company's own from ``extra_dir`` (same name replaces built-in)."""
    sources: list[tuple[str, str]] = []
    for item in resources.files("azs_assistant.forms.templates").iterdir():
        if item.name.endswith((".yaml", ".yml")):
            sources.append((item.name, item.read_text("utf-8")))
    if extra_dir is not None and extra_dir.is_dir():
        sources += [(p.name, p.read_text("utf-8")) for p in sorted(extra_dir.glob("*.y*ml"))]
    templates: dict[str, FormTemplate] = {}
    for name, text in sources:
        try:
            template = FormTemplate.model_validate(yaml.safe_load(text))
        except (yaml.YAMLError, ValidationError, TypeError) as exc:
            raise InvalidInput(f"Шаблон формы {name} содержит ошибку: {exc}", f"Form template {name} is invalid: {exc}",
                               file=name) from exc
        templates[template.form] = template
    return templates


def match_template(text: str, templates: dict[str, FormTemplate]) -> FormTemplate | None:
    norm = normalise(text)
    for template in templates.values():
        det = template.detect
        if all(normalise(w) in norm for w in det.all) and (not det.any or any(normalise(w) in norm for w in det.any)):
            return template
    return None


def extract(text: str, template: FormTemplate, word_confidence: dict[str, float] | None = None) -> FormMatch:
    """Fields of the form found in the text, with per-field confidence and validation problems."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    hits = find_labels(lines, _labels(template))
    specs = {spec.name: spec for spec in template.fields}
    row = header_rows(lines, hits, lambda name, text: _shape_span(text, specs[name]))
    fields: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    problems: list[str] = []
    for spec in template.fields:
        value, raw = _find_value(lines, hits, spec, row)
        if value is None and (raw is None or spec.pattern):
            if spec.required:
                problems.append(f"не найдено поле «{spec.labels[0]}»")
            continue
        value = value if value is not None else str(raw)
        try:
            fields[spec.name] = _parse(value, spec)
        except ValueError as exc:
            problems.append(f"поле «{spec.labels[0]}»: {exc}")
            fields[spec.name] = value
        confidence[spec.name] = _confidence(value, word_confidence)
    defects = _defects(lines, template.defects) if template.defects else []
    return FormMatch(form=template.form, fields=fields, confidence=confidence, problems=problems, defects=defects)


def field_states(template: FormTemplate, match: FormMatch) -> dict[str, FieldState]:
    """Every field of the form, found or not: missing ones and doubtful ones (a value that does not
    parse, a low OCR confidence, a value outside the form's list) with the reason the page shows."""
    states: dict[str, FieldState] = {}
    for spec in template.fields:
        value = match.fields.get(spec.name)
        problem = next((p for p in match.problems if f"«{spec.labels[0]}»" in p), None)
        if value in (None, ""):
            reason = "не найдено на фото: впишите с бланка" + (" (обязательное поле)" if spec.required else "")
            states[spec.name] = FieldState(state="missing", reason=reason,
                                           code="missing_required" if spec.required else "missing")
        elif problem is not None:
            states[spec.name] = FieldState(state="doubtful", reason=problem, code="unreadable")
        elif spec.choices and str(value) not in spec.choices:
            near = _nearest_choice(str(value), spec.choices)
            listed = ", ".join(spec.choices)
            states[spec.name] = FieldState(
                state="doubtful", suggestion=near, code="not_in_list", values={"choices": listed, "near": near or ""},
                reason=f"такого значения нет в бланке ({listed})" + (f"; похоже на «{near}»" if near else ""))
        elif (conf := match.confidence.get(spec.name, 100.0)) < DOUBTFUL_BELOW:
            states[spec.name] = FieldState(state="doubtful", code="unsure", values={"conf": f"{conf:.0f}"},
                                           reason=f"прочитано неуверенно ({conf:.0f} %): сверьте с бланком")
        else:
            states[spec.name] = FieldState(state="ok")
    return states


def _nearest_choice(value: str, choices: list[str]) -> str | None:
    """The choice a misread value most likely is: Latin look-alikes folded («AU-92» → «АИ-92»)."""
    from rapidfuzz import fuzz, process

    folded = value.upper().translate(str.maketrans("ABCEHKMOPTXYU", "АВСЕНКМОРТХУИ"))
    best = process.extractOne(folded, choices, scorer=fuzz.ratio, score_cutoff=60)
    return best[0] if best else None


def _labels(template: FormTemplate) -> list[Label]:
    return [label_of(spec.name, text) for spec in template.fields for text in spec.labels]


def _find_value(lines: list[str], hits: list[Hit], spec: FieldSpec,
                row: dict[Hit, str | None]) -> tuple[str | None, str | None]:
    """(the value, or None; the raw text) of a field: after the label that stands at the start of a
    line before one inside a sentence, the better fit first, the page's first one among equals; the
    first of them that is followed by something shaped like the field's value (below it, for a label
    in a row of labels: ``row``)."""
    mine = sorted((h for h in hits if h.field == spec.name), key=lambda h: (not h.at_start, -h.score, h.line))
    raw = None
    for hit in mine:
        if hit in row:
            value, stretch = row[hit], row[hit]
        else:
            value, stretch = value_after(hit, lines, hits, lambda text: _shaped(text, spec))
        if value is not None:
            return value, stretch
        raw = raw or stretch or None
    return None, raw


_INTEGER = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0]\d{3})+(?![\d.,]\d)|\d+")
_DECIMAL = re.compile(r"-?\d+(?:\s?[.,]\s?\d+)?")
_DATE = re.compile(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)"
                   r"|(?<!\d)\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?(?:\d{4}|\d{2})(?!\d)")


_DATE_IN_WORDS = re.compile(r"(?<!\d)(\d{1,2})\s*»?\s*([а-яА-ЯёЁ]{3,9})\s+(\d{4})(?!\d)")  # «12» марта 2026 г.
_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря")


def _shaped(text: str, spec: FieldSpec) -> str | None:
    """The part of a stretch of text that looks like the field's value (a number, a date, the
    template's pattern, or any words for a string field), or None; a string field ends at its stop words."""
    found = _shape_span(text, spec)
    return found[0] if found else None


def _shape_span(text: str, spec: FieldSpec) -> tuple[str, int] | None:
    """(the value, where it ends in ``text``) as ``_shaped``; a string runs to the end of the text."""
    for stop in spec.stop:
        text = _cut_at(text, stop)
    shape = {"integer": _INTEGER, "decimal": _DECIMAL, "date": _DATE}.get(spec.type)
    if shape is not None and not spec.pattern:  # searched as it is: a minus sign is no filler
        m = shape.search(text)
        if m is None and spec.type == "date":
            return _date_in_words(text)
        return None if m is None else (re.sub(r"\s+", " " if spec.type == "integer" else "", m.group()), m.end())
    lead = len(text) - len(text.lstrip(_FILLER))
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

    best = process.extractOne(normalise(m.group(2)), _MONTHS, scorer=fuzz.ratio, score_cutoff=80)
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


def _parse(raw: str, spec: FieldSpec) -> Any:
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


def _confidence(raw: str, words: dict[str, float] | None) -> float:
    if not words:
        return 100.0
    found = [words[w] for w in raw.split() if w in words]
    return min(found) if found else 100.0


def _defects(lines: list[str], spec: DefectSpec) -> list[str]:
    merged: list[str] = []
    for line in lines:  # OCR keeps the page's line breaks: join only lines that wrap a sentence
        if merged and line.strip()[:1].islower():
            merged[-1] += " " + line.strip()
        else:
            merged.append(line.strip())
    out = []
    for sentence in (s for line in merged for s in split_sentences(line)):
        low = normalise(sentence)
        if any(normalise(k) in low for k in spec.keywords) and not any(normalise(x) in low for x in spec.except_):
            out.append(sentence)
    return out
