"""OCR of image files and image-only PDF pages: load safely, preprocess, recognise, judge quality."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from azs_assistant import metrics
from azs_assistant.language.analyzer import get_analyzer
from azs_assistant.ocr import engine, lines
from azs_assistant.ocr.combine import add_blanks, merge
from azs_assistant.ocr.postprocess import correct
from azs_assistant.ocr.preprocess import Prepared, prepare
from azs_assistant.ocr.quality import HALF_READABLE, MIN_WORDS, judge

LINES_MIN_CONFIDENCE = 85.0  # the line reader's mean character probability (× 100) to keep its reading
LINES_REASON = "фото плохого качества: текст прочитан с ошибками, проверьте его по оригиналу или переснимите"
PROBE_HOPELESS = 45.0  # below this on the half-resolution probe, full resolution never passed the gate


@dataclass
class PageResult:
    text: str
    confidence: float
    quality: str  # ok | retake
    reason: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    words: dict[str, float] = field(default_factory=dict)  # word → its lowest confidence on the page


def load_image(path: Path) -> list[np.ndarray]:
    """Pages of an image file as BGR arrays (EXIF orientation applied; every TIFF frame)."""
    from PIL import Image, ImageOps, ImageSequence

    with Image.open(path) as im:
        pages = []
        for frame in ImageSequence.Iterator(im):
            frame = ImageOps.exif_transpose(frame.convert("RGB"))
            pages.append(np.asarray(frame)[:, :, ::-1].copy())
        return pages


def ocr_page(image: np.ndarray, languages: str = "rus+kaz+eng", second: str | None = None,
             line_reader: bool = True) -> PageResult:
    """One page read (see ``_read_page``), counted by quality with its time per stage (``azs_ocr_*``)."""
    page = _read_page(image, languages, second, line_reader)
    metrics.OCR_PAGES.labels(page.quality).inc()
    for stage, seconds in page.timings.items():
        metrics.OCR_STAGE.labels(stage).observe(seconds)
    return page


def _read_page(image: np.ndarray, languages: str, second: str | None, line_reader: bool) -> PageResult:
    """Preprocess, recognise (twice, in parallel, when ``second`` names an installed model), judge,
    merge the readings and correct one page. A page Tesseract cannot read goes to the line reader
    (``line_reader``) before it is answered with «retake»."""
    prepared = prepare(image)
    t = time.perf_counter()
    if prepared.noisy:
        # A grainy photo is often unreadable: ask a quick half-resolution pass first, so a hopeless
        # page is answered with «retake» in about a second instead of a full-resolution run.
        half = cv2.resize(prepared.image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        probe = engine.recognise(half, languages=languages, psm=6, dpi=150)
        quality, reason = judge(prepared, probe)
        if quality == "retake" and probe.confidence < PROBE_HOPELESS:
            timings = {**prepared.timings, "tesseract": time.perf_counter() - t}
            return _retake(prepared, PageResult("", probe.confidence, quality, reason, timings), line_reader)
    second = second if second and second != languages and engine.available(second) else None
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(engine.recognise, prepared.image, languages=languages, psm=6)
        other = pool.submit(engine.recognise, prepared.image, languages=second, psm=6) if second else None
        result = first.result()
        other_result = _optional(other.result) if other else None
    timings = {**prepared.timings, "tesseract": time.perf_counter() - t}
    quality, reason = judge(prepared, result)
    if quality == "retake":
        return _retake(prepared, PageResult("", result.confidence, quality, reason, timings), line_reader)
    t = time.perf_counter()
    confidence = result.confidence
    if other_result is not None:
        result = merge(result, other_result, vote=lambda word: _read_alone(prepared.image, word))
    result = add_blanks(result, prepared.image)
    timings["merge"] = time.perf_counter() - t
    t = time.perf_counter()
    text = correct(result.text)
    timings["correct"] = time.perf_counter() - t
    if confidence < HALF_READABLE:
        reason = "часть текста распознана неуверенно: проверьте важные числа по оригиналу"
    words: dict[str, float] = {}
    for w in result.words:
        words[w.text] = min(words.get(w.text, 100.0), w.conf)
    return PageResult(text, confidence, quality, reason, timings, words)


def _retake(prepared: Prepared, retake: PageResult, line_reader: bool) -> PageResult:
    """A page Tesseract could not read, read line by line by the network trained for small, blurred,
    grainy text (``line_reader``); that reading is kept (and flagged for checking) only when it is
    sure enough, else the page is answered with ``retake``."""
    reader = lines.reader() if line_reader else None
    if reader is None or prepared.gray is None:
        return retake
    t = time.perf_counter()
    read = reader.read_page(prepared.gray, lexicon=get_analyzer(), kazakh=lines.kazakh_words())
    retake.timings["line reader"] = time.perf_counter() - t
    words = [w for w in read.words if re.search(r"\w{2,}", w)]
    if read.confidence < LINES_MIN_CONFIDENCE or len(words) < MIN_WORDS:
        return retake
    return PageResult(correct(read.text), read.confidence, "ok", LINES_REASON, retake.timings, read.words)


def _read_alone(image: np.ndarray, word: engine.Word) -> str | None:
    """A disputed number read once more on its own, by the English model (digits are the same in
    every script, and that model knows them best)."""
    pad = max(4, word.height // 2)
    crop = image[max(0, word.top - pad):word.top + word.height + pad,
                 max(0, word.left - pad):word.left + word.width + pad]
    if not engine.available("eng") or crop.size == 0:
        return None
    found = _optional(lambda: engine.recognise(crop, languages="eng", psm=7, timeout=30))
    if found is None:
        return None
    return " ".join(w.text for w in found.words).strip(".,;:") or None


def _optional(read: Callable[[], engine.OCRResult]) -> engine.OCRResult | None:
    """An extra reading that failed (a timeout, a crash) costs its help, not the page."""
    try:
        return read()
    except engine.OCRUnavailable as exc:
        logging.getLogger("azs.ocr").warning("Extra OCR reading skipped: %s", exc.message_en)
        return None


def ocr_image_file(path: Path, languages: str = "rus+kaz+eng", second: str | None = None,
                   line_reader: bool = True) -> list[PageResult]:
    return [ocr_page(page, languages, second, line_reader) for page in load_image(path)]
