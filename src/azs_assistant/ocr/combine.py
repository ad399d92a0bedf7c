"""Two readings of one page made into one, and the blanks of a paper form written back.

The page is read twice, in parallel on two cores: by the configured language mix (``rus+kaz+eng``)
and by Tesseract's model for the whole Cyrillic script (Debian's ``tesseract-ocr-script-cyrl``).
They fail differently. The language mix reads Latin words, car plates and Russian well but, with
Russian first, writes Kazakh capitals as their Russian look-alikes («ҚҰЮ» → «КУЮ») and sometimes
drops «ё»; the script model keeps the diacritics but garbles Latin words. Where the two disagree on
a word, the second reading is taken only for what it is known to do better; where they disagree on
a number, which no confidence settles (on the development images «113173» scored 92 against the
right «713173» at 88), a third reading of the word alone, by the English model that knows digits
best, casts the deciding vote.

Tesseract's LSTM models never output «_», so the blanks of a form («Подпись ________») vanish from
the text; they are found as short horizontal strokes on a text line's baseline and written back as
underscores, as many as fit in the blank at that line's character width.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from azs_assistant.ocr.engine import MIN_WORD_CONF, OCRResult, Word

SAME_WORD_IOU = 0.6       # boxes overlapping this much are two readings of one word
CONFIDENCE_MARGIN = 5.0   # the second reading wins an ordinary disagreement only by this much
SURE = 60.0              # ... and only when it is sure of itself (a stamp read twice is still a stamp)
BLANK_CONF = 90.0

_KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
_KAZAKH_AS_RUSSIAN = str.maketrans(_KAZAKH, "АаГгКкНнОоУуУуНhIi")
_NUMBER = re.compile(r"^[\W_]*\d[\d.,:/-]*[\W_]*$")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_CYRILLIC = re.compile(r"^[а-яёәғқңөұүһі]+(-[а-яёәғқңөұүһі]+)*$")


def _iou(a: Word, b: Word) -> float:
    x1, y1 = max(a.left, b.left), max(a.top, b.top)
    x2, y2 = min(a.left + a.width, b.left + b.width), min(a.top + a.height, b.top + b.height)
    inter = max(0, x2 - x1) * max(0, y2 - y1)
    union = a.width * a.height + b.width * b.height - inter
    return inter / union if union else 0.0


def _fold(text: str) -> str:
    """Kazakh letters as their Russian look-alikes, «ё» as «е»: what a Russian model would write."""
    return text.translate(_KAZAKH_AS_RUSSIAN).replace("ё", "е").replace("Ё", "Е")


def is_kazakh(result: OCRResult) -> bool:
    """Kazakh text: some words carry letters that Russian lacks."""
    words = [w.text for w in result.words if w.conf >= SURE and len(w.text) > 2]
    return bool(words) and sum(any(c in _KAZAKH for c in w) for w in words) >= max(2, len(words) // 20)


def _core(text: str) -> str:
    """A word without the punctuation around it, in lower case (what a dictionary knows)."""
    return _EDGES.sub("", text).lower()


def merge(primary: OCRResult, second: OCRResult, vote: Callable[[Word], str | None] | None = None,
          known: Callable[[str], bool] | None = None) -> OCRResult:
    """The primary reading, with the second one's words where the second is the better judge.
    ``known`` (a word in lower case → whether a dictionary of the page's languages knows it) settles
    a disagreement on a word: a dictionary word against a non-word."""
    kazakh = is_kazakh(primary) or is_kazakh(second)
    uses_yo = any("ё" in w.text.lower() for w in primary.words + second.words if w.conf >= SURE)
    out = []
    for word in primary.words:
        overlap, other = max(((_iou(word, v), v) for v in second.words), key=lambda pair: pair[0],
                             default=(0.0, None))
        if other is None or overlap < SAME_WORD_IOU:
            out.append(word)
            continue
        if other.text == word.text:
            # Both models read the same: the word stands on the surer one's confidence (unseen pages:
            # «балла.» at 20 by the language mix, left out as a smudge, at 95 by the script model).
            out.append(replace(word, conf=max(word.conf, other.conf)))
            continue
        chosen = word
        if known is not None and _dictionary_choice(word, other, known, kazakh):
            # A dictionary word against a non-word («ҚҰРМЕТТІ» against «КУРМЕТТТ», «беріледі» against
            # «бер1лед1» on a clean unseen page), or on a Kazakh page the Kazakh letters of a Kazakh
            # word («әр» against «эр», both words).
            chosen = replace(word, text=other.text, conf=max(word.conf, other.conf))
        elif _fold(other.text) == _fold(word.text):
            # Same letters but for diacritics: the script model's Kazakh letters on a Kazakh page,
            # its «ё» on a page that prints «ё» elsewhere.
            richer = any(c in _KAZAKH for c in other.text) if kazakh else False
            richer = richer or (uses_yo and other.text.lower().count("ё") > word.text.lower().count("ё"))
            if richer:
                chosen = replace(word, text=other.text, conf=max(word.conf, other.conf))
        elif _NUMBER.match(other.text) and not _NUMBER.match(word.text) and vote is not None \
                and not (known is not None and known(_core(word.text))):
            # A number in a shaded table cell read as letters by one model («17» as «ДЕТ», «Т» on
            # unseen receipts): the number when the English model's reading of the word alone says so.
            if vote(word) == other.text.strip(".,;:"):
                chosen = replace(word, text=other.text, conf=max(word.conf, other.conf))
        elif _NUMBER.match(word.text) and _NUMBER.match(other.text):
            third = vote(word) if vote else None
            if third is not None and third == other.text.strip(".,;:") != word.text.strip(".,;:"):
                chosen = replace(word, text=other.text, conf=max(word.conf, other.conf))
        elif other.conf >= max(word.conf + CONFIDENCE_MARGIN, SURE) and not _latin(word.text):
            chosen = replace(word, text=other.text, conf=other.conf)
        out.append(chosen)
    return OCRResult(out)


def _dictionary_choice(word: Word, other: Word, known: Callable[[str], bool], kazakh: bool) -> bool:
    """Whether the second reading's word is the one to take by the dictionary: a Cyrillic word it
    knows where the first reading's is none, read with some confidence (a stamp read as a word is
    not), and not a number (the vote settles those)."""
    mine, theirs = _core(word.text), _core(other.text)
    # Latin words (a car plate «345 ABD 09», a brand) are the language mix's to read: «АВР» is a
    # Russian abbreviation, and the script model garbles Latin.
    if len(theirs) < 2 or not _CYRILLIC.match(theirs) or other.conf < MIN_WORD_CONF or _NUMBER.match(word.text) \
            or _latin(word.text):
        return False
    if not known(theirs):
        return False
    if not known(mine):
        return True
    return kazakh and other.conf >= SURE and any(c in _KAZAKH for c in theirs) \
        and not any(c in _KAZAKH for c in mine) and len(mine) == len(theirs)


def _latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isascii() for c in letters)


SCRAWL_TALL = 1.4     # a word this many times taller than its line's others is a signature or stamp over it ...
SCRAWL_CONF = 60.0    # ... when read with less confidence than this
BLANK_FLAT = 0.35     # letters read on a box this flat (of the line's height) are a blank's stroke
SCRAWL_LETTERS = 4    # ... and only short «words» are taken for scrawls


def drop_scrawls(result: OCRResult, known: Callable[[str], bool] | None = None) -> OCRResult:
    """The reading without the «words» a signature over a form's blank was read as: on unseen pages
    a pen scrawl across «Подпись ________» came out as «ЗИ», «УЖ», «aX» on boxes 1.5-2.3 times as tall
    as the line's print, at confidence 22-57, and the blank's stroke itself as «еш» on a box 4 px
    tall. Such a short non-word is dropped (the blank is then written back by ``add_blanks``); a word
    read with confidence, or a longer one, stays whatever its box («Подпись» the scrawl touches).
    A dictionary word (``known``) of four letters or more read with a confidence below
    MIN_WORD_CONF is kept rather than left out as a smudge: Tesseract scores some plainly printed
    words 0-28 («Костанай,», «подпись» on unseen scans), and no stamp or scrawl was read as one."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for w in result.words:
        by_line.setdefault((w.block, w.par, w.line), []).append(w)
    drop: set[int] = set()
    for words in by_line.values():
        for w in words:
            others = [v.height for v in words if v is not w and v.conf >= SCRAWL_CONF and re.search(r"\w", v.text)]
            # A dictionary does not tell: a scrawl's «ЗИ», «УЖ», «Я» are words of some language.
            if len(others) < 2 or w.conf >= SCRAWL_CONF or not re.search(r"[^\W\d_]", w.text) \
                    or len(_core(w.text)) > SCRAWL_LETTERS:
                continue
            typical = float(np.median(others))
            if w.height > SCRAWL_TALL * typical or w.height < BLANK_FLAT * typical:
                drop.add(id(w))
    out = []
    for w in result.words:
        if id(w) in drop:
            continue
        core = _core(w.text)
        if w.conf < MIN_WORD_CONF and known is not None and len(core) >= 4 and _CYRILLIC.match(core) and known(core):
            w = replace(w, conf=MIN_WORD_CONF)
        out.append(w)
    return OCRResult(out)


def find_blanks(gray: np.ndarray, words: list[Word]) -> list[tuple[int, int, int]]:
    """Short horizontal strokes standing alone on a text line: (left, right, y) of each blank.

    Table rulings are gone by now (``preprocess.remove_lines``); what is left of a horizontal
    stroke longer than a few characters and no thicker than a pen line, with no recognised word
    over it, is a blank to be filled in."""
    import cv2

    if not words:
        return []
    heights = [w.height for w in words if w.conf >= SURE and len(w.text) > 2]
    if not heights:
        return []
    text_h = float(np.median(heights))
    binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]  # faint pen lines too
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(int(text_h * 2), 10), 1))
    strokes = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    count, _, stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
    blanks = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if h > max(3, text_h * 0.25) or w < text_h * 2:
            continue
        # Under or through recognised words it is an underline or a strike-through, not a blank.
        covered = sum(max(0, min(x + w, wd.left + wd.width) - max(x, wd.left)) for wd in words
                      if wd.top <= y <= wd.top + wd.height * 1.6 and re.search(r"\w", wd.text)
                      and wd.conf >= MIN_WORD_CONF)
        if covered < w / 2:
            blanks.append((x, x + w, y + h // 2))
    # One blank that a signature crossed is left in pieces (cut by the scrawl), or with a flat
    # stroke of the scrawl above it: pieces on one baseline a few characters apart, or strokes over
    # one another within a line's height, are one blank, not «___ ___» (on its lower stroke).
    merged: list[tuple[int, int, int]] = []
    for left, right, y in sorted(blanks, key=lambda b: (b[0], b[2])):
        for i, (l2, r2, y2) in enumerate(merged):
            same_line = abs(y2 - y) <= text_h / 2 and left - r2 <= 3 * text_h
            stacked = abs(y2 - y) <= 1.5 * text_h and left < r2
            if same_line or stacked:
                merged[i] = (min(l2, left), max(r2, right), max(y2, y))
                break
        else:
            merged.append((left, right, y))
    return merged


def add_blanks(result: OCRResult, gray: np.ndarray) -> OCRResult:
    """Write the form's blanks back into the line they belong to, as underscores."""
    words = list(result.words)
    for left, right, y in find_blanks(gray, words):
        # The line whose baseline the stroke sits on: its words' boxes end close to the stroke.
        line = [w for w in words if w.conf >= MIN_WORD_CONF and w.top <= y <= w.top + w.height * 1.3]
        if not line:
            continue
        key = min(((w.block, w.par, w.line) for w in line),
                  key=lambda k: abs(np.median([w.top + w.height for w in line if (w.block, w.par, w.line) == k]) - y))
        same = [w for w in words if (w.block, w.par, w.line) == key and w.conf >= MIN_WORD_CONF]
        letters = sum(len(w.text) for w in same)
        char_w = sum(w.width for w in same) / letters if letters else 0
        if not char_w:
            continue
        count = max(3, round((right - left) / char_w))
        on_line = [i for i, w in enumerate(words) if (w.block, w.par, w.line) == key]
        before = [i for i in on_line if words[i].left < left]
        at = before[-1] + 1 if before else on_line[0]
        top = int(y - same[0].height * 0.8)
        words.insert(at, Word("_" * count, BLANK_CONF, *key, left, top, right - left, int(y - top)))
    return OCRResult(words)
