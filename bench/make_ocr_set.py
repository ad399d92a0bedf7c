"""An OCR evaluation set nobody tuned for: the documents of ``ocr_unseen_docs.py`` (new texts, new form
layouts, tables, stamps, signature scribbles, Kazakh pages) drawn in fonts the development set does not
use, at the six degradation levels of ``../shared/eval/ocr``, with phone-photo effects (perspective,
uneven light, the shadow of a hand, JPEG, motion and focus blur, low resolution).

    python bench/make_ocr_set.py [--out bench/data/ocr_unseen] [--seed 22]

Writes ``<out>/tune`` and ``<out>/valid`` (the split is by document, fixed in ``ocr_unseen_docs.py``),
each with PNG/JPEG pages and a ``manifest.jsonl`` in the development set's format (image, text, level,
kind, font, pt, lang, fields), ready for ``bench/bench_ocr.py --set``. The same seed gives the same
pages. 12 documents x 6 levels = 72 pages, about 40 MB; the folder is not committed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ocr_unseen_docs import DOCS  # noqa: E402

FONTS = "/usr/share/fonts/truetype"
# None of these is used by the development set (FreeSerif, CMU Typewriter, DejaVu Sans, PT Mono/Sans/Serif).
FONTS_RU = {"LiberationSerif": "liberation/LiberationSerif-Regular.ttf",
            "LiberationSans": "liberation/LiberationSans-Regular.ttf",
            "LiberationMono": "liberation/LiberationMono-Regular.ttf",
            "PTSansNarrow": "paratype/PTN57F.ttf", "PTSansCaption": "paratype/PTC55F.ttf"}
FONTS_KK = {"DejaVuSerif": "dejavu/DejaVuSerif.ttf", "DejaVuSansMono": "dejavu/DejaVuSansMono.ttf",
            "DejaVuSansCondensed": "dejavu/DejaVuSansCondensed.ttf", "FreeSans": "freefont/FreeSans.ttf",
            "FreeMono": "freefont/FreeMono.ttf", "CMUSerif": "cmu/cmunrm.ttf", "CMUSans": "cmu/cmunss.ttf"}
LEVELS = ["L0_clean", "L1_scan", "L2_photo_ok", "L3_photo_mid", "L4_photo_bad", "L5_photo_worst"]
W, H = 2480, 3508  # A4 at 300 dpi
MARGIN = 230


class Page:
    """A4 page at 300 dpi being laid out, with the ground truth read in reading order."""

    def __init__(self, font_path: str, pt: int, rng: random.Random) -> None:
        from PIL import Image, ImageDraw, ImageFont

        self.img = Image.new("RGB", (W, H), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.img)
        self.px = round(pt * 300 / 72)
        self.font = ImageFont.truetype(font_path, self.px)
        self.bold = self.font
        self.y = MARGIN
        self.step = round(self.px * rng.uniform(1.45, 1.75))
        self.rng = rng
        self.truth: list[str] = []
        self.blanks: list[tuple[int, int]] = []  # where signatures go

    def text(self, x: int, s: str) -> None:
        self.draw.text((x, self.y), s, fill=(0, 0, 0), font=self.font)

    def width(self, s: str) -> float:
        return float(self.font.getlength(s))

    def wrap(self, s: str, width: int) -> list[str]:
        out, line = [], ""
        for word in s.split():
            cand = f"{line} {word}".strip()
            if line and self.width(cand) > width:
                out.append(line)
                line = word
            else:
                line = cand
        return out + [line] if line else out

    def title(self, s: str) -> None:
        for line in self.wrap(s, W - 2 * MARGIN):
            self.text(int((W - self.width(line)) / 2), line)
            self.truth.append(line)
            self.y += self.step

    def para(self, s: str) -> None:
        for line in self.wrap(s, W - 2 * MARGIN):
            self.text(MARGIN, line)
            self.truth.append(line)
            self.y += self.step
        self.y += self.step // 4

    def kv(self, label: str, value: str, style: str = "plain") -> None:
        if style == "colon":
            self.text(MARGIN, f"{label}: {value}")
            self.truth.append(f"{label}: {value}")
        else:
            self.text(MARGIN, label)
            x = MARGIN + int(self.width(label + "  ")) if style == "plain" else MARGIN + 1100
            self.text(x, value)
            if style == "line":
                base = self.y + int(self.px * 1.15)
                self.draw.line([(x - 20, base), (W - MARGIN, base)], fill=(0, 0, 0), width=3)
            self.truth.append(f"{label} {value}")
        self.y += int(self.step * 1.2)

    def table(self, rows: list[list[str]]) -> None:
        cols = len(rows[0])
        need = [max(self.width(r[c]) for r in rows) + self.px for c in range(cols)]
        scale = min(1.0, (W - 2 * MARGIN) / sum(need))
        widths = [int(n * scale) for n in need]
        row_h = int(self.px * 1.8)
        x0, y0 = MARGIN, self.y
        for i, row in enumerate(rows):
            x = x0
            self.y = y0 + i * row_h + int(self.px * 0.35)
            for c, cell in enumerate(row):
                self.text(x + self.px // 2, cell)
                x += widths[c]
            self.truth.append(" ".join(row))
        bottom = y0 + len(rows) * row_h
        for i in range(len(rows) + 1):
            self.draw.line([(x0, y0 + i * row_h), (x0 + sum(widths), y0 + i * row_h)], fill=(0, 0, 0), width=3)
        x = x0
        for c in range(cols + 1):
            self.draw.line([(x, y0), (x, bottom)], fill=(0, 0, 0), width=3)
            x += widths[c] if c < cols else 0
        self.y = bottom + self.step

    def sign(self, s: str) -> None:
        self.text(MARGIN, s)
        self.truth.append(s)
        end = MARGIN + int(self.width(s))
        self.blanks.append((end - int(self.width("________")), self.y + self.px // 2))
        self.y += int(self.step * 1.3)

    def scribble(self) -> None:
        """A signature: a few loops of a pen across each blank, in blue or black ink."""
        for x, y in self.blanks:
            ink = self.rng.choice([(20, 30, 120), (10, 10, 10), (30, 40, 160)])
            pts = []
            for t in np.linspace(0, 1, 60):
                pts.append((x - 40 + t * self.px * 5 + 25 * np.sin(t * self.rng.uniform(12, 25)),
                            y + self.px * 0.5 * np.sin(t * self.rng.uniform(6, 14) + 1) - self.px * 0.2))
            self.draw.line(pts, fill=ink, width=self.rng.randint(3, 5), joint="curve")

    def stamp(self, s: str) -> None:
        """A round blue stamp near the signatures, partly over the text, as stamps land."""
        from PIL import Image, ImageDraw, ImageFont

        r = 260
        layer = Image.new("L", (2 * r + 20, 2 * r + 20), 0)
        d = ImageDraw.Draw(layer)
        d.ellipse([10, 10, 2 * r + 10, 2 * r + 10], outline=255, width=9)
        d.ellipse([70, 70, 2 * r - 50, 2 * r - 50], outline=255, width=5)
        font = ImageFont.truetype(f"{FONTS}/dejavu/DejaVuSans-Bold.ttf", 44)
        for i, ch in enumerate(s):
            angle = -150 + i * 300 / max(len(s), 1)
            a = np.radians(angle - 90)
            cx, cy = r + 10 + (r - 45) * np.cos(a), r + 10 + (r - 45) * np.sin(a)
            glyph = Image.new("L", (60, 60), 0)
            ImageDraw.Draw(glyph).text((10, 5), ch, fill=255, font=font)
            glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
            layer.paste(glyph, (int(cx - 30), int(cy - 30)), glyph)
        layer = layer.rotate(self.rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC)
        x, y = self.blanks[-1] if self.blanks else (W // 2, self.y)
        pos = (int(x - self.rng.uniform(200, 500)), int(y - r - self.rng.uniform(-60, 120)))
        faint = layer.point(lambda v: int(v * self.rng.uniform(0.55, 0.8)))
        self.img.paste(Image.new("RGB", layer.size, (40, 60, 170)), pos, faint)


def render(doc: dict[str, Any], font_path: str, pt: int, rng: random.Random) -> tuple[np.ndarray, str]:
    page = Page(font_path, pt, rng)
    stamps = []
    for block in doc["blocks"]:
        kind, args = block[0], block[1:]
        if kind == "stamp":
            stamps.append(args[0])
        elif kind == "gap":
            page.y += page.step
        else:
            getattr(page, kind)(*args)
    page.scribble()
    for s in stamps:
        page.stamp(s)
    return np.asarray(page.img)[:, :, ::-1].copy(), "\n".join(page.truth)


# Per level: page width in the frame (px), focus blur (sigma, px of the photo), motion blur (px),
# grain (grey levels), JPEG quality, perspective (share of the page), light unevenness, hand shadow.
PHOTO = {
    "L2_photo_ok": dict(width=(1800, 2000), focus=(0.5, 0.9), motion=(0, 2), grain=(2, 4), jpeg=(80, 90),
                        tilt=0.03, light=(0.08, 0.18), shadow=0.3, exposure=(0.9, 1.0)),
    "L3_photo_mid": dict(width=(1400, 1650), focus=(0.8, 1.3), motion=(0, 4), grain=(3, 6), jpeg=(70, 85),
                         tilt=0.05, light=(0.15, 0.3), shadow=0.6, exposure=(0.8, 0.95)),
    "L4_photo_bad": dict(width=(1150, 1350), focus=(1.3, 2.0), motion=(2, 6), grain=(6, 10), jpeg=(55, 70),
                         tilt=0.07, light=(0.2, 0.4), shadow=0.7, exposure=(0.6, 0.85)),
    "L5_photo_worst": dict(width=(1000, 1200), focus=(2.0, 3.0), motion=(4, 9), grain=(9, 14), jpeg=(45, 60),
                           tilt=0.08, light=(0.3, 0.5), shadow=0.8, exposure=(0.45, 0.7)),
}


def scan(page: np.ndarray, rng: random.Random) -> np.ndarray:
    """A flatbed scan at 200 dpi: a little turned, soft, a little grain, JPEG."""
    import cv2

    img = page.astype(np.float32)
    m = cv2.getRotationMatrix2D((W / 2, H / 2), rng.uniform(-1.2, 1.2), 1.0)
    img = cv2.warpAffine(img, m, (W, H), borderValue=(255, 255, 255))
    img = cv2.resize(img, (1653, 2338), interpolation=cv2.INTER_AREA)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 0.7))
    img = img * rng.uniform(0.9, 0.97) + np.random.default_rng(rng.randint(0, 2**31)).normal(0, 2.5, img.shape)
    return img.clip(0, 255).astype(np.uint8)


def photograph(page: np.ndarray, level: str, rng: random.Random) -> np.ndarray:
    """A phone photo of the page lying on a table, with the effects of ``PHOTO[level]``."""
    import cv2

    p = PHOTO[level]
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    pw = rng.randint(*p["width"])
    ph = round(pw * H / W)
    img = cv2.resize(page.astype(np.float32), (pw, ph), interpolation=cv2.INTER_AREA)
    img *= np.array([rng.uniform(0.86, 0.95), rng.uniform(0.9, 0.97), rng.uniform(0.93, 0.99)], np.float32)
    fw, fh = int(pw * rng.uniform(1.12, 1.25)), int(ph * rng.uniform(1.08, 1.18))
    table = np.array([rng.uniform(40, 110)] * 3, np.float32) * np.array([0.9, 1.0, 1.08], np.float32)
    canvas = np.empty((fh, fw, 3), np.float32)
    canvas[:] = table
    canvas += cv2.GaussianBlur(nrng.normal(0, 12, (fh, fw, 1)).astype(np.float32), (0, 0), 6)[..., None]
    ox, oy = (fw - pw) / 2, (fh - ph) / 2
    t = p["tilt"]
    quad = np.array([[ox, oy], [ox + pw, oy], [ox + pw, oy + ph], [ox, oy + ph]], np.float32)
    quad += np.array([[rng.uniform(-t, t) * pw, rng.uniform(-t, t) * ph] for _ in range(4)], np.float32)
    angle = np.radians(rng.uniform(-5, 5))
    c = quad.mean(axis=0)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    quad = (quad - c) @ rot.T + c
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(img, m, (fw, fh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), m, (fw, fh))[..., None]
    photo = warped * mask + canvas * (1 - mask)
    photo = _light(photo, p, rng, nrng)
    photo = _blur(photo, p, rng)
    photo += nrng.normal(0, rng.uniform(*p["grain"]), photo.shape).astype(np.float32)
    out = photo.clip(0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(*p["jpeg"])])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def _light(photo: np.ndarray, p: dict[str, Any], rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """Light falling off across the frame, a vignette, and now and then the shadow of a hand."""
    import cv2

    fh, fw = photo.shape[:2]
    yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
    a = rng.uniform(0, 2 * np.pi)
    ramp = ((xx / fw - 0.5) * np.cos(a) + (yy / fh - 0.5) * np.sin(a))
    light = 1.0 - rng.uniform(*p["light"]) * (ramp + 0.5)
    r = np.hypot(xx / fw - 0.5, yy / fh - 0.5)
    light *= 1.0 - 0.35 * r**2
    if rng.random() < p["shadow"]:
        # A hand and forearm held over the page: a soft-edged blob coming in from one side.
        shadow = np.zeros((fh, fw), np.float32)
        side = rng.choice(["bottom", "right", "left"])
        cx = {"bottom": rng.uniform(0.3, 0.7) * fw, "right": fw, "left": 0}[side]
        cy = {"bottom": fh, "right": rng.uniform(0.4, 0.9) * fh, "left": rng.uniform(0.4, 0.9) * fh}[side]
        axes = (int(fw * rng.uniform(0.18, 0.3)), int(fh * rng.uniform(0.25, 0.4)))
        cv2.ellipse(shadow, (int(cx), int(cy)), axes, rng.uniform(-30, 30), 0, 360, 1.0, -1)
        shadow = cv2.GaussianBlur(shadow, (0, 0), fw * rng.uniform(0.03, 0.07))
        light *= 1.0 - rng.uniform(0.3, 0.55) * shadow
    return photo * (light * rng.uniform(*p["exposure"]))[..., None]


def _blur(photo: np.ndarray, p: dict[str, Any], rng: random.Random) -> np.ndarray:
    import cv2

    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(*p["focus"]))
    length = rng.randint(*p["motion"])
    if length >= 2:
        k = np.zeros((length * 2 + 1, length * 2 + 1), np.float32)
        a = rng.uniform(0, np.pi)
        for s in np.linspace(-length, length, 4 * length + 1):
            k[int(round(length + s * np.sin(a))), int(round(length + s * np.cos(a)))] = 1
        photo = cv2.filter2D(photo, -1, k / k.sum())
    return photo


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data" / "ocr_unseen")
    ap.add_argument("--seed", type=int, default=22)
    args = ap.parse_args()
    import cv2

    rng = random.Random(args.seed)
    manifests: dict[str, list[str]] = {"tune": [], "valid": []}
    for doc in DOCS:
        part = args.out / doc["part"]
        part.mkdir(parents=True, exist_ok=True)
        fonts = FONTS_KK if "kaz" in doc["lang"] else {**FONTS_RU, **FONTS_KK}
        for level in LEVELS:
            name = rng.choice(sorted(fonts))
            pt = rng.randint(10, 14)
            page, text = render(doc, f"{FONTS}/{fonts[name]}", pt, rng)
            if level == "L0_clean":
                image, ext = page, "png"
            elif level == "L1_scan":
                image, ext = scan(page, rng), "jpg"
            else:
                image, ext = photograph(page, level, rng), "jpg"
            file = f"{doc['id']}_{doc['kind']}_{level}.{ext}"
            params = [cv2.IMWRITE_JPEG_QUALITY, 95] if ext == "jpg" else []
            cv2.imwrite(str(part / file), image, params)
            row = {"image": file, "text": text, "level": level, "kind": doc["kind"], "font": name, "pt": pt,
                   "lang": doc["lang"], "doc": doc["id"], "fields": doc.get("fields", {})}
            manifests[doc["part"]].append(json.dumps(row, ensure_ascii=False))
            print(f"{doc['part']:5} {file:40} {name:20} {pt} pt")
    for part, rows in manifests.items():
        (args.out / part / "manifest.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
