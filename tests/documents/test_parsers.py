"""Each format becomes headings, paragraphs, list items and table rows with provenance."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from azs_assistant.documents.chunking import chunk_document, split_sentences
from azs_assistant.documents.parsers import choose_parser
from azs_assistant.documents.textblocks import lines_to_blocks
from azs_assistant.errors import CorruptDocument, EncryptedDocument, UnsupportedFormat

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def parse(name: str, data: bytes):  # type: ignore[no-untyped-def]
    parser = choose_parser(Path(name), data[:8192])
    return parser.parse(Path(name), data)


def kinds(doc) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(b.kind, b.text) for b in doc.blocks]


def make_pdf(pages: list[list[str]]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", FONT)
    pdf.set_font("DejaVu", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_markdown_keeps_headings_lists_and_table_rows_with_headers() -> None:
    md = ("# Регламент\n\nВводный абзац.\n\n## Шаги\n- Первый шаг.\n- Второй шаг.\n\n"
          "## Коды\n| Код | Значение |\n|---|---|\n| E1 | Нет связи |\n").encode()
    doc = parse("r.md", md)
    assert doc.title == "Регламент"
    assert ("list_item", "Второй шаг.") in kinds(doc)
    row = [b for b in doc.blocks if b.kind == "table_row"][0]
    assert row.text == "Код: E1; Значение: Нет связи"
    assert row.meta and row.meta["header"] == ["Код", "Значение"]


def test_markdown_numbered_clauses_on_consecutive_lines_stay_separate() -> None:
    doc = parse("c.md", "# T\n2.1. Первое правило.\n2.2. Второе правило.\n".encode())
    paras = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert paras == ["2.1. Первое правило.", "2.2. Второе правило."]


def test_plain_text_recognises_headings_by_shape() -> None:
    txt = "ДЕЙСТВИЯ ПРИ ПРОЛИВЕ\n\nМалый пролив (до 1 литра)\n- Остановить заправку.\n- Засыпать песком.\n"
    doc = parse("p.txt", txt.encode("cp1251"))
    assert doc.title == "ДЕЙСТВИЯ ПРИ ПРОЛИВЕ"
    assert ("heading", "Малый пролив (до 1 литра)") in kinds(doc)
    passages = chunk_document(doc)
    steps = [p for p in passages if p.kind == "steps"][0]
    assert steps.section.endswith("Малый пролив (до 1 литра)")
    assert steps.items == ["Остановить заправку.", "Засыпать песком."]


def test_html_drops_scripts_and_reads_tables() -> None:
    html = ("<html><head><title>Стандарт</title><script>alert(1)</script></head><body><h2>Оплата</h2>"
            "<p>Чек выдаётся всегда.</p><table><tr><th>Тема</th><th>Отдел</th></tr>"
            "<tr><td>Оплата</td><td>Финансы</td></tr></table></body></html>").encode()
    doc = parse("s.html", html)
    assert doc.title == "Стандарт"
    assert "alert" not in " ".join(b.text for b in doc.blocks)
    assert ("table_row", "Тема: Оплата; Отдел: Финансы") in kinds(doc)


def test_docx_headings_lists_and_tables() -> None:
    import docx

    d = docx.Document()
    d.add_heading("Передача смены", level=1)
    d.add_paragraph("Снимаются показания счётчиков.", style="List Bullet")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Время", "Смена"
    table.cell(1, 0).text, table.cell(1, 1).text = "08:00", "дневная"
    buf = io.BytesIO()
    d.save(buf)
    doc = parse("s.docx", buf.getvalue())
    assert ("heading", "Передача смены") in kinds(doc)
    assert ("list_item", "Снимаются показания счётчиков.") in kinds(doc)
    assert ("table_row", "Время: 08:00; Смена: дневная") in kinds(doc)


def test_pdf_pages_and_numbered_headings() -> None:
    data = make_pdf([["Инструкция по кассе", "1. Общие сведения", "Смена длится не более 24 часов."],
                     ["2. Возвраты", "Возврат на карту зачисляется за 3–7 дней."]])
    doc = parse("k.pdf", data)
    assert doc.pages == 2
    heads = [(b.text, b.page) for b in doc.blocks if b.kind == "heading"]
    assert ("2. Возвраты", 2) in heads
    assert not doc.pages_needing_ocr


def test_pdf_page_without_text_layer_is_marked_for_ocr() -> None:
    data = make_pdf([["Страница с текстом: приём топлива вдвоём."], []])
    doc = parse("mixed.pdf", data)
    assert doc.pages_needing_ocr == [2]
    assert not doc.whole_needs_ocr


def test_encrypted_pdf_is_refused_with_a_clear_error() -> None:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(make_pdf([["секрет"]])))
    writer = pypdf.PdfWriter()
    writer.append(reader)
    writer.encrypt("пароль")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(EncryptedDocument, match="защищён паролем"):
        parse("secret.pdf", buf.getvalue())


def test_corrupt_pdf_is_refused_with_a_clear_error() -> None:
    with pytest.raises(CorruptDocument, match="повреждён"):
        parse("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50)


def test_xlsx_rows_keep_their_header_and_sheet() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Цены"
    ws.append(["Город", "АИ-92, тг/л"])
    ws.append(["Караганда", 219])
    buf = io.BytesIO()
    wb.save(buf)
    doc = parse("p.xlsx", buf.getvalue())
    row = [b for b in doc.blocks if b.kind == "table_row"][0]
    assert row.text == "Город: Караганда; АИ-92, тг/л: 219"
    assert row.location == "лист «Цены», строка 1"


def test_csv_with_semicolons() -> None:
    doc = parse("c.csv", "Служба;Телефон\nСервис;1300\n".encode())
    assert [b.text for b in doc.blocks] == ["Служба: Сервис; Телефон: 1300"]


def test_image_goes_to_ocr_and_a_disguised_image_is_detected_by_content() -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(buf, "PNG")
    assert parse("scan.png", buf.getvalue()).whole_needs_ocr
    assert parse("looks_like.pdf", buf.getvalue()).whole_needs_ocr  # PNG bytes under a .pdf name


def test_unknown_binary_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat, match="не поддерживается"):
        choose_parser(Path("tool.exe"), b"MZ\x90\x00\x03")


def test_sentence_split_keeps_clause_numbers_and_decimals() -> None:
    assert split_sentences("4.1. Оператор остаётся. 4.2. Не более 0,4% расхождения.") == [
        "4.1. Оператор остаётся.", "4.2. Не более 0,4% расхождения."]


@pytest.mark.parametrize(("name", "title"), [
    ("10_kontakty_sluzhb.csv", "Служба, Телефон, Когда звонить"),  # a transliterated name: the columns say more
    ("10_Контакты_служб.csv", "Контакты служб"),  # a name in the readers' language is the title
    ("phones.csv", "Служба, Телефон, Когда звонить"),
])
def test_a_table_is_titled_by_its_readable_name_or_its_columns_not_a_transliterated_file_name(name, title) -> None:  # type: ignore[no-untyped-def]
    doc = parse(name, "Служба,Телефон,Когда звонить\nЭнергетик,1400,нет света\n".encode())
    assert doc.title == title


def test_a_table_a_pdf_gives_as_lines_is_kept_as_text_not_lost_as_empty_headings() -> None:
    """pypdf reads a table as short lines («АИ-92 К5 725–780»), each standing alone like a heading. A heading
    with nothing under it holds no passage: the norms of density were in no passage of the index at all."""
    pdf = make_pdf([["Контроль качества топлива. Методическое указание КК-01 сети «Алтын Жол».",
                     "2. Нормы плотности при 20 °C", "Вид топлива Плотность, кг/м3", "АИ-92 К5 725–780",
                     "АИ-95 К5 720–775", "ДТ зимнее К5 800–840",
                     "Расхождение плотности с паспортом качества не должно превышать 3 кг/м3."]])
    doc = parse("kk01.pdf", pdf)
    texts = [b.text for b in doc.blocks if b.kind == "paragraph"]
    for row in ("АИ-92 К5 725–780", "АИ-95 К5 720–775", "ДТ зимнее К5 800–840"):
        assert row in texts, [(b.kind, b.text) for b in doc.blocks]
    assert ("heading", "2. Нормы плотности при 20 °C") in kinds(doc)  # the numbered heading stays one
    chunks = chunk_document(doc)
    assert any("АИ-95 К5 720–775" in c.text for c in chunks)


BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def make_styled_pdf() -> bytes:
    """A PDF as office tools write one: a title and section headings in bold, larger type; numbered steps
    whose numbers match the sections'; a table of three columns; a page header in small type."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", FONT)
    pdf.add_font("DejaVu", "B", BOLD)
    pdf.add_page()

    def text(line: str, size: float = 10.5, style: str = "") -> None:
        pdf.set_font("DejaVu", style, size=size)
        pdf.multi_cell(0, size * 0.6, line, new_x="LMARGIN", new_y="NEXT")

    text("ТОО «Береке Ойл» · контролируемый экземпляр", 8)
    pdf.set_font("DejaVu", "B", size=15)
    pdf.multi_cell(120, 8, "Инструкция по эксплуатации АГЗС и отпуску сжиженного углеводородного газа",
                   new_x="LMARGIN", new_y="NEXT")
    text("Инструкция ГЗ-03, редакция 2. Распространяется на АГЗС и газовые модули многотопливных АЗС.")
    text("3. Порядок заправки автомобиля", 12, "B")
    for step in ("1. Попросить водителя заглушить двигатель.", "2. Заправлять баллон не более чем на 80%.",
                 "3. После заправки проверить отсутствие утечки."):
        text(step)
    text("4. Допустимая погрешность", 12, "B")
    for n, row in enumerate((("Мерник", "Отклонение", "Погрешность, %"), ("10 л", "±25 мл", "±0,25"),
                             ("20 л", "±50 мл", "±0,25"))):
        pdf.set_font("DejaVu", "" if n else "B", size=10)  # the header row in bold
        for cell in row:
            pdf.cell(60, 6, cell)
        pdf.ln()
    text("Если погрешность превышает допустимую, рукав выводят из работы.")
    text("5. Утечка газа", 12, "B")
    for step in ("1. Нажать аварийную кнопку и перекрыть отсечной клапан.",
                 "2. Вывести людей с наветренной стороны.", "3. Позвонить 112 и в газовую службу 104."):
        text(step)
    return bytes(pdf.output())


def test_a_pdf_s_bold_larger_type_marks_its_headings_even_where_steps_are_numbered_alike() -> None:
    """pypdf gives plain lines: «5. Утечка газа» read by shape was a step like «1. Нажать аварийную кнопку»,
    so the gas leak's steps were filed under «4. Заправка запрещается», and a question about a leak was
    answered with the refuelling order. The type the PDF sets a line in tells a heading from a step."""
    doc = parse("gz03.pdf", make_styled_pdf())
    heads = [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert heads == [(1, "Инструкция по эксплуатации АГЗС и отпуску сжиженного углеводородного газа"),
                     (2, "3. Порядок заправки автомобиля"), (2, "4. Допустимая погрешность"),
                     (2, "5. Утечка газа")], kinds(doc)
    assert doc.title == heads[0][1]  # the title set on two lines, not the page's masthead in small type
    assert [b.text for b in doc.blocks][1] == "ТОО «Береке Ойл» · контролируемый экземпляр"  # after the title
    # a table's rows are lines of their own, each cell labelled with the bold header row, which is no line itself
    texts = [b.text for b in doc.blocks if b.kind != "heading"]
    rows = [t for t in texts if "±" in t]
    assert rows == ["Мерник: 10 л; Отклонение: ±25 мл; Погрешность, %: ±0,25.",
                    "Мерник: 20 л; Отклонение: ±50 мл; Погрешность, %: ±0,25."], kinds(doc)
    assert not any(t.startswith("Мерник Отклонение") for t in texts)
    assert "Если погрешность превышает допустимую, рукав выводят из работы." in texts  # not joined to a row
    leak = next(c for c in chunk_document(doc) if "отсечной клапан" in c.text)
    assert leak.section.endswith("5. Утечка газа") and "104" in leak.text and "80%" not in leak.text


def styled_pdf(lines: list[tuple[str, float, str] | None]) -> bytes:
    """A PDF of (text, size, style) lines; None starts a new page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", FONT)
    pdf.add_font("DejaVu", "B", BOLD)
    pdf.add_page()
    for line in lines:
        if line is None:
            pdf.add_page()
            continue
        text, size, style = line
        pdf.set_font("DejaVu", style, size=size)
        pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_a_bold_sentence_in_a_styled_pdf_is_text_not_a_heading() -> None:
    """(A review's cases) a rule set in bold, one line or wrapped, is part of the text: as a heading with nothing
    under it, «Курить на территории АЗС запрещено!» was in no passage."""
    doc = parse("op.pdf", styled_pdf([
        ("Инструкция оператора АЗС", 16, "B"), ("1. Общие положения", 12, "B"),
        ("Оператор принимает смену у предыдущего оператора и проверяет журналы.", 10.5, ""),
        ("ВНИМАНИЕ! Запрещается заправлять транспортные средства с работающим двигателем, а также при наличии "
         "пассажиров в салоне автобуса.", 10.5, "B"),
        ("Курить на территории АЗС запрещено!", 10.5, "B"),
        ("2. Порядок заправки", 12, "B"), ("Оператор включает колонку после оплаты.", 10.5, "")]))
    assert [b.text for b in doc.blocks if b.kind == "heading"] == ["Инструкция оператора АЗС", "1. Общие положения",
                                                                   "2. Порядок заправки"], kinds(doc)
    text = " ".join(b.text for b in doc.blocks)
    assert "Курить на территории АЗС запрещено!" in text and "салоне автобуса" in text
    chunks = chunk_document(doc)
    assert any("Курить на территории АЗС запрещено!" in c.text for c in chunks)


def test_headings_in_body_type_are_read_by_shape_though_two_words_are_bold() -> None:
    """Bold «Важно» and «Примечание» do not make a file's type say what its headings are, where its numbered
    headings are set in body type: they are read by shape, as before."""
    lines: list[tuple[str, float, str] | None] = [("ИНСТРУКЦИЯ ОПЕРАТОРА АЗС", 10.5, ""), ("", 10.5, "")]
    for n, (head, body) in enumerate((("Общие положения", "Оператор принимает смену и проверяет журналы."),
                                      ("Порядок заправки", "Оператор включает колонку после оплаты."),
                                      ("Утечка газа", "Нажать аварийную кнопку и позвонить 112.")), start=1):
        lines += [(f"{n}. {head}", 10.5, ""), (body, 10.5, ""), (("Важно", "Примечание", "Справка")[n - 1], 10.5, "B")]
    import pypdf

    data = styled_pdf(lines)
    shape = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()
    doc = parse("op2.pdf", data)
    assert kinds(doc) == [(b.kind, b.text) for b in lines_to_blocks(shape, page=1, wrapped=True)]
    assert not {"Важно", "Примечание"} & {b.text for b in doc.blocks if b.kind == "heading"}


def test_small_type_over_a_page_is_left_out_only_where_it_repeats() -> None:
    """(A review's case) a running header tops every page and is left out; a masthead on one page
    («Утверждено приказом…») and a note topping the next are the document's text and stay."""
    head = ("ТОО «Береке Ойл» · контролируемый экземпляр", 8, "")
    doc = parse("op3.pdf", styled_pdf([
        ("Утверждено приказом директора № 15 от 01.02.2024", 8, ""), ("Инструкция оператора АЗС", 16, "B"),
        ("1. Общие положения", 12, "B"), ("Оператор принимает смену и проверяет журналы.", 10.5, ""), None,
        ("Цены указаны с учётом НДС", 8, ""), ("2. Заправка", 12, "B"),
        ("Оператор включает колонку после оплаты.", 10.5, "")]))
    texts = [b.text for b in doc.blocks]
    assert doc.title == "Инструкция оператора АЗС"
    assert texts.index("Утверждено приказом директора № 15 от 01.02.2024") == 1  # after the title, not over it
    assert "Цены указаны с учётом НДС" in texts
    doc = parse("op4.pdf", styled_pdf([
        head, ("Инструкция оператора АЗС", 16, "B"), ("1. Общие положения", 12, "B"),
        ("Оператор принимает смену и проверяет журналы.", 10.5, ""), None, head, ("2. Заправка", 12, "B"),
        ("Оператор включает колонку после оплаты.", 10.5, "")]))
    assert not any("контролируемый экземпляр" in b.text for b in doc.blocks), kinds(doc)


def test_a_pdf_whose_lines_share_one_type_is_read_by_shape_as_before() -> None:
    import pypdf

    data = make_pdf([["Инструкция по кассе", "Смена длится не более 24 часов.", "2. Возвраты",
                      "Возврат на карту зачисляется за 3–7 дней."]])
    lines = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().splitlines()
    doc = parse("k.pdf", data)
    assert kinds(doc) == [(b.kind, b.text) for b in lines_to_blocks(lines, page=1, wrapped=True)]
    assert ("heading", "2. Возвраты") in kinds(doc)


def test_headings_in_a_row_without_figures_stay_headings() -> None:
    blocks = lines_to_blocks(["ПРАВИЛА", "", "Общие положения", "", "Порядок работы", "",
                              "Оператор работает по графику смен и ведёт журнал."])
    assert [b.kind for b in blocks] == ["heading", "heading", "heading", "paragraph"]


@pytest.mark.parametrize(("stem", "title"), [
    ("15_akt_proverki_trk_foto", "Акт проверки ТРК фото"),
    ("BO_21_ceny_po_regionam", "Цены по регионам"),
    ("06_pozharnaya_bezopasnost", "Пожарная безопасность"),  # the soft sign the Latin does not write
    ("BO_05_otklyuchenie_elektroenergii", "Отключение электроэнергии"),  # «э» after a vowel
    ("BO_13_prikaz_147P_QR_oplata", "Приказ 147P QR оплата"),  # a number and capitals as written
    ("03_kassa_z_otchet", "Касса Z отчет"),
    ("report", "report"), ("price_list", "price list"), ("zhadynama_kk", "zhadynama kk"),  # not Russian words
])
def test_a_file_without_a_title_is_named_by_its_russian_words_spelt_in_latin(stem: str, title: str) -> None:
    """A photo or a spreadsheet has no title of its own: its file name read back in Cyrillic is one an operator
    reads («15 akt proverki trk foto» was the title of the demo act photo); a name that is not Russian stays."""
    from azs_assistant.documents.parsers import file_title

    assert file_title(stem) == title
