"""The numbers of a page read once more, all at once, by the model that knows digits best.

The Russian and Cyrillic models of Tesseract share some digit confusions that no vote between them
can catch: both read PT Sans Caption's flat-topped «3» as «5» at confidence 90 and more («13.03.2026»
as «15.05.2026»), while the English model, restricted to digits and the punctuation of numbers, reads
it right. Every number of a kept reading is cut out, scaled to one height and stacked on one strip, so
that a single Tesseract run reads them all (about as long as one word read alone); a number whose
second reading has the same shape (the same length, the same punctuation at the same places) takes its
digits from it. A reading of another shape (a digit lost or added, a stroke read as «1») says nothing
about which is right and is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from azs_assistant.ocr.engine import MIN_WORD_CONF, OCRResult, OCRUnavailable, Word

DIGITS = "0123456789.,:/-%"
# Each number is put on the strip at each of these heights: a digit the English model misreads at one
# scale only («2024» as «2824», a DejaVu Sans Mono «3» as «5» on unseen photos) is a slip, one it reads
# the same at two scales is what it sees. A scale that reads the number unsure or in another shape
# («21:30» as «24250») abstains.
HEIGHTS = (34, 48, 64)
AGREE = 2
STRIP_GAP = 32      # white between two numbers on the strip, so that each is a line of its own
MAX_NUMBERS = 200   # a page with more (a long table) has the rest left as read
SURE_DIGITS = 60.0  # the strip's reading is taken only when read at least this sure

_NUMBER = re.compile(r"^([\W_]*?)(\d[\d.,:/%-]*\d|\d)([\W_]*)$")

Reader = Callable[[np.ndarray], OCRResult]


def shape(text: str) -> str:
    """A number's shape: its digits as «d», its punctuation as it is («13.03.2026» → «dd.dd.dddd»)."""
    return re.sub(r"\d", "d", text)


def numbers(result: OCRResult) -> list[int]:
    """Indexes of the words of a reading that are numbers (read with some confidence)."""
    return [i for i, w in enumerate(result.words) if w.conf >= MIN_WORD_CONF and _NUMBER.match(w.text)]


def strip(image: np.ndarray, words: list[Word], heights: tuple[int, ...] = HEIGHTS
          ) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The words cut out of a grey page, each scaled to each of ``heights`` in turn, stacked one under
    another on a white strip; and the rows (top, bottom) each one occupies on it (word by word, one
    row per height)."""
    import cv2

    crops = []
    for w in words:
        pad = max(3, w.height // 4)
        crop = image[max(0, w.top - pad):w.top + w.height + pad, max(0, w.left - pad):w.left + w.width + pad]
        for height in heights:
            scale = height / max(crop.shape[0], 1)
            crops.append(cv2.resize(crop, None, fx=scale, fy=scale,
                                    interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA))
    width = max((c.shape[1] for c in crops), default=1) + 2 * STRIP_GAP
    out = np.full((sum(c.shape[0] + STRIP_GAP for c in crops) + STRIP_GAP, width), 255, np.uint8)
    rows, y = [], STRIP_GAP
    for c in crops:
        out[y:y + c.shape[0], STRIP_GAP:STRIP_GAP + c.shape[1]] = c
        rows.append((y, y + c.shape[0]))
        y += c.shape[0] + STRIP_GAP
    return out, rows


def read_strip(found: OCRResult, rows: list[tuple[int, int]]) -> list[tuple[str, float] | None]:
    """Per row of the strip, the text read on it (its words joined) and its lowest confidence."""
    per_row: list[list[Word]] = [[] for _ in rows]
    for w in found.words:
        middle = w.top + w.height / 2
        for n, (top, bottom) in enumerate(rows):
            if top - STRIP_GAP / 2 <= middle < bottom + STRIP_GAP / 2:
                per_row[n].append(w)
                break
    return [("".join(w.text for w in sorted(ws, key=lambda w: w.left)), min(w.conf for w in ws)) if ws else None
            for ws in per_row]


def _same_shape(mine: str, theirs: str) -> bool:
    m, t = _NUMBER.match(mine), _NUMBER.match(theirs)
    return m is not None and t is not None and shape(m.group(2)) == shape(t.group(2))


def settle(mine: str, theirs: str) -> str:
    """The word with the strip's digits where both readings have the number's shape, else as read."""
    if not _same_shape(mine, theirs):
        return mine
    m, t = _NUMBER.match(mine), _NUMBER.match(theirs)
    assert m is not None and t is not None
    return m.group(1) + t.group(2) + m.group(3)


def reread(result: OCRResult, image: np.ndarray, read: Reader) -> OCRResult:
    """The reading with its numbers' digits as the strip reads them (see the module's docstring).
    ``read`` reads a strip (the English model with DIGITS only); a failed read leaves all as read."""
    found = numbers(result)[:MAX_NUMBERS]
    if not found:
        return result
    picture, rows = strip(image, [result.words[i] for i in found])
    try:
        strip_words = read(picture)
    except OCRUnavailable:  # an extra reading that failed (a timeout) costs its help, not the page
        return result
    words = list(result.words)
    seen = read_strip(strip_words, rows)
    for n, i in enumerate(found):
        views = [v for v in seen[n * len(HEIGHTS):(n + 1) * len(HEIGHTS)] if v is not None and v[1] >= SURE_DIGITS]
        texts = [settle(words[i].text, v[0]) for v in views if _same_shape(words[i].text, v[0])]
        if len(texts) < AGREE or len(set(texts)) != 1:
            continue  # too few scales read it, or they disagree: the digits stay as read
        if texts[0] != words[i].text:
            words[i] = replace(words[i], text=texts[0], conf=max(words[i].conf, min(v[1] for v in views)))
    return OCRResult(words)


# Digits Tesseract takes for one another on unseen pages (thin, flat-topped or blurred print).
_LOOKALIKE_DIGITS = {"0": "689", "1": "7", "3": "58", "5": "36", "6": "058", "7": "1", "8": "0369", "9": "08"}
_DATE = re.compile(r"^(\d{2})([./])(\d{2})\2(\d{4})$")
YEARS = (2000, 2100)  # the years a station's paper may carry (as ``forms.values.parse`` accepts them)


def is_date(text: str) -> bool:
    """Whether a «ДД.ММ.ГГГГ» number is a date that exists, in YEARS."""
    from datetime import date

    m = _DATE.match(text)
    if m is None:
        return False
    day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    try:
        date(year, month, day)
    except ValueError:
        return False
    return YEARS[0] <= year < YEARS[1]


def fix_date(text: str) -> str:
    """A word shaped as a date that is none («19.68.2024», «03.02.2925») with the one look-alike digit
    that makes it a date («19.08.2024», «03.02.2025»), when exactly one does; else as read."""
    m = _NUMBER.match(text)
    if m is None or not _DATE.match(m.group(2)) or is_date(m.group(2)):
        return text
    core = m.group(2)
    found = {core[:i] + other + core[i + 1:] for i, ch in enumerate(core) for other in _LOOKALIKE_DIGITS.get(ch, "")}
    dates = [d for d in found if is_date(d)]
    return m.group(1) + dates[0] + m.group(3) if len(dates) == 1 else text


def fix_dates(result: OCRResult) -> OCRResult:
    """The reading with its impossible dates mended (``fix_date``)."""
    return OCRResult([replace(w, text=fix_date(w.text)) if _NUMBER.match(w.text) else w for w in result.words])
