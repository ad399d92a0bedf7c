"""OCR of image files and image-only PDF pages: load safely, preprocess, recognise, judge quality."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from azs_assistant import metrics
from azs_assistant.language.analyzer import get_analyzer
from azs_assistant.ocr import KEPT, engine, lines, numbers
from azs_assistant.ocr.combine import add_blanks, drop_scrawls, merge
from azs_assistant.ocr.postprocess import correct
from azs_assistant.ocr.preprocess import Prepared, prepare
from azs_assistant.ocr.quality import (
    LINE_REASONS,
    REASONS,
    UNSURE_WORD,
    Reading,
    enough_words,
    judge,
    line_doubt,
    model,
    page_sharpness,
    retake_reason,
)

LINES_REASON = "фото плохого качества: текст прочитан с ошибками, проверьте его по оригиналу или переснимите"
UNSURE_REASON = "часть текста распознана неуверенно: проверьте важные числа по оригиналу"
PARTIAL_REASON = ("часть строк прочитана неуверенно: они выделены и не проиндексированы, "
                  "сверьте их и важные числа с оригиналом")
# A page neither reader's reading passes as a whole may still hold lines both read alike: two readers that share
# no model rarely agree on garbage. Such a line is trusted when it is long enough not to agree by chance
# («Б.Б.», «целы.») and holds no doubt of its own; the page is then «partial» with those lines indexed.
AGREED = 0.9  # normalised similarity of a Tesseract line and the line reader's nearest line
AGREED_CHARS = 12
AGREED_LINES = 3  # at least this many lines confirmed, or the page stays «retake»
PROBE_HOPELESS = 45.0  # below this on the half-resolution probe, full resolution never passed the gate
PROBE_SECONDS = 10.0  # the half-resolution probe given up after this: the page is hopeless
# CPU seconds Tesseract may spend (``engine.recognise(cpu=...)``), bounded in CPU time, not only in
# wall time, so that a busy machine does not change the verdict. Profiled: the probe took 0.8-1.1 s on
# the photos it passed; on pages kept the language mix's reading took at most 1.9 s and the second
# model's (about twice as fast) 0.9 s, while on bad photos the gate refused anyway the language mix
# crawled through every model for 5-15 s (an unseen L4 receipt photo: 15 s, the slowest page of all).
# Past its limit the main reading makes the page «retake»; the second one only costs its help.
# A sharp page (a scan or a clean render: sharpness 0.6-0.75 on the unseen L0 pages, photos below 0.45) is
# not garbage being crawled through but may be a dense A4 page in three languages: it gets a generous
# bound, a safeguard only, so that a slower server never turns a good scanned page into «retake».
# A page is given about 8 s of CPU in all. A soft or grainy photo that Tesseract ran out of CPU time on (the
# probe, or the full reading) is smears: it is answered «retake» without the line reader, which never kept a
# reading of one (the unseen sets' 11 such photos, L4-L5: the probe's 3 s, then the line reader's 0.4-4.5 s,
# took up to 8.7 s of CPU). Its full reading is bounded at 3 s (kept photos took at most 1.9 s): with the
# second model's 2 s beside it, the slowest photos took 9.0-9.2 s before.
PROBE_CPU = 3.0
PROBED_READ_CPU = 3.0
READ_CPU = 4.0
SHARP_READ_CPU = 30.0
SHARP = 0.5
SECOND_CPU = 2.0
# The second model beside a sharp page's generous bound: half of it (the model is about twice as fast). Bound at
# 2 s, a busy machine's inflated CPU time made the second reading of a clean scan give up («Extra OCR reading
# skipped»), so the same document was read differently with and without a test run beside the ingestion.
SHARP_SECOND_CPU = SHARP_READ_CPU / 2
SOFT = 0.25  # a page less sharp than this (quality.sharpness; unseen L3 photos 0.30-0.42, L5 about 0.1) is probed
# Thin print on a sharp scan (FreeMono, a light laser print): Tesseract breaks thin strokes («19870» read as
# «111957710)», «17» as «ДЕТ»), and reads the same page with its strokes thickened by one pixel surer and right.
# A sharp, clean page read less sure than THIN_CONF is read once more thickened, and that reading is taken when
# it is at least THICK_GAIN surer (on the unseen sets' sharp L0-L2 pages: 2 tuning and 2 validation pages
# taken, each read better, none worse; a smaller gain or a photo (a blurred stroke thickened fills the
# letters' holes) was as often worse as better).
THIN_CONF = 93.0
THICK_GAIN = 1.5


@dataclass
class Line:
    """One line of a page's text; a doubtful one is shown marked and neither indexed nor quoted."""

    text: str
    doubtful: bool = False
    reason: str | None = None
    box: tuple[int, int, int, int] | None = None  # left, top, right, bottom on the prepared page (Tesseract's lines)


@dataclass
class PageResult:
    text: str
    confidence: float
    quality: str  # ok | partial (some lines doubtful: the others indexed) | retake
    reason: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    words: dict[str, float] = field(default_factory=dict)  # word → its lowest confidence on the page
    keep: float = 0.0  # the quality gate's probability that the text is within 0.15 character error
    source: str = "tesseract"  # which reader made the text: tesseract | lines
    lines: list[Line] = field(default_factory=list)  # the text line by line, doubtful ones marked
    # The line reader's reading of a page Tesseract's reading was kept for, made where ``ocr_page`` was asked
    # to read the page twice (a paper form's page): it checks the form's values (``forms.extract.cross_check``).
    second_text: str = ""
    # The prepared page its lines' boxes are on, kept for a form's page where ``ocr_page`` was asked to (a single
    # upload: an operator's corrections of its form become training pairs, ``forms.corrections``); never in ingestion.
    image: np.ndarray | None = field(default=None, repr=False)

    @property
    def kept(self) -> bool:
        """Whether the page's text (its trusted lines) is used: ``ok`` or ``partial``."""
        return self.quality in KEPT

    @property
    def trusted_text(self) -> str:
        """The text without its doubtful lines: what is indexed and may be quoted."""
        if not self.lines:
            return self.text
        return "\n".join(line.text for line in self.lines if not line.doubtful).strip()


@dataclass
class Candidate:
    """One reader's reading of a page, judged by the gate (``features`` are what it judged by)."""

    page: PageResult
    features: dict[str, float]
    raw: str = ""  # the reading before merging and corrections, for the other reader's agreement
    smeared: bool = False  # a photo Tesseract ran out of CPU time on: smears, not print (no line reader)


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
             line_reader: bool = True, read_twice: Callable[[str], bool] | None = None,
             keep_image: bool = False) -> PageResult:
    """One page read (see ``_read_page``), counted by quality with its time per stage (``azs_ocr_*``);
    ``keep_image``: a kept form's page (``read_twice``) carries the prepared image its lines' boxes are on."""
    page = _read_page(image, languages, second, line_reader, read_twice, keep_image)
    metrics.OCR_PAGES.labels(page.quality).inc()
    for stage, seconds in page.timings.items():
        metrics.OCR_STAGE.labels(stage).observe(seconds)
    return page


def _read_page(image: np.ndarray, languages: str, second: str | None, line_reader: bool,
               read_twice: Callable[[str], bool] | None = None, keep_image: bool = False) -> PageResult:
    """Preprocess, recognise (twice, in parallel, when ``second`` names an installed model), judge,
    merge the readings and correct one page. A page whose Tesseract reading the gate does not trust
    goes to the line reader (``line_reader``), whose reading the same gate judges, before it is
    answered with «retake». A kept page whose text ``read_twice`` says yes to (a paper form's) is read
    by the line reader too, as its ``second_text``."""
    prepared = prepare(image)
    tess = read_tesseract(prepared, languages, second)
    form = tess.page.kept and read_twice is not None and read_twice(tess.page.text)
    if keep_image and form:  # a form's page only: a 100-page scan would hold a gigabyte
        tess.page.image = prepared.gray
    if form and line_reader:
        return read_again(prepared, tess)
    if tess.page.kept or not line_reader:
        return tess.page
    if tess.smeared:
        return choose(tess, None)
    other = read_lines(prepared, tess.raw)
    return choose(tess, other)


def readings(image: np.ndarray, languages: str = "rus+kaz+eng",
             second: str | None = None) -> tuple[Candidate, Candidate | None]:
    """Both readers' readings of a page, each judged, whatever the first one's verdict (for
    ``bench/bench_ocr.py --dump``, which fits and checks the gate on them). A page the half-resolution
    probe finds hopeless has no Tesseract reading to judge, as in ``ocr_page``."""
    prepared = prepare(image)
    tess = read_tesseract(prepared, languages, second, always=True)
    return tess, read_lines(prepared, tess.raw, always=True)


def read_again(prepared: Prepared, tess: Candidate) -> PageResult:
    """Tesseract's kept page with the line reader's reading of it beside (``second_text``), whatever the
    gate would say of that reading as a whole: a form's number, date or listed value the two read apart on
    the same line is shown to be checked (``forms.extract.cross_check``). On the 17 act pages of the OCR
    sets kept, the two read three numbers apart and the line reader read each of them right («ТРК № 5» read
    «2» on a clean scan, dotted zeros read «8»; tuning and validation parts alike); it costs the line
    reader's 0.6-1.6 s on a filled-in form's page only."""
    try:
        other = read_lines(prepared, tess.raw, always=True)
    except Exception:  # noqa: BLE001 (the check is extra: its failure costs the check, never the page)
        logging.getLogger("azs.ocr").exception("The line reader's second reading of a form's page failed")
        return tess.page
    if other is None:
        return tess.page
    return replace(tess.page, second_text=other.page.text, timings={**tess.page.timings, **other.page.timings})


def choose(tess: Candidate, other: Candidate | None) -> PageResult:
    """What ``ocr_page`` answers: Tesseract's reading when kept, else the line reader's when kept, else
    the lines both readers read alike (``confirmed``: a «partial» page), else «retake» with the reason
    Tesseract's reading gave."""
    if tess.page.kept:
        return tess.page
    if other is not None:
        other.page.timings = {**tess.page.timings, **other.page.timings}
        if other.page.kept:
            return other.page
        tess.page.timings = other.page.timings
        marked = confirmed(tess.raw, other.raw)
        if marked is not None:
            text = "\n".join(line.text for line in marked)
            # every word as unsure: a form's value read from such a page is shown to be checked
            unsure = {word: UNSURE_WORD for word in text.split()}
            return replace(tess.page, text=text, quality="partial", reason=PARTIAL_REASON, words=unsure, lines=marked)
    return replace(tess.page, text="", words={})


def _numbers(line: str) -> list[str]:
    """The numbers standing on their own in a line («№ 2291», «741,5»), not a unit's digit («м3»)."""
    return re.findall(r"(?<![^\W\d_])\d+(?:[.,]\d+)*(?![^\W\d_])", line)


def confirmed(tesseract_text: str, other_text: str) -> list[Line] | None:
    """Tesseract's lines of a page neither reading passed as a whole, each trusted only where the line
    reader read it alike (``AGREED``, ``AGREED_CHARS``) with the same numbers, digit for digit («№ 2291» against
    «№ 2201» is not alike, however close the rest), and it holds no doubt of its own; None when fewer than
    ``AGREED_LINES`` lines, or fewer than ``MIN_WORDS`` words, are trusted."""
    from rapidfuzz.distance import Levenshtein

    theirs = [" ".join(line.split()) for line in other_text.split("\n") if line.strip()]
    out: list[Line] = []
    for line in correct(tesseract_text).split("\n"):
        flat = " ".join(line.split())
        if not flat:
            continue
        alike, nearest = max(((Levenshtein.normalized_similarity(flat, t), t) for t in theirs),
                             key=lambda pair: pair[0], default=(0.0, ""))  # the first of equals, as read
        doubt = line_doubt(flat, None, "tesseract")
        if len(flat) < AGREED_CHARS or alike < AGREED or _numbers(flat) != _numbers(nearest):
            doubt = doubt or LINE_REASONS["unconfirmed"]
        out.append(Line(flat, doubt is not None, doubt))
    trusted = [line.text for line in out if not line.doubtful]
    return out if len(trusted) >= AGREED_LINES and enough_words("\n".join(trusted)) else None


def read_tesseract(prepared: Prepared, languages: str, second: str | None, probe: bool = True,
                   always: bool = False) -> Candidate:
    """Tesseract's reading of a prepared page, judged by the gate; kept readings (``always``: all)
    are merged with the second reading, their blanks written back and their words corrected."""
    t = time.perf_counter()
    sharp = page_sharpness(prepared)
    photo = probe and (prepared.noisy or sharp < SOFT)  # a soft or grainy photo: probed first
    if photo:
        # A grainy or smeared photo is often unreadable: ask a quick half-resolution pass first, so a
        # hopeless page is answered with «retake» in seconds instead of a full-resolution run (on an
        # unseen smeared L5 photo that was not grainy, Tesseract took 50 s of CPU).
        half = cv2.resize(prepared.image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        # Tesseract crawls over a page of smears (20-30 s of CPU on unseen L5 photos even at half
        # size): a probe that takes this long has found no text worth a full run.
        smeared = False
        try:
            probed: engine.OCRResult | None = engine.recognise(half, languages=languages, psm=6, dpi=150,
                                                               timeout=PROBE_SECONDS, cpu=PROBE_CPU)
        except engine.OCRTooSlow:
            probed, smeared = None, True
        except engine.OCRUnavailable as exc:  # a timeout on a busy machine: no verdict on the page itself
            logging.getLogger("azs.ocr").warning("Extra OCR reading skipped: %s", exc.message_en)
            probed = None
        found = probed or engine.OCRResult([])
        if found.confidence < PROBE_HOPELESS:
            timings = {**prepared.timings, "tesseract": time.perf_counter() - t}
            reason = retake_reason(prepared) if probed is None or len(found.words) >= 5 else REASONS["empty"]
            return Candidate(PageResult("", found.confidence, "retake", reason, timings), {}, found.text,
                             smeared=smeared)
    second = second if second and second != languages and engine.available(second) else None
    with ThreadPoolExecutor(max_workers=2) as pool:
        clean = not photo and sharp >= SHARP and not prepared.noisy
        bound = PROBED_READ_CPU if photo else SHARP_READ_CPU if clean else READ_CPU
        first = pool.submit(engine.recognise, prepared.image, languages=languages, psm=6, cpu=bound)
        other = pool.submit(engine.recognise, prepared.image, languages=second, psm=6,
                            cpu=SHARP_SECOND_CPU if clean else SECOND_CPU) if second else None
        other_result = _optional(other.result) if other else None
        try:
            result = first.result()
        except engine.OCRTooSlow:
            # Garbage being read word by word through every model: «retake», and the line reader's
            # reading is measured against the other model's (empty without one).
            timings = {**prepared.timings, "tesseract": time.perf_counter() - t}
            raw = other_result.text if other_result is not None else ""
            return Candidate(PageResult("", 0.0, "retake", retake_reason(prepared), timings), {}, raw,
                             smeared=photo)
    if not photo and sharp >= SHARP and not prepared.noisy and result.confidence < THIN_CONF:
        result = _thickened(prepared.image, languages, bound, result)
    timings = {**prepared.timings, "tesseract": time.perf_counter() - t}
    t = time.perf_counter()
    reading = Reading("tesseract", result.text, [w.conf for w in result.words if re.search(r"\w", w.text)],
                      result.confidence, [float(w.height) for w in result.words if w.conf >= 30 and len(w.text) > 2],
                      other_result.text if other_result is not None else None)
    verdict = judge(prepared, reading)
    keep, signals = verdict.keep, verdict.features
    timings["gate"] = time.perf_counter() - t
    if verdict.quality == "retake":
        # Only a dump of every reading (``always``) wants its text: as read, without the extra
        # readings of disputed numbers (a garbage page has dozens).
        text = correct(result.text) if always else ""
        return Candidate(PageResult(text, result.confidence, "retake", verdict.reason, timings, keep=keep), signals,
                         result.text)
    t = time.perf_counter()
    confidence = result.confidence
    if other_result is not None:
        result = merge(result, other_result, vote=lambda word: _read_alone(prepared.image, word), known=known_word)
    result = add_blanks(drop_scrawls(result, known_word), prepared.image)
    timings["merge"] = time.perf_counter() - t
    t = time.perf_counter()
    if engine.available("eng"):
        result = numbers.reread(result, prepared.image, _read_digits)
    result = numbers.fix_dates(result)
    timings["numbers"] = time.perf_counter() - t
    t = time.perf_counter()
    text = correct(result.text)
    timings["correct"] = time.perf_counter() - t
    warning = verdict.reason or (None if keep >= model().sure else UNSURE_REASON)
    words: dict[str, float] = {}
    for w in result.words:
        words[w.text] = min(words.get(w.text, 100.0), w.conf)
    page = PageResult(text, confidence, verdict.quality, warning, timings, words, keep,
                      lines=mark_lines(text, result.line_confidences(), "tesseract", result.line_boxes()))
    return Candidate(settle(page, always), signals, reading.text)


def read_lines(prepared: Prepared, tesseract_text: str, always: bool = False) -> Candidate | None:
    """The page read line by line by the network trained for small, blurred, grainy text, judged by
    the same gate (its agreement measured against Tesseract's reading); kept readings are flagged
    for checking. None where the reader is not installed."""
    reader = lines.reader()
    if reader is None or prepared.gray is None:
        return None
    t = time.perf_counter()
    read = reader.read_page(prepared.gray, lexicon=get_analyzer(), kazakh=lines.kazakh_words())
    timings = {"line reader": time.perf_counter() - t}
    reading = Reading("lines", read.text, read.word_confidences, read.confidence, read.heights, tesseract_text)
    verdict = judge(prepared, reading)
    if verdict.quality == "retake" and not always:
        return Candidate(PageResult("", read.confidence, "retake", verdict.reason, timings, keep=verdict.keep,
                                    source="lines"), verdict.features, read.text)
    text = correct(read.text)
    page = PageResult(text, read.confidence, verdict.quality, verdict.reason or LINES_REASON, timings, read.words,
                      verdict.keep, "lines", mark_lines(text, list(read.line_confidences), "lines"))
    return Candidate(settle(page, always), verdict.features, read.text)


def settle(page: PageResult, always: bool = False) -> PageResult:
    """A kept reading's quality from its lines: ``ok`` when no line is doubtful, ``partial`` when some
    are (the others are indexed; the operator sees the doubtful ones marked), ``retake`` when fewer than
    ``MIN_WORDS`` words are left on trusted lines, with the reason of a page without text (the photo may be
    sharp: it is what is on the sheet) (``always``: its text stays, for a dump).

    The page's gate judges the reading as a whole (is its text within 0.15 character error?); a page
    it keeps can still hold a stamp or a smudge read as letters, and such a page is not «ok»."""
    if page.quality != "ok" or not any(line.doubtful for line in page.lines):
        return page
    if not enough_words(page.trusted_text):  # the page is a stamp and a signature: nothing to keep
        text, words = (page.text, page.words) if always else ("", {})
        return replace(page, quality="retake", reason=REASONS["empty"], text=text, words=words,
                       lines=page.lines if always else [])
    reason = page.reason if page.source == "lines" else PARTIAL_REASON
    return replace(page, quality="partial", reason=reason)


def mark_lines(text: str, confidences: list[float | None], source: str,
               boxes: list[tuple[int, int, int, int] | None] | None = None) -> list[Line]:
    """The page's lines (blank ones left out), each with its doubt (``quality.line_doubt``);
    ``confidences`` and ``boxes`` go line for line with ``text``."""
    out = []
    for n, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        reason = line_doubt(line, confidences[n] if n < len(confidences) else None, source)
        out.append(Line(line, reason is not None, reason, boxes[n] if boxes and n < len(boxes) else None))
    return out


@lru_cache(maxsize=1)
def _kazakh() -> lines.WordList | None:
    return lines.kazakh_words()


def known_word(word: str) -> bool:
    """Whether the Russian or the Kazakh dictionary knows a word (in lower case)."""
    kazakh = _kazakh()
    return bool(get_analyzer()._morph.word_is_known(word)) or (kazakh is not None and kazakh.is_known(word))


def _thickened(image: np.ndarray, languages: str, cpu: float, read: engine.OCRResult) -> engine.OCRResult:
    """The page read with its dark strokes one pixel thicker, where that reading is THICK_GAIN surer than
    ``read`` (see THIN_CONF); else ``read``."""
    thick = _optional(lambda: engine.recognise(cv2.erode(image, np.ones((2, 2), np.uint8)), languages=languages,
                                               psm=6, cpu=cpu))
    return thick if thick is not None and thick.confidence >= read.confidence + THICK_GAIN else read


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


def _read_digits(strip: np.ndarray) -> engine.OCRResult:
    """A strip of numbers (``numbers.strip``) read by the English model, digits and their punctuation only."""
    return engine.recognise(strip, languages="eng", psm=6, timeout=30, chars=numbers.DIGITS)


def _optional(read: Callable[[], engine.OCRResult]) -> engine.OCRResult | None:
    """An extra reading that failed (a timeout, a crash) costs its help, not the page."""
    try:
        return read()
    except engine.OCRUnavailable as exc:
        logging.getLogger("azs.ocr").warning("Extra OCR reading skipped: %s", exc.message_en)
        return None


def ocr_image_file(path: Path, languages: str = "rus+kaz+eng", second: str | None = None,
                   line_reader: bool = True, read_twice: Callable[[str], bool] | None = None) -> list[PageResult]:
    return [ocr_page(page, languages, second, line_reader, read_twice) for page in load_image(path)]
