# -*- coding: utf-8 -*-
"""Проверки корпуса: форматы, открываемость, структура (заголовки/списки/таблицы), объём, отсутствие чужой сети.
Пишет tools/corpus_report.txt."""
import collections, json, os, re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXTS = json.load(open(os.path.join(ROOT, "tools", "doc_texts.json"), encoding="utf-8"))
MAN = [json.loads(l) for l in open(os.path.join(ROOT, "corpus", "manifest.jsonl"), encoding="utf-8")]
rep, bad = [], []
cnt = collections.Counter(m["format"] for m in MAN if m["chain"] != "demo")
rep.append("new documents by format: %s (total %d)" % (dict(cnt), sum(cnt.values())))
need = {"md": 5, "txt": 3, "docx": 4, "pdf": 4, "html": 3, "xlsx": 3, "csv": 2, "scan": 3}
for f, n in need.items():
    if cnt[f] < n:
        bad.append("format %s: %d < %d" % (f, cnt[f], n))
for m in MAN:
    if m["chain"] == "demo":
        p = os.path.join("/work/main", m["file"])
        if not os.path.exists(p): bad.append("demo file missing " + p)
        continue
    p = os.path.join(ROOT, m["file"]); f = m["format"]; t = TEXTS[m["doc_id"]]
    words = len(re.findall(r"\w+", t))
    info = "%s %-5s words=%4d" % (m["doc_id"], f, words)
    if "сарыарка" in t.lower():
        bad.append(m["doc_id"] + " mentions the demo chain")
    if f == "docx":
        import docx
        d = docx.Document(p)
        st = collections.Counter(par.style.name for par in d.paragraphs)
        ok = any(s.startswith("Heading") for s in st) and st["List Number"] > 0 and len(d.tables) >= 1
        info += " headings=%d numbered=%d tables=%d" % (sum(v for k, v in st.items() if k.startswith("Heading")), st["List Number"], len(d.tables))
        if not ok: bad.append(m["doc_id"] + " docx lacks heading/numbered list/table")
    if f == "pdf":
        import pypdf
        r = pypdf.PdfReader(p); info += " pages=%d" % len(r.pages)
        if not (1 <= len(r.pages) <= 4): bad.append(m["doc_id"] + " pdf pages")
        if words < 150: bad.append(m["doc_id"] + " pdf text too short (not text pdf?)")
    if f == "html":
        h = open(p, encoding="utf-8").read()
        info += " h2=%d lists=%d tables=%d" % (h.count("<h2>"), h.count("<ol>") + h.count("<ul>"), h.count("<table>"))
    if f == "xlsx":
        import openpyxl
        wb = openpyxl.load_workbook(p)
        info += " sheets=%s" % [ws.title for ws in wb]
        for ws in wb:
            if not all(c.font.bold for c in ws[1] if c.value is not None):
                bad.append(m["doc_id"] + " header row not bold in " + ws.title)
    if f == "scan":
        from PIL import Image
        im = Image.open(p); info += " image=%sx%s mode=%s" % (im.size[0], im.size[1], im.mode)
    rep.append(info)
rep.append("PROBLEMS: %s" % (bad or "none"))
open(os.path.join(ROOT, "tools", "corpus_report.txt"), "w", encoding="utf-8").write("\n".join(rep) + "\n")
print("\n".join(rep))
