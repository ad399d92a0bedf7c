"""The parser registry: each parser scores a file (extension, magic bytes) and the best one wins.

Image files and image-only PDF pages are routed to OCR through the same registry; until an OCR
engine is registered they are recorded as ``needs_ocr`` rather than dropped.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from azs_assistant.documents.model import Block, ParsedDocument
from azs_assistant.documents.textblocks import NUMBERED_RE, PageLayout, lines_to_blocks
from azs_assistant.documents.zipcheck import check_zip
from azs_assistant.errors import CorruptDocument, EncryptedDocument, UnsupportedFormat
from azs_assistant.language.translit import cyrillic_name


class Parser(Protocol):
    name: str

    def score(self, path: Path, head: bytes) -> int: ...

    def parse(self, path: Path, data: bytes) -> ParsedDocument: ...


_REGISTRY: list[Parser] = []


def register(parser: Parser) -> Parser:
    """Add a parser; a later registration with the same name replaces the earlier one."""
    _REGISTRY[:] = [p for p in _REGISTRY if p.name != parser.name]
    _REGISTRY.append(parser)
    return parser


def choose_parser(path: Path, head: bytes) -> Parser:
    """The highest-scoring parser, or UnsupportedFormat naming the file."""
    scored = sorted(((p.score(path, head), i, p) for i, p in enumerate(_REGISTRY)), key=lambda t: (-t[0], t[1]))
    if not scored or scored[0][0] <= 0:
        raise UnsupportedFormat(
            f"Формат файла не поддерживается: {path.name}. Поддерживаются: PDF, DOCX, XLSX, CSV, HTML, "
            "Markdown, TXT и изображения.", f"Unsupported file format: {path.name}.",
            message_kk=f"Файл пішімі қолдау көрсетілмейді: {path.name}. Қолдау көрсетілетіндері: PDF, DOCX, XLSX, CSV, "
                       "HTML, Markdown, TXT және суреттер.", file=path.name)
    return scored[0][2]


_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "zip": (b"PK\x03\x04",),
    "png": (b"\x89PNG",),
    "jpeg": (b"\xff\xd8\xff",),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "gif": (b"GIF8",),
    "webp": (b"RIFF",),
    "bmp": (b"BM",),
}


def sniff(head: bytes) -> str | None:
    """Container type from the first bytes, regardless of the file's extension."""
    for kind, magics in _MAGIC.items():
        if any(head.startswith(m) for m in magics):
            if kind == "webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def _looks_textual(head: bytes) -> bool:
    return bool(head) and b"\x00" not in head[:4096] and sniff(head) is None


def decode_text(data: bytes, name: str) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 or Windows-1251."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CorruptDocument(f"Не удалось прочитать текст файла {name}: неизвестная кодировка.",
                          f"Cannot decode {name}.",
                          message_kk=f"{name} файлының мәтінін оқу мүмкін болмады: кодтауы белгісіз.", file=name)


class _Base:
    name = "base"
    extensions: tuple[str, ...] = ()
    magic: str | None = None

    def score(self, path: Path, head: bytes) -> int:
        ext_ok = path.suffix.lower() in self.extensions
        kind = sniff(head)
        if self.magic is not None:
            if kind == self.magic:
                return 20 + (5 if ext_ok else 0)
            return 0
        return 10 if ext_ok and _looks_textual(head) else 0


def file_title(stem: str) -> str:
    """A title from the file's name, where the file has none of its own: its Russian words in Cyrillic where
    the name spells them in Latin («15_akt_proverki_trk_foto»: «Акт проверки ТРК фото»), else the name as it is."""
    return cyrillic_name(stem) or stem.replace("_", " ")


def _title_from(blocks: list[Block], stem: str) -> str:
    """The first heading, else a short first paragraph, else the file's name (:func:`file_title`)."""
    for block in blocks:
        if block.kind == "heading":
            return block.text
    for block in blocks:
        if block.kind == "paragraph" and len(block.text) < 150:
            return block.text
    return file_title(stem)


_CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")


def _table_title(stem: str, header: list[str]) -> str:
    """A table has no heading of its own. A file name in the document's language («Контакты служб.csv»)
    is its title; a transliterated one («10_kontakty_sluzhb») is not, so the columns name it instead
    («Служба, Телефон, Когда звонить»), in the words its readers use. (Its Russian words read back in Cyrillic,
    «Контакты служб», were tried: the QA tuning parts lost three questions more than they gained, the columns
    being the words questions ask with: «телефон», «режим работы».)"""
    name = re.sub(r"^\d+[\s._-]*", "", stem).replace("_", " ").strip() or stem
    columns = [c.strip() for c in header if c and c.strip()]
    if _CYRILLIC.search(name) or not columns or not _CYRILLIC.search(" ".join(columns)):
        return name[:1].upper() + name[1:]
    title = ", ".join(columns)
    return title if len(title) <= 120 else title[:120].rsplit(",", 1)[0] + "…"


def _promote_title(blocks: list[Block]) -> list[Block]:
    """A short first paragraph without closing punctuation is the document's title."""
    if len(blocks) > 1 and blocks[0].kind == "paragraph" and len(blocks[0].text) < 150 \
            and not blocks[0].text.endswith((".", ";", ":", ",")):
        blocks[0] = Block("heading", blocks[0].text, level=1, page=blocks[0].page)
    return blocks


class TextParser(_Base):
    name = "text"
    extensions = (".txt", ".text", ".log")

    def parse(self, path: Path, data: bytes) -> ParsedDocument:
        lines = decode_text(data, path.name).splitlines()
        blocks = _promote_title(lines_to_blocks(lines))
        return ParsedDocument(_title_from(blocks, path.stem), "txt", blocks)


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}")
_CLAUSE = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})+\.?\s")  # «2.1.» starts a new clause, even without a blank line


class MarkdownParser(_Base):
    name = "markdown"
    extensions = (".md", ".markdown")

    def parse(self, path: Path, data: bytes) -> ParsedDocument:
        blocks: list[Block] = []
        para: list[str] = []
        table: list[list[str]] = []
        section = ""

        def flush() -> None:
            if para:
                blocks.append(Block("paragraph", _md_inline(" ".join(para))))
                para.clear()
            if table:
                blocks.extend(table_rows(table[0], table[1:], location_prefix=section or None))
                table.clear()

        for raw in decode_text(data, path.name).splitlines():
            line = raw.rstrip()
            heading = _MD_HEADING.match(line)
            if heading:
                flush()
                section = _md_inline(heading.group(2))
                blocks.append(Block("heading", section, level=len(heading.group(1))))
            elif line.lstrip().startswith("|"):
                if para:
                    flush()
                if not _MD_TABLE_SEP.match(line):
                    table.append([_md_inline(c.strip()) for c in line.strip().strip("|").split("|")])
            elif _MD_LIST.match(line):
                flush()
                blocks.append(Block("list_item", _md_inline(_MD_LIST.sub("", line, count=1))))
            elif not line.strip():
                flush()
            elif _CLAUSE.match(line):
                flush()
                para.append(line.strip())
            elif line.startswith(("  ", "\t")) and blocks and blocks[-1].kind == "list_item" and not para:
                blocks[-1].text += " " + _md_inline(line.strip())
            else:
                para.append(line.strip())
        flush()
        return ParsedDocument(_title_from(blocks, path.stem), "md", blocks)


def _md_inline(text: str) -> str:
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|`)", "", text).strip()


def table_rows(header: list[str], rows: list[list[str]], *, location_prefix: str | None = None,
               page: int | None = None) -> list[Block]:
    """One block per row, each cell labelled with its column header («Регион: Астана; АИ-92: 216»)."""
    header = [h.strip() or f"Столбец {i + 1}" for i, h in enumerate(header)]
    out = []
    for n, row in enumerate(rows, start=1):
        cells = [("" if c is None else str(c)).strip() for c in row]
        if not any(cells):
            continue
        pairs = [f"{h}: {c}" for h, c in zip(header, cells, strict=False) if c]  # short rows: fewer cells
        location = f"{location_prefix}, строка {n}" if location_prefix else f"строка {n}"
        out.append(Block("table_row", "; ".join(pairs), page=page, location=location,
                         meta={"header": header, "cells": cells, "row": n, "table": location_prefix}))
    return out


class HtmlParser(_Base):
    name = "html"
    extensions = (".html", ".htm", ".xhtml")

    def parse(self, path: Path, data: bytes) -> ParsedDocument:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(data, "lxml")
        for tag in soup(["script", "style", "noscript", "nav", "footer", "template"]):
            tag.decompose()
        blocks: list[Block] = []
        body = soup.body or soup
        for el in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "pre", "blockquote"]):
            nested_in_item = el.name not in ("table", "li") and el.find_parent("li") is not None
            if el.find_parent(["table"]) is not None or nested_in_item:
                continue
            if el.name == "table":
                rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])] for tr in el.find_all("tr")]
                rows = [r for r in rows if r]
                if rows:
                    caption = el.find("caption")
                    blocks.extend(table_rows(rows[0], rows[1:],
                                             location_prefix=caption.get_text(strip=True) if caption else None))
                continue
            text = el.get_text(" ", strip=True)
            if not text:
                continue
            if el.name[0] == "h":
                blocks.append(Block("heading", text, level=int(el.name[1])))
            else:
                blocks.append(Block("list_item" if el.name == "li" else "paragraph", text))
        title_tag = soup.title.get_text(strip=True) if soup.title else ""
        return ParsedDocument(title_tag or _title_from(blocks, path.stem), "html", blocks)


class _ZipBase(_Base):
    """A ZIP-based format (DOCX, XLSX, ODF): zip bombs are refused before the library opens it."""

    magic = "zip"
    max_unpacked_bytes = 512 * 1024 * 1024

    def parse(self, path: Path, data: bytes) -> ParsedDocument:
        check_zip(data, path.name, self.max_unpacked_bytes)
        return self.read(path, data)

    def read(self, path: Path, data: bytes) -> ParsedDocument:
        raise NotImplementedError


class DocxParser(_ZipBase):
    name = "docx"
    extensions = (".docx",)

    def score(self, path: Path, head: bytes) -> int:
        return super().score(path, head) if path.suffix.lower() in (".docx", ".docm") else 0

    def read(self, path: Path, data: bytes) -> ParsedDocument:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises many types for broken zips
            raise CorruptDocument(f"Файл {path.name} повреждён или не является документом Word.",
                                  f"{path.name} is not a readable DOCX: {exc}",
                                  message_kk=f"{path.name} файлы бүлінген немесе Word құжаты емес.",
                                  file=path.name) from exc
        blocks: list[Block] = []
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                text = item.text.strip()
                if not text:
                    continue
                style = (item.style.name if item.style is not None else "") or ""
                if style.startswith("Heading") or style == "Title":
                    level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
                    blocks.append(Block("heading", text, level=level))
                elif "List" in style or item._p.pPr is not None and item._p.pPr.numPr is not None:
                    blocks.append(Block("list_item", text))
                else:
                    blocks.append(Block("paragraph", text))
            elif isinstance(item, Table):
                rows = [[cell.text.strip() for cell in row.cells] for row in item.rows]
                if rows:
                    blocks.extend(table_rows(rows[0], rows[1:]))
        title = (document.core_properties.title or "").strip()
        return ParsedDocument(title or _title_from(blocks, path.stem), "docx", blocks)


class _Run(NamedTuple):
    """A piece of a PDF page's text as drawn: its page, place, type size, weight and text."""

    page: int
    x: float
    y: float
    size: float
    bold: bool
    text: str


_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def _run_reader(page: int, runs: list[_Run]) -> Callable[..., None]:
    """A pypdf text visitor that keeps each piece of text with its place, type size and weight."""

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip():
            return
        try:
            scale = abs(tm[3] or 1.0) * abs(cm[3] or 1.0)
            name = str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            points = float(size) * scale
            if not all(math.isfinite(v) for v in (x, y, points)):
                return  # a piece drawn with an odd matrix only loses its styling
            runs.append(_Run(page, round(x, 1), round(y, 1), round(points, 1), bool(_BOLD_FONT.search(name)), text))
        except (TypeError, ValueError, IndexError, OverflowError):
            return

    return visit


def _page_layouts(runs: list[_Run]) -> dict[int, PageLayout]:
    """What a PDF's typesetting says about its lines, per page (see :class:`PageLayout`).

    A line whose pieces stand apart by wide gaps («10 л    ±25 мл    ±0,25») is a table's row where another row
    of the page has its cells at the same places; a list's number or bullet before its text, or a word set in
    another type, is no gap of that kind. The body's size is the one most of the other text is set in. A heading
    is a line drawn as one piece, in larger type than the body or in bold where the body is not bold, short and
    not ending a sentence («.», «;», «!», «?», «:»; such a line is kept at level 0, since the bold line above it
    may begin its sentence). Type at least 1.3 times the body's is the title (level 1); other headings take their
    level from their number («3.» → 2, «3.1.» → 3). A page's topmost line in smaller type is a running header
    where the same words top two pages or more, and is left out; on one page only it is that page's masthead
    («Утверждено приказом…»), kept after the page's title. An empty result (fewer than two headings in larger type
    than the body) means the file does not style its headings, and they are recognised by shape as in plain
    text."""
    if not runs:
        return {}
    lines: dict[tuple[int, int], list[_Run]] = {}
    for run in runs:  # pieces on one baseline (within a point) are one line
        y = round(run.y)
        key = next((k for k in ((run.page, y), (run.page, y - 1), (run.page, y + 1)) if k in lines), (run.page, y))
        lines.setdefault(key, []).append(run)
    spread: dict[int, list[list[_Run]]] = {}
    for (page, _y), line in lines.items():
        gaps = (b.x - a.x - len(a.text.strip()) * a.size * 0.6 for a, b in zip(line, line[1:], strict=False))
        if len(line) > 1 and any(gap > 1.5 * a.size for gap, a in zip(gaps, line, strict=False)):
            spread.setdefault(page, []).append(line)
    rows: dict[int, dict[str, tuple[tuple[str, ...], bool]]] = {}
    in_rows: set[int] = set()
    for page, candidates in spread.items():
        for line in candidates:
            if any(other is not line and len(other) == len(line)
                   and all(abs(a.x - b.x) <= 3 for a, b in zip(line, other, strict=True)) for other in candidates):
                rows.setdefault(page, {})[" ".join(" ".join(r.text for r in line).split())] = \
                    (tuple(" ".join(r.text.split()) for r in line), all(r.bold for r in line))
                in_rows.update(id(r) for r in line)
    tops: dict[int, tuple[int, int]] = {}
    for key in lines:
        if key[0] not in tops or key[1] > tops[key[0]][1]:
            tops[key[0]] = key
    aside = in_rows | {id(run) for top in tops.values() for run in lines[top]}  # rows and page headers
    weight: Counter[float] = Counter()
    for run in runs:
        if id(run) not in aside:
            weight[round(run.size * 2) / 2] += len(run.text.strip())
    if not weight:
        return {}
    body = weight.most_common(1)[0][0]
    # where most of the text in the body's size is bold, bold marks nothing
    in_body = [run for run in runs if id(run) not in aside and abs(run.size - body) <= body * 0.05]
    bold_marks = sum(len(r.text.strip()) for r in in_body if r.bold) * 2 < sum(len(r.text.strip()) for r in in_body)
    headings: dict[int, dict[str, int]] = {}
    larger = 0  # headings set in larger type than the body: bold words in the body's size may be emphasis only
    for (page, _y), line in lines.items():
        if len(line) != 1:
            continue
        run = line[0]
        text = " ".join(run.text.split())
        if not ((run.bold and bold_marks) or run.size >= body * 1.1) or run.size < body * 0.95 or len(text) > 150:
            continue
        if text.endswith((".", ";", "!", "?", ":")):
            headings.setdefault(page, {})[text] = 0  # a sentence in a heading's type: it may end one begun above
            continue
        numbered = NUMBERED_RE.match(text)
        level = 1 if run.size >= body * 1.3 else min(numbered.group(1).count(".") + 2, 4) if numbered else 2
        headings.setdefault(page, {})[text] = level
        larger += run.size >= body * 1.1
    if larger < 2:
        return {}  # a bold title alone does not style the headings, nor do bold words («Важно») in the body's size
    small = {page: " ".join(lines[top][0].text.split()) for page, top in tops.items()
             if len(lines[top]) == 1 and lines[top][0].size < body * 0.9 and not lines[top][0].bold}
    repeated = Counter(re.sub(r"\d+", "#", text) for text in small.values())

    def small_top(page: int, repeating: bool) -> frozenset[str]:  # the page's small top line, if it repeats or not
        text = small.get(page)
        return frozenset({text}) if text and (repeated[re.sub(r"\d+", "#", text)] > 1) == repeating else frozenset()

    return {page: PageLayout(headings.get(page, {}), rows.get(page, {}), small_top(page, True), small_top(page, False))
            for page in {run.page for run in runs}}


def _tables_of(blocks: list[Block], page: int) -> list[Block]:
    """A run of two or more rows a PDF set as cells (see :func:`_page_layouts`) under a row in bold is a table:
    the bold row is the header, and each row after it a line whose cells are labelled with it («Вместимость
    мерника: 10 л; Допустимое отклонение: ±25 мл»). The rows stay lines of the section's text, one passage with
    the lines around them: as passages of their own, five short rows that each name «ДТ» or «плотность» crowded
    the search's first places for any question about diesel. Other rows (a header set on several lines, whose
    cells no single row holds) stay lines as the PDF gives them."""
    out: list[Block] = []
    run: list[Block] = []
    tables = 0

    def flush() -> None:
        nonlocal tables
        if len(run) >= 2 and run[0].meta["bold"]:  # type: ignore[index]
            tables += 1
            rows = table_rows(run[0].meta["cells"], [b.meta["cells"] for b in run[1:]],  # type: ignore[index]
                              location_prefix=f"стр. {page}, таблица {tables}", page=page)
            # each row a sentence of its own, so a quote picks the row asked, not the whole table run together
            out.extend(Block("paragraph", row.text if row.text.endswith(".") else f"{row.text}.", page=page)
                       for row in rows)
        else:
            out.extend(Block(b.kind, b.text, page=b.page) for b in run)
        run.clear()

    for block in blocks:
        if block.meta and "cells" in block.meta:
            run.append(block)
            continue
        flush()
        out.append(block)
    flush()
    return out


def _shape_would_head(pages: list[tuple[int, str]], layouts: dict[int, PageLayout]) -> bool:
    """The shape of the lines finds numbered headings («1. Общие положения») the type does not: the file sets its
    headings in body type and a bold word or two («Важно») is emphasis, so its headings are read by shape."""
    styled = {text for layout in layouts.values() for text, level in layout.headings.items() if level}
    unstyled = {b.text for number, text in pages for b in lines_to_blocks(text.splitlines(), page=number, wrapped=True)
                if b.kind == "heading" and b.level >= 2 and NUMBERED_RE.match(b.text) and b.text not in styled}
    return len(unstyled) >= 2


def _without_empty_headings(blocks: list[Block]) -> list[Block]:
    """A heading with nothing under it (the next block a heading of its level or above, or the end) is a line in
    bold, not a section: «Курить на территории АЗС запрещено» kept as a heading would be in no passage."""
    out = list(blocks)
    for i, block in enumerate(out):
        nxt = out[i + 1] if i + 1 < len(out) else None
        if block.kind == "heading" and (nxt is None or nxt.kind == "heading" and nxt.level <= block.level):
            out[i] = Block("paragraph", block.text, page=block.page)
    return out



class PdfParser(_Base):
    name = "pdf"
    extensions = (".pdf",)
    magic = "pdf"
    max_pages = 2000

    def parse(self, path: Path, data: bytes) -> ParsedDocument:
        import pypdf
        from pypdf.errors import PdfReadError

        try:
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    opened = bool(reader.decrypt(""))  # an owner password alone still opens the file
                except Exception:
                    opened = False
                if not opened:
                    raise EncryptedDocument(f"Файл {path.name} защищён паролем. Снимите защиту и загрузите снова.",
                                            f"{path.name} is password-protected.",
                                            message_kk=f"{path.name} файлы құпиясөзбен қорғалған. Қорғауды алып, "
                                                       "қайта жүктеңіз.", file=path.name)
            count = len(reader.pages)
        except EncryptedDocument:
            raise
        except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
            raise CorruptDocument(f"Файл {path.name} повреждён: PDF не читается.",
                                  f"{path.name} is a corrupt PDF: {exc}",
                                  message_kk=f"{path.name} файлы бүлінген: PDF оқылмайды.", file=path.name) from exc
        if count > self.max_pages:
            raise CorruptDocument(f"В файле {path.name} {count} страниц — больше допустимых {self.max_pages}.",
                                  f"{path.name} has {count} pages (limit {self.max_pages}).",
                                  message_kk=f"{path.name} файлында {count} бет — рұқсат етілген {self.max_pages} "
                                             "беттен көп.", file=path.name)
        blocks: list[Block] = []
        empty: list[int] = []
        pages: list[tuple[int, str]] = []
        runs: list[_Run] = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text(visitor_text=_run_reader(number, runs)) or ""
            except Exception as exc:
                raise CorruptDocument(f"Файл {path.name}: страница {number} не читается.",
                                      f"{path.name}: page {number} unreadable: {exc}",
                                      message_kk=f"{path.name} файлы: {number}-бет оқылмайды.",
                                      file=path.name) from exc
            if len(text.strip()) < 20:
                empty.append(number)
                continue
            pages.append((number, text))
        layouts = _page_layouts(runs)
        if layouts and _shape_would_head(pages, layouts):
            layouts = {}
        for number, text in pages:
            blocks.extend(_tables_of(lines_to_blocks(text.splitlines(), page=number, wrapped=True,
                                                     layout=layouts.get(number)), number))
        if layouts:
            blocks = _without_empty_headings(blocks)
        meta_title = ""
        try:
            meta_title = (reader.metadata.title or "").strip() if reader.metadata else ""
        except Exception:
            meta_title = ""
        if not layouts:
            blocks = _promote_title(blocks)
        doc = ParsedDocument(meta_title or _title_from(blocks, path.stem), "pdf", blocks, pages=count,
                             pages_needing_ocr=empty, whole_needs_ocr=not blocks)
        return doc


class SpreadsheetParser(_ZipBase):
    name = "xlsx"
    extensions = (".xlsx", ".xlsm")

    def score(self, path: Path, head: bytes) -> int:
        return super().score(path, head) if path.suffix.lower() in self.extensions else 0

    def read(self, path: Path, data: bytes) -> ParsedDocument:
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise CorruptDocument(f"Файл {path.name} повреждён или не является таблицей Excel.",
                                  f"{path.name} is not a readable XLSX: {exc}",
                                  message_kk=f"{path.name} файлы бүлінген немесе Excel кестесі емес.",
                                  file=path.name) from exc
        blocks: list[Block] = []
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            rows = [r for r in rows if any(c not in (None, "") for c in r)]
            if not rows:
                continue
            sheet = str(ws.title)
            blocks.append(Block("heading", sheet.replace("_", " "), level=2))
            header = [_cell(c) for c in rows[0]]
            blocks.extend(table_rows(header, [[_cell(c) for c in r] for r in rows[1:]],
                                     location_prefix=f"лист «{sheet}»"))
        wb.close()
        title = (wb.properties.title or "").strip() if wb.properties else ""
        return ParsedDocument(title or file_title(path.stem), "xlsx", blocks)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class CsvParser(_Base):
    name = "csv"
    extensions = (".csv", ".tsv")

    def parse(self, path: Path, data: bytes) -> ParsedDocument:
        text = decode_text(data, path.name)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
        rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]
        if not rows:
            return ParsedDocument(path.stem, "csv", [])
        blocks = table_rows(rows[0], rows[1:], location_prefix=path.name)
        return ParsedDocument(_table_title(path.stem, rows[0]), "csv", blocks)


class ImageParser(_Base):
    """Images need OCR. Without an OCR engine the document is recorded as ``needs_ocr``."""

    name = "image"
    extensions = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp", ".gif")

    def score(self, path: Path, head: bytes) -> int:
        kind = sniff(head)
        return 20 if kind in {"png", "jpeg", "tiff", "webp", "bmp", "gif"} else 0

    def parse(self, path: Path, data: bytes) -> ParsedDocument:
        return ParsedDocument(file_title(path.stem), "image", [], pages=1, whole_needs_ocr=True)


for _parser in (TextParser(), MarkdownParser(), HtmlParser(), DocxParser(), PdfParser(),
                SpreadsheetParser(), CsvParser(), ImageParser()):
    register(_parser)

PARSERS: Callable[[], list[Parser]] = lambda: list(_REGISTRY)  # noqa: E731
