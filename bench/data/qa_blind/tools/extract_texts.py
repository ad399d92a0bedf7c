# -*- coding: utf-8 -*-
"""Извлекает текст каждого документа манифеста из САМИХ файлов (не из исходников).
Для изображений-сканов берётся текст, который был отрисован (tools/scan_text/<doc_id>.txt).
Результат: tools/doc_texts.json"""
import csv, html, json, os, re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAIN = "/work/main"


def extract(path, fmt, did):
    if fmt in ("md", "txt"):
        return open(path, encoding="utf-8").read()
    if fmt == "html":
        t = open(path, encoding="utf-8").read()
        t = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", " ", t)
        t = re.sub(r"(?s)<[^>]+>", " ", t)
        return html.unescape(t)
    if fmt == "csv":
        with open(path, encoding="utf-8") as f:
            return "\n".join(" | ".join(r) for r in csv.reader(f))
    if fmt == "docx":
        import docx
        d = docx.Document(path)
        parts = [p.text for p in d.paragraphs]
        for t in d.tables:
            for r in t.rows:
                parts.append(" | ".join(c.text for c in r.cells))
        return "\n".join(parts)
    if fmt == "pdf":
        import pypdf
        return "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages)
    if fmt == "xlsx":
        import openpyxl
        wb = openpyxl.load_workbook(path, data_only=True)
        parts = []
        for ws in wb:
            parts.append("Лист: " + ws.title)
            for r in ws.iter_rows(values_only=True):
                parts.append(" | ".join("" if c is None else str(c) for c in r))
        return "\n".join(parts)
    if fmt == "scan":
        return open(os.path.join(ROOT, "tools", "scan_text", did + ".txt"), encoding="utf-8").read()
    raise ValueError(fmt)


def main():
    out = {}
    for line in open(os.path.join(ROOT, "corpus", "manifest.jsonl"), encoding="utf-8"):
        m = json.loads(line)
        base = MAIN if m["chain"] == "demo" else ROOT
        out[m["doc_id"]] = extract(os.path.join(base, m["file"]), m["format"], m["doc_id"])
    json.dump(out, open(os.path.join(ROOT, "tools", "doc_texts.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=0)
    print("extracted", len(out), "documents")


if __name__ == "__main__":
    main()
