"""The line reader on synthetic bad phone photos: how its confidence tracks its character error
rate (the confidence a reading needed to be kept before the gate of ``ocr/quality.py`` replaced the
fixed threshold), and how Tesseract alone does on the same pages.

    python bench/bench_lines.py [--pages 40] [--seed 7]

Pages are drawn here from the demo knowledge base's sentences with the fonts the trainer uses, at
10-14 pt, photographed from afar (page 850-1300 px wide), out of focus, grainy and grey, on a dark
table, turned a little. Nothing from the evaluation sets is used.
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def page_text(sentences: list[str], rng: random.Random) -> list[str]:
    lines: list[str] = []
    while len(lines) < rng.randint(8, 14):
        lines.extend(textwrap.wrap(rng.choice(sentences), rng.randint(45, 75)))
    return lines[:14]


def draw(lines: list[str], font_path: str, pt: int):  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (2480, 3508), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(font_path, round(pt * 300 / 72))
    step = round(pt * 300 / 72 * 1.6)
    for i, line in enumerate(lines):
        d.text((250, 300 + i * step), line, fill=0, font=font)
    return img


def photograph(img, rng: random.Random) -> np.ndarray:  # type: ignore[no-untyped-def]
    import cv2

    width = rng.randint(850, 1300)
    small = cv2.resize(np.asarray(img, dtype=np.float32), (width, round(width * 1.414)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), rng.uniform(0.8, 2.2))
    paper, ink = rng.uniform(150, 230), rng.uniform(40, 110)
    small = ink + (paper - ink) * small / 255.0
    canvas = np.full((small.shape[0] + 240, small.shape[1] + 240), rng.uniform(40, 80), np.float32)
    canvas[120:-120, 120:-120] = small
    m = cv2.getRotationMatrix2D((canvas.shape[1] / 2, canvas.shape[0] / 2), rng.uniform(-6, 6), 1.0)
    canvas = cv2.warpAffine(canvas, m, (canvas.shape[1], canvas.shape[0]), borderValue=float(canvas[0, 0]))
    canvas += np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(4, 12), canvas.shape)
    gray = canvas.clip(0, 255).astype(np.uint8)
    jpeg = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 80])[1]
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    from azs_assistant.language.analyzer import get_analyzer
    from azs_assistant.ocr import engine, lines
    from azs_assistant.ocr.preprocess import prepare
    from azs_assistant.ocr.quality import Reading, judge
    from azs_assistant.ocr.train_lines import ALPHABET, cer, font_for, fonts, kb_sentences

    reader = lines.reader()
    if reader is None:
        print("no line model", file=sys.stderr)
        return 1
    rng = random.Random(args.seed)
    sentences = [s for s in kb_sentences(ROOT / "demo") if len(s) > 40 and all(ch in ALPHABET for ch in s)]
    font_list = fonts()
    rows = []
    greedy_sum = 0.0
    lexicon, kazakh = get_analyzer(), lines.kazakh_words()
    for n in range(args.pages):
        text = page_text(sentences, rng)
        font, pt = font_for("".join(text), font_list, rng) or font_list[0], rng.choice([10, 11, 12, 14])
        photo = photograph(draw(text, font, pt), rng)
        t = time.perf_counter()
        prepared = prepare(photo)
        read = reader.read_page(prepared.gray, lexicon=lexicon, kazakh=kazakh)  # type: ignore[arg-type]
        took = time.perf_counter() - t
        truth = " ".join(" ".join(text).split())
        c = cer(" ".join(read.text.split()), truth)
        greedy = cer(" ".join(reader.read_page(prepared.gray).text.split()), truth)  # type: ignore[arg-type]
        tess = engine.recognise(prepared.image, psm=6)
        gate = judge(prepared, Reading("tesseract", tess.text, [w.conf for w in tess.words], tess.confidence,
                                       [float(w.height) for w in tess.words])).quality
        tc = cer(" ".join(tess.text.split()), truth)
        rows.append((read.confidence, c))
        greedy_sum += greedy
        print(f"{n:3} {Path(font).stem:18} {pt:2}pt lines conf {read.confidence:5.1f} CER {c:.3f}"
              f" (best path {greedy:.3f}) {took:4.1f}s"
              f" | tesseract conf {tess.confidence:5.1f} CER {tc:.3f} {gate}")
    print(f"\nmean CER: with the dictionary {np.mean([c for _, c in rows]):.3f}, "
          f"best path alone {greedy_sum / len(rows):.3f}")
    print(f"{'kept from conf':>15} {'pages':>6} {'mean CER':>9} {'max CER':>8}")
    for cut in (70, 75, 80, 85, 88, 90, 92, 95):
        kept = [c for conf, c in rows if conf >= cut]
        if kept:
            print(f"{cut:>15} {len(kept):>6} {np.mean(kept):9.3f} {max(kept):8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
