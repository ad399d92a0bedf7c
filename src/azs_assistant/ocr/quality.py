"""The quality gate: a page is kept only when its reading is trustworthy; otherwise the operator is
asked to retake the photo, with the likely reason (stored in Russian; ``reason_in`` says it in kk or en).

One decision for both readers (Tesseract's and the line reader's): a logistic model over signals of
the reading and of the photo gives the probability that the page's text is within 0.15 character
error, and the page is kept from ``KeepModel.threshold`` up. The signals are the mean confidence
(Tesseract's word confidences, the line reader's character probabilities), the share of unsure
words, the share of Cyrillic words a dictionary knows (pymorphy3's Russian, Tesseract's Kazakh),
how far two independent readings of the page agree, the sharpness of the prepared page and the
height of its text in the photo. The coefficients live in ``models/keep.json`` as plain numbers;
``bench/fit_keep.py`` fits them on the tuning part of ``bench/make_ocr_set.py``'s pages (never the
development set) and reports the precision/recall curve on the validation part.

Why not thresholds: the former gates (mean word confidence ≥ 60 for Tesseract, mean character
probability ≥ 85 for the line reader) were set on the development pages and kept one unseen bad
photo in four as ``ok`` with garbage text; no single confidence separates good from bad readings on
photos nobody tuned for, while garbage rarely spells dictionary words or agrees with a second reading.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from azs_assistant.ocr.preprocess import Prepared

MIN_WORDS = 5
UNSURE_WORD = 60.0  # a word (Tesseract) or its least sure letter (line reader) below this is unsure
MODEL = Path(__file__).parent / "models" / "keep.json"
FEATURES = ("confidence", "unsure", "dictionary", "agreement", "sharpness", "text_height", "words", "line_reader")

REASONS = {
    "small": "текст слишком мелкий: подойдите ближе, чтобы лист занимал весь кадр",
    "dark": "фото слишком тёмное: переснимите при хорошем освещении, без тени на листе",
    "blur": "фото размыто: держите телефон неподвижно, переснимите ближе при хорошем освещении",
    "empty": "на фото не найден текст: снимите лист целиком, ровно и при хорошем освещении",
}
_WORD = re.compile(r"[^\W\d_]{3,}")
_CYRILLIC = re.compile(r"^[а-яёәғқңөұүһі]+$")
_KAZAKH = re.compile(r"[әғқңөұүһі]")


@dataclass
class Reading:
    """What the gate needs to know of one reading of a page."""

    source: str                               # "tesseract" | "lines"
    text: str
    word_confidences: list[float]             # 0..100 per word, in reading order
    confidence: float                         # the reader's own mean (0..100)
    text_heights: list[float] = field(default_factory=list)  # px on the prepared page
    other_text: str | None = None             # an independent reading of the same page, if any


@dataclass
class KeepModel:
    """A logistic model over ``FEATURES`` (standardised by ``mean`` and ``scale``)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    sure: float  # from this probability up a kept page carries no warning

    @classmethod
    def load(cls, path: Path = MODEL) -> KeepModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["features"]), np.array(data["mean"], float), np.array(data["scale"], float),
                   np.array(data["coef"], float), float(data["intercept"]), float(data["threshold"]),
                   float(data["sure"]))

    def probability(self, values: dict[str, float]) -> float:
        """P(the page's text is within 0.15 character error) for the signals ``values``."""
        x = np.array([values[name] for name in self.features], float)
        z = float(self.intercept + ((x - self.mean) / self.scale) @ self.coef)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@lru_cache(maxsize=1)
def model() -> KeepModel:
    return KeepModel.load()


def dictionary_rate(text: str) -> float:
    """The share of Cyrillic words of three letters or more that a dictionary knows (Kazakh words
    by Tesseract's Kazakh word list); 0 when the text has none."""
    from azs_assistant.language.analyzer import get_analyzer
    from azs_assistant.ocr.lines import kazakh_words

    russian, kazakh = get_analyzer(), kazakh_words()
    words = [w.lower() for w in _WORD.findall(text)]
    words = [w for w in words if _CYRILLIC.match(w)]
    if not words:
        return 0.0
    known = 0
    for w in words:
        if _KAZAKH.search(w):
            known += bool(kazakh is not None and kazakh.is_known(w))
        else:
            known += russian.is_known(w) or bool(kazakh is not None and kazakh.is_known(w))
    return known / len(words)


def agreement(text: str, other: str | None) -> float:
    """How far two readings of one page say the same (1 - normalised edit distance), 0..1."""
    from rapidfuzz.distance import Levenshtein

    if other is None:
        return math.nan
    a, b = " ".join(text.split()), " ".join(other.split())
    return float(Levenshtein.normalized_similarity(a, b)) if a or b else 0.0


def page_sharpness(prepared: Prepared) -> float:
    """``sharpness`` of a prepared page, measured once (about 80 ms on an A4 page): the pipeline asks it to
    bound Tesseract and to decide on a probe, and every reading's keep decision asks it again."""
    if prepared.sharp is None:
        prepared.sharp = sharpness(prepared.gray if prepared.gray is not None else prepared.image)
    return prepared.sharp


def sharpness(gray: np.ndarray) -> float:
    """How crisp the print is on the prepared page: the share of ink pixels among ink and the grey
    fringe around it. A defocused, shaken or low-resolution photo smears each stroke into a wide
    grey fringe however it was upscaled; crisp print has almost none."""
    import cv2

    small = gray if gray.shape[1] <= 1240 else cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink, paper = float(np.percentile(small, 0.5)), float(np.percentile(small, 60))
    span = max(paper - ink, 1.0)
    level = (small.astype(np.float32) - ink) / span
    dark = int((level < 0.3).sum())
    fringe = int(((level >= 0.3) & (level < 0.8)).sum())
    return dark / max(dark + fringe, 1)


def features(reading: Reading, prepared: Prepared) -> dict[str, float]:
    """The signals of ``FEATURES`` for one reading of a prepared page."""
    confs = reading.word_confidences
    heights = [h / max(prepared.scale, 1e-6) for h in reading.text_heights]
    return {
        "confidence": reading.confidence / 100.0,
        "unsure": float(np.mean([c < UNSURE_WORD for c in confs])) if confs else 1.0,
        "dictionary": dictionary_rate(reading.text),
        "agreement": agreement(reading.text, reading.other_text),
        "sharpness": page_sharpness(prepared),
        "text_height": math.log2(max(float(np.median(heights)), 1.0)) if heights else 0.0,
        "words": math.log2(1 + len(confs)),
        "line_reader": 1.0 if reading.source == "lines" else 0.0,
    }


def keep_probability(values: dict[str, float], keep_model: KeepModel | None = None) -> float:
    """The model's probability for ``values``; a missing signal (NaN: no second reading) counts as
    the tuning pages' average."""
    m = keep_model or model()
    filled = {k: (float(m.mean[m.features.index(k)]) if k in m.features and math.isnan(v) else v)
              for k, v in values.items()}
    return m.probability(filled)


@dataclass
class Verdict:
    quality: str                 # ok | retake
    reason: str | None           # what to do, in Russian, for a retake
    keep: float                  # the probability that the reading is within 0.15 character error
    features: dict[str, float]   # the signals it was judged by (empty when there was nothing to judge)


def enough_words(text: str) -> bool:
    """Whether a text holds ``MIN_WORDS`` words of two letters or digits or more: below that a page has no text
    worth keeping."""
    return len(re.findall(r"\w{2,}", text)) >= MIN_WORDS


def judge(prepared: Prepared, reading: Reading, keep_model: KeepModel | None = None) -> Verdict:
    """Whether to keep a reading of a page, and if not, the reason to give."""
    if not enough_words(reading.text):
        return Verdict("retake", REASONS["empty"], 0.0, {})
    m = keep_model or model()
    values = features(reading, prepared)
    p = keep_probability(values, m)
    if p >= m.threshold:
        return Verdict("ok", None, p, values)
    return Verdict("retake", retake_reason(prepared), p, values)


LINE_UNSURE = {"tesseract": 60.0, "lines": 80.0}  # a line's mean confidence below this is doubtful
LINE_DICTIONARY = 0.5  # ... and so is a line of two or more Cyrillic words fewer than half of which are words
LINE_REASONS = {"unsure": "строка прочитана неуверенно", "words": "в строке много слов не из словаря",
                "unconfirmed": "строка не подтверждена второй читкой"}


def line_doubt(text: str, confidence: float | None, source: str) -> str | None:
    """Why one line of a kept page should not be trusted (not indexed, shown marked), or None.

    Set by hand, unlike the page's gate: a line is doubtful when its reader was unsure of it or
    when most of its Cyrillic words are no words (stamps, signatures and smudges read as letters)."""
    if confidence is not None and confidence < LINE_UNSURE.get(source, 60.0):
        return LINE_REASONS["unsure"]
    words = [w for w in _WORD.findall(text.lower()) if _CYRILLIC.match(w)]
    if len(words) >= 2 and dictionary_rate(text) < LINE_DICTIONARY:
        return LINE_REASONS["words"]
    return None


def reason_in(reason: str | None, lang: str) -> str | None:
    """A page's or a line's reason (a retake, a check, a doubt; stored in Russian) in ``lang``, from the OCR catalogue
    (``ocr/i18n``); a reason the catalogue does not know comes back as it is."""
    from azs_assistant.i18n import catalogue

    if reason is None or lang == "ru":
        return reason
    key = next((k for k, text in catalogue("azs_assistant.ocr", "ru").items() if text == reason), None)
    return catalogue("azs_assistant.ocr", lang)[key] if key else reason


def retake_reason(prepared: Prepared) -> str:
    """What to change when photographing again, from exposure and the page's size in the frame."""
    if prepared.brightness < 170:
        return REASONS["dark"]
    if prepared.page_found and prepared.page_width < 1000:
        return REASONS["small"]
    return REASONS["blur"]
