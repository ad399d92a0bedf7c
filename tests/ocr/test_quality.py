"""The keep-or-retake gate: its signals, the bundled logistic model and its verdicts."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from azs_assistant.ocr import quality
from azs_assistant.ocr.preprocess import Prepared
from azs_assistant.ocr.quality import FEATURES, MODEL, REASONS, KeepModel, Reading, judge

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
GOOD_TEXT = ("Оператор проверяет пломбы на люках бензовоза и уровень топлива в резервуаре.\n"
             "Слив начинается только после заземления автоцистерны и записи в журнал смены.")
# What a reader makes of a page it cannot read: letters, but few words of any language.
GARBAGE_TEXT = ("Онеуатор пуовеуяет пдомбы иа дюках беизовоза н увовеиь тоидива в пезевпуапе.\n"
                "Сднв иачнияется тодько носде зяземденкя явтоцнстеуиы н зяпнсн в жувияд сиеиы.")


def sheet(blur: float = 0.0) -> np.ndarray:
    img = Image.new("L", (1240, 400), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 28)
    for i, line in enumerate(GOOD_TEXT.split("\n")):
        draw.text((40, 60 + i * 60), line, fill=0, font=font)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(img)


def prepared(gray: np.ndarray) -> Prepared:
    return Prepared(gray, page_found=True, scale=1.0, page_width=2000, brightness=230.0, gray=gray)


def test_the_bundled_model_is_fit_on_the_tuning_pages_with_every_signal() -> None:
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES
    assert len(data["coef"]) == len(data["mean"]) == len(data["scale"]) == len(FEATURES)
    assert data["fit"]["by"] == "bench/fit_keep.py" and "tune" in data["fit"]["on"]
    assert 0.5 <= data["threshold"] < 1.0 and data["sure"] >= data["threshold"]


def test_dictionary_hits_tell_words_from_garbage_in_russian_and_kazakh() -> None:
    assert quality.dictionary_rate(GOOD_TEXT) > 0.9
    assert quality.dictionary_rate(GARBAGE_TEXT) < 0.4
    assert quality.dictionary_rate("Жанармай құю кезінде қозғалтқышты сөндіріңіз") > 0.6
    assert quality.dictionary_rate("12.03.2025 № 14 ABC") == 0.0  # nothing to look up


def test_agreement_of_two_readings_and_its_absence() -> None:
    assert quality.agreement("АЗС № 14  смена", "АЗС № 14\nсмена") == 1.0
    assert quality.agreement(GOOD_TEXT, GARBAGE_TEXT) < 0.8
    assert math.isnan(quality.agreement(GOOD_TEXT, None))


def test_sharpness_falls_with_defocus() -> None:
    crisp, soft, smeared = (quality.sharpness(sheet(b)) for b in (0.0, 1.5, 3.0))
    assert crisp > soft > smeared


def test_probability_rises_with_each_good_signal() -> None:
    model = KeepModel(("confidence", "dictionary"), np.array([0.5, 0.5]), np.array([0.1, 0.2]),
                      np.array([2.0, 3.0]), 0.0, 0.8, 0.9)
    low = model.probability({"confidence": 0.5, "dictionary": 0.5})
    assert low == pytest.approx(0.5)
    assert model.probability({"confidence": 0.9, "dictionary": 0.5}) > low
    assert model.probability({"confidence": 0.5, "dictionary": 0.95}) > low
    assert model.probability({"confidence": 0.0, "dictionary": 0.0}) < 0.01


def test_a_missing_second_reading_counts_as_the_average() -> None:
    model = KeepModel(("agreement",), np.array([0.7]), np.array([0.1]), np.array([5.0]), 0.3, 0.5, 0.9)
    assert quality.keep_probability({"agreement": math.nan}, model) == pytest.approx(1 / (1 + math.exp(-0.3)))


def test_a_sure_readable_page_is_kept() -> None:
    page = prepared(sheet())
    reading = Reading("tesseract", GOOD_TEXT, [94.0] * 22, 94.0, [30.0] * 22, GOOD_TEXT)
    verdict = judge(page, reading)
    assert verdict.quality == "ok" and verdict.reason is None
    assert verdict.keep >= quality.model().threshold and set(verdict.features) == set(FEATURES)


@pytest.mark.parametrize("source", ["tesseract", "lines"])
def test_garbage_is_not_kept_even_when_the_reader_is_sure_of_it(source: str) -> None:
    """The failure the fixed thresholds let through: a reader confident in text that spells no
    words and that a second reading does not confirm, on a smeared photo."""
    page = prepared(sheet(blur=3.0))
    reading = Reading(source, GARBAGE_TEXT, [88.0] * 22, 88.0, [14.0] * 22, GOOD_TEXT[:40])
    verdict = judge(page, reading)
    assert verdict.quality == "retake"
    assert verdict.reason in REASONS.values()


def test_too_few_words_is_a_retake_for_an_empty_page() -> None:
    verdict = judge(prepared(sheet()), Reading("tesseract", "АЗС 14", [95.0, 95.0], 95.0))
    assert verdict.quality == "retake" and verdict.reason == REASONS["empty"] and verdict.keep == 0.0


def test_a_line_of_non_words_or_read_unsure_is_doubtful_and_left_out_of_the_trusted_text() -> None:
    from azs_assistant.ocr.pipeline import PageResult, mark_lines

    text = ("Слив начинается после заземления автоцистерны.\n\nрА, Ощщр ыржг ШЕТ\nАЗС № 14 12.03.2025\n"
            "Лимит 250 000 тенге")
    marked = mark_lines(text, [95.0, None, 88.0, 91.0, 41.0], "tesseract")
    assert [line.text for line in marked] == [x for x in text.split("\n") if x]  # blank lines dropped
    assert [line.doubtful for line in marked] == [False, True, False, True]
    assert marked[1].reason == quality.LINE_REASONS["words"] and marked[3].reason == quality.LINE_REASONS["unsure"]
    page = PageResult(text, 90.0, "ok", lines=marked)
    assert page.trusted_text == "Слив начинается после заземления автоцистерны.\nАЗС № 14 12.03.2025"
    assert PageResult("Только текст", 90.0, "ok").trusted_text == "Только текст"  # no lines: the text


def test_a_kept_page_with_doubtful_lines_is_partial_and_one_with_too_few_trusted_words_a_retake() -> None:
    """GIVEN readings the page's gate kept WHEN their lines are judged THEN a page with no doubtful line
    stays ``ok``; one with doubtful lines beside good ones is ``partial`` (its good lines kept, the
    operator told why; a line reader's page keeps its stronger warning); one whose trusted lines hold under
    five words is ``retake`` as a page with no text (however sharp), its text kept only for a dump."""
    from azs_assistant.ocr.pipeline import LINES_REASON, PARTIAL_REASON, UNSURE_REASON, PageResult, mark_lines, settle

    good = "Слив начинается после заземления автоцистерны.\nЛимит наличных в кассе 250 000 тенге"
    clean = PageResult(good, 92.0, "ok", lines=mark_lines(good, [95.0, 93.0], "tesseract"))
    assert settle(clean) is clean and clean.kept

    mixed_text = good + "\nрА, Ощщр ыржг ШЕТ"
    mixed = settle(PageResult(mixed_text, 90.0, "ok", UNSURE_REASON,
                              lines=mark_lines(mixed_text, [95.0, 93.0, 88.0], "tesseract")))
    assert mixed.quality == "partial" and mixed.kept and mixed.reason == PARTIAL_REASON
    assert mixed.trusted_text == good and mixed.text == mixed_text  # the operator still sees every line
    by_lines = settle(PageResult(mixed_text, 90.0, "ok", LINES_REASON, source="lines",
                                 lines=mark_lines(mixed_text, [95.0, 93.0, 88.0], "lines")))
    assert by_lines.quality == "partial" and by_lines.reason == LINES_REASON

    lines_text = "Слив после заземления\nрА, Ощщр ыржг ШЕТ\nЖвщъ ыфкщ ъхзщ"
    stamp = PageResult(lines_text, 88.0, "ok", lines=mark_lines(lines_text, [95.0, 90.0, 90.0], "tesseract"))
    hopeless = settle(stamp)
    assert hopeless.quality == "retake" and not hopeless.kept and hopeless.text == "" and not hopeless.lines
    assert hopeless.reason == REASONS["empty"]
    dumped = settle(stamp, always=True)
    assert dumped.quality == "retake" and dumped.text == lines_text and dumped.lines == stamp.lines

    retaken = PageResult("", 30.0, "retake", REASONS["blur"])
    assert settle(retaken) is retaken  # the gate's refusal stands


def test_line_reader_lines_are_doubted_from_a_lower_confidence_than_tesseracts() -> None:
    line = "Оператор проверяет пломбы"
    assert quality.line_doubt(line, 70.0, "tesseract") is None
    assert quality.line_doubt(line, 70.0, "lines") == quality.LINE_REASONS["unsure"]
    assert quality.line_doubt(line, 90.0, "lines") is None


def test_a_page_neither_reader_passes_keeps_the_lines_both_read_alike() -> None:
    """GIVEN a page whose Tesseract reading and line-reader reading the gate both refused WHEN the two are
    compared line by line THEN the lines both read alike (long enough not to agree by chance) are trusted and
    the page is ``partial`` with only them indexed; lines they read differently, short ones and garbage are
    marked; with fewer than three lines confirmed the page stays ``retake``."""
    from azs_assistant.ocr.pipeline import PARTIAL_REASON, Candidate, PageResult, choose, confirmed

    tesseract = ("АКТ ПРИЁМА НЕФТЕПРОДУКТОВ № 2291\nОбъём, л 19870 19842\nПлотность, кг/м3 741,5 742,0\n"
                 "Температура, °С 18 17\nБ.Б.\nПринял: оператор ААУ\nы ТЕ её” оА")
    lines = ("АКТ ПРИЁМА НЕФТЕПРОДУКТОВ № 2201\nОбъём, л 19870 19842\nПлотность, кг/мЗ 741,5 742,0\n"
             "Температура, +С 18 17\nБ.Б.\nПринял: оператор Ержанов) Н.ll. Fobwcwұ\nмммнмюдді")
    marked = confirmed(tesseract, lines)
    assert marked is not None
    trusted = [line.text for line in marked if not line.doubtful]
    assert trusted == ["Объём, л 19870 19842", "Плотность, кг/м3 741,5 742,0", "Температура, °С 18 17"]
    doubts = {line.text: line.reason for line in marked if line.doubtful}
    # «№ 2291» against «№ 2201»: alike, but a number read two ways is no number to index
    assert set(doubts) == {"АКТ ПРИЁМА НЕФТЕПРОДУКТОВ № 2291", "Б.Б.", "Принял: оператор ААУ", "ы ТЕ её” оА"}
    assert doubts["Б.Б."] == quality.LINE_REASONS["unconfirmed"]  # alike, but too short to count

    refused = Candidate(PageResult("", 81.8, "retake", REASONS["blur"], {"tesseract": 1.0}), {}, tesseract)
    other = Candidate(PageResult("", 91.6, "retake", REASONS["blur"], {"line reader": 0.5}, source="lines"), {},
                      lines)
    page = choose(refused, other)
    assert page.quality == "partial" and page.kept and page.reason == PARTIAL_REASON
    assert page.trusted_text.split("\n") == trusted and len(page.text.split("\n")) == 7
    assert page.words and max(page.words.values()) < 90  # a form's values from such a page are to be checked
    # two readers that agree on a line but not on its digits: the line is not trusted
    assert confirmed("Объём, л 19870 19842\nПлотность 741,5 742,0\nТемпература, °С 18 17\nМасса, кг 14734 14723",
                     "Объём, л 19670 19342\nПлотность 741,5 742,0\nТемпература, °С 18 17\nМасса, кг 14734 14723")[0] \
        .doubtful

    # two readers disagreeing everywhere (garbage), or agreeing on too little: «retake» stands
    assert confirmed("рА, Ощщр ыржг ШЕТ\nЖвщъ ыфкщ ъхзщ ыжжж", "Пр0 ывпа\nмммнмюдді") is None
    assert confirmed(tesseract, "Объём, л 19870 19842\nПлотность, кг/м3 741,5 742,0") is None  # two lines
    alone = choose(Candidate(PageResult("", 30.0, "retake", REASONS["blur"]), {}, tesseract), None)
    assert alone.quality == "retake" and alone.text == ""
