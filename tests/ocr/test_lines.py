"""The line reader for photos Tesseract cannot read: line finding, CTC decoding, the bundled model
on a blurred, grainy page drawn here, and the pipeline's use of it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from azs_assistant.ocr import lines
from azs_assistant.ocr.pipeline import LINES_REASON, ocr_page
from azs_assistant.ocr.train_lines import cer

SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
TEXT = ["Порядок приёма топлива на станции № 17",
        "Оператор проверяет пломбы и уровень в резервуаре.",
        "Слив начинается только после заземления машины.",
        "Время слива и объём записываются в журнал смены.",
        "При разливе остановить слив и вызвать старшего."]


def sheet(text: list[str], size: int, width: int = 1240, height: int = 1754) -> Image.Image:
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(SERIF, size)
    for i, line in enumerate(text):
        draw.text((90, 120 + i * int(size * 2)), line, fill=0, font=font)
    return img


def bad_photo(img: Image.Image, shrink: float, blur: float, grain: float, seed: int = 0) -> np.ndarray:
    """The sheet photographed from afar: fewer pixels, out of focus, grainy, grey, on a dark table."""
    small = img.resize((int(img.width * shrink), int(img.height * shrink)), Image.Resampling.LANCZOS)
    small = small.filter(ImageFilter.GaussianBlur(blur))
    arr = 60 + np.asarray(small, dtype=np.float32) * 0.55
    canvas = np.full((arr.shape[0] + 160, arr.shape[1] + 160), 55, np.float32)
    canvas[80:-80, 80:-80] = arr
    canvas += np.random.default_rng(seed).normal(0, grain, canvas.shape)
    gray = canvas.clip(0, 255).astype(np.uint8)
    return np.stack([gray] * 3, axis=-1)


def test_lines_are_found_in_reading_order_and_table_rulings_are_ignored() -> None:
    img = sheet(TEXT[:3], 30)
    draw = ImageDraw.Draw(img)
    draw.rectangle((70, 400, 1150, 520), outline=0, width=3)  # an empty table cell: no text line
    draw.line((600, 400, 600, 520), fill=0, width=3)
    boxes = lines.find_lines(np.asarray(img))
    assert len(boxes) == 3
    tops = [b[0] for b in boxes]
    assert tops == sorted(tops)
    for (top, bottom, _, _), y in zip(boxes, (120, 180, 240), strict=True):
        assert y - 2 <= top <= y + 10 and y + 22 <= bottom <= y + 40  # each band holds its line's letters


def test_greedy_decoding_merges_repeats_and_drops_blanks() -> None:
    alphabet = "аб"
    steps = [0, 1, 1, 0, 1, 2, 2, 0]  # blank, а, а, blank, а, б, б, blank → «ааб»
    logp = np.full((len(steps), 3), np.log(0.05), dtype=np.float32)
    for t, k in enumerate(steps):
        logp[t, k] = np.log(0.9)
    logp[2, 1] = np.log(0.6)
    text, probs = lines.decode(logp, alphabet)
    assert text == "ааб"
    assert probs == pytest.approx([0.9, 0.9, 0.9])  # a repeated step keeps its surest frame


def frames(spelling: list[dict[str, float]]) -> np.ndarray:
    """CTC output for a spelling: per letter one step of the given probabilities, then a blank step."""
    size = len(lines.ALPHABET) + 1
    rows = []
    for choice in spelling:
        row = np.full(size, 1e-4)
        for ch, q in choice.items():
            row[lines.ALPHABET.index(ch) + 1] = q
        rows += [row, np.eye(size)[0] * 0.99 + 1e-4]
    return np.log(np.array(rows, dtype=np.float32))


def test_a_misread_word_is_replaced_by_the_dictionary_spelling_the_network_allows() -> None:
    from azs_assistant.language.analyzer import get_analyzer

    sure = [{ch: 0.95} for ch in "топл"] + [{"н": 0.55, "и": 0.4}] + [{ch: 0.95} for ch in "во"]
    logp = frames(sure + [{" ": 0.95}] + [{ch: 0.95} for ch in "Пцфх"])
    assert lines.decode(logp, lines.ALPHABET)[0] == "топлнво Пцфх"
    # «топлнво» is no word; «топливо» is, and the network gave «и» a fair chance: replaced.
    # «Пцфх» has no likely dictionary spelling: left as read.
    assert lines.lexicon_words(logp, lines.ALPHABET, get_analyzer()) == "топливо Пцфх"
    # A word the network is sure of is kept even if some dictionary word is close.
    logp = frames([{ch: 0.97} for ch in "тоблнво"])
    assert lines.lexicon_words(logp, lines.ALPHABET, get_analyzer()) == "тоблнво"


def test_kazakh_words_come_from_tesseracts_dictionary_and_fix_a_kazakh_misreading() -> None:
    from azs_assistant.language.analyzer import get_analyzer

    kazakh = lines.kazakh_words()
    assert kazakh is not None and len(kazakh.words) > 100_000
    assert kazakh.is_known("Қызмет") and kazakh.has_prefix("құжа") and not kazakh.has_prefix("құжжщ")
    either = lines.Either(kazakh, get_analyzer())
    assert either.is_known("станциясы") and either.is_known("топливо") and not either.is_known("топлнво")
    sure = [{ch: 0.95} for ch in "қыз"] + [{"н": 0.55, "м": 0.4}] + [{ch: 0.95} for ch in "ет"]
    logp = frames(sure)
    assert lines.decode(logp, lines.ALPHABET)[0] == "қызнет"
    assert lines.lexicon_words(logp, lines.ALPHABET, get_analyzer()) == "қызнет"  # no Russian word
    assert lines.lexicon_words(logp, lines.ALPHABET, either) == "қызмет"


def test_the_dictionary_knows_prefixes_with_yo_typed_as_ye() -> None:
    from azs_assistant.language.analyzer import get_analyzer

    analyzer = get_analyzer()
    assert analyzer.has_prefix("заправ") and analyzer.has_prefix("огне") and analyzer.has_prefix("Огнем")
    assert not analyzer.has_prefix("зщпр")
    assert analyzer.is_known("огнем") and not analyzer.is_known("топлнво")


@pytest.fixture
def reader() -> lines.LineReader:
    found = lines.reader()
    assert found is not None, "the bundled line model must load"
    return found


def test_bundled_model_reads_a_blurred_grainy_photo(reader: lines.LineReader) -> None:
    from azs_assistant.ocr.preprocess import prepare

    photo = bad_photo(sheet(TEXT, 30), shrink=0.45, blur=1.2, grain=8)
    read = reader.read_page(prepare(photo).gray)  # type: ignore[arg-type]
    truth = " ".join(" ".join(TEXT).split())
    assert cer(" ".join(read.text.split()), truth) < 0.15, read.text
    assert read.confidence > 80


@pytest.mark.slow  # over 5 s (--durations)
def test_pipeline_reads_a_page_tesseract_cannot_and_flags_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The line reader reads this photo well (CER < 0.15), but with Tesseract's reading of it garbage
    the two disagree, and the bundled gate (fit to keep no garbage) asks for a retake; a gate that
    trusts the reading keeps it, flagged for checking."""
    from dataclasses import replace

    from azs_assistant.ocr import quality

    photo = bad_photo(sheet(TEXT, 30), shrink=0.45, blur=1.2, grain=8, seed=1)
    without = ocr_page(photo, line_reader=False)
    assert without.quality == "retake"  # Tesseract alone gives up on this photo
    strict = ocr_page(photo)
    assert strict.quality == "retake" and "line reader" in strict.timings and strict.text == ""
    monkeypatch.setattr(quality, "model", lambda: replace(quality.KeepModel.load(), threshold=0.5))
    result = ocr_page(photo)
    assert result.quality == "ok" and result.reason == LINES_REASON and result.source == "lines"
    assert 0.5 <= result.keep < quality.KeepModel.load().threshold
    assert cer(" ".join(result.text.split()), " ".join(" ".join(TEXT).split())) < 0.15, result.text
    assert result.words and min(result.words.values()) < 100


@pytest.mark.slow  # over 5 s (--durations)
def test_hopeless_photo_is_still_a_retake() -> None:
    photo = bad_photo(sheet(TEXT, 22), shrink=0.3, blur=3.0, grain=14, seed=2)
    result = ocr_page(photo)
    assert result.quality == "retake" and result.text == ""


def test_a_missing_model_means_retake_with_a_warning(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(lines, "MODEL", tmp_path / "absent.onnx")
    lines.reader.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="azs.ocr"):
            assert lines.reader() is None
        assert "absent.onnx" in caplog.text
        photo = bad_photo(sheet(TEXT, 30), shrink=0.45, blur=1.2, grain=8, seed=1)
        assert ocr_page(photo).quality == "retake"
    finally:
        lines.reader.cache_clear()


@pytest.mark.slow  # over 5 s (--durations)
@pytest.mark.train
def test_training_entry_point_exports_a_model_the_reader_loads(tmp_path: Path) -> None:
    from azs_assistant.ocr import train_lines

    train_lines.train(tmp_path, minutes=0.05, batch=4, seed=3, resume=None, snapshot_minutes=0.01)
    meta = json.loads((tmp_path / "lines.json").read_text(encoding="utf-8"))
    assert meta == {"alphabet": lines.ALPHABET, "height": lines.HEIGHT}
    curve = [row.split("\t") for row in (tmp_path / "curve.tsv").read_text(encoding="utf-8").splitlines()]
    assert curve[0] == ["minutes", "step", "loss", "val_cer"]
    assert curve[1][1:3] == ["0", "-"] and len(curve) >= 3  # where it started, then after training
    assert all(0.0 <= float(row[3]) <= 10.0 for row in curve[1:])
    assert [p.name for p in (tmp_path / "snapshots").glob("*/lines.onnx")]  # the model so far, for the bench
    trained = lines.LineReader(tmp_path / "lines.onnx")
    text, probs = trained.read(np.asarray(sheet(["Проба"], 30).crop((60, 100, 400, 170))))
    assert len(text) == len(probs) and all(0.0 <= p <= 1.0 for p in probs)


def test_vertical_rulings_are_painted_over_for_reading_and_letters_are_kept() -> None:
    img = sheet(TEXT[:2], 30)
    draw = ImageDraw.Draw(img)
    draw.line((70, 100, 70, 200), fill=0, width=3)  # a table's left ruling beside both lines
    gray = np.asarray(img)
    boxes, clean = lines.layout(gray)
    assert len(boxes) == 2
    assert clean[120:190, 68:73].min() > 200  # the ruling is paper now
    letters = slice(120, 160), slice(90, 600)
    assert np.array_equal(clean[letters], gray[letters])  # the words beside it are untouched


@pytest.mark.train
def test_the_bundled_model_is_trained_further_from_its_onnx_export() -> None:
    import torch

    from azs_assistant.ocr import train_lines

    line = lines.normalise(np.asarray(sheet(TEXT[:1], 30))[105:165, 60:900])[None, None]
    noise = np.random.default_rng(0).normal(0, 0.05, (4, *line.shape[1:])).astype(np.float32)
    batch = torch.from_numpy(line + noise)
    model = train_lines.build_model(len(lines.ALPHABET) + 1)
    train_lines.load_onnx(model, lines.MODEL, batch)
    model.eval()
    with torch.no_grad():
        ours = model(torch.from_numpy(line)).numpy()
        evaluated = model(batch)
    bundled = lines.LineReader().session.run(None, {"image": line})[0]
    assert np.abs(ours - bundled).max() < 1e-3  # the same network, weight for weight
    assert cer(lines.decode(bundled[0], lines.ALPHABET)[0], TEXT[0]) < 0.3  # a line of text, read
    model.train()
    model.rnn.dropout = 0.0
    with torch.no_grad():  # batch norm rebuilt around the folded weights: training starts where it left off
        assert torch.allclose(model(batch), evaluated, atol=1e-3)


def test_training_fonts_lacking_kazakh_letters_draw_only_lines_without_them() -> None:
    from random import Random

    from azs_assistant.ocr import train_lines

    liberation = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
    if not Path(liberation).exists():
        pytest.skip("fonts-liberation is not installed")
    assert "Ж" in train_lines.drawn(liberation) and "Қ" not in train_lines.drawn(liberation)
    rng = Random(0)
    kazakh = {train_lines.font_for("Құрметті клиенттер", [liberation, SERIF], rng) for _ in range(20)}
    assert kazakh == {SERIF}
    assert train_lines.font_for("Қ", [liberation], rng) is None


def test_validation_lines_are_drawn_only_in_fonts_training_never_uses() -> None:
    from random import Random

    from azs_assistant.ocr import train_lines

    held_out = train_lines.valid_fonts()
    assert held_out and all(Path(f).name in train_lines.VALID_FONTS for f in held_out)
    assert not {Path(f).name for f in train_lines.fonts()} & set(train_lines.VALID_FONTS)
    words = {"rus": ["проверка", "топливо"], "kaz": ["жанармай"], "eng": ["pump"]}
    chosen: list[str] = []
    real_font_for = train_lines.font_for

    def spy(text: str, font_list: list[str], rng: Random) -> str | None:
        font = real_font_for(text, font_list, rng)
        chosen.append(font or "")
        return font

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(train_lines, "font_for", spy)
        first = train_lines.validation_lines(words, ["Слив топлива"], count=6)
    assert chosen and set(chosen) - {""} <= set(held_out)
    again = train_lines.validation_lines(words, ["Слив топлива"], count=6)
    assert [t for _, t in first] == [t for _, t in again]  # the same lines, whatever the training's seed
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(first, again, strict=True))


def test_phone_effects_keep_the_line_and_change_it_as_a_photo_would() -> None:
    from random import Random

    from azs_assistant.ocr import train_lines

    ink = np.zeros((60, 400), np.float32)
    ink[20:40, 30:370] = 1.0  # a bar of ink as wide as a line
    tilted = train_lines.perspective(ink, Random(1))
    assert tilted.shape[0] >= ink.shape[0] and tilted.shape[1] >= ink.shape[1]
    assert tilted.sum() == pytest.approx(ink.sum(), rel=0.2)  # moved and stretched, not lost
    for seed in range(4):  # one end of the line taller than the other, by up to 15 %
        tilted = train_lines.perspective(ink, Random(seed))
        left, right = ((tilted[:, x] > 0.5).sum() for x in (40, 360))
        assert left != right and abs(int(left) - int(right)) <= 0.16 * 20 + 1

    dot = np.zeros((41, 41), np.float32)
    dot[20, 20] = 1.0
    reach = []
    for length in (4, 9, 16):  # as long as asked, along one direction, as a shaking hand smears
        smeared = train_lines.motion_blur(dot, length, Random(2))
        assert smeared.sum() == pytest.approx(1.0, abs=0.01)
        ys, xs = np.nonzero(smeared > 0.01)
        spread = np.linalg.eigvalsh(np.cov(np.stack([ys, xs]).astype(float)))
        assert spread[1] > 3 * max(spread[0], 1e-6)
        reach.append(max(ys.max() - ys.min(), xs.max() - xs.min()))
    assert reach[0] < reach[1] < reach[2] and reach[2] >= 12

    paper = np.full((50, 300), 200.0, np.float32)
    shaded = train_lines.hand_shadow(paper, 20.0, 0.4, Random(3))
    ends = sorted([shaded[:, :20].mean(), shaded[:, -20:].mean()])
    assert ends[0] == pytest.approx(0.6 * 200, rel=0.05) and ends[1] > 0.95 * 200  # one end in the shadow


def test_a_training_line_with_every_effect_is_still_a_normalised_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from random import Random

    from azs_assistant.ocr import train_lines

    monkeypatch.setattr(train_lines, "PERSPECTIVE_SHARE", 1.0)
    monkeypatch.setattr(train_lines, "MOTION_SHARE", 1.0)
    monkeypatch.setattr(train_lines, "SHADOW_SHARE", 1.0)
    ink, size = train_lines.render("Слив топлива 12.05.2026", SERIF, Random(4)) or (None, 0)
    assert ink is not None
    for seed in range(6):
        line = train_lines.degrade(ink, size, Random(seed), hard_share=0.0)
        assert line.shape[0] == lines.HEIGHT and line.dtype == np.float32
        assert line.min() >= 0.0 and line.max() <= 1.0 + 1e-5
        # both halves of the line keep dark ink on light paper: the shadow is flattened away, not left as
        # a dark band nor deep enough to leave blank paper under it
        for half in (line[:, :line.shape[1] // 2], line[:, line.shape[1] // 2:]):
            assert np.percentile(half, 95) - np.percentile(half, 2) > 0.4
