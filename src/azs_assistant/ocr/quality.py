"""The quality gate: a page that cannot be read is not stored as garbage; the operator is asked to
retake the photo, with the likely reason in Russian.

Measured on the development images: readable pages (clean scans to ordinary phone photos) get a
mean word confidence of 93-96; dark, defocused or distant photos get about 31, or yield almost no
words. Exposure and the page's size in the frame tell which advice to give.
"""

from __future__ import annotations

import re

from azs_assistant.ocr.engine import OCRResult
from azs_assistant.ocr.preprocess import Prepared

MIN_CONFIDENCE = 60.0
MIN_WORDS = 5
HALF_READABLE = 80.0  # between this and MIN_CONFIDENCE a page is indexed but flagged

REASONS = {
    "small": "текст слишком мелкий: подойдите ближе, чтобы лист занимал весь кадр",
    "dark": "фото слишком тёмное: переснимите при хорошем освещении, без тени на листе",
    "blur": "фото размыто: держите телефон неподвижно, переснимите ближе при хорошем освещении",
    "empty": "на фото не найден текст: снимите лист целиком, ровно и при хорошем освещении",
}


def judge(prepared: Prepared, result: OCRResult) -> tuple[str, str | None]:
    """("ok" | "retake", reason in Russian)."""
    words = [w for w in result.words if re.search(r"\w{2,}", w.text)]
    if len(words) < MIN_WORDS:
        return "retake", REASONS["empty"]
    if result.confidence >= MIN_CONFIDENCE:
        return "ok", None
    if prepared.brightness < 170:
        return "retake", REASONS["dark"]
    if prepared.page_found and prepared.page_width < 1000:
        return "retake", REASONS["small"]
    return "retake", REASONS["blur"]
