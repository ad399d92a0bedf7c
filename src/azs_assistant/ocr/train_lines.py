"""Training of the line recogniser for bad phone photos (``azs_assistant.ocr.lines``).

Tesseract reads clean scans and ordinary photos well, but text 5-8 pixels high, blurred and grainy
(a distant, defocused phone photo) defeats it whatever the preprocessing. This trains a small
CNN + BiLSTM + CTC recogniser for exactly that: synthetic text lines in Russian, Kazakh and English,
rendered with common document fonts and degraded the way a poor phone photo degrades them (low
resolution, defocus and motion blur, grain, uneven light, a hand's shadow, the page at an angle, JPEG),
then normalised the way ``lines.normalise`` normalises a line cut from a prepared page. The result is
exported to ONNX (run by onnxruntime, no torch in production) with its alphabet beside it.

Training text comes from Tesseract's own Russian/Kazakh/English word lists (``dawg2wordlist``) and
from the demo knowledge base, mixed with generated numbers, dates, codes and names; never from
evaluation data. Each line is drawn with a font that has all its letters: every upright font of the
machine that draws Russian (``fonts-dejavu-core fonts-freefont-ttf fonts-paratype fonts-cmu
fonts-liberation``, Debian packages installed by ``AZS_SETUP_EXTRAS=train bash scripts/setup.sh``;
32 fonts, of which the Liberation ones lack the Kazakh letters), but the ``VALID_FONTS``: the validation
lines are drawn in those only, so the CER each check prints (and writes to ``<out>/curve.tsv``) is on font
files the run never drew. ``--snapshot-minutes`` exports the model every so often for
``bench/bench_line_models.py``, which reads the unseen OCR set's pages (other texts and layouts, photographed
by ``bench/make_ocr_set.py``; synthetic too, with the same kinds of effects) with the line reader alone.
Needs the ``train`` extra (torch).

The bundled model was trained in three runs on 2 CPU cores: 90 minutes from scratch with the trainer
of commit b675504 (blur up to 1.6 px, the 21 fonts with Kazakh letters; 6,881 steps), then
110 minutes more from that model with the trainer of commit 66b7147 (14,585 steps; validation CER 0.124
on its synthetic lines then, in every font), then 85 minutes more with the trainer of commit dbafea2 (phone
effects, held-out validation fonts; 6,467 steps; held-out CER 0.149 at its start and its end, the unseen OCR
pages' CER down, see the README):

    git show dbafea2:src/azs_assistant/ocr/train_lines.py > /tmp/train_lines_dbafea2.py   # the third run's trainer
    python -m azs_assistant.ocr.train_lines --out /tmp/lines --minutes 85 --seed 5 --lr 5e-4 \
        --resume src/azs_assistant/ocr/models/lines.onnx --snapshot-minutes 15

(``--resume`` takes a checkpoint, ``lines.pt``, or an exported ``lines.onnx``, so the bundled model
can be trained further as it ships.)

Operators' corrections (``forms.corrections``: the image of a line whose value a person corrected on
``/ocr``, and that line as corrected) are real photos' lines: ``--corrections <data dir>/ocr/corrections``
(repeatable) mixes them into the training lines, ``--corrections-share`` of them (default 0.25, at most one
in a hundred lines per pair, so that a few are not learnt by heart), each drawn again and again:

    python -m azs_assistant.ocr.train_lines --out /tmp/lines --minutes 30 --resume \
        src/azs_assistant/ocr/models/lines.onnx --lr 5e-4 --corrections /var/lib/azs/ocr/corrections
"""

from __future__ import annotations

import argparse
import json
import math
import random
import string
import time
from functools import cache
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from azs_assistant.ocr import engine
from azs_assistant.ocr.lines import ALPHABET, HEIGHT, RUSSIAN, decode, normalise
from azs_assistant.ocr.preprocess import flatten

FONT_DIRS = ["/usr/share/fonts/truetype"]
HARD_SHARE = 0.75  # share of lines degraded like a bad photo once the curriculum has ramped up
# Phone photos' other effects, each drawn on its own (``degrade``): a page at an angle, a shaking hand, a
# hand's shadow.
PERSPECTIVE_SHARE, MOTION_SHARE, SHADOW_SHARE = 0.3, 0.25, 0.2
STYLE_SKIP = ("oblique", "italic", "slanted", "light", "condensed", "narrow")
# Font files never drawn in training: the validation lines are drawn in them only. Two are of families training
# draws in other weights or sizes (PT Serif Caption beside PT Serif, Liberation Serif Bold beside its regular);
# the other two are styles ``fonts`` skips for training (a condensed sans, CMU's sans), which the unseen OCR set
# (bench/make_ocr_set.py) also prints pages in. Unseen files, then, not unseen kinds of letters.
VALID_FONTS = ("PTZ55F.ttf", "LiberationSerif-Bold.ttf", "DejaVuSansCondensed.ttf", "cmunss.ttf")
FONT_SKIP = (*STYLE_SKIP, "cmunbl", "cmunobx", "cmunbmr", "cmunorm", "cmunsl", "cmunss", "cmunsx", "cmunbx",
             "cmunbsr", "cmunrb")


def fonts() -> list[str]:
    """Font files that draw every Russian letter, for training (not the ``VALID_FONTS``). Some common
    document fonts (Liberation, the metric twins of Arial, Times and Courier) lack the Kazakh letters;
    they still draw the lines that need none (``font_for``)."""
    from PIL import ImageFont

    found = []
    for path in _font_files():
        if any(s in path.name.lower() for s in FONT_SKIP) or path.name in VALID_FONTS:
            continue
        try:
            font = ImageFont.truetype(str(path), 32)
        except OSError:
            continue
        style = (font.getname()[1] or "").lower()
        if any(s in style for s in STYLE_SKIP):
            continue
        if drawn(str(path)) >= RUSSIAN_PROBE:
            found.append(str(path))
    return found


def _font_files() -> list[Path]:
    """Every font file under ``FONT_DIRS``, one per file name (a font installed twice is drawn once)."""
    files: dict[str, Path] = {}
    for root in FONT_DIRS:
        for path in sorted(Path(root).rglob("*.[ot]tf")):
            files.setdefault(path.name, path)
    return list(files.values())


def valid_fonts() -> list[str]:
    """The ``VALID_FONTS`` found on this machine that draw every Russian letter."""
    return [str(path) for path in _font_files() if path.name in VALID_FONTS and drawn(str(path)) >= RUSSIAN_PROBE]


RUSSIAN_PROBE = frozenset(RUSSIAN + RUSSIAN.lower() + string.digits + ".,")


@cache
def drawn(font_path: str) -> frozenset[str]:
    """The characters of ALPHABET that the font has a glyph for (its character map: comparing
    drawings with the «notdef» box mistakes a monospace letter of the same size for it)."""
    from fontTools.ttLib import TTFont

    with TTFont(font_path, lazy=True) as font:
        cmap = font.getBestCmap() or {}
    return frozenset(ch for ch in ALPHABET if ord(ch) in cmap)


def font_for(text: str, font_list: list[str], rng: random.Random) -> str | None:
    """A random font of ``font_list`` that draws every character of ``text``."""
    chars = set(text)
    first = rng.choice(font_list)
    if chars <= drawn(first):
        return first
    able = [f for f in font_list if chars <= drawn(f)]
    return rng.choice(able) if able else None


def word_lists() -> dict[str, list[str]]:
    """Tesseract's dictionaries as word lists (installed with its language packages)."""
    out = {lang: [w for w in engine.dictionary(lang) if all(ch in ALPHABET for ch in w)]
           for lang in ("rus", "kaz", "eng")}
    if not all(out.values()):
        raise SystemExit("Tesseract's rus, kaz and eng models and its dawg2wordlist are needed: run scripts/setup.sh")
    return out


def kb_sentences(root: Path) -> list[str]:
    lines = []
    for path in root.rglob("*"):
        if path.suffix in (".md", ".txt"):
            for line in path.read_text(encoding="utf-8").splitlines():
                line = " ".join(line.replace("#", " ").replace("*", " ").split())
                if len(line) > 3 and all(ch in ALPHABET for ch in line):
                    lines.append(line)
    return lines


class Texts:
    """Random text lines of the kinds found on station paperwork."""

    def __init__(self, words: dict[str, list[str]], sentences: list[str], rng: random.Random):
        self.words, self.sentences, self.rng = words, sentences, rng

    def word(self) -> str:
        r = self.rng.random()
        lang = "rus" if r < 0.7 else "kaz" if r < 0.88 else "eng"
        w = self.rng.choice(self.words[lang])
        case = self.rng.random()
        return w.upper() if case < 0.1 else w.capitalize() if case < 0.3 else w

    def token(self) -> str:
        r, rng = self.rng.random(), self.rng
        if r < 0.72:
            return self.word()
        if r < 0.80:
            return str(rng.choice([rng.randint(0, 9), rng.randint(10, 999), rng.randint(1000, 999999)]))
        if r < 0.84:
            return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2019, 2027)}"
        if r < 0.87:
            return rng.choice(["№", "АЗС №", "ТРК №", "г.", "ул.", "д.", "тел.", "руб.", "л", "%", "—", "-", "/"])
        if r < 0.90:
            initials = "АБВГДЕЖЗИКЛМНОПРСТУФЭЮЯ"
            return f"{self.word().capitalize()} {rng.choice(initials)}.{rng.choice(initials)}."
        if r < 0.92:
            return f"{rng.choice(['АИ', 'ДТ', 'ТО', 'ГСМ'])}-{rng.choice(['92', '95', '98', '100', 'З', 'Л', 'Е'])}"
        if r < 0.94:
            return f"+7 {rng.randint(700, 799)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        if r < 0.96:
            return f"«{self.word()}»"
        if r < 0.98:
            return f"{rng.randint(1, 99)}/{rng.randint(1, 12):02d}"
        return f"{rng.randint(1, 999)} {rng.choice(['KZ', 'AB', 'KZT', 'ABC'])} {rng.randint(1, 18):02d}"

    def line(self) -> str:
        rng = self.rng
        if self.sentences and rng.random() < 0.25:
            s = rng.choice(self.sentences)
            n = rng.randint(15, 70)
            start = rng.randint(0, max(0, len(s) - n))
            return s[start:start + n].strip() or s[:n]
        out: list[str] = []
        length, target = 0, rng.choice([rng.randint(3, 20), rng.randint(15, 45), rng.randint(30, 70)])
        while length < target:
            tok = self.token()
            if out and rng.random() < 0.12:
                out[-1] += rng.choice([",", ".", ":", ";", "!", "?", ")"])
            out.append(tok)
            length += len(tok) + 1
        if rng.random() < 0.08:
            out.append("_" * rng.randint(4, 14))
        text = " ".join(out)
        if rng.random() < 0.1:
            text = f"{rng.randint(1, 12)}. {text}"
        return text


def render(text: str, font_path: str, rng: random.Random) -> tuple[np.ndarray, int] | None:
    """A clean high-resolution line (white paper, black ink) as float32 in [0, 1], ink = 1."""
    from PIL import Image, ImageDraw, ImageFont

    size = rng.randint(40, 60)
    font = ImageFont.truetype(font_path, size)
    gap = " " * rng.choice([1, 1, 1, 1, 3, 6, 12])  # table rows: label, wide gap, value
    if gap != " " and " " in text:
        i = rng.choice([i for i, ch in enumerate(text) if ch == " "])
        text = text[:i] + gap + text[i + 1:]
    left, top, right, bottom = font.getbbox(text)
    if right - left <= 0:
        return None
    ascent, descent = font.getmetrics()
    w, h = int(right) + size, ascent + descent + size // 2
    im = Image.new("L", (w, h), 0)
    ImageDraw.Draw(im).text((size // 2, size // 4), text, font=font, fill=255)
    return np.asarray(im, dtype=np.float32) / 255.0, size


def degrade(ink: np.ndarray, size: int, rng: random.Random, hard_share: float = HARD_SHARE) -> np.ndarray:
    """A rendered line as a phone camera at the given distance, focus and light would see it,
    then cut and normalised as ``lines.normalise`` does with a line from a prepared page."""
    import cv2

    h, w = ink.shape
    # Crop to the line with a random margin, as a line box from the page would be.
    rows = np.where(ink.max(axis=1) > 0.3)[0]
    if rows.size == 0:
        rows = np.array([0, h - 1])
    top, bottom = int(rows[0]), int(rows[-1])
    text_h = bottom - top + 1
    m_top, m_bot = int(text_h * rng.uniform(0.05, 0.4)), int(text_h * rng.uniform(0.05, 0.4))
    ink = ink[max(0, top - m_top):min(h, bottom + m_bot + 1)]
    cols = np.where(ink.max(axis=0) > 0.3)[0]
    if cols.size:
        pad = int(text_h * rng.uniform(0.1, 0.8))
        ink = ink[:, max(0, cols[0] - pad):cols[-1] + pad + 1]
    hh, ww = ink.shape
    ink = ink.copy()
    if rng.random() < 0.3:  # a table row: rulings above, below and between the cells
        thick = max(2, text_h // 12)
        for y in (rng.randint(0, max(0, m_top - thick)), hh - thick - rng.randint(0, max(0, m_bot - thick))):
            if rng.random() < 0.7:
                ink[y:y + thick] = 1.0
        for _ in range(rng.randint(0, 2)):
            x = rng.randint(0, ww - thick)
            if ink[:, max(0, x - thick * 3):x + thick * 4].max() < 0.3:  # never across a letter
                ink[:, x:x + thick] = 1.0
    if rng.random() < 0.5:  # slight rotation or shear left by deskew
        angle = rng.uniform(-1.2, 1.2)
        hh, ww = ink.shape
        m = cv2.getRotationMatrix2D((ww / 2, hh / 2), angle, 1.0)
        ink = cv2.warpAffine(ink, m, (ww, hh), flags=cv2.INTER_LINEAR, borderValue=0)
    if rng.random() < PERSPECTIVE_SHARE:
        ink = perspective(ink, rng)

    # The camera: the font's size in pixels, from a distant low-resolution photo (12-24 px, as
    # 10-14 pt type photographed at 110-140 dpi) to a scan; blur from defocus and shake.
    hard = rng.random() < hard_share
    em = math.exp(rng.uniform(math.log(13), math.log(25))) if hard else rng.uniform(22, 50)
    sigma = em * rng.uniform(0.05, 0.14) if hard else rng.uniform(0.0, 0.9)  # 0.16 em is barely legible
    if rng.random() < MOTION_SHARE:  # a shaking hand: part of the blur along one direction, drawn sharp
        ink = motion_blur(ink, size * (rng.uniform(0.05, 0.3) if hard else rng.uniform(0.02, 0.08)), rng)
        sigma *= 0.6
    factor = min(1.0, em / size)
    low = cv2.resize(ink, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    if sigma > 0.3:
        low = cv2.GaussianBlur(low, (0, 0), sigma)
    paper = rng.uniform(140, 250)
    contrast = rng.uniform(0.25, 0.95) * paper
    img = paper - contrast * low
    gx = np.linspace(0, 1, img.shape[1], dtype=np.float32)
    img = img * (1 - rng.uniform(0, 0.2) * gx[None, :])  # uneven light
    noise = rng.uniform(3, 12) if hard else rng.uniform(0, 5)
    # A shadow as deep as leaves the ink 4 grain widths darker than the paper: a deeper one left the denoiser
    # nothing to keep, and a line of blank paper taught with its text teaches the network to invent text.
    depth = min(rng.uniform(0.2, 0.6), 1 - 4 * noise / contrast)
    shadow = rng.random() < SHADOW_SHARE and depth >= 0.15
    if shadow:
        img = hand_shadow(img, em, depth, rng)
    img = img + np.random.default_rng(rng.randint(0, 2**31)).normal(0, noise, img.shape)
    photo: np.ndarray = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.8:
        jpeg = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(30, 95)])[1]
        decoded = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)
        photo = photo if decoded is None else decoded
    # The page pipeline: denoise grainy photos, upscale towards 300 dpi, flatten.
    if noise >= 4:
        photo = cv2.fastNlMeansDenoising(photo, None, h=min(30.0, 2.5 * noise), templateWindowSize=7,
                                         searchWindowSize=15)
    up = rng.uniform(1.5, 3.5)
    photo = cv2.resize(photo, None, fx=up, fy=up, interpolation=cv2.INTER_CUBIC)
    if shadow:  # the page's flattening divides the shadow out, its grain stays (a line's background is its own)
        photo = flatten(photo, kernel=(2 * photo.shape[0]) | 1)
    return normalise(photo)


def perspective(ink: np.ndarray, rng: random.Random) -> np.ndarray:
    """The line as a page photographed at an angle sees it: one end up to 15 % taller than the other
    (after the page's own dewarping, what is left of a tilted or curved sheet), slightly sheared."""
    import cv2

    h, w = ink.shape
    grow = rng.uniform(-0.15, 0.15) * h / 2
    shear = rng.uniform(-0.08, 0.08) * h
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    dst = np.array([[shear, 0], [w + shear, -grow], [w, h + grow], [0, h]], dtype=np.float32)
    lift = max(0.0, grow)
    dst[:, 1] += lift
    dst[:, 0] += max(0.0, -shear)
    m = cv2.getPerspectiveTransform(src, dst)
    size = (int(w + abs(shear)) + 1, int(h + 2 * lift) + 1)
    return np.asarray(cv2.warpPerspective(ink, m, size, flags=cv2.INTER_LINEAR, borderValue=0))


def motion_blur(ink: np.ndarray, length: float, rng: random.Random) -> np.ndarray:
    """Ink smeared along a segment of ``length`` pixels (at least 2) at a random angle: the camera moved while
    the shutter was open. Applied to the sharp, high-resolution line, so a short smear has a direction too."""
    import cv2

    half = max(1.0, length / 2)
    size = 2 * math.ceil(half) + 1
    angle = rng.uniform(0, math.pi)
    dx, dy = half * math.cos(angle), half * math.sin(angle)
    bar = np.zeros((size, size), dtype=np.uint8)
    c = size // 2
    cv2.line(bar, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 255, 1, cv2.LINE_AA)
    kernel = bar.astype(np.float32)
    return np.asarray(cv2.filter2D(ink, -1, kernel / float(kernel.sum()), borderType=cv2.BORDER_CONSTANT))


def hand_shadow(img: np.ndarray, em: float, depth: float, rng: random.Random) -> np.ndarray:
    """The soft shadow of a hand or a phone over one end of the line: light and contrast drop by
    ``depth`` beyond an edge a few letters wide, which may cross the line at a slant."""
    h, w = img.shape
    edge = rng.uniform(0.15, 0.85) * w
    soft = max(2.0, em * rng.uniform(0.5, 3.0))
    slant = rng.uniform(-1.0, 1.0)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    where = (xs - edge - slant * (ys - h / 2)) / soft
    if rng.random() < 0.5:
        where = -where
    shade = 1.0 / (1.0 + np.exp(-np.clip(where, -30, 30)))
    return np.asarray(img * (1.0 - depth * shade), dtype=np.float32)


def sample(texts: Texts, font_list: list[str], rng: random.Random,
           hard_share: float = HARD_SHARE) -> tuple[np.ndarray, str] | None:
    text = texts.line()
    font = font_for(text, font_list, rng)
    if font is None:
        return None
    rendered = render(text, font, rng)
    if rendered is None:
        return None
    ink, size = rendered
    img = degrade(ink, size, rng, hard_share)
    if img.shape[1] > 2400 or img.shape[1] < 8:
        return None
    return img, " ".join(text.split())


def build_model(classes: int):  # type: ignore[no-untyped-def]
    import torch
    from torch import nn

    def block(cin: int, cout: int, pool: tuple[int, int] | None) -> list[nn.Module]:
        layers: list[nn.Module] = [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                                   nn.ReLU(inplace=True)]
        if pool:
            layers.append(nn.MaxPool2d(pool, pool))
        return layers

    class CRNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.cnn = nn.Sequential(
                *block(1, 16, (2, 2)),      # 16 × W/2
                *block(16, 32, (2, 2)),     # 8 × W/4
                *block(32, 64, None),
                *block(64, 64, (2, 1)),     # 4 × W/4
                *block(64, 96, None),
                *block(96, 96, (2, 1)),     # 2 × W/4
                *block(96, 128, (2, 1)),    # 1 × W/4
            )
            self.rnn = nn.LSTM(128, 128, num_layers=2, bidirectional=True, batch_first=True, dropout=0.1)
            self.head = nn.Linear(256, classes)

        def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 1, 32, W) → (B, W/4, classes) log-probs
            f = self.cnn(x).squeeze(2).permute(0, 2, 1)
            f, _ = self.rnn(f)
            return self.head(f).log_softmax(-1)

    return CRNN()


def corrections(folders: list[Path]) -> list[tuple[np.ndarray, str]]:
    """Operators' corrected lines (a folder of ``ocr.pairs``), normalised as a line cut from a page is;
    a pair with a letter the alphabet lacks, or an image that does not read, is left out."""
    import cv2

    from azs_assistant.ocr import pairs

    out = []
    for folder in folders:
        for path, text in pairs.read(folder):
            text = " ".join(text.split())
            image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
            if image is None or not text or any(ch not in ALPHABET and ch != " " for ch in text):
                continue
            out.append((normalise(image), text))
    return out


def batches(texts: Texts, font_list: list[str], seed: int, size: int,  # type: ignore[no-untyped-def]
            curriculum: dict[str, float], real: list[tuple[np.ndarray, str]] | None = None,
            real_share: float = 0.0):
    """Endless batches (images padded white to the widest); ``real_share`` of the lines drawn from ``real``."""
    rng = random.Random(seed)
    index = {ch: i + 1 for i, ch in enumerate(ALPHABET)}  # 0 = CTC blank
    while True:
        pool: list[tuple[np.ndarray, str]] = []
        while len(pool) < 4 * size:  # four batches at a time, sorted by width: little padding
            if real and rng.random() < real_share:
                pool.append(rng.choice(real))
                continue
            s = sample(texts, font_list, rng, curriculum["hard_share"])
            if s is not None and s[1]:
                pool.append(s)
        pool.sort(key=lambda s: s[0].shape[1])
        for k in range(4):
            yield _batch(pool[k * size:(k + 1) * size], index)


def _batch(items: list[tuple[np.ndarray, str]], index: dict[str, int]):  # type: ignore[no-untyped-def]
    import torch

    size = len(items)
    width = max(img.shape[1] for img, _ in items)
    width += (-width) % 4
    x = np.ones((size, 1, HEIGHT, width), dtype=np.float32)
    for i, (img, _) in enumerate(items):
        x[i, 0, :, :img.shape[1]] = img
    targets = [index[ch] for _, t in items for ch in t]
    lengths = [len(t) for _, t in items]
    return torch.from_numpy(x), torch.tensor(targets), torch.tensor(lengths), [t for _, t in items]


def cer(hyp: str, ref: str) -> float:
    return Levenshtein.distance(hyp, ref) / max(1, len(ref))


def load_onnx(model, path: Path, x) -> None:  # type: ignore[no-untyped-def]
    """Weights of an exported model (``lines.onnx``) into ``model``, so the bundled model can be
    trained further without its checkpoint. The exporter folded each batch norm into its
    convolution; the norm is rebuilt around the folded one from the statistics of batch ``x``
    (scale = the channel's spread, shift = its mean plus the folded bias), which gives the same
    output in evaluation and, for batches like ``x``, in training."""
    import onnx
    import torch
    from onnx import numpy_helper
    from torch import nn

    graph = onnx.load(str(path)).graph
    weights = {init.name: torch.from_numpy(numpy_helper.to_array(init).copy()) for init in graph.initializer}
    convs = [m for m in model.cnn if isinstance(m, nn.Conv2d)]
    norms = [m for m in model.cnn if isinstance(m, nn.BatchNorm2d)]
    folded = [(weights[n.input[1]], weights[n.input[2]]) for n in graph.node if n.op_type == "Conv"]
    lstms = [n for n in graph.node if n.op_type == "LSTM"]
    if len(folded) != len(convs) or len(lstms) != model.rnn.num_layers:
        raise ValueError(f"{path} is not a line model of this shape")
    outputs: list[torch.Tensor] = []
    hooks = [conv.register_forward_hook(lambda _m, _i, o: outputs.append(o.detach())) for conv in convs]
    with torch.no_grad():
        for conv, norm, (w, b) in zip(convs, norms, folded, strict=True):
            conv.weight.copy_(w)
            assert norm.running_mean is not None and norm.running_var is not None  # tracked by default
            norm.weight.fill_(1.0), norm.bias.zero_(), norm.running_mean.copy_(-b)
            norm.running_var.fill_(1.0 - norm.eps)
        def gates(t: torch.Tensor) -> torch.Tensor:
            """ONNX keeps an LSTM's gates as input, output, forget, cell; torch as input, forget, cell, output."""
            return torch.cat([t.chunk(4)[k] for k in (0, 2, 3, 1)])

        for layer, node in enumerate(lstms):
            w, r, bias = (weights[name] for name in node.input[1:4])
            for d, suffix in enumerate(("", "_reverse")):
                getattr(model.rnn, f"weight_ih_l{layer}{suffix}").copy_(gates(w[d]))
                getattr(model.rnn, f"weight_hh_l{layer}{suffix}").copy_(gates(r[d]))
                getattr(model.rnn, f"bias_ih_l{layer}{suffix}").copy_(gates(bias[d][:bias.shape[1] // 2]))
                getattr(model.rnn, f"bias_hh_l{layer}{suffix}").copy_(gates(bias[d][bias.shape[1] // 2:]))
        head = next(n for n in graph.node if n.op_type == "MatMul")
        model.head.weight.copy_(weights[head.input[1]].T)
        model.head.bias.copy_(weights["head.bias"])
        model.eval()
        model(x)
        for norm, (_, b), out in zip(norms, folded, outputs, strict=True):
            mean, var = out.mean(dim=(0, 2, 3)), out.var(dim=(0, 2, 3), unbiased=False)
            assert norm.running_mean is not None and norm.running_var is not None
            norm.running_mean.copy_(mean)
            norm.running_var.copy_(var)
            norm.weight.copy_((var + norm.eps).sqrt())
            norm.bias.copy_(mean + b)
    for hook in hooks:
        hook.remove()


def validation_lines(words: dict[str, list[str]], sentences: list[str], count: int = 200,
                     seed: int = 12345) -> list[tuple[np.ndarray, str]]:
    """Lines drawn only in the ``VALID_FONTS``, degraded as the training lines are at the end of the
    curriculum; the same ones for the same seed, whatever the training's own seed."""
    rng = random.Random(seed)
    texts, held_out = Texts(words, sentences, rng), valid_fonts()
    if not held_out:
        raise SystemExit(f"none of the validation fonts {', '.join(VALID_FONTS)} is installed: run scripts/setup.sh")
    lines: list[tuple[np.ndarray, str]] = []
    for _ in range(count * 20):  # a line no held-out font draws is drawn again; never an endless loop
        s = sample(texts, held_out, rng)
        if s is not None and s[1]:
            lines.append(s)
            if len(lines) == count:
                break
    return lines


def train(out: Path, minutes: float, batch: int, seed: int, resume: Path | None, lr: float = 2e-3,
          real: list[tuple[np.ndarray, str]] | None = None, real_share: float = 0.25,
          snapshot_minutes: float = 0.0) -> None:
    """Train for ``minutes``, checking the CER on the validation lines every 100 steps: each check is
    a row of ``<out>/curve.tsv`` (minutes, step, loss, CER; a run resumed into the same folder adds its rows,
    its minutes counted from its own start), and every ``snapshot_minutes`` the model so far is exported to
    ``<out>/snapshots/step<step>`` for ``bench/bench_line_models.py``."""
    import torch

    font_list = fonts()
    words = word_lists()
    sentences = kb_sentences(Path(__file__).resolve().parents[3] / "demo")
    # a few corrected lines drawn a quarter of the time would be learnt by heart: one in a hundred lines per pair
    real_share = min(real_share, len(real or []) / 100)
    print(f"fonts {len(font_list)}, words {sum(map(len, words.values()))}, sentences {len(sentences)}, "
          f"operators' corrected lines {len(real or [])} (share {real_share:.2f})", flush=True)

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    model = build_model(len(ALPHABET) + 1)
    # Clean lines first, so that CTC finds the letters, then the blur is learnt; a model trained
    # further has learnt the letters already.
    start_share = HARD_SHARE if resume else 0.1
    curriculum = {"hard_share": start_share}
    loader = batches(Texts(words, sentences, random.Random(seed * 100)), font_list, seed * 1000, batch, curriculum,
                     real, real_share)
    if resume and resume.suffix == ".onnx":
        load_onnx(model, resume, next(loader)[0])
    elif resume:
        model.load_state_dict(torch.load(resume))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    val = validation_lines(words, sentences)
    deadline = time.time() + minutes * 60
    step, t0 = 0, time.time()
    losses: list[float] = []
    out.mkdir(parents=True, exist_ok=True)
    curve = out / "curve.tsv"
    if not curve.exists():  # a run resumed into the same folder goes on below the last one's rows
        curve.write_text("minutes\tstep\tloss\tval_cer\n", encoding="utf-8")

    def check() -> None:
        """The CER on the validation lines as a row of the curve; the model so far saved."""
        model.eval()
        with torch.no_grad():
            errs = [cer(decode(model(torch.from_numpy(img[None, None]))[0].numpy(), ALPHABET)[0], t)
                    for img, t in val]
        spent, loss = (time.time() - t0) / 60, f"{np.mean(losses[-200:]):.3f}" if losses else "-"
        print(f"step {step} {spent * 60:.0f}s loss {loss} val CER {np.mean(errs):.3f}", flush=True)
        with curve.open("a", encoding="utf-8") as f:
            f.write(f"{spent:.1f}\t{step}\t{loss}\t{np.mean(errs):.4f}\n")
        torch.save(model.state_dict(), out / "lines.pt")

    check()  # where training starts from
    next_snapshot = snapshot_minutes
    for x, targets, lengths, _ in loader:
        model.train()
        frac = min(1.0, (time.time() - t0) / (minutes * 60))
        for g in opt.param_groups:  # one-cycle-like: warm up, then cosine down
            g["lr"] = lr * min(1.0, (step + 1) / 300) * (0.5 * (1 + math.cos(math.pi * frac)) * 0.97 + 0.03)
        curriculum["hard_share"] = min(HARD_SHARE, start_share + frac / 0.4 * (HARD_SHARE - 0.1))
        logp = model(x)
        loss = ctc(logp.permute(1, 0, 2), targets, torch.full((x.shape[0],), logp.shape[1], dtype=torch.long), lengths)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        losses.append(float(loss.detach()))
        step += 1  # noqa: SIM113  (the loop is endless; steps count updates)
        if step % 100 == 0 or time.time() > deadline:
            check()
            spent = (time.time() - t0) / 60
            if snapshot_minutes and spent >= next_snapshot:
                export(model, out / "snapshots" / f"step{step:06d}")
                next_snapshot = (spent // snapshot_minutes + 1) * snapshot_minutes
        if time.time() > deadline:
            break
    export(model, out)


def export(model, out: Path) -> None:  # type: ignore[no-untyped-def]
    import torch

    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    dummy = torch.zeros(1, 1, HEIGHT, 256)
    torch.onnx.export(model, (dummy,), str(out / "lines.onnx"), input_names=["image"], output_names=["logp"],
                      dynamic_axes={"image": {3: "width"}, "logp": {1: "steps"}},  # one line at a time
                      opset_version=17, dynamo=False)
    (out / "lines.json").write_text(json.dumps({"alphabet": ALPHABET, "height": HEIGHT}, ensure_ascii=False),
                                    encoding="utf-8")
    print(f"exported {out / 'lines.onnx'}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for lines.onnx and lines.json")
    parser.add_argument("--minutes", type=float, default=60.0, help="training time (default 60)")
    parser.add_argument("--batch", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--resume", type=Path, help="a lines.pt or an exported lines.onnx to continue from")
    parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate (default 2e-3)")
    parser.add_argument("--samples", type=int, help="only write this many sample images to --out and stop")
    parser.add_argument("--corrections", type=Path, action="append", default=[],
                        help="a folder of operators' corrected lines (<data dir>/ocr/corrections); repeatable")
    parser.add_argument("--corrections-share", type=float, default=0.25,
                        help="share of the training lines drawn from --corrections (default 0.25; at most "
                             "0.01 per corrected line)")
    parser.add_argument("--snapshot-minutes", type=float, default=0.0,
                        help="also export the model every so many minutes to <out>/snapshots/<minutes> "
                             "(default 0: only at the end)")
    args = parser.parse_args(argv)
    if args.samples:
        import cv2

        rng = random.Random(args.seed)
        texts = Texts(word_lists(), kb_sentences(Path(__file__).resolve().parents[3] / "demo"), rng)
        font_list = fonts()
        args.out.mkdir(parents=True, exist_ok=True)
        for i in range(args.samples):
            s = sample(texts, font_list, rng)
            if s:
                cv2.imwrite(str(args.out / f"s{i:02d}.png"), (s[0] * 255).astype(np.uint8))
                print(i, s[1])
        return
    real = corrections(args.corrections)
    if args.corrections and not real:
        parser.error("no corrected lines found in " + ", ".join(map(str, args.corrections)))
    train(args.out, args.minutes, args.batch, args.seed, args.resume, args.lr, real, args.corrections_share,
          args.snapshot_minutes)


if __name__ == "__main__":
    main()
