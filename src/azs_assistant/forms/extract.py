"""Recognising a form in OCR'd text and extracting its fields, validated by the template.

Labels are found anywhere in a line, word by word, with a fuzzy tolerance (OCR drops or confuses a
letter now and then); a value is what follows its label up to the next label, or on the next line,
wherever it first looks like the field's type (``locate.py``), then parsed by that type (``values.py``).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from azs_assistant import i18n
from azs_assistant.documents.chunking import split_sentences
from azs_assistant.errors import InvalidInput
from azs_assistant.forms.locate import Hit, Label, find_labels, header_rows, label_of, value_after
from azs_assistant.forms.values import cyrillic_capitals, parse, shape_span, shaped

TEXTS = "azs_assistant.forms"  # forms/i18n: why a field should be checked
_FOLD = str.maketrans("abcehkmoptxyё", "авсенкмортхуе")


class FieldSpec(BaseModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str | None = None  # how the web page names the field; default: the first label
    title_kk: str | None = None  # the same in Kazakh and English (the bot's reply); default: ``title``
    title_en: str | None = None
    labels: list[str] = Field(min_length=1)
    choices: list[str] = Field(default_factory=list)  # the values a string field takes on the paper form
    type: Literal["string", "integer", "decimal", "date"] = "string"
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    required: bool = False
    stop: list[str] = Field(default_factory=list)
    not_below: str | None = None  # another number field this one may not be less than (a meter's end, its start)

    @property
    def caption(self) -> str:
        """The field's name on the page: its title, else its first label."""
        return self.title or self.labels[0]

    def caption_in(self, lang: str) -> str:
        """The field's name for a user of ``lang``: its Kazakh or English title where the template has
        one, else the Russian caption."""
        return {"kk": self.title_kk, "en": self.title_en}.get(lang) or self.caption


class DetectSpec(BaseModel):
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)


class DefectSpec(BaseModel):
    keywords: list[str] = Field(default_factory=list)
    except_: list[str] = Field(default_factory=list, alias="except")


class FormTemplate(BaseModel):
    form: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    title_kk: str | None = None
    title_en: str | None = None
    export_name: str | None = None
    detect: DetectSpec
    fields: list[FieldSpec] = Field(min_length=1)
    defects: DefectSpec | None = None
    # the fields that together name one paper form (an act's number and its station): a second record with the
    # same values is the same paper, saved again (``FormRecords.create`` confirms or refuses it)
    key: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _key_names_fields(self) -> FormTemplate:
        unknown = set(self.key) - {f.name for f in self.fields}
        if unknown:
            raise ValueError(f"key names fields the form lacks: {', '.join(sorted(unknown))}")
        numbers = {f.name for f in self.fields if f.type in ("integer", "decimal")}
        floors = {f.name: f.not_below for f in self.fields if f.not_below}
        wrong = sorted(f"{a} ≥ {b}" for a, b in floors.items() if a not in numbers or b not in numbers)
        if wrong:
            raise ValueError(f"not_below compares number fields of the form only: {', '.join(wrong)}")
        return self

    def title_in(self, lang: str) -> str:
        """The form's name for a user of ``lang`` (Russian where the template has no translation)."""
        return {"kk": self.title_kk, "en": self.title_en}.get(lang) or self.title


DOUBTFUL_BELOW = 90.0  # least word confidence of a value the operator should check (dev photos: 92-96 when right)
RESCUED_LABEL = 85.0  # a value after a label read with letters misread is shown to be checked (below the line above)
# A value only the second reader found (Tesseract misread its label), and one the two readers read apart (the
# other reading offered), are shown to be checked: below what the bot (70) and ``azs ocr`` (80) mark «⚠».
ONE_READER = 60.0
DISPUTED = 50.0
CHECKED_TYPES = ("integer", "decimal", "date")  # and fields with a list of values: the others stay Tesseract's
SAME_LINE = 60  # how alike (rapidfuzz ratio) the lines two readings found a value on must be to be one line


class FieldState(BaseModel):
    """How sure the reading of one field is, for the page that asks the operator to check it."""

    state: Literal["ok", "doubtful", "missing"]
    reason: str | None = None  # in Russian; ``code`` and ``values`` let a page say it in its language
    code: Literal["missing", "missing_required", "unreadable", "not_in_list", "unsure", "disputed"] | None = None
    values: dict[str, str] = Field(default_factory=dict)
    suggestion: str | None = None
    message: str | None = Field(default=None, description="The reason in the caller's language (ru, kk or en)")

    def message_in(self, lang: str) -> str | None:
        """What to check, in ``lang``, from the forms catalogue (``forms/i18n``) by ``code`` and ``values``."""
        if self.code is None:
            return None
        said = i18n.text(TEXTS, f"fs_{self.code}", lang, **self.values)
        return said + "; " + i18n.text(TEXTS, "fs_looks_like", lang, near=self.values["near"]) \
            if self.values.get("near") else said

    def said_in(self, lang: str) -> FieldState:
        """This state with ``message`` in ``lang``."""
        return self.model_copy(update={"message": self.message_in(lang)})


class FormMatch(BaseModel):
    form: str
    fields: dict[str, Any]
    confidence: dict[str, float]
    problems: list[str]
    defects: list[str]
    disputed: dict[str, str] = Field(default_factory=dict)  # field → the other reader's value (``cross_check``)
    sources: dict[str, str] = Field(default_factory=dict)  # field → the line its label was read on (read right)


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
    row = header_rows(lines, hits, lambda name, text: shape_span(text, specs[name]))
    fields: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    problems: list[str] = []
    sources: dict[str, str] = {}
    for spec in template.fields:
        value, raw, hit = _find_value(lines, hits, spec, row)
        rescued = hit is not None and hit.rescued
        if hit is not None and not rescued:
            sources[spec.name] = lines[hit.line]
        if value is None and (raw is None or spec.pattern):
            if spec.required:
                problems.append(f"не найдено поле «{spec.labels[0]}»")
            continue
        value = value if value is not None else str(raw)
        try:
            fields[spec.name] = parse(value, spec)
        except ValueError as exc:
            problems.append(f"поле «{spec.labels[0]}»: {exc}")
            fields[spec.name] = value
        confidence[spec.name] = _confidence(value, word_confidence)
        if rescued:  # its label was read with letters misread («ТРЕ № 3», «УРА № 3»): the operator checks the value
            confidence[spec.name] = min(confidence[spec.name], RESCUED_LABEL)
    defects = _defects(lines, template.defects) if template.defects else []
    return FormMatch(form=template.form, fields=fields, confidence=confidence, problems=problems, defects=defects,
                     sources=sources)


def cross_check(template: FormTemplate, first: FormMatch, second: FormMatch) -> FormMatch:
    """The fields of a page read twice: Tesseract's reading (``first``) checked against the line
    reader's (``second``), for numbers, dates and values from the form's list only (the line reader reads
    «АЗС» as «АЭС», «1» as «І» and spaces otherwise: names and free text stay Tesseract's). A value both read
    alike stands. One they read apart on the same line (its label read right by both) takes the line reader's
    value (on the OCR sets' kept act pages it was right at each of the three such values, tuning and
    validation parts alike), shown to be checked with Tesseract's offered beside it (``disputed``, also said
    in ``problems``, which a stored record keeps). One Tesseract did not find, or did not parse, is taken from
    the line reader and shown to be checked. A value Tesseract read off the form's list stays, to be corrected
    with the listed value the page offers; and a value the line reader's reading does not parse, does not
    hold, or found after a misread label leaves Tesseract's as it was."""
    from rapidfuzz import fuzz

    fields, confidence = dict(first.fields), dict(first.confidence)
    problems, disputed = list(first.problems), dict(first.disputed)
    for spec in template.fields:
        name, value, caption = spec.name, second.fields.get(spec.name), f"«{spec.labels[0]}»"
        if (spec.type not in CHECKED_TYPES and not spec.choices) or value in (None, "") \
                or name not in second.sources or any(caption in p for p in second.problems) \
                or (spec.choices and str(value) not in spec.choices):
            continue
        mine = first.fields.get(name)
        if mine not in (None, "") and (str(mine) == str(value) or (spec.choices and str(mine) not in spec.choices)):
            continue  # alike; or off the form's list, where the page offers the listed value («AU-92»: «АИ-92»)
        readable = mine not in (None, "") and not any(caption in p for p in first.problems)
        if readable:
            if fuzz.ratio(normalise(first.sources.get(name, "")), normalise(second.sources[name])) < SAME_LINE:
                continue  # found on another line (a label misread, a page's other mention): no verdict
            disputed[name] = _shown(mine, spec)
            problems.append(f"поле {spec.caption}: другое прочтение фото — «{disputed[name]}»")
        fields[name] = value
        confidence[name] = DISPUTED if readable else ONE_READER
        problems = [p for p in problems if caption not in p]
    return first.model_copy(update={"fields": fields, "confidence": confidence, "problems": problems,
                                    "disputed": disputed})


def _shown(value: Any, spec: FieldSpec) -> str:
    """A value as the page shows it and takes it back: a date as ДД.ММ.ГГГГ."""
    return dotted_date(str(value)) if spec.type == "date" else str(value)


def dotted_date(value: str) -> str:
    """An ISO date as a page prints it: «2024-11-08» → «08.11.2024» (any other value as it is)."""
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    return f"{iso[3]}.{iso[2]}.{iso[1]}" if iso else value


def field_states(template: FormTemplate, match: FormMatch) -> dict[str, FieldState]:
    """Every field of the form, found or not: missing ones and doubtful ones (a value that does not
    parse, a low OCR confidence, a value outside the form's list) with the reason the page shows."""
    states: dict[str, FieldState] = {}
    for spec in template.fields:
        value = match.fields.get(spec.name)
        problem = next((p for p in match.problems if f"«{spec.labels[0]}»" in p), None)
        if value in (None, ""):
            state = FieldState(state="missing", code="missing_required" if spec.required else "missing")
        elif problem is not None:
            state = FieldState(state="doubtful", reason=problem, code="unreadable")  # the parser's own words
        elif spec.name in match.disputed:
            other = match.disputed[spec.name]
            state = FieldState(state="doubtful", suggestion=other, code="disputed", values={"other": other})
        elif spec.choices and str(value) not in spec.choices:
            near = _nearest_choice(str(value), spec.choices)
            state = FieldState(state="doubtful", suggestion=near, code="not_in_list",
                               values={"choices": ", ".join(spec.choices), "near": near or ""})
        elif (conf := match.confidence.get(spec.name, 100.0)) < DOUBTFUL_BELOW:
            state = FieldState(state="doubtful", code="unsure", values={"conf": f"{conf:.0f}"})
        else:
            state = FieldState(state="ok")
        states[spec.name] = state if state.reason or state.code is None else \
            state.model_copy(update={"reason": state.message_in("ru")})
    return states


def _nearest_choice(value: str, choices: list[str]) -> str | None:
    """The choice a misread value most likely is: Latin look-alikes folded («AU-92» → «АИ-92»)."""
    from rapidfuzz import fuzz, process

    folded = cyrillic_capitals(value)
    best = process.extractOne(folded, choices, scorer=fuzz.ratio, score_cutoff=60)
    return best[0] if best else None


def _labels(template: FormTemplate) -> list[Label]:
    return [label_of(spec.name, text) for spec in template.fields for text in spec.labels]


def _find_value(lines: list[str], hits: list[Hit], spec: FieldSpec,
                row: dict[Hit, str | None]) -> tuple[str | None, str | None, Hit | None]:
    """(the value, or None; the raw text; the label it was found after, None without a value) of a field: after a
    label read right before one read a letter off, the label that stands at the start of a line before one
    inside a sentence, the better fit first, the page's first one among equals; the first of them that is
    followed by something shaped like the field's value (below it, for a label in a row of labels: ``row``)."""
    mine = sorted((h for h in hits if h.field == spec.name),
                  key=lambda h: (h.rescued, not h.at_start, -h.score, h.line))
    raw = None
    for hit in mine:
        if hit in row:
            value, stretch = row[hit], row[hit]
        else:
            value, stretch = value_after(hit, lines, hits, lambda text: shaped(text, spec))
        if value is not None:
            return value, stretch, hit
        raw = raw or stretch or None
    return None, raw, None


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
