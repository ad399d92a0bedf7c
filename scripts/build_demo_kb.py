"""Build the demo knowledge base (demo/knowledge_base/) from demo/sources/.

Markdown, text and HTML sources are copied; ``*.docx.md`` and ``*.pdf.md`` are rendered to DOCX
and PDF; the spreadsheet, the CSV and a phone photo of an inspection act (for OCR and form records)
are generated from data below. Run after editing a source:

    .venv/bin/python scripts/build_demo_kb.py
"""

from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "demo" / "sources"
OUT = ROOT / "demo" / "knowledge_base"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def md_lines(path: Path) -> list[tuple[str, str]]:
    """(kind, text) pairs: h1..h3, item, para."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        m = re.match(r"^(#{1,3})\s+(.*)", line)
        if m:
            out.append((f"h{len(m.group(1))}", m.group(2)))
        elif re.match(r"^\s*(-|\d+\.)\s+", line) and not re.match(r"^\d+\.\d+\.", line):
            out.append(("item", re.sub(r"^\s*(-|\d+\.)\s+", "", line)))
        else:
            out.append(("para", line.strip()))
    return out


def to_docx(src: Path, dest: Path) -> None:
    import docx

    document = docx.Document()
    lines = md_lines(src)
    document.core_properties.title = lines[0][1]
    for kind, text in lines:
        if kind.startswith("h"):
            document.add_heading(text, level=int(kind[1]))
        elif kind == "item":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    document.save(str(dest))


def to_pdf(src: Path, dest: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    lines = md_lines(src)
    pdf.set_title(lines[0][1])
    for kind, text in lines:
        if kind.startswith("h"):
            pdf.set_font("DejaVu", "B", {"h1": 15, "h2": 13, "h3": 12}[kind])
            pdf.ln(2)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("DejaVu", "", 11)
            pdf.multi_cell(0, 6, ("• " if kind == "item" else "") + text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(dest))


def tank_volume(level_m: float, diameter: float = 2.4, length: float = 6.0) -> float:
    """Litres in a horizontal cylindrical tank filled to ``level_m``."""
    r = diameter / 2
    h = min(max(level_m, 0.0), diameter)
    area = r * r * math.acos((r - h) / r) - (r - h) * math.sqrt(2 * r * h - h * h)
    return area * length * 1000


def to_xlsx(dest: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    prices = wb.active
    prices.title = "Цены"
    prices.append(["Город", "АИ-92, тг/л", "АИ-95, тг/л", "ДТ летнее, тг/л", "ДТ зимнее, тг/л", "Газ СУГ, тг/л"])
    for row in [("Караганда", 219, 268, 305, 325, 99), ("Темиртау", 220, 269, 306, 326, 101),
                ("Балхаш", 224, 273, 311, 331, 105), ("Жезказган", 226, 275, 313, 333, 107),
                ("Астана", 218, 267, 304, 324, 100)]:
        prices.append(list(row))
    tank = wb.create_sheet("Резервуар_1_АИ-92")
    tank.append(["Уровень, см", "Объём, л"])
    for cm in range(0, 241, 5):
        tank.append([cm, round(tank_volume(cm / 100))])
    wb.properties.title = "Розничные цены на 01.11.2026 и градуировочная таблица резервуара №1 (АИ-92)"
    wb.save(str(dest))


def to_csv(dest: Path) -> None:
    rows = [("Служба", "Телефон", "Когда звонить"),
            ("Диспетчер отдела логистики", "1200", "прибытие и задержка автоцистерны"),
            ("Сервисная служба ТРК", "1300", "неисправность колонок, разрывная муфта"),
            ("Дежурный энергетик", "1400", "отключение электроэнергии, генератор"),
            ("ИТ-поддержка", "1155", "касса, связь с ОФД, POS-терминал"),
            ("Служба охраны труда и экологии", "1500", "пролив, несчастный случай, пожар"),
            ("Отдел контроля качества", "1600", "жалобы на качество топлива"),
            ("Единая служба спасения", "112", "пожар, крупный пролив, угроза жизни")]
    with dest.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


ACT_LINES = [
    "АКТ № 41/11",
    "проверки технического состояния топливораздаточной колонки",
    "г. Караганда 14.11.2026",
    "АЗС № 17",
    "Дата проверки 14.11.2026",
    "ТРК № 2",
    "Модель ТРК Нара-27М1С",
    "Вид топлива АИ-92",
    "Показания счётчика на начало 304518",
    "Рукав № 3 подтекает в соединении с раздаточным краном, требуется ремонт.",
    "Пломбы поверителя на месте, целостность подтверждена.",
    "Проверку провёл: мастер сервисной службы Ахметов Б.К.",
]


def to_scan(lines: list[str], dest: Path) -> None:
    """A phone photo of a paper form: the page a little rotated on a darker desk, light falling off."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    page = Image.new("RGB", (1654, 1100), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), 30)
    bold = ImageFont.truetype(str(FONT_BOLD), 34)
    for i, line in enumerate(lines):
        draw.text((110, 90 + i * 66), line, fill=(25, 25, 25), font=bold if i == 0 else font)
    desk = Image.new("RGB", (page.width + 300, page.height + 300), (92, 84, 76))
    desk.paste(page.rotate(2.5, expand=True, fillcolor=(92, 84, 76)), (110, 110))
    arr = np.asarray(desk).astype(np.float32) * np.linspace(0.8, 1.0, desk.width)[None, :, None]
    rng = np.random.default_rng(47)
    arr += rng.normal(0, 2.5, arr.shape)
    Image.fromarray(arr.clip(0, 255).astype(np.uint8)).save(dest, "JPEG", quality=88)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for src in sorted(SRC.iterdir()):
        name = src.name
        if name.endswith(".docx.md"):
            to_docx(src, OUT / name.removesuffix(".md"))
        elif name.endswith(".pdf.md"):
            to_pdf(src, OUT / name.removesuffix(".md"))
        else:
            shutil.copyfile(src, OUT / name)
    to_xlsx(OUT / "09_ceny_i_rezervuar.xlsx")
    to_csv(OUT / "10_kontakty_sluzhb.csv")
    to_scan(ACT_LINES, OUT / "15_akt_proverki_trk_foto.jpg")
    print(f"demo knowledge base: {len(list(OUT.iterdir()))} files in {OUT}")


if __name__ == "__main__":
    main()
