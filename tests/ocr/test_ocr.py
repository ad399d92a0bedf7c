"""OCR with the real Tesseract on images drawn in the test: text, quality gate, ingestion, limits."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from azs_assistant.ocr.combine import drop_scrawls, merge
from azs_assistant.ocr.engine import OCRResult, Word
from azs_assistant.ocr.pipeline import ocr_page
from azs_assistant.ocr.postprocess import correct, fix_scripts
from azs_assistant.ocr.quality import REASONS
from azs_assistant.services import Services
from azs_assistant.settings import Settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = ["ПРИКАЗ № 12 О ПОРЯДКЕ ИНКАССАЦИИ", "1. Инкассация проводится ежедневно в 11:00.",
         "2. Лимит наличных в кассе составляет 250 000 тенге.", "3. При опоздании инкассатора звонить диспетчеру."]


def page(lines: list[str] = LINES, size: int = 34, width: int = 1700, height: int = 900) -> Image.Image:
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, size)
    for i, line in enumerate(lines):
        draw.text((80, 80 + i * int(size * 1.8)), line, fill="black", font=font)
    return img


def photo(img: Image.Image) -> Image.Image:
    """The page on a dark table, rotated a little, with uneven light."""
    canvas = Image.new("RGB", (img.width + 400, img.height + 400), (70, 70, 70))
    canvas.paste(img.rotate(3, expand=True, fillcolor=(70, 70, 70)), (150, 150))
    arr = np.asarray(canvas).astype(np.float32)
    arr *= np.linspace(0.75, 1.0, arr.shape[1])[None, :, None]
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def bgr(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB"))[:, :, ::-1].copy()


def test_clean_page_is_read_exactly() -> None:
    result = ocr_page(bgr(page()))
    assert result.quality == "ok" and result.confidence > 80
    assert "250 000 тенге" in result.text and "ежедневно в 11:00" in result.text


def test_photo_with_perspective_and_shadow_is_read() -> None:
    result = ocr_page(bgr(photo(page())))
    assert result.quality == "ok", result.reason
    assert "Лимит наличных в кассе составляет 250 000 тенге" in result.text


def test_unreadable_photo_asks_for_a_retake_in_russian() -> None:
    blurred = photo(page(size=14)).filter(ImageFilter.GaussianBlur(4)).point(lambda v: int(v * 0.45))
    result = ocr_page(bgr(blurred))
    assert result.quality == "retake" and result.text == ""
    assert result.reason in REASONS.values() and "сним" in (result.reason or "")


def test_lookalike_latin_letters_and_confusions_are_corrected() -> None:
    assert fix_scripts("Модель ТРК Hapa-27M1C") == "Модель ТРК Нара-27М1С"
    assert fix_scripts("автомобиль Lada Granta") == "автомобиль Lada Granta"
    line = "заправлял автомобиль Lada Granta, roc. номер 908 AHO 06, на АЗС"
    assert fix_scripts(line) == "заправлял автомобиль Lada Granta, гос. номер 908 AHO 06, на АЗС"
    assert correct("обратиться по зашите прав") == "обратиться по защите прав"
    assert fix_scripts("гос. номер 123 АВС 02, на АЗС № 5") == "гос. номер 123 ABC 02, на АЗС № 5"
    assert fix_scripts("гос. номер А123ВС 77, на АЗС № 5") == "гос. номер А123ВС 77, на АЗС № 5"
    # A heading of look-alikes only, on a Russian page; «№» read as «No» before a number.
    assert correct("AKT No 7\nпланового осмотра колонки АЗС No5") == "АКТ № 7\nпланового осмотра колонки АЗС №5"
    assert fix_scripts("AKT No 7") == "AKT No 7"  # alone, it may be Latin
    assert correct("Проверку провёл: техник Псдпись") == "Проверку провёл: техник Подпись"


@pytest.fixture
def ocr_services(tmp_path: Path):  # type: ignore[no-untyped-def]
    svc = Services(Settings(data_dir=tmp_path, max_image_pixels=20_000_000, ocr_max_pages=3))
    yield svc
    svc.close()


def test_scanned_image_becomes_searchable_with_page_provenance(ocr_services: Services, tmp_path: Path) -> None:
    scan = tmp_path / "prikaz_12.jpg"
    photo(page()).save(scan, "JPEG", quality=90)
    result = ocr_services.ingestor.ingest_paths([scan])[0]
    assert result.status == "added", result.message
    answer = ocr_services.assistant.ask("Какой лимит наличных в кассе?")
    assert "250 000" in answer.answer and answer.citations[0].source == "prikaz_12.jpg"
    assert answer.citations[0].page == 1


@pytest.mark.slow  # over 5 s (--durations)
def test_a_doubtful_line_of_a_kept_page_is_not_indexed(ocr_services: Services, tmp_path: Path) -> None:
    """GIVEN a scan whose one line is no words (a smudge read as letters) WHEN it is ingested THEN the
    page is read in part (``partial``), its other lines are found, but that line is in no stored passage,
    and the document says it was read in part, naming the line."""
    scan = tmp_path / "prikaz_13.png"
    page([*LINES[:3], "Жвщъ ыфкщ ъхзщ ьйъц гшщх"]).save(scan)
    result = ocr_services.ingestor.ingest_paths([scan])[0]
    # the document's pages show no marks: the message names the line left out
    assert result.status == "added" and "не проиндексированы" in (result.message or ""), result.message
    assert "«Жвщъ ыфкщ ъхзщ ьйъц гшщх»" in (result.message or "") and "выделены" not in (result.message or "")
    assert ocr_services.documents.find("prikaz_13.png").status == "partial"
    stored = " ".join(c.text for c in ocr_services.documents.chunks(ocr_services.documents.find("prikaz_13.png").id))
    assert "250 000 тенге" in stored and not any(w in stored for w in ("Жвщъ", "ъхзщ", "ьйъц", "гшщх"))


@pytest.mark.slow  # over 5 s (--durations)
def test_multipage_tiff_and_exif_rotation(ocr_services: Services, tmp_path: Path) -> None:
    first, second = page(LINES[:2]), page(["4. Сейф открывает только старший оператор."])
    tiff = tmp_path / "two_pages.tif"
    first.save(tiff, save_all=True, append_images=[second])
    assert ocr_services.ingestor.ingest_paths([tiff])[0].status == "added"
    chunks = ocr_services.documents.chunks(ocr_services.documents.find("two_pages.tif").id)
    assert {c.page for c in chunks} == {1, 2}

    rotated = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held sideways: the viewer must rotate 90° clockwise
    page(LINES[2:3]).rotate(90, expand=True).save(rotated, "JPEG", exif=exif)
    assert ocr_services.ingestor.ingest_paths([rotated])[0].status == "added"
    texts = " ".join(c.text for c in ocr_services.documents.chunks(ocr_services.documents.find("rotated.jpg").id))
    assert "250 000 тенге" in texts


def test_scanned_pdf_pages_are_recognised(ocr_services: Services, tmp_path: Path) -> None:
    from tests.documents.test_parsers import make_pdf

    text_pdf = make_pdf([["Первая страница с текстовым слоем: правила кассы."]])
    import pypdf

    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(text_pdf)))
    scan = io.BytesIO()
    page().save(scan, "PDF", resolution=150)
    writer.append(pypdf.PdfReader(io.BytesIO(scan.getvalue())))
    out = tmp_path / "mixed.pdf"
    with out.open("wb") as f:
        writer.write(f)
    result = ocr_services.ingestor.ingest_paths([out])[0]
    assert result.status == "added", result.message
    hit = ocr_services.assistant.search("лимит наличных 250 000 тенге")[0]
    assert hit.source == "mixed.pdf" and hit.page == 2


def test_bad_images_fail_clearly_and_nothing_else_is_lost(ocr_services: Services, tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Касса\nZ-отчёт снимают в 08:00.\n", encoding="utf-8")
    strip = tmp_path / "strip.png"
    Image.new("L", (100_000, 1), 255).save(strip)  # 1 pixel high, 100 000 wide
    bomb = tmp_path / "bomb.png"
    Image.new("1", (6000, 6000), 1).save(bomb)  # 36 MP: over this test's 20 MP limit
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    disguised = tmp_path / "notes.txt"
    page().save(disguised, "PNG")  # an image with a .txt name is still recognised as an image
    results = {r.source: r for r in ocr_services.ingestor.ingest_paths([good, strip, bomb, broken, empty, disguised])}
    assert results["good.md"].status == "added"
    assert results["strip.png"].error_code == "file_too_large"
    assert results["bomb.png"].error_code == "file_too_large"
    assert results["broken.jpg"].error_code == "corrupt_document"
    assert results["empty.png"].error_code == "empty_document"
    assert results["notes.txt"].status == "added"
    assert ocr_services.assistant.search("Z-отчёт")[0].source == "good.md"


def test_too_many_scanned_pages_are_refused(ocr_services: Services, tmp_path: Path) -> None:
    tiff = tmp_path / "many.tif"
    frames = [page(["Страница"], width=400, height=200) for _ in range(5)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:])
    result = ocr_services.ingestor.ingest_paths([tiff])[0]
    assert result.error_code == "file_too_large" and "3 страниц" in (result.message or "")


KAZAKH = ["ЖАНАРМАЙ ҚҰЮ СТАНЦИЯСЫ № 17", "Құрметті клиенттер! Жанармай құю кезінде",
          "қозғалтқышты өшіріңіз және темекі шекпеңіз.", "Жұмыс уақыты: тәулік бойы."]


def test_kazakh_capitals_come_from_the_second_reading() -> None:
    once = ocr_page(bgr(page(KAZAKH)), second=None)
    twice = ocr_page(bgr(page(KAZAKH)), second="Cyrillic")
    assert "ЖАНАРМАЙ КУЮ" in once.text  # the language mix writes Russian look-alikes ...
    assert "ЖАНАРМАЙ ҚҰЮ СТАНЦИЯСЫ № 17" in twice.text  # ... the script model keeps the letters
    assert "merge" in twice.timings


def test_form_blanks_and_yo_are_kept() -> None:
    lines = ["Проверку провёл: оператор Смирнов Р.С. Подпись ________", "Показания счётчика 713173",
             "Инструкция по приему топлива"]
    text = ocr_page(bgr(page(lines))).text
    assert re.search(r"Подпись _{6,10}$", text, re.M), text
    assert "Инструкция по приёму топлива" in text  # the page prints «ё», the dictionary is sure


def test_a_missing_second_model_only_means_one_reading() -> None:
    result = ocr_page(bgr(page()), second="nosuchmodel")
    assert result.quality == "ok" and "250 000 тенге" in result.text


def test_a_language_dictionary_comes_from_its_installed_model_or_is_empty() -> None:
    from azs_assistant.ocr import engine

    assert "станция" in engine.dictionary("rus")
    assert engine.dictionary("nosuchmodel") == []


def w(text: str, conf: float, left: int, top: int = 100, width: int = 200) -> Word:
    return Word(text, conf, 1, 1, 1, left, top, width, 40)


def test_merge_takes_the_second_reading_only_where_it_is_the_better_judge() -> None:
    kazakh_page = [w("Жұмыс", 95, 0, 200), w("уақыты", 95, 300, 200), w("тәулік", 95, 600, 200)]
    primary = OCRResult([w("КУЮ", 90, 0), w("Lada", 96, 300), w("113173", 92, 600), w("а", 11, 900)] + kazakh_page)
    second = OCRResult([w("ҚҰЮ", 85, 0), w("(ада", 35, 300), w("713173", 88, 600), w("ЕЕЕ", 32, 900)] + kazakh_page)
    merged = [x.text for x in merge(primary, second, vote=lambda word: "713173").words]
    assert merged[:4] == ["ҚҰЮ", "Lada", "713173", "а"]
    # Without a deciding vote the first reading of a number stands; on a Russian page the
    # Kazakh letters of the script model are not taken.
    assert merge(primary, second, vote=lambda word: None).words[2].text == "113173"
    russian = OCRResult([w("КУЮ", 90, 0)])
    assert merge(russian, OCRResult([w("ҚҰЮ", 95, 0)])).words[0].text == "КУЮ"


def test_merge_lets_the_dictionary_settle_a_word_and_keeps_a_word_both_models_read() -> None:
    known = {"құрметті", "беріледі", "әр", "эр", "балла", "литр", "авр"}.__contains__
    primary = OCRResult([w("КУРМЕТТТ", 92, 0), w("бер1лед1.", 76, 300), w("балла.", 20, 600), w("ABD", 96, 1800),
                         w("эр", 97, 900), w("литр", 95, 1200), w("3", 96, 1500)])
    second = OCRResult([w("ҚҰРМЕТТІ", 94, 0), w("беріледі.", 95, 300), w("балла.", 95, 600), w("АВР", 86, 1800),
                        w("әр", 95, 900), w("литп", 96, 1200), w("З", 75, 1500)])
    merged = merge(primary, second, known=known)
    assert merged.text == "ҚҰРМЕТТІ беріледі. балла. ABD әр литр 3"
    # Without a dictionary only the confidence margin decides («балла.» is still kept: both read it).
    assert merge(primary, second).text == "КУРМЕТТТ беріледі. балла. ABD эр литр 3"


def test_a_signature_over_a_blank_is_not_read_as_letters() -> None:
    def at(text: str, conf: float, left: int, height: int) -> Word:
        return Word(text, conf, 1, 1, 1, left, 100, 100, height)

    line = [at("Смену", 91, 0, 44), at("принял:", 96, 120, 34), at("Лысенко", 96, 240, 33),
            at("Подпись", 91, 360, 75), at("ЗИ", 45, 480, 75), at("еш", 35, 600, 4), at("17", 40, 700, 60),
            at("подпись", 28, 800, 60), at("Подпис-", 0, 900, 60)]
    kept = drop_scrawls(OCRResult(line), known={"подпись", "зи"}.__contains__)
    assert [x.text for x in kept.words] == ["Смену", "принял:", "Лысенко", "Подпись", "17", "подпись", "Подпис-"]
    # A dictionary word read at a confidence below MIN_WORD_CONF is kept; the rest stays as it was.
    assert "подпись" in kept.text and "Подпис-" not in kept.text


def test_a_blank_a_signature_crossed_is_one_blank() -> None:
    import numpy as np

    from azs_assistant.ocr.combine import find_blanks

    gray = np.full((300, 1400), 255, np.uint8)
    words = [Word(t, 95, 1, 1, 1, x, 100, 150, 32) for t, x in (("Проверку", 50), ("провёл:", 220), ("Подпись", 390))]
    gray[131:134, 560:700] = 0   # the blank, cut in two by the scrawl
    gray[131:134, 740:860] = 0
    gray[105:108, 600:680] = 0   # a flat stroke of the scrawl above it
    blanks = find_blanks(gray, words)
    assert len(blanks) == 1, blanks
    left, right, y = blanks[0]
    assert abs(left - 560) <= 2 and abs(right - 860) <= 2 and 130 <= y <= 134, blanks


def test_yo_is_restored_only_without_doubt_and_only_where_the_page_prints_it() -> None:
    assert correct("ИНСТРУКЦИЯ ПО ПРИЕМУ\nдвигатель заглушён") == "ИНСТРУКЦИЯ ПО ПРИЁМУ\nдвигатель заглушён"
    assert correct("всё проверено, все на месте, двигатель заглушен") == \
        "всё проверено, все на месте, двигатель заглушён"
    assert correct("ИНСТРУКЦИЯ ПО ПРИЕМУ, двигатель заглушен") == "ИНСТРУКЦИЯ ПО ПРИЕМУ, двигатель заглушен"


def test_an_underlined_heading_is_not_a_blank() -> None:
    img = page(["ПРИКАЗ О ПОРЯДКЕ ИНКАССАЦИИ", "Инкассация проводится ежедневно в 11:00."])
    draw = ImageDraw.Draw(img)
    width = int(ImageDraw.Draw(img).textlength("ПРИКАЗ О ПОРЯДКЕ ИНКАССАЦИИ", font=ImageFont.truetype(FONT, 34)))
    draw.line((80, 122, 80 + width, 122), fill="black", width=3)
    text = ocr_page(bgr(img)).text
    assert "ПРИКАЗ О ПОРЯДКЕ ИНКАССАЦИИ" in text and "_" not in text, text


def test_a_failing_second_reading_costs_its_help_not_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    from azs_assistant.ocr import engine

    real = engine.recognise

    def flaky(image, languages="rus+kaz+eng", **kw):  # type: ignore[no-untyped-def]
        if languages == "Cyrillic":
            raise engine.OCRUnavailable("Распознавание заняло больше 120 с.", "Tesseract timed out.")
        return real(image, languages=languages, **kw)

    monkeypatch.setattr(engine, "recognise", flaky)
    result = ocr_page(bgr(page()), second="Cyrillic")
    assert result.quality == "ok" and "250 000 тенге" in result.text


def test_tesseract_is_stopped_at_its_cpu_seconds_whatever_the_wall_time() -> None:
    from azs_assistant.ocr import engine

    grain = np.random.default_rng(5).integers(0, 256, (3000, 2400), dtype=np.uint8)  # specks read one by one
    with pytest.raises(engine.OCRTooSlow) as raised:
        engine.recognise(grain, cpu=1)
    assert "процессорного времени" in raised.value.message_ru
    assert "250 000" in engine.recognise(bgr(page())[:, :, 0], cpu=20).text  # a page within its limit is read


def test_a_reading_over_its_cpu_limit_is_a_retake_and_the_line_reader_still_tries(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from azs_assistant.ocr import engine, pipeline

    real, asked = engine.recognise, []

    def slow(image, languages="rus+kaz+eng", **kw):  # type: ignore[no-untyped-def]
        asked.append((languages, kw.get("cpu")))
        if languages == "rus+kaz+eng" and kw.get("dpi", 300) == 300:
            raise engine.OCRTooSlow("Распознавание заняло больше 4 с процессорного времени.", "Too slow.")
        return real(image, languages=languages, **kw)

    monkeypatch.setattr(engine, "recognise", slow)
    prepared = pipeline.prepare(bgr(page()))
    tess = pipeline.read_tesseract(prepared, "rus+kaz+eng", "Cyrillic")
    assert tess.page.quality == "retake" and tess.page.text == "" and tess.page.reason in REASONS.values()
    assert "250 000" in tess.raw  # the other model's reading, for the line reader's agreement
    # a sharp page (a scan) is bounded generously, both readings (a busy machine's CPU time once made a clean scan's
    # second reading give up), a soft photo tightly: garbage is crawled through on photos
    assert ("rus+kaz+eng", pipeline.SHARP_READ_CPU) in asked and ("Cyrillic", pipeline.SHARP_SECOND_CPU) in asked
    assert pipeline.SHARP_SECOND_CPU > 2 * pipeline.SECOND_CPU
    asked.clear()
    import cv2

    soft = pipeline.prepare(cv2.GaussianBlur(bgr(page()), (0, 0), 2.5))
    pipeline.read_tesseract(soft, "rus+kaz+eng", "Cyrillic")
    assert ("rus+kaz+eng", pipeline.READ_CPU) in asked and ("Cyrillic", pipeline.SECOND_CPU) in asked, asked
    result = ocr_page(bgr(page()), second="Cyrillic")
    assert "line reader" in result.timings and result.source in ("tesseract", "lines")
    assert result.quality == "retake" or result.source == "lines"  # never Tesseract's unfinished reading


@pytest.mark.parametrize(("failure", "line_reader_tries"), [("probe cpu", False), ("read cpu", False),
                                                            ("probe wall", True)])
def test_a_photo_tesseract_runs_out_of_cpu_on_is_retaken_without_the_line_reader(
        monkeypatch: pytest.MonkeyPatch, failure: str, line_reader_tries: bool) -> None:
    """Smears keep Tesseract busy past its CPU limit (the half-resolution probe's, or the full reading's, 3 s on a
    photo), and the line reader never kept a reading of such a photo: it is not asked (about 8 s of CPU per page
    in all). A probe cut off by the wall clock (a busy machine) says nothing about the page: the line reader
    still tries."""
    from azs_assistant.ocr import engine, pipeline

    real, tried, bounds = engine.recognise, [], []

    def fails(image, languages="rus+kaz+eng", **kw):  # type: ignore[no-untyped-def]
        probe = kw.get("dpi") == 150
        if probe and failure.startswith("probe"):
            error = engine.OCRTooSlow if failure == "probe cpu" else engine.OCRUnavailable
            raise error("Распознавание заняло слишком долго.", "Too slow.")
        if probe:  # the probe finds print
            return OCRResult([Word(w, 90.0, 1, 1, 1, 100 * i, 40, 90, 30)
                              for i, w in enumerate("Приём топлива".split())])
        bounds.append((languages, kw.get("cpu")))
        if languages == "rus+kaz+eng":
            raise engine.OCRTooSlow("Распознавание заняло больше 3 с процессорного времени.", "Too slow.")
        return real(image, languages=languages, **kw)

    def read_lines(*args, **kw):  # type: ignore[no-untyped-def]
        tried.append(True)
        return None

    monkeypatch.setattr(engine, "recognise", fails)
    monkeypatch.setattr(pipeline, "read_lines", read_lines)
    grainy = (bgr(page()).astype(np.float32) + np.random.default_rng(1).normal(0, 14, (900, 1700, 3)))
    photo = grainy.clip(0, 255).astype(np.uint8)
    assert pipeline.prepare(photo).noisy  # a grainy photo: probed first
    result = ocr_page(photo)
    assert result.quality == "retake" and result.text == ""
    assert bool(tried) == line_reader_tries
    if failure == "read cpu":
        assert ("rus+kaz+eng", pipeline.PROBED_READ_CPU) in bounds, bounds


FREEMONO = Path("/usr/share/fonts/truetype/freefont/FreeMono.ttf")
THIN_LINES = ["АКТ ПРИЁМА НЕФТЕПРОДУКТОВ № 2291", "Показатель По накладной Фактически", "Объём, л 19870 19842",
              "Плотность, кг/м3 741,5 742,0", "Температура, °С 18 17", "Масса, кг 14734 14723",
              "Недостача 28 литров в пределах естественной убыли."]


def _thin_scan() -> np.ndarray:
    """A thin monospace print scanned at 200 dpi: rendered at 300 dpi, a little turned, scaled down (the strokes
    go grey and thin), soft, with a little grain (as ``bench/make_ocr_set.py`` makes its scans)."""
    import cv2

    font = ImageFont.truetype(str(FREEMONO), 46)
    img = Image.new("L", (2480, 200 + len(THIN_LINES) * 82), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(THIN_LINES):
        draw.text((200, 100 + i * 82), line, fill=0, font=font)
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape
    a = cv2.warpAffine(a, cv2.getRotationMatrix2D((w / 2, h / 2), 0.5, 1.0), (w, h), borderValue=255)
    a = cv2.resize(a, (w * 2 // 3, h * 2 // 3), interpolation=cv2.INTER_AREA)
    a = cv2.GaussianBlur(a, (0, 0), 0.55) * 0.93 + np.random.default_rng(1).normal(0, 2.5, a.shape)
    return cv2.cvtColor(a.clip(0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


@pytest.mark.skipif(not FREEMONO.exists(), reason="fonts-freefont-ttf is not installed (setup's train extras)")
def test_thin_print_on_a_sharp_scan_is_read_with_its_strokes_thickened(monkeypatch: pytest.MonkeyPatch) -> None:
    from azs_assistant.ocr import pipeline

    image = _thin_scan()
    page = ocr_page(image, line_reader=False)
    assert page.quality == "ok"
    assert "Плотность, кг/м3 741,5 742,0" in page.text
    monkeypatch.setattr(pipeline, "THIN_CONF", 0.0)  # never read again: the thin strokes misread
    assert "Плотность, кг/м3 741,5 742,0" not in ocr_page(image, line_reader=False).text
