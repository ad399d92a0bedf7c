"""OCR for the ingestion pipeline and the ``azs ocr`` command: pages of an image file or the
text-less pages of a PDF, each recognised and judged, within the limits in settings."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

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
                    pages = []
                    for n, frame in enumerate(ImageSequence.Iterator(im)):
                        if n >= self.settings.ocr_max_pages:
                            raise FileTooLarge(
                                f"В файле {name} больше {self.settings.ocr_max_pages} страниц для распознавания.",
                                f"{name} has more than {self.settings.ocr_max_pages} pages.", file=name)
                        self._check_size(frame.size, name)
                        rgb = ImageOps.exif_transpose(frame.convert("RGB"))
                        pages.append(np.asarray(rgb)[:, :, ::-1].copy())
                    return pages
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            limit = f"{self.settings.max_image_pixels:,}".replace(",", " ")
            raise FileTooLarge(f"Изображение {name} слишком большое (больше {limit} пикселей).",
                               f"{name}: decompression bomb refused", file=name) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise CorruptDocument(f"Изображение {name} повреждено или не читается.",
                                  f"{name}: unreadable image: {exc}", file=name) from exc

    def _check_size(self, size: tuple[int, int], name: str) -> None:
        w, h = size
        if w * h > self.settings.max_image_pixels or max(w, h) > self.settings.max_image_side or min(w, h) < 16:
            raise FileTooLarge(f"Изображение {name} имеет недопустимый размер {w}×{h} пикселей.",
                               f"{name}: image size {w}x{h} refused", file=name)

    def pdf_pages(self, data: bytes, numbers: list[int], name: str) -> list[tuple[int, np.ndarray]]:
        """The given (1-based) PDF pages rendered at 300 dpi."""
        import pypdfium2 as pdfium

        if len(numbers) > self.settings.ocr_max_pages:
            raise FileTooLarge(f"В файле {name} {len(numbers)} страниц без текста — больше допустимых "
                               f"{self.settings.ocr_max_pages} для распознавания.",
                               f"{name}: {len(numbers)} scanned pages exceed the OCR limit", file=name)
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise CorruptDocument(f"Файл {name} повреждён: PDF не читается.", str(exc), file=name) from exc
        out = []
        for n in numbers:
            page = pdf[n - 1]
            w, h = page.get_size()
            scale = min(PDF_RENDER_DPI / 72, (self.settings.max_image_pixels / max(w * h, 1)) ** 0.5)
            bitmap = page.render(scale=scale, grayscale=True)
            out.append((n, bitmap.to_numpy().copy()))
        pdf.close()
        return out

    def recognise(self, images: list[tuple[int, np.ndarray]]) -> list[OCRPage]:
        return [OCRPage(n, ocr_page(img, self.languages, self.second, self.settings.ocr_line_reader))
                for n, img in images]


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
