# -*- coding: utf-8 -*-
"""Собирает corpus/ из content_*.py: md, txt, docx, pdf, html, xlsx, csv и «сканы».
Запуск: /work/main/.venv/bin/python tools/build_corpus.py"""
import csv, html, json, os, random, sys, zlib
sys.path.insert(0, os.path.dirname(__file__))
from content_a import DOCS_A, CHAIN
from content_b import DOCS_B
from content_c import DOCS_C

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "corpus")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_B = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SERIF_B = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"

DOCS = {}
DOCS.update(DOCS_A); DOCS.update(DOCS_B); DOCS.update(DOCS_C)


def md(blocks):
    out = []
    for kind, val in blocks:
        if kind == "h1": out.append("# " + val)
        elif kind == "h2": out.append("## " + val)
        elif kind == "h3": out.append("### " + val)
        elif kind == "p": out.append(val)
        elif kind == "ol": out.append("\n".join("%d. %s" % (i + 1, s) for i, s in enumerate(val)))
        elif kind == "ul": out.append("\n".join("- " + s for s in val))
        elif kind == "table":
            rows = ["| " + " | ".join(val[0]) + " |", "|" + "---|" * len(val[0])]
            rows += ["| " + " | ".join(str(c) for c in r) + " |" for r in val[1:]]
            out.append("\n".join(rows))
        out.append("")
    return "\n".join(out)


def txt(blocks):
    out = []
    for kind, val in blocks:
        if kind == "h1": out += [val.upper(), "=" * min(len(val), 70)]
        elif kind in ("h2", "h3"): out += [val]
        elif kind == "p": out.append(val)
        elif kind == "ol": out += ["%d) %s" % (i + 1, s) for i, s in enumerate(val)]
        elif kind == "ul": out += ["- " + s for s in val]
        elif kind == "table":
            w = [max(len(str(r[i])) for r in val) for i in range(len(val[0]))]
            for j, r in enumerate(val):
                out.append("  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip())
                if j == 0: out.append("  ".join("-" * x for x in w))
        out.append("")
    return "\n".join(out)


def to_html(title, blocks):
    e = html.escape
    out = ['<!doctype html>', '<html lang="ru"><head><meta charset="utf-8"><title>%s</title>' % e(title),
           '<style>body{font-family:Arial,sans-serif;max-width:900px;margin:20px auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px}</style>',
           '</head><body>', '<div class="header">ТОО «Береке Ойл» — внутренний портал для персонала АЗС</div>']
    for kind, val in blocks:
        if kind in ("h1", "h2", "h3"): out.append("<%s>%s</%s>" % (kind, e(val), kind))
        elif kind == "p": out.append("<p>%s</p>" % e(val))
        elif kind in ("ol", "ul"):
            out.append("<%s>" % kind + "".join("<li>%s</li>" % e(s) for s in val) + "</%s>" % kind)
        elif kind == "table":
            out.append("<table>")
            out.append("<tr>" + "".join("<th>%s</th>" % e(str(c)) for c in val[0]) + "</tr>")
            for r in val[1:]:
                out.append("<tr>" + "".join("<td>%s</td>" % e(str(c)) for c in r) + "</tr>")
            out.append("</table>")
    out.append('<div class="footer">Документ для внутреннего использования. Распечатанная копия не контролируется.</div>')
    out.append("</body></html>")
    return "\n".join(out)


def to_docx(blocks, path):
    import docx
    from docx.shared import Pt
    d = docx.Document()
    st = d.styles["Normal"]; st.font.name = "Times New Roman"; st.font.size = Pt(12)
    for kind, val in blocks:
        if kind == "h1": d.add_heading(val, level=1)
        elif kind == "h2": d.add_heading(val, level=2)
        elif kind == "h3": d.add_heading(val, level=3)
        elif kind == "p": d.add_paragraph(val)
        elif kind == "ol":
            for s in val: d.add_paragraph(s, style="List Number")
        elif kind == "ul":
            for s in val: d.add_paragraph(s, style="List Bullet")
        elif kind == "table":
            t = d.add_table(rows=len(val), cols=len(val[0])); t.style = "Table Grid"
            for i, r in enumerate(val):
                for j, c in enumerate(r):
                    t.cell(i, j).text = str(c)
                    if i == 0:
                        for run in t.cell(i, j).paragraphs[0].runs: run.bold = True
    d.save(path)


def to_pdf(blocks, path):
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos
    pdf = FPDF(format="A4"); pdf.set_margins(20, 18, 18)
    pdf.add_font("DejaVu", "", FONT); pdf.add_font("DejaVu", "B", FONT_B)
    pdf.set_auto_page_break(True, 18); pdf.add_page()
    pdf.set_font("DejaVu", "", 8)
    pdf.cell(0, 5, "ТОО «Береке Ойл» · контролируемый экземпляр", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="R")
    W = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, val in blocks:
        if kind == "h1":
            pdf.set_font("DejaVu", "B", 15); pdf.multi_cell(W, 8, val, new_x=XPos.LMARGIN, new_y=YPos.NEXT); pdf.ln(2)
        elif kind in ("h2", "h3"):
            pdf.ln(2); pdf.set_font("DejaVu", "B", 12 if kind == "h2" else 11)
            pdf.multi_cell(W, 7, val, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        elif kind == "p":
            pdf.set_font("DejaVu", "", 10.5); pdf.multi_cell(W, 5.6, val, new_x=XPos.LMARGIN, new_y=YPos.NEXT); pdf.ln(1)
        elif kind in ("ol", "ul"):
            pdf.set_font("DejaVu", "", 10.5)
            for i, s in enumerate(val):
                mark = "%d." % (i + 1) if kind == "ol" else "•"
                pdf.set_x(pdf.l_margin + 3); pdf.cell(7, 5.6, mark)
                pdf.multi_cell(W - 10, 5.6, s, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        elif kind == "table":
            pdf.set_font("DejaVu", "", 10)
            with pdf.table(col_widths=None, text_align="LEFT", line_height=5.6) as t:
                for i, r in enumerate(val):
                    row = t.row()
                    for c in r: row.cell(str(c))
            pdf.ln(2)
    pdf.output(path)


def to_xlsx(sheets, path):
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    wb = openpyxl.Workbook(); wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name[:31])
        for r in rows: ws.append(r)
        for c in ws[1]:
            c.font = Font(bold=True); c.fill = PatternFill("solid", fgColor="DDEBF7")
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = min(60, max(10, max(len(str(c.value or "")) for c in col) + 2))
        ws.freeze_panes = "A2"
    wb.save(path)


def to_csv(rows, path):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def scan_text(lines):
    return "\n".join(t for _, t in lines)


def to_scan(doc_id, lines, path):
    """Рендер страницы ~170 dpi и лёгкая порча: поворот, шум, размытие, JPEG-артефакты."""
    from PIL import Image, ImageDraw, ImageFont, ImageFilter
    import numpy as np, cv2, io
    rnd = random.Random(zlib.crc32(doc_id.encode()) % 1000 + 7)
    dpi = 170
    Wpx, Hpx = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (Wpx, Hpx), 250)
    dr = ImageDraw.Draw(img)
    fonts = {"title": ImageFont.truetype(SERIF_B, 38), "bold": ImageFont.truetype(SERIF_B, 27),
             "text": ImageFont.truetype(SERIF, 27), "small": ImageFont.truetype(SERIF, 21),
             "sign": ImageFont.truetype(SERIF, 27)}
    y = int(0.9 * dpi); x = int(0.85 * dpi)
    for style, t in lines:
        f = fonts[style]
        if style == "title":
            w = dr.textlength(t, font=f); dr.text(((Wpx - w) / 2, y), t, font=f, fill=20); y += 62
        else:
            if style == "sign": y += 22
            dr.text((x, y), t, font=f, fill=25); y += 44 if style != "small" else 40
    if doc_id == "QB-D26":  # круглая печать
        cx, cy = Wpx - 330, y - 120
        dr.ellipse([cx - 110, cy - 110, cx + 110, cy + 110], outline=120, width=5)
        dr.text((cx - 78, cy - 15), "БЕРЕКЕ ОЙЛ", font=fonts["small"], fill=120)
    arr = np.array(img).astype(np.float32)
    # неравномерное освещение (для «фото»)
    if path.endswith(".jpg"):
        gy, gx = np.mgrid[0:Hpx, 0:Wpx]
        arr *= (0.86 + 0.14 * (gx / Wpx)) * (0.92 + 0.08 * (1 - gy / Hpx))
    arr += np.random.default_rng(zlib.crc32(doc_id.encode())).normal(0, 7, arr.shape)
    arr = np.clip(arr, 0, 255).astype(np.uint8)
    ang = rnd.uniform(-1.8, 1.8)
    M = cv2.getRotationMatrix2D((Wpx / 2, Hpx / 2), ang, 1.0)
    arr = cv2.warpAffine(arr, M, (Wpx, Hpx), borderValue=205)
    arr = cv2.GaussianBlur(arr, (3, 3), 0.8)
    im = Image.fromarray(arr)
    buf = io.BytesIO(); im.save(buf, "JPEG", quality=55); buf.seek(0)
    im = Image.open(buf).convert("L")
    if path.endswith(".png"):
        im.save(path, dpi=(dpi, dpi))
    else:
        im.save(path, "JPEG", quality=72, dpi=(dpi, dpi))


def main():
    os.makedirs(CORPUS, exist_ok=True)
    scans_text = {}
    manifest = []
    for did in sorted(DOCS):
        d = DOCS[did]; p = os.path.join(CORPUS, d["file"]); f = d["fmt"]
        if f == "md": open(p, "w", encoding="utf-8").write(md(d["blocks"]))
        elif f == "txt": open(p, "w", encoding="utf-8").write(txt(d["blocks"]))
        elif f == "html": open(p, "w", encoding="utf-8").write(to_html(d["title"], d["blocks"]))
        elif f == "docx": to_docx(d["blocks"], p)
        elif f == "pdf": to_pdf(d["blocks"], p)
        elif f == "xlsx": to_xlsx(d["sheets"], p)
        elif f == "csv": to_csv(d["rows"], p)
        elif f == "scan":
            to_scan(did, d["lines"], p); scans_text[did] = scan_text(d["lines"])
        manifest.append({"doc_id": did, "file": "corpus/" + d["file"], "title": d["title"], "format": f, "chain": CHAIN})
    demo = [
        ("01_priem_topliva.md", "Приём топлива из автоцистерны (РП-01)", "md"),
        ("02_peredacha_smeny.docx", "Порядок приёма и передачи смены (П-02)", "docx"),
        ("03_kassa_z_otchet.pdf", "Работа с онлайн-кассой: X-отчёт, Z-отчёт и возвраты (ИТ-03)", "pdf"),
        ("04_neispravnosti_trk.md", "Неисправности ТРК (ТК-04)", "md"),
        ("05_proliv.txt", "Действия при проливе топлива (ОТ-05)", "txt"),
        ("06_pozharnaya_bezopasnost.docx", "Инструкция о мерах пожарной безопасности (ПБ-06)", "docx"),
        ("07_standart_obsluzhivaniya.html", "Стандарт обслуживания клиентов (СО-02)", "html"),
        ("07_zhaloby_kachestvo.md", "Жалобы клиентов на качество топлива (КТ-07)", "md"),
        ("09_ceny_i_rezervuar.xlsx", "Цены по городам и градуировка резервуара 1 АИ-92", "xlsx"),
        ("10_kontakty_sluzhb.csv", "Контакты служб", "csv"),
        ("11_ohrana_truda.txt", "Охрана труда оператора АЗС (ОТ-11)", "txt"),
        ("12_inkassaciya.html", "Инкассация и работа с наличными (приказ №52)", "html"),
        ("13_agzs_gaz.pdf", "Заправка автомобилей сжиженным газом (ГЗ-13)", "pdf"),
        ("14_avariya_elektrichestvo.md", "Отключение электроэнергии на АЗС (ЭЛ-14)", "md"),
        ("15_akt_proverki_trk_foto.jpg", "Акт №41/11 проверки ТРК (фото)", "scan"),
    ]
    for i, (fn, title, f) in enumerate(demo):
        manifest.append({"doc_id": "DEMO-%02d" % (i + 1), "file": "demo/knowledge_base/" + fn, "title": title, "format": f, "chain": "demo"})
    with open(os.path.join(CORPUS, "manifest.jsonl"), "w", encoding="utf-8") as fo:
        for m in manifest: fo.write(json.dumps(m, ensure_ascii=False) + "\n")
    os.makedirs(os.path.join(ROOT, "tools", "scan_text"), exist_ok=True)
    for did, t in scans_text.items():
        open(os.path.join(ROOT, "tools", "scan_text", did + ".txt"), "w", encoding="utf-8").write(t + "\n")
    print("built", len(DOCS), "new docs;", len(manifest), "manifest lines")


if __name__ == "__main__":
    main()
