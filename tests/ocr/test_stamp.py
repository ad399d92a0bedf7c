"""A blue stamp over print: its ink taken out, the print it crossed kept, a pen's signature not."""

from __future__ import annotations

import re

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from azs_assistant.ocr.pipeline import ocr_page
from azs_assistant.ocr.preprocess import crisp, find_page, with_print_under_stamps, without_colour

FONT = "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf"
LINES = ["Недостача 28 литров в пределах естественной убыли.", "Пломбы на люках целы, замечаний нет.",
         "Сдал: водитель Ахметов Б.Б. Подпись ________"]


def stamped() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Three lines of print, a faint blue stamp's rings across the first two, a blue scrawl on the
    blank: the BGR image, and where the print, the stamp and the pen are."""
    img = Image.new("RGB", (1700, 420), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, line in enumerate(LINES):
        draw.text((60, 60 + i * 100), line, fill="black", font=font)
    printed = np.asarray(img.convert("L")) < 100
    ink = Image.new("L", img.size, 0)
    rings = ImageDraw.Draw(ink)
    rings.ellipse((430, -60, 830, 340), outline=255, width=6)  # a stamp as wide as on a 200 dpi scan
    rings.ellipse((490, 0, 770, 280), outline=255, width=4)
    img.paste(Image.new("RGB", img.size, (40, 60, 170)), (0, 0), ink.point(lambda v: int(v * 0.7)))
    scrawl = Image.new("L", img.size, 0)
    xs = np.linspace(1290, 1560, 60)
    ImageDraw.Draw(scrawl).line([(float(x), 270 + 30 * np.sin(x / 9)) for x in xs], fill=255, width=4, joint="curve")
    img.paste(Image.new("RGB", img.size, (20, 30, 120)), (0, 0), scrawl)
    stamp = np.asarray(ink) > 0
    return np.asarray(img)[:, :, ::-1].copy(), printed, stamp, np.asarray(scrawl) > 0


def test_the_print_a_stamp_crossed_is_kept_and_the_stamp_and_the_pen_go() -> None:
    image, printed, stamp, pen = stamped()
    painted, ink = without_colour(image)
    assert ink is not None and crisp(painted, find_page(painted))
    kept = with_print_under_stamps(image, painted, ink)
    crossed = printed & stamp
    # Painted out, the print under the stamp is gone; kept, most of it is back ...
    assert (painted[crossed] < 128).mean() < 0.2
    assert (kept[crossed] < 128).mean() > 0.5
    # ... while the stamp on paper and the pen's scrawl are paper in both.
    for grey in (painted, kept):
        assert (grey[stamp & ~printed] > 200).mean() > 0.97 and (grey[pen & ~printed] > 200).mean() > 0.95


def test_words_a_stamp_crossed_are_read() -> None:
    text = ocr_page(stamped()[0]).text
    # «Ахметов» a ring crosses was read «Ахметоз» with the stamp painted out; the scrawl on the blank
    # is not read as letters.
    assert re.search(r"водитель Ахметов Б\.Б\. Подпись _+$", text), text
    assert "Пломбы на люках целы, замечаний нет." in text, text


def test_a_signature_alone_is_no_stamp_and_keeps_nothing_it_touches() -> None:
    from azs_assistant.ocr.preprocess import stamps

    image, printed, stamp, pen = stamped()
    assert stamps(stamp)[stamp].all()          # the round stamp: its box
    assert not stamps(pen).any()               # a flat scrawl: none
    # Blue pen ticks across the print away from the stamp (as a signature's stroke touched «Подпись» on
    # an unseen photo; here across the blank) are painted out, not kept as print a stamp crossed.
    middle = 250 + int(np.argmax(printed[250:320, 850:930].sum(axis=1)))  # the blank's stroke
    ticks = np.zeros_like(pen)
    for x in range(850, 930, 20):
        ticks[middle - 3:middle + 3, x:x + 6] = True
    ticks &= printed
    assert ticks.sum() > 30
    signed = image.copy()
    signed[ticks] = (120, 30, 20)
    painted, ink = without_colour(signed)
    assert ink is not None
    kept = with_print_under_stamps(signed, painted, ink)
    assert (kept[ticks] > 200).all() and (kept[ticks] == painted[ticks]).all()
