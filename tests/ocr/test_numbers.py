"""Numbers read once more on one strip by the English model (``ocr/numbers.py``)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from azs_assistant.ocr import engine, numbers
from azs_assistant.ocr.engine import OCRResult, Word
from azs_assistant.ocr.pipeline import ocr_page

# PT Sans Caption's «3» has a flat top: Tesseract's Russian and Cyrillic models read it «5».
CAPTION = "/usr/share/fonts/truetype/paratype/PTC55F.ttf"
LINES = ["Пробег 13 358 км, объём 3 430 л, сумма 23 935 тенге", "Дата 13.03.2026 № 3 от 31.03.2026"]


def sheet(lines: list[str], font: str = CAPTION, size: int = 42) -> np.ndarray:
    img = Image.new("RGB", (2400, 120 + len(lines) * int(size * 1.7)), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((60, 40 + i * int(size * 1.7)), line, fill="black", font=ImageFont.truetype(font, size))
    return np.asarray(img)[:, :, ::-1].copy()


def test_the_shape_of_a_number_and_settling_digits_only_on_the_same_shape() -> None:
    assert numbers.shape("13.03.2026") == "dd.dd.dddd"
    assert numbers.settle("15.05.2026", "13.03.2026") == "13.03.2026"
    assert numbers.settle("(25,", "23") == "(23,"           # punctuation around the number stays as read
    assert numbers.settle("558", "3558") == "558"           # a digit more says nothing about which is right
    assert numbers.settle("0,5", "0.3") == "0,5"            # nor other punctuation
    assert numbers.settle("Колонка", "1") == "Колонка"      # words are not numbers


def test_each_row_of_the_strip_gets_the_words_read_on_it() -> None:
    def at(text: str, conf: float, left: int, top: int) -> Word:
        return Word(text, conf, 1, 1, 1, left, top, 40, 48)

    rows = [(32, 80), (112, 160), (192, 240)]
    found = OCRResult([at("13", 95, 40, 33), at(".03", 90, 90, 34), at("358", 80, 40, 110)])
    assert numbers.read_strip(found, rows) == [("13.03", 90), ("358", 80), None]


def test_a_failed_strip_reading_leaves_the_numbers_as_read() -> None:
    def fail(strip: np.ndarray) -> OCRResult:
        raise engine.OCRUnavailable("Распознавание заняло больше 30 с.", "Tesseract timed out.")

    result = OCRResult([Word("15", 95, 1, 1, 1, 10, 10, 40, 30)])
    assert numbers.reread(result, np.full((60, 100), 255, np.uint8), fail).words[0].text == "15"


@pytest.mark.skipif(not engine.available("eng"), reason="tesseract-ocr-eng is not installed")
def test_a_flat_topped_three_is_read_as_three_not_five() -> None:
    once = engine.recognise(sheet(LINES)[:, :, 0], languages="rus+kaz+eng")
    assert "15.05.2026" in once.text  # the misreading this fixes, still there in the language mix
    text = ocr_page(sheet(LINES), second="Cyrillic").text
    assert "13 358 км" in text and "3 430 л" in text and "23 935 тенге" in text, text
    assert "Дата 13.03.2026 № 3 от 31.03.2026" in text, text


def test_an_impossible_date_is_mended_by_the_one_lookalike_digit_that_makes_it_a_date() -> None:
    assert numbers.fix_date("19.68.2024") == "19.08.2024"    # «0» read «6»
    assert numbers.fix_date("03.02.2925,") == "03.02.2025,"  # «0» read «9», the comma stays
    assert numbers.fix_date("15.05.2026") == "15.05.2026"    # a date that exists is left as read
    assert numbers.fix_date("12.00.2025") == "12.00.2025"    # «06», «08», «09»: no single answer
    assert numbers.fix_date("41.03.2025") == "41.03.2025"    # no look-alike digit makes it a date
    words = OCRResult([Word("Дата", 95, 1, 1, 1, 0, 0, 80, 30), Word("19.68.2024", 90, 1, 1, 1, 100, 0, 200, 30)])
    assert numbers.fix_dates(words).text == "Дата 19.08.2024"
