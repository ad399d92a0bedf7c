"""A line recogniser for photos Tesseract cannot read (small, blurred, grainy text).

A small CNN + BiLSTM + CTC network (``train_lines.py`` trains it on synthetic degraded lines) reads
each text line found on the prepared page by its ink profile. It runs through onnxruntime on the
CPU; the weights ship inside the package (``models/lines.onnx`` with its alphabet in ``lines.json``).
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

MODEL = Path(__file__).parent / "models" / "lines.onnx"

HEIGHT = 32
MARGINS = (0.2, 0.1, 0.3)  # space above and below a line's ink band, in band heights: first, then retries
SURE_LINE = 0.95           # mean character probability of a line read once, without retries
HOPELESS = 0.65            # a page read first at less than this is not worked on further (L5 photos: 0.4-0.6)
RUSSIAN = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
KAZAKH = "ӘҒҚҢӨҰҮҺІ"
ALPHABET = (RUSSIAN + RUSSIAN.lower() + KAZAKH + KAZAKH.lower() + string.ascii_uppercase + string.ascii_lowercase
            + string.digits + " .,:;!?«»\"'()-–—/№%+*=_<>[]@#&")


def normalise(gray: np.ndarray) -> np.ndarray:
    """A grey line image as float32 of HEIGHT rows, paper 1 and ink 0, contrast stretched."""
    import cv2

    img = gray.astype(np.float32)
    ink, paper = float(np.percentile(img, 1)), float(np.percentile(img, 95))
    img = np.clip((img - ink) / max(paper - ink, 1.0), 0.0, 1.0)
    width = max(4, round(img.shape[1] * HEIGHT / img.shape[0]))
    return cv2.resize(img, (width, HEIGHT), interpolation=cv2.INTER_AREA if img.shape[0] > HEIGHT else cv2.INTER_CUBIC)


def find_lines(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(top, bottom, left, right) of each text line's ink band on a deskewed page, top to bottom, with
    a margin left and right but none above and below. Found from the page's ink profile (Tesseract's
    own layout falls apart on the photos this reader is for), with table rulings left out of it; a
    line spans the page, as a table row reads."""
    return layout(gray)[0]


def layout(gray: np.ndarray) -> tuple[list[tuple[int, int, int, int]], np.ndarray]:
    """The text lines of ``find_lines`` and the page with its vertical table rulings painted over
    with paper (a ruling beside a word is read as «І», «Т» or «1» otherwise)."""
    import cv2

    h, w = gray.shape
    blur = cv2.GaussianBlur(gray, (0, 0), 2)
    ink = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]

    def components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        return labels, stats[:, cv2.CC_STAT_AREA], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]

    labels, area, height, width = components(ink)
    marks = area[1:] >= 40
    text_h = float(np.median(height[1:][marks])) if marks.any() else 10.0
    # Table rulings out of the profile: vertical strokes taller than two lines, and thin horizontal
    # strokes an eighth of the page long (a blurred word is as long, but as thick as the letters).
    def column(height: int) -> np.ndarray:
        return cv2.getStructuringElement(cv2.MORPH_RECT, (1, height))

    # A vertical ruling cut by the blank a removed horizontal one left is joined up first.
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, column(max(9, int(text_h / 3))))
    vertical = cv2.morphologyEx(joined, cv2.MORPH_OPEN, column(int(2.5 * text_h)))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, w // 8), 1)))
    stroke = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(0.6 * text_h))))
    thick = cv2.morphologyEx(ink, cv2.MORPH_OPEN, stroke)
    rulings = cv2.bitwise_or(vertical, cv2.bitwise_and(horizontal, cv2.bitwise_not(thick)))
    ink[cv2.dilate(rulings, np.ones((7, 7), np.uint8)) > 0] = 0
    # A blurred ruling's halo is wider than its ink: half a line's height either side is painted
    # with the paper beside it (the lightest pixel of the row just outside the halo).
    reach = int(text_h / 2) + 3
    halo = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1, 7)))
    clean = gray
    if halo.any():
        paper = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (4 * reach + 1, 1)))
        clean = np.where(halo > 0, paper, gray)
    labels, area, height, width = components(ink)
    # Specks, the flat dashes a ruling leaves behind, and anything still taller than three lines.
    drop = (area < 40) | ((height < 0.4 * text_h) & (width > 2 * height)) | (height > 3 * text_h)
    drop[0] = True
    ink = np.where(drop[labels], 0, ink)
    profile = (ink > 0).sum(axis=1).astype(np.float32)
    profile = np.convolve(profile, np.ones(5) / 5, mode="same")
    rows = profile > max(4.0, 0.04 * float(np.percentile(profile[profile > 0], 90)) if (profile > 0).any() else 4.0)
    runs, start = [], None
    for y, on in enumerate(rows):
        if on and start is None:
            start = y
        elif not on and start is not None:
            runs.append([start, y])
            start = None
    if start is not None:
        runs.append([start, h])
    if not runs:
        return [], clean
    median_h = float(np.median([b - t for t, b in runs]))
    merged: list[list[int]] = []
    for t, b in runs:  # rejoin a line split at a thin spot (accents, dots)
        if merged and t - merged[-1][1] < 0.15 * median_h:
            merged[-1][1] = b
        else:
            merged.append([t, b])
    lines: list[list[int]] = []
    for t, b in merged:  # split lines run together (a signature across two lines) at their thinnest rows
        parts = round((b - t) / median_h)
        if parts < 2:
            lines.append([t, b])
            continue
        cuts = [t]
        for k in range(1, parts):
            guess = t + (b - t) * k // parts
            lo, hi = max(t + 1, guess - int(median_h / 2)), min(b - 1, guess + int(median_h / 2))
            cuts.append(lo + int(np.argmin(profile[lo:hi])) if hi > lo else guess)
        cuts.append(b)
        lines.extend([cuts[i], cuts[i + 1]] for i in range(parts))
    boxes = []
    for t, b in lines:
        if b - t < 0.5 * median_h:
            continue  # a stray mark, not a line of text
        cols = np.where(ink[t:b].max(axis=0) > 0)[0]
        if cols.size == 0:
            continue
        pad = int(0.4 * (b - t))
        boxes.append((t, b, max(0, int(cols[0]) - pad), min(w, int(cols[-1]) + pad)))
    return boxes, clean


@dataclass
class LinesResult:
    text: str
    confidence: float                       # mean character probability × 100
    words: dict[str, float] = field(default_factory=dict)  # word → its least sure character × 100
    word_confidences: list[float] = field(default_factory=list)  # each word's least sure character × 100
    heights: list[float] = field(default_factory=list)  # each line's ink band (px of the prepared page)
    line_confidences: list[float] = field(default_factory=list)  # each line's mean character probability × 100


class LineReader:
    """The ONNX line model and its alphabet, run on the CPU."""

    def __init__(self, path: Path = MODEL) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        # One thread: each line is a small run, and a second thread mostly spun waiting for work
        # (the same readings of the two development L4 photos took 2.8 s of CPU with two threads, 1.9 s with one).
        options.intra_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        self.alphabet: str = meta["alphabet"]

    def read(self, line: np.ndarray, lexicon: Lexicon | None = None) -> tuple[str, list[float]]:
        """A grey line image → its text and each character's probability (of the best path, before
        any dictionary choice). With ``lexicon``, a word the best path spells as no known word is
        replaced by the likeliest spelling among the network's next best that is one."""
        logp = self.logits(line)
        text, probs = decode(logp, self.alphabet)
        return (text if lexicon is None else lexicon_words(logp, self.alphabet, lexicon)), probs

    def logits(self, line: np.ndarray) -> np.ndarray:
        """Per step (4 pixels of the normalised line) log probabilities of blank and each letter."""
        x = normalise(line)[None, None].astype(np.float32)
        return np.asarray(self.session.run(None, {"image": x})[0][0])

    def read_page(self, gray: np.ndarray, lexicon: Lexicon | None = None,
                  kazakh: Lexicon | None = None) -> LinesResult:
        """The page's text lines, each word checked against ``lexicon`` (Russian), and on a page
        with Kazakh letters against ``kazakh`` too."""
        lines: list[str] = []
        probs: list[float] = []
        words: dict[str, float] = {}
        confidences: list[float] = []
        heights: list[float] = []
        line_confidences: list[float] = []
        bands, gray = layout(gray)
        first = [self._read_at(gray, band, MARGINS[0]) for band in bands]
        seen = [q for _, text, p in first for ch, q in zip(text, p, strict=True) if not ch.isspace()]
        if _mean(seen) < HOPELESS:  # no reframing or dictionary lifts such a page to a usable reading
            return LinesResult("", 100 * _mean(seen), {})
        # A page with Kazakh letters anywhere is read as a Kazakh one: a line in capitals or one
        # badly read may show none of its own.
        if kazakh is not None and any(KAZAKH_ONLY.search(text) for _, text, _ in first):
            lexicon = kazakh if lexicon is None else Either(kazakh, lexicon)
        for band, once in zip(bands, first, strict=True):
            logp, text, p = once if _mean(once[2]) >= SURE_LINE else self._read_band(gray, band, once)
            if not re.search(r"\w", text):
                continue
            seen_here = [q for ch, q in zip(text, p, strict=True) if not ch.isspace()]
            probs.extend(seen_here)
            sure = [100 * min(p[m.start():m.end()]) for m in re.finditer(r"\S+", text)]
            confidences.extend(sure)
            heights.append(float(band[1] - band[0]))
            line_confidences.append(100 * _mean(seen_here))
            if lexicon is not None:
                text = lexicon_words(logp, self.alphabet, lexicon)  # word for word the same words
            for word, q in zip(text.split(), sure, strict=False):  # a word replaced keeps its doubt
                words[word] = min(words.get(word, 100.0), q)
            lines.append(" ".join(text.split()))
        confidence = 100 * float(np.mean(probs)) if probs else 0.0
        return LinesResult("\n".join(lines), confidence, words, confidences, heights, line_confidences)


    def _read_at(self, gray: np.ndarray, band: tuple[int, int, int, int],
                 margin: float) -> tuple[np.ndarray, str, list[float]]:
        """One line, framed with ``margin`` of its band's height above and below."""
        top, bottom, left, right = band
        pad = round(margin * (bottom - top))
        logp = self.logits(gray[max(0, top - pad):bottom + pad, left:right])
        return (logp, *decode(logp, self.alphabet))

    def _read_band(self, gray: np.ndarray, band: tuple[int, int, int, int],
                   first: tuple[np.ndarray, str, list[float]]) -> tuple[np.ndarray, str, list[float]]:
        """A line whose first reading (``first``, at MARGINS[0]) is not sure is tried again with the
        other margins (the network is sensitive to the framing of a blurred line), and the surest
        reading is kept."""
        best = first
        for margin in MARGINS[1:]:
            if _mean(best[2]) >= SURE_LINE:
                break
            again = self._read_at(gray, band, margin)
            if _mean(again[2]) > _mean(best[2]):
                best = again
        return best


def _mean(probs: list[float]) -> float:
    return float(np.mean(probs)) if probs else 0.0


def decode(logp: np.ndarray, alphabet: str) -> tuple[str, list[float]]:
    """Greedy CTC decoding: the best class per step, repeats merged, blanks (class 0) dropped."""
    best = logp.argmax(-1)
    sure = np.exp(logp.max(-1))
    chars, probs, prev = [], [], 0
    for k, q in zip(best, sure, strict=True):
        if k != prev and k != 0:
            chars.append(alphabet[k - 1])
            probs.append(float(q))
        elif k == prev and k != 0 and probs:
            probs[-1] = max(probs[-1], float(q))
        prev = k
    return "".join(chars), probs


# How much less likely (natural log) a dictionary spelling may be than the best path; bench_lines.py
# reads 4 and 8 alike, 8 a little better (mean CER 0.114 against 0.115).
LEXICON_MARGIN = 8.0
KAZAKH_ONLY = re.compile(f"[{KAZAKH}{KAZAKH.lower()}]")
_CYRILLIC = RUSSIAN + RUSSIAN.lower() + KAZAKH + KAZAKH.lower()
CYRILLIC_WORD = re.compile(rf"^([^\w]*)([{_CYRILLIC}]{{3,}})([^\w]*)$")
WORD_PARTS = re.compile(rf"^([^\w]*)([{_CYRILLIC}]*)([^\w]*)$")


class Lexicon(Protocol):
    """The dictionary the reader checks its guesses against (the Russian analyzer)."""

    def is_known(self, word: str) -> bool: ...

    def has_prefix(self, prefix: str) -> bool: ...


class WordList:
    """A dictionary given as its words (lower case), e.g. Tesseract's Kazakh one."""

    def __init__(self, words: list[str]) -> None:
        self.words = sorted({w.lower() for w in words})
        self._known = frozenset(self.words)

    def is_known(self, word: str) -> bool:
        return word.lower() in self._known

    def has_prefix(self, prefix: str) -> bool:
        prefix = prefix.lower()
        i = bisect.bisect_left(self.words, prefix)
        return i < len(self.words) and self.words[i].startswith(prefix)


@dataclass
class Either:
    """Two dictionaries as one (a Kazakh line has Russian words too)."""

    first: Lexicon
    second: Lexicon

    def is_known(self, word: str) -> bool:
        return self.first.is_known(word) or self.second.is_known(word)

    def has_prefix(self, prefix: str) -> bool:
        return self.first.has_prefix(prefix) or self.second.has_prefix(prefix)


@lru_cache(maxsize=1)
def kazakh_words() -> WordList | None:
    """Tesseract's Kazakh dictionary (about 260,000 forms), or None where it is not installed."""
    from azs_assistant.ocr.engine import dictionary

    words = dictionary("kaz")
    return WordList(words) if words else None


def lexicon_words(logp: np.ndarray, alphabet: str, lexicon: Lexicon) -> str:
    """The best path, with each Cyrillic word that is in no dictionary replaced by the likeliest
    dictionary word the network's output allows for those frames (a CTC beam search that only
    follows spellings the dictionary can still complete), when that one is at most LEXICON_MARGIN
    less likely than the network's own best. Numbers, short words, Latin and unknown names the
    network is sure of stay as read."""
    best = logp.argmax(-1)
    space = alphabet.index(" ") + 1
    out: list[str] = []
    start = 0
    for end in [*np.where(best == space)[0].tolist(), len(best)]:
        if end > start:
            segment = logp[start:end]
            word, _ = decode(segment, alphabet)
            m = CYRILLIC_WORD.match(word)
            if m and not lexicon.is_known(m.group(2).lower()):
                word = _dictionary_word(segment, alphabet, lexicon) or word
            if word:
                out.append(word)
        start = end + 1
    return " ".join(out)


def _dictionary_word(segment: np.ndarray, alphabet: str, lexicon: Lexicon) -> str | None:
    """The likeliest spelling of one word's frames that the dictionary knows (punctuation around it
    allowed), or None when every such spelling is far less likely than the network's best."""
    top = prefix_beam(segment)[0][1]
    allowed: dict[tuple[int, ...], bool] = {}

    def spell(prefix: tuple[int, ...]) -> str:
        return "".join(alphabet[k - 1] for k in prefix)

    def allow(prefix: tuple[int, ...]) -> bool:
        if prefix not in allowed:
            parts = WORD_PARTS.match(spell(prefix))
            if parts is None:
                allowed[prefix] = False
            elif parts.group(3):  # punctuation after the letters closes the word
                allowed[prefix] = bool(parts.group(2)) and lexicon.is_known(parts.group(2).lower())
            else:
                allowed[prefix] = lexicon.has_prefix(parts.group(2).lower())
        return allowed[prefix]

    for prefix, score in prefix_beam(segment, beam=16, per_step=8, allow=allow):
        if score < top - LEXICON_MARGIN:
            break
        cand = CYRILLIC_WORD.match(spell(prefix))
        if cand and lexicon.is_known(cand.group(2).lower()):
            return spell(prefix)
    return None


def prefix_beam(logp: np.ndarray, beam: int = 12, per_step: int = 4,
                allow: Callable[[tuple[int, ...]], bool] | None = None) -> list[tuple[tuple[int, ...], float]]:
    """CTC prefix beam search (blank = class 0): label sequences with their log probabilities,
    likeliest first. Only each step's ``per_step`` likeliest classes are tried, and with ``allow``
    only the sequences it allows are grown."""
    neg = -math.inf
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, neg)}  # prefix → (ends in blank, ends in label)
    for row in logp:
        nxt: dict[tuple[int, ...], list[float]] = {}
        for k in np.argsort(row)[-per_step:]:
            p = float(row[k])
            for prefix, (pb, pl) in beams.items():
                if k == 0:
                    slot = nxt.setdefault(prefix, [neg, neg])
                    slot[0] = _logadd(slot[0], _logadd(pb, pl) + p)
                    continue
                longer = (*prefix, int(k))
                repeat = bool(prefix) and prefix[-1] == k
                if repeat:
                    same = nxt.setdefault(prefix, [neg, neg])
                    same[1] = _logadd(same[1], pl + p)
                if allow is not None and not allow(longer):
                    continue
                slot = nxt.setdefault(longer, [neg, neg])
                # a repeated letter needs a blank between
                slot[1] = _logadd(slot[1], (pb if repeat else _logadd(pb, pl)) + p)
        ranked = sorted(nxt.items(), key=lambda kv: -_logadd(kv[1][0], kv[1][1]))[:beam]
        beams = {prefix: (pb, pl) for prefix, (pb, pl) in ranked}
    return sorted(((prefix, _logadd(pb, pl)) for prefix, (pb, pl) in beams.items()), key=lambda x: -x[1])


def _logadd(a: float, b: float) -> float:
    """log(exp(a) + exp(b)) without overflow."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    return max(a, b) + math.log1p(math.exp(-abs(a - b)))


@lru_cache(maxsize=1)
def reader() -> LineReader | None:
    """The line reader, or None (with a warning) where its model or onnxruntime is missing."""
    if not MODEL.exists():
        logging.getLogger("azs.ocr").warning("Line reader model %s is missing: bad photos get «retake» only", MODEL)
        return None
    try:
        return LineReader()
    except (ImportError, OSError, ValueError) as exc:
        logging.getLogger("azs.ocr").warning("Line reader unavailable: %s", exc)
        return None
