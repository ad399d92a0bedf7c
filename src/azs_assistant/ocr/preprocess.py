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
# A page photographed from any angle a person holds a phone at keeps its opposite edges within this ratio
# of each other (the strongest tilt among the 86 photos and scans of the OCR and QA sets gives 0.78); a
# scan's shadow band, taken for the page's edge, gave 0.52 and the page was warped into a slant and refused.
MIN_SIDE_RATIO = 0.6
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
    corners = _order(np.asarray(approx, dtype=np.float32).reshape(4, 2) / small_scale)
    return corners if plausible_page(corners, (h, w)) else None


def plausible_page(corners: np.ndarray, shape: tuple[int, int]) -> bool:
    """Could the outline be a sheet of paper seen by a camera? Not when three of its corners are the
    frame's own (the frame, cut by a shadow, is what was found) or when opposite edges differ more
    than any hand-held perspective makes them."""
    h, w = shape
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    near = 0.01 * max(h, w)
    if int((np.linalg.norm(corners - frame, axis=1) <= near).sum()) >= 3:
        return False
    tl, tr, br, bl = corners
    length = np.linalg.norm
    for a, b in ((length(tr - tl), length(br - bl)), (length(bl - tl), length(br - tr))):
        if min(a, b) < MIN_SIDE_RATIO * max(a, b):
            return False
    return True


def warp(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    import cv2

    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, dst)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def flatten(gray: np.ndarray, kernel: int | None = None) -> np.ndarray:
    """Divide by the page's own background (its paper, found by closing over ``kernel`` pixels, odd; by default
    a 25th of the page's side), so shadows and gradients become white."""
    import cv2

    k = kernel or max(31, (min(gray.shape) // 25) | 1)
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


DARK = 0.5   # print is darker than this share of the paper around it
BLUE = 0.12  # how much bluer than red and green (of the blue channel) a pixel of stamp or pen ink is


def without_colour(image: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """A BGR image in grey, with blue ink (stamps and signatures over the print) painted with the
    paper around it: a stamp across a value is read as letters otherwise («310288» → «№ АЯ» on an
    unseen act). Only blue counts: print in warm or tinted light has chroma too (dark pixels most of
    all), but not blue well above red and green; a faint stamp in a hand's shadow still has it.
    Second, where the blue ink is (for ``with_print_under_stamps``), or None where there is none."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    blue = image[:, :, 0].astype(np.int16)
    excess = blue - np.maximum(image[:, :, 1], image[:, :, 2])
    ink = (excess > 15) & (excess > BLUE * blue)
    if not ink.any():
        return gray, None
    reach = _reach(gray)
    gray[ink] = cv2.dilate(gray, np.ones((reach, reach), np.uint8))[ink]
    return gray, ink


def _reach(gray: np.ndarray) -> int:
    """A window wider than a stamp's stroke, in pixels of the image."""
    return max(9, (min(gray.shape) // 150) | 1)


def with_print_under_stamps(image: np.ndarray, painted: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The grey page of ``without_colour`` (``painted``, its blue ``ink``) with the print a stamp
    crossed given back (``print_under_stamp``): for crisp pages (``crisp``)."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    reach = _reach(gray)
    paper = cv2.dilate(gray, np.ones((reach, reach), np.uint8))
    seen = np.minimum(paper, under_stamp(image, paper, ink, reach))
    kept = painted.copy()
    back = print_under_stamp(gray, seen, paper, ink, reach)
    kept[back] = seen[back]
    return kept


CRISP = 0.45  # the page's sharpness (flattened, at 150 dpi) from which print under a stamp is kept


def crisp(gray: np.ndarray, corners: np.ndarray | None) -> bool:
    """Whether the print of a page (its middle, within ``corners``) is crisp enough to tell a stamp's
    ink from the print under it: on scans and good photos keeping that print read the words a stamp
    crossed, on blurred photos the stamp's smeared strokes left specks that were read as letters.
    Unseen tuning pages: scans and clean renders 0.43-0.70, good photos 0.34-0.52, medium 0.24-0.50."""
    import cv2

    from azs_assistant.ocr.quality import sharpness

    if corners is not None:
        (x0, y0), (x1, y1) = corners.min(axis=0).astype(int), corners.max(axis=0).astype(int)
        dx, dy = (x1 - x0) // 10, (y1 - y0) // 10
        gray = gray[max(0, y0 + dy):y1 - dy, max(0, x0 + dx):x1 - dx]
    if gray.size == 0:
        return False
    factor = min(1.0, 1240 / gray.shape[1])
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return sharpness(flatten(small)) >= CRISP


def under_stamp(image: np.ndarray, paper: np.ndarray, ink: np.ndarray, reach: int) -> np.ndarray:
    """The grey of the page under blue ink, from the red channel: a stamp is faint blue ink, so over
    paper it lets much red through and over black print almost none. The red is taken relative to
    the paper's red around it (light falls off across a photo) and scaled so that the stamp's typical
    share (most of its pixels lie on paper) becomes the paper's grey; print under it stays dark."""
    import cv2

    red = image[:, :, 2]
    share = red.astype(np.float32) / np.maximum(cv2.dilate(red, np.ones((reach, reach), np.uint8)), 1)
    level = max(float(np.median(share[ink])), 0.01)
    return np.clip(share * (paper.astype(np.float32) / level), 0, 255).astype(np.uint8)


def print_under_stamp(gray: np.ndarray, seen: np.ndarray, paper: np.ndarray, ink: np.ndarray,
                      reach: int) -> np.ndarray:
    """Which blue-ink pixels are print a stamp crossed, to be kept: painting all the ink with the
    paper erased the letters a stamp crossed («пределах» read «предслах», «Б.Б.» «5.Б.» on unseen
    scans). Pen ink is as dark as that print, but where a stamp crosses a letter the dark piece is
    small (no larger than the two strokes' crossing; ``reach`` is wider than a stamp's stroke) and
    the rest of the letter goes on from it in black; a pen's strokes (a signature) leave larger
    pieces, or small ones with paper and ink around them: those are painted out as before."""
    import cv2

    dark = (ink & (seen < paper.astype(np.int16) * DARK)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    # A stamp's stroke along a letter's stem leaves a piece up to twice ``reach`` long, but thin.
    small = (np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) <= 2 * reach) \
        & (stats[:, cv2.CC_STAT_AREA] <= reach * reach / 2)
    black = ~ink & (gray < paper.astype(np.int16) * DARK)  # print the ink does not cover
    grown = cv2.dilate(labels.astype(np.float32), np.ones((3, 3), np.uint8)).astype(np.int32)
    touches = np.bincount(grown[black & (grown > 0)], minlength=count) > 0
    keep = small & touches
    keep[0] = False
    return keep[labels] & stamps(ink)


STAMP = 0.08  # a stamp is at least this share of the image wide and tall; a signature is a flat scrawl


def stamps(ink: np.ndarray) -> np.ndarray:
    """Where the stamps are: the boxes of the pieces of blue ink that are as tall as they are wide and
    large (a round stamp), not a signature's flat scrawl, where a pen's stroke touching a letter
    («Подпись» on an unseen photo) was kept as print under a stamp and the word lost."""
    import cv2

    joined = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = np.zeros_like(ink)
    least = STAMP * ink.shape[1]
    for x, y, w, h, _ in stats[1:]:
        if w >= least and h >= least:
            out[y:y + h, x:x + w] = True
    return out


def prepare(image: np.ndarray) -> Prepared:
    """The full pipeline, from a BGR or grayscale image to a clean grayscale page."""
    import cv2

    timings: dict[str, float] = {}
    t = time.perf_counter()
    gray, ink = without_colour(image) if image.ndim == 3 else (image, None)
    corners = find_page(gray)
    if ink is not None and crisp(gray, corners):
        gray = with_print_under_stamps(image, gray, ink)
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
