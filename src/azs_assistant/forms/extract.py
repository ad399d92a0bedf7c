"""Recognising a form in OCR'd text and extracting its fields, validated by the template.

Labels are matched on normalised lines (lower case, ё→е, «N»→«№», Latin look-alikes folded) with a
fuzzy tolerance, because OCR drops or confuses a letter now and then; the value is what follows the
label on the same line, parsed by the field's type.
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

_FOLD = str.maketrans("abcehkmoptxyё", "авсенкмортхуе")
_DIGIT_LOOKALIKES = str.maketrans("306", "зоб")


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
    norm_lines = [normalise(ln) for ln in lines]
    scores = {spec.name: _label_scores(norm_lines, spec) for spec in template.fields}
    fields: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    problems: list[str] = []
    for spec in template.fields:
        raw = _find_value(lines, norm_lines, spec, scores)
        if raw is None:
            if spec.required:
                problems.append(f"не найдено поле «{spec.labels[0]}»")
            continue
        try:
            fields[spec.name] = _parse(raw, spec)
        except ValueError as exc:
            problems.append(f"поле «{spec.labels[0]}»: {exc}")
            fields[spec.name] = raw
        confidence[spec.name] = _confidence(raw, word_confidence)
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


def _label_scores(norm_lines: list[str], spec: FieldSpec) -> dict[int, tuple[float, int]]:
    """For each line, how well the line starts with one of the field's labels: (score, label length)."""
    from rapidfuzz import fuzz

    out: dict[int, tuple[float, int]] = {}
    for label in spec.labels:
        lab = normalise(label)
        for i, line in enumerate(norm_lines):
            head = line[: len(lab)].translate(_DIGIT_LOOKALIKES)  # labels are words: «а3с» is «азс»
            score = 100.0 if head == lab else fuzz.ratio(head, lab)
            if score >= 85 and (i not in out or score > out[i][0]):
                out[i] = (score, len(lab))
    return out


def _find_value(lines: list[str], norm_lines: list[str], spec: FieldSpec,
                scores: dict[str, dict[int, tuple[float, int]]]) -> str | None:
    """The value after the field's label, on the line that this field's label fits best, and no
    other field's label fits better («на конец» must not take the «на начало» line)."""
    mine = scores[spec.name]
    candidates = [(score, i, length) for i, (score, length) in mine.items()
                  if all(other.get(i, (0.0, 0))[0] <= score for name, other in scores.items() if name != spec.name)]
    if not candidates:
        return None
    _, i, length = max(candidates, key=lambda c: (c[0], c[2]))
    value = _original_tail(lines[i], norm_lines[i], length)
    for stop in spec.stop:
        cut = normalise(value).find(normalise(stop))
        if cut >= 0:
            value = value[:cut]
    value = value.strip(" :;—-_|")
    if spec.pattern:
        m = re.search(spec.pattern, value)
        return m.group() if m else None
    return value or None


def _original_tail(line: str, norm: str, length: int) -> str:
    """The part of the original line after the label (normalisation only changes case and spaces)."""
    words_in_label = len(norm[:length].split())
    parts = line.replace("№", " № ").split()
    return " ".join(parts[words_in_label:])


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
