"""OCR for the ingestion pipeline and the ``azs ocr`` command: pages of an image file or the
text-less pages of a PDF, each recognised and judged, within the limits in settings."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from azs_assistant.errors import CorruptDocument, FileTooLarge
from azs_assistant.ocr import engine
from azs_assistant.ocr.pipeline import PageResult, ocr_page
from azs_assistant.settings import Settings

PDF_RENDER_DPI = 300


@dataclass
class OCRPage:
    number: int
    result: PageResult


class OCRService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.languages = settings.ocr_languages
        self.version = engine.check(self.languages)  # raises OCRUnavailable with what to install
        self.second = settings.ocr_second_pass or None
        if self.second:
            try:
                engine.check(self.second)  # its message names the package to install
            except engine.OCRUnavailable as exc:
                import logging

                logging.getLogger("azs.ocr").warning("Второе чтение страниц выключено: %s", exc.message_ru)
                self.second = None

    def image_pages(self, data: bytes, name: str) -> list[np.ndarray]:
        """Pages of an image file as BGR arrays, refusing decompression bombs and absurd sizes."""
        from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

        Image.MAX_IMAGE_PIXELS = self.settings.max_image_pixels
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as im:
                    self._check_size(im.size, name)
                    if im.format == "JPEG":  # decode a huge photo at 1/2, 1/4 or 1/8 size straight away
                        im.draft("RGB", _fit(im.size, self.settings.ocr_max_pixels))
                    pages = []
                    for n, frame in enumerate(ImageSequence.Iterator(im)):
                        if n >= self.settings.ocr_max_pages:
                            raise FileTooLarge(
                                f"В файле {name} больше {self.settings.ocr_max_pages} страниц для распознавания.",
                                f"{name} has more than {self.settings.ocr_max_pages} pages.",
                                message_kk=f"{name} файлында тануға болатын {self.settings.ocr_max_pages} беттен көп "
                                           "бет бар.", file=name)
                        self._check_size(frame.size, name)
                        rgb = ImageOps.exif_transpose(self._downscale(frame).convert("RGB"))
                        pages.append(np.asarray(rgb)[:, :, ::-1].copy())
                    return pages
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            limit = f"{self.settings.max_image_pixels:,}".replace(",", " ")
            raise FileTooLarge(f"Изображение {name} слишком большое (больше {limit} пикселей).",
                               f"{name}: decompression bomb refused",
                               message_kk=f"{name} суреті тым үлкен ({limit} пиксельден көп).", file=name) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise CorruptDocument(f"Изображение {name} повреждено или не читается.",
                                  f"{name}: unreadable image: {exc}",
                                  message_kk=f"{name} суреті бүлінген немесе оқылмайды.", file=name) from exc

    def _downscale(self, frame: Any) -> Any:
        """The frame within ``ocr_max_pixels``: OCR wants about 300 dpi, and every pixel beyond that
        costs preprocessing time and memory (a 60 MP photo took a minute and 1.5 GB unscaled)."""
        from PIL import Image

        size = _fit(frame.size, self.settings.ocr_max_pixels)
        if size == frame.size:
            return frame
        if frame.mode not in ("RGB", "L"):
            frame = frame.convert("L" if frame.mode in ("1", "I", "I;16", "F") else "RGB")
        return frame.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)  # box-reduce first: fast

    def _check_size(self, size: tuple[int, int], name: str) -> None:
        w, h = size
        if w * h > self.settings.max_image_pixels or max(w, h) > self.settings.max_image_side or min(w, h) < 16:
            raise FileTooLarge(f"Изображение {name} имеет недопустимый размер {w}×{h} пикселей.",
                               f"{name}: image size {w}x{h} refused",
                               message_kk=f"{name} суретінің өлшемі жарамсыз: {w}×{h} пиксель.", file=name)

    def pdf_pages(self, data: bytes, numbers: list[int] | None, name: str) -> Iterator[tuple[int, np.ndarray]]:
        """The given (1-based) PDF pages, or all of them, rendered at 300 dpi within ``ocr_max_pixels``,
        one at a time (a hundred rendered pages held at once would take a gigabyte). A PDF that PDFium
        cannot open or render is refused as corrupt."""
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(data)
            numbers = list(range(1, len(pdf) + 1)) if numbers is None else numbers
        except pdfium.PdfiumError as exc:
            raise _corrupt_pdf(name, exc) from exc
        if len(numbers) > self.settings.ocr_max_pages:
            pdf.close()
            raise FileTooLarge(f"В файле {name} {len(numbers)} страниц без текста — больше допустимых "
                               f"{self.settings.ocr_max_pages} для распознавания.",
                               f"{name}: {len(numbers)} scanned pages exceed the OCR limit",
                               message_kk=f"{name} файлында мәтінсіз {len(numbers)} бет бар — тануға рұқсат етілген "
                                          f"{self.settings.ocr_max_pages} беттен көп.", file=name)
        return self._rendered(pdf, numbers, name)

    def _rendered(self, pdf: Any, numbers: list[int], name: str) -> Iterator[tuple[int, np.ndarray]]:
        import pypdfium2 as pdfium

        try:
            for n in numbers:
                try:
                    image = self._render(pdf[n - 1])
                except (pdfium.PdfiumError, IndexError) as exc:
                    raise _corrupt_pdf(name, exc) from exc
                yield n, image
        finally:
            pdf.close()

    def _render(self, page: Any) -> np.ndarray:
        w, h = page.get_size()
        scale = min(PDF_RENDER_DPI / 72, (self.settings.ocr_max_pixels / max(w * h, 1)) ** 0.5)
        return page.render(scale=scale, grayscale=True).to_numpy().copy()  # type: ignore[no-any-return]

    def recognise(self, images: Iterable[tuple[int, np.ndarray]], read_twice: Callable[[str], bool] | None = None,
                  keep_image: bool = False) -> list[OCRPage]:
        """Each page read and judged; a kept page whose text ``read_twice`` says yes to (a paper form's) is
        read by both readers, so that the form's values are checked against each other; ``keep_image``: each
        kept page carries its prepared image (a single upload's, for its corrections to become training pairs)."""
        return [OCRPage(n, ocr_page(img, self.languages, self.second, self.settings.ocr_line_reader, read_twice,
                                    keep_image)) for n, img in images]


def _fit(size: tuple[int, int], max_pixels: int) -> tuple[int, int]:
    """``size`` scaled down, keeping its proportions, to at most ``max_pixels``."""
    w, h = size
    if w * h <= max_pixels:
        return size
    factor = (max_pixels / (w * h)) ** 0.5
    return max(1, int(w * factor)), max(1, int(h * factor))


def _corrupt_pdf(name: str, exc: Exception) -> CorruptDocument:
    return CorruptDocument(f"Файл {name} повреждён: PDF не читается.", f"{name}: unreadable PDF: {exc}",
                           message_kk=f"{name} файлы бүлінген: PDF оқылмайды.", file=name)


def make_ocr(settings: Settings) -> OCRService | None:
    """The OCR service, or None when OCR is switched off or Tesseract is missing (logged once)."""
    if not settings.ocr:
        return None
    try:
        return OCRService(settings)
    except engine.OCRUnavailable as exc:
        import logging

        logging.getLogger("azs.ocr").warning("OCR off: %s", exc.message_ru)
        return None
