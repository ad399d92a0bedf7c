"""Image preprocessing before OCR (OpenCV): page detection and perspective correction, scaling to
about 300 dpi, illumination flattening, deskew and table-line removal. Each stage is timed.

Phone photos show the page at 120-160 dpi on a darker background, rotated a little and lit
unevenly; Tesseract wants dark text on a flat white page at about 300 dpi, without ruling lines.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

A4_WIDTH_300DPI = 2480
MAX_UPSCALED_PIXELS = 12_000_000  # upscaling to 300 dpi never makes a page larger (AZS_OCR_MAX_PIXELS' default)
NOISY = 4.0  # grain (grey levels) from which a page is denoised; clean scans and good photos stay below


@dataclass
class Prepared:
    image: np.ndarray                      # grayscale, flattened, lines removed
    page_found: bool
    scale: float
    timings: dict[str, float] = field(default_factory=dict)
    page_width: int = 0                    # pixels across the page before scaling: text size
    brightness: float = 255.0              # 90th percentile of the page before flattening: exposure
    noisy: bool = False                    # grain strong enough to need denoising (bad photos)
    gray: np.ndarray | None = None         # the page before cleaning: anti-aliased, for the line reader
    sharp: float | None = None             # quality.page_sharpness, measured once per page


def _order(pts: np.ndarray) -> np.ndarray:
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], dtype=np.float32)


def find_page(gray: np.ndarray) -> np.ndarray | None:
    """The four corners of a paper page that stands out from its background, if there is one."""
    import cv2

    h, w = gray.shape
    small_scale = 800 / max(h, w)
    small = cv2.resize(gray, (int(w * small_scale), int(h * small_scale)), interpolation=cv2.INTER_AREA)
    blur = cv2.GaussianBlur(small, (7, 7), 0)
    _, mask = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    page = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(page)
    if area < 0.2 * small.size or area > 0.97 * small.size:
        return None  # no page, or the page fills the frame (a scan): nothing to correct
    approx = cv2.approxPolyDP(page, 0.02 * cv2.arcLength(page, True), True)
    if len(approx) != 4:
        rect = cv2.minAreaRect(page)
        approx = cv2.boxPoints(rect)
    return _order(np.asarray(approx, dtype=np.float32).reshape(4, 2) / small_scale)


def warp(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    import cv2

    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, dst)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def flatten(gray: np.ndarray) -> np.ndarray:
    """Divide by the page's own background, so shadows and gradients become white."""
    import cv2

    k = max(31, (min(gray.shape) // 25) | 1)
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    background = cv2.GaussianBlur(background, (k, k), 0)
    flat = cv2.divide(gray, background, scale=255)
    return cv2.normalize(flat, None, 0, 255, cv2.NORM_MINMAX)  # type: ignore[call-overload]


STEM = 2.5  # a vertical ruling is at least this many typical glyph heights long (no letter's stem is)


def glyph_height(binary: np.ndarray) -> float:
    """The median height of the letter-sized blobs of a binarised page (white ink on black), 0 when it
    has none: the x-height of lower-case text, the cap height of headings in capitals."""
    import cv2

    h, w = binary.shape
    _, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    letters = heights[(heights >= 8) & (heights < h / 8) & (widths < w / 8) & (stats[1:, cv2.CC_STAT_AREA] >= 20)]
    return float(np.median(letters)) if letters.size >= 5 else 0.0


def remove_lines(gray: np.ndarray) -> np.ndarray:
    """Paint table rulings white: Tesseract skips or garbles text inside bordered tables."""
    import cv2

    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    h, w = gray.shape
    # Longer than a signature line «________» (about w/12): only table rulings go.
    h_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 7, 40), 1))
    # Longer than the tallest letter: the stems of large print («П», «Р», «Ф» of a 34 px heading on a
    # 1600 px strip scaled to 300 dpi are 40-50 px tall) were taken for rulings and erased.
    v_kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 30, 40, int(STEM * glyph_height(binary)))))
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, h_kernel)
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, v_kernel)
    # The grey fringe of a scanned or photographed ruling is wider than its ink: left beside the
    # first word of a table row, it was read with it («Адрес АЗС» → «Е АЗС» on an unseen scan).
    lines = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((7, 7), np.uint8))
    out = gray.copy()
    out[lines > 0] = 255
    return out


def deskew(gray: np.ndarray) -> np.ndarray:
    """Rotate by the dominant text angle (within ±10°), measured on a reduced copy for speed."""
    import cv2

    factor = min(1.0, 1000 / gray.shape[1])
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    binary = cv2.morphologyEx(binary, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 3)))
    lines = cv2.HoughLinesP(binary, 1, np.pi / 720, threshold=100, minLineLength=small.shape[1] // 6, maxLineGap=10)
    if lines is None:
        return gray
    angles = [np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines.reshape(-1, 4)]
    angles = [a for a in angles if abs(a) < 10]
    if not angles:
        return gray
    angle = float(np.median(angles))
    if abs(angle) < 0.15:
        return gray
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def grain(gray: np.ndarray) -> float:
    """Sensor grain, measured on the paper rather than on text edges."""
    import cv2

    median = cv2.medianBlur(gray, 3)
    paper = median > np.percentile(median, 60)
    return float(np.std(gray[paper].astype(np.float32) - median[paper].astype(np.float32))) if paper.any() else 0.0


def denoise(gray: np.ndarray, noise: float | None = None) -> np.ndarray:
    """Remove sensor grain before upscaling (flattening would turn it into specks)."""
    import cv2

    noise = grain(gray) if noise is None else noise
    if noise < NOISY:
        return gray
    return cv2.fastNlMeansDenoising(gray, None, h=min(30.0, 2.5 * noise), templateWindowSize=7, searchWindowSize=15)


def clean(gray: np.ndarray) -> np.ndarray:
    """Whiten the paper and drop specks much smaller than a character."""
    import cv2

    binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    tiny = np.where(stats[:, cv2.CC_STAT_AREA] < 12)[0]
    out = gray.copy()
    out[np.isin(labels, tiny[tiny > 0])] = 255
    out[binary == 0] = np.maximum(out[binary == 0], 235)  # background to near white, keep anti-aliasing
    return out


BLUE = 0.12  # how much bluer than red and green (of the blue channel) a pixel of stamp or pen ink is


def without_colour(image: np.ndarray) -> np.ndarray:
    """A BGR image in grey, with blue ink (stamps and signatures over the print) painted with the
    paper around it: a stamp across a value is read as letters otherwise («310288» → «№ АЯ» on an
    unseen act). Only blue counts: print in warm or tinted light has chroma too (dark pixels most of
    all), but not blue well above red and green; a faint stamp in a hand's shadow still has it."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    blue = image[:, :, 0].astype(np.int16)
    excess = blue - np.maximum(image[:, :, 1], image[:, :, 2])
    ink = (excess > 15) & (excess > BLUE * blue)
    if ink.any():
        reach = max(9, (min(gray.shape) // 150) | 1)  # wider than a stamp's stroke
        paper = cv2.dilate(gray, np.ones((reach, reach), np.uint8))
        gray[ink] = paper[ink]
    return gray


def prepare(image: np.ndarray) -> Prepared:
    """The full pipeline, from a BGR or grayscale image to a clean grayscale page."""
    import cv2

    timings: dict[str, float] = {}
    t = time.perf_counter()
    gray = without_colour(image) if image.ndim == 3 else image
    corners = find_page(gray)
    if corners is not None:
        gray = warp(gray, corners)
    timings["page"] = time.perf_counter() - t

    page_width, brightness = gray.shape[1], float(np.percentile(gray, 90))
    t = time.perf_counter()
    noise = grain(gray)
    gray = denoise(gray, noise)
    timings["denoise"] = time.perf_counter() - t

    t = time.perf_counter()
    scale = min(4.0, A4_WIDTH_300DPI / gray.shape[1]) if gray.shape[1] < A4_WIDTH_300DPI * 0.9 else 1.0
    scale = min(scale, max(1.0, (MAX_UPSCALED_PIXELS / gray.size) ** 0.5))  # a narrow strip stays a strip
    if scale != 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    timings["scale"] = time.perf_counter() - t

    t = time.perf_counter()
    gray = flatten(gray)
    timings["flatten"] = time.perf_counter() - t

    t = time.perf_counter()
    gray = deskew(gray)
    timings["deskew"] = time.perf_counter() - t

    t = time.perf_counter()
    unruled = remove_lines(gray)
    cleaned = clean(unruled)
    timings["lines"] = time.perf_counter() - t
    return Prepared(cleaned, corners is not None, scale, timings, page_width, brightness, noise >= NOISY, unruled)
