"""Tesseract, behind one small module: startup check, timeouts, TSV output with word confidences.

Installed from Debian packages (``tesseract-ocr``, ``tesseract-ocr-rus``, ``tesseract-ocr-kaz``) by
``scripts/setup.sh``; a missing program or language names the package and the command to install it.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from azs_assistant.errors import AzsError

PACKAGES = {"rus": "tesseract-ocr-rus", "kaz": "tesseract-ocr-kaz", "eng": "tesseract-ocr-eng",
            "Cyrillic": "tesseract-ocr-script-cyrl"}
MIN_WORD_CONF = 30.0
RULING = re.compile(r"^[|¦]+$")  # what is left of a table's vertical ruling, read as a letter


class OCRUnavailable(AzsError):
    code = "ocr_unavailable"
    http_status = 503
    exit_code = 69


class OCRTooSlow(OCRUnavailable):
    """Tesseract used up the CPU seconds it was given (``recognise(cpu=...)``): on a page of smears
    it crawls, word by word through every model, and its reading is garbage anyway."""

    code = "ocr_too_slow"


@dataclass(slots=True)
class Word:
    text: str
    conf: float
    block: int
    par: int
    line: int
    left: int
    top: int
    width: int
    height: int


@dataclass(slots=True)
class OCRResult:
    words: list[Word]

    @property
    def text(self) -> str:
        """Words joined into lines and paragraphs in reading order (see :meth:`lines`)."""
        return "\n".join("" if line is None else " ".join(w.text for w in line) for line in self.lines()).strip()

    def line_boxes(self) -> list[tuple[int, int, int, int] | None]:
        """Per line of ``text`` (blank lines: None), the box its words cover: left, top, right, bottom."""
        return [None if not line else (min(w.left for w in line), min(w.top for w in line),
                                       max(w.left + w.width for w in line), max(w.top + w.height for w in line))
                for line in self.lines()]

    def line_confidences(self) -> list[float | None]:
        """Per line of ``text`` (blank lines between paragraphs: None), the mean confidence of its
        words, weighted by length."""
        return [None if line is None else
                sum(w.conf * len(w.text) for w in line) / max(sum(len(w.text) for w in line), 1)
                for line in self.lines()]

    def lines(self) -> list[list[Word] | None]:
        """The words kept, line by line in reading order, with None between paragraphs. Words below
        MIN_WORD_CONF are left out: on the development images they were signatures and stamps read as
        letters (confidence 8-21), while real words scored 75 and more. So are bare «|», remnants of
        table rulings."""
        out: list[list[Word] | None] = []
        current: list[Word] = []
        key = None
        for w in self.words:
            if w.conf < MIN_WORD_CONF or RULING.match(w.text):
                continue
            k = (w.block, w.par, w.line)
            if k != key:
                if key is not None and k[:2] != key[:2]:
                    out.append(None)
                current = []
                out.append(current)
                key = k
            current.append(w)
        return out

    @property
    def confidence(self) -> float:
        """Mean word confidence (0..100), weighted by word length."""
        weights = [len(w.text) for w in self.words]
        return float(np.average([w.conf for w in self.words], weights=weights)) if self.words else 0.0


@lru_cache(maxsize=8)  # one entry per model set: every reading of a page checks its own
def check(languages: str = "rus+kaz+eng") -> str:
    """The Tesseract version, or OCRUnavailable saying what to install."""
    if shutil.which("tesseract") is None:
        raise OCRUnavailable("Не установлен Tesseract OCR. Установите: sudo apt-get install tesseract-ocr "
                             "tesseract-ocr-rus tesseract-ocr-kaz (или запустите scripts/setup.sh).",
                             "tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-rus "
                             "tesseract-ocr-kaz")
    out = _list_langs()
    have = set(out.split()[1:]) if out else set()
    missing = [lang for lang in languages.split("+") if lang not in have]
    if missing:
        pkgs = " ".join(PACKAGES.get(m, f"tesseract-ocr-{m}") for m in missing)
        raise OCRUnavailable(f"Нет языковых данных Tesseract: {', '.join(missing)}. "
                             f"Установите: sudo apt-get install {pkgs}",
                             f"Missing Tesseract languages {missing}: apt-get install {pkgs}")
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30)
    return (version.stdout or version.stderr).splitlines()[0]


def _list_langs() -> str:
    """What ``tesseract --list-langs`` prints: the models' folder, then one model per line."""
    return subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout


@lru_cache(maxsize=1)
def tessdata() -> Path | None:
    """The folder of Tesseract's language models (``tesseract --list-langs`` names it), or None."""
    try:
        out = _list_langs()
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'"([^"]+)"', out.splitlines()[0]) if out else None
    return Path(found.group(1)) if found else None


@lru_cache(maxsize=4)
def dictionary(language: str) -> list[str]:
    """The words of a Tesseract language model's dictionary (its word DAWG, unpacked with the
    ``combine_tessdata`` and ``dawg2wordlist`` tools of the tesseract-ocr package), or [] where the
    model or the tools are missing."""
    model = (tessdata() or Path("/nonexistent")) / f"{language}.traineddata"
    if not model.exists() or not shutil.which("dawg2wordlist") or not shutil.which("combine_tessdata"):
        return []
    with tempfile.TemporaryDirectory() as tmp:
        prefix = f"{tmp}/{language}."
        try:
            subprocess.run(["combine_tessdata", "-u", str(model), prefix], check=True, capture_output=True, timeout=60)
            subprocess.run(["dawg2wordlist", prefix + "lstm-unicharset", prefix + "lstm-word-dawg", prefix + "words"],
                           check=True, capture_output=True, timeout=60)
            return Path(prefix + "words").read_text(encoding="utf-8").split()
        except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
            return []


@lru_cache(maxsize=8)
def available(languages: str) -> bool:
    """Whether Tesseract and every model in ``languages`` are installed (for optional passes)."""
    try:
        check(languages)
    except OCRUnavailable:
        return False
    return True


def recognise(image: np.ndarray, languages: str = "rus+kaz+eng", psm: int = 6, timeout: float = 120.0,
              dpi: int = 300, cpu: float | None = None, chars: str | None = None) -> OCRResult:
    """Words with confidences from a grayscale or binary image (uint8). ``timeout`` bounds the wall
    time; ``cpu`` (seconds, rounded up) the CPU time Tesseract may use, whatever else the machine
    runs, past which it is stopped with OCRTooSlow; ``chars`` the only characters it may read."""
    import cv2

    check(languages)
    # Uncompressed (PGM, or PPM for colour): the same pixels as PNG for Tesseract, without the 0.09 s
    # of CPU that compressing an A4 page at 300 dpi took, twice a page.
    ok, data = cv2.imencode(".pgm" if image.ndim == 2 else ".ppm", image)
    if not ok:
        raise OCRUnavailable("Не удалось подготовить изображение для OCR.", "Could not encode image for OCR.")
    cmd = ["tesseract", "stdin", "stdout", "-l", languages, "--psm", str(psm), "--dpi", str(dpi),
           "-c", "preserve_interword_spaces=0"]
    if chars:
        cmd += ["-c", f"tessedit_char_whitelist={chars}"]
    cmd.append("tsv")
    if cpu is not None:  # the kernel's CPU limit (SIGXCPU), set by the shell that then becomes Tesseract
        cmd = ["sh", "-c", f'ulimit -t {math.ceil(cpu)} && exec "$@"', "tesseract", *cmd]
    try:
        proc = subprocess.run(cmd, input=data.tobytes(), capture_output=True, timeout=timeout, check=False,
                              env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    except subprocess.TimeoutExpired as exc:
        raise OCRUnavailable(f"Распознавание заняло больше {timeout:.0f} с.", "Tesseract timed out.") from exc
    if cpu is not None and proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL, 128 + signal.SIGXCPU):
        raise OCRTooSlow(f"Распознавание заняло больше {math.ceil(cpu)} с процессорного времени.",
                         f"Tesseract used more than {math.ceil(cpu)} s of CPU.",
                         message_kk=f"Тану процессордың {math.ceil(cpu)} секундынан артық уақытын алды.")
    if proc.returncode != 0:
        raise OCRUnavailable("Tesseract завершился с ошибкой.", proc.stderr.decode("utf-8", "replace")[:500])
    return OCRResult(_parse_tsv(proc.stdout.decode("utf-8", "replace")))


def _parse_tsv(tsv: str) -> list[Word]:
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        words.append(Word(text, float(row["conf"]), int(row["block_num"]), int(row["par_num"]), int(row["line_num"]),
                          int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"])))
    return words
