"""Hostile files: zip bombs, nested archives, pathological PDFs, decompression-bomb images and
polyglots are refused with a typed error, or parsed harmlessly, within a memory and a time bound,
through the real paths (ingestion, the upload API, ``POST /api/v1/ocr``); what was stored stays.

Every file is made here, in a few milliseconds; each builder's docstring says how. The bounds are
the parsing child's peak memory (reported by the parse server from ``wait4``) or, for OCR, which runs
in this process, the growth of this process's peak memory (VmHWM, reset before the call).
"""

from __future__ import annotations

import io
import logging
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from azs_assistant.api.app import create_app
from azs_assistant.auth.principal import SYSTEM
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.conftest import authorize

MEMORY_MB = 512  # peak memory of a parsing child, or growth of this process's peak for OCR
CPU_SECONDS = 4  # CPU time of a parsing child (its limit is 2 s here): what the file costs the server
SECONDS = 30  # wall time of one hostile file: catches a hang, tolerant of a machine busy with other work
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
GUIDE = "# Инкассация\n\nИнкассатор приезжает ежедневно в 11:00, лимит наличных 250 000 тенге.\n".encode()


# --- the corpus ---------------------------------------------------------------------------------
@lru_cache
def spaces(mib: int) -> tuple[bytes, int]:
    """Raw DEFLATE of ``mib`` MiB of spaces and its CRC-32: one 16 MiB block, compressed once after a
    full flush (so every block compresses to the same 16 KB), repeated: about 1 KB per MiB."""
    piece = b" " * (16 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(piece) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib // 16):
        crc = zlib.crc32(piece, crc)
    return block * (mib // 16) + deflate.flush(), crc


def zip_archive(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP written by hand from (name, stored bytes, method, declared size, CRC) per member, so a
    member may declare any size."""
    out, central = bytearray(), bytearray()
    for name, body, method, size, crc in members:
        offset, raw = len(out), name.encode()
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(body), size, len(raw), 0)
        out += raw + body
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(body), size,
                               len(raw), 0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def zip_bomb(member: str, mib: int = 2048) -> bytes:
    """A 2 MB Office file whose main part (``word/document.xml``, ``xl/worksheets/sheet1.xml``) is
    2 GiB of spaces: the finding that took 4 GB of server memory as DOCX."""
    body, crc = spaces(mib)
    return zip_archive([("[Content_Types].xml", b"<Types/>", 0, 8, zlib.crc32(b"<Types/>")),
                        (member, body, 8, mib << 20, crc)])


def lying_docx() -> bytes:
    """A member that declares 1 KB and inflates to 64 MiB: caught by the inflated-size check."""
    body, crc = spaces(64)
    return zip_archive([("word/document.xml", body, 8, 1024, crc)])


def nested_docx() -> bytes:
    """A real DOCX carrying a zip bomb (2 GiB inside, 2 MB stored) as an embedded object: the outer
    file is honest and parsed; nothing opens the inner archive."""
    import docx

    document = docx.Document()
    document.add_heading("Порядок инкассации", 1)
    document.add_paragraph("Инкассатор приезжает ежедневно в 11:00.")
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(buf, "a") as archive:
        archive.writestr("word/embeddings/oleObject1.zip", zip_bomb("bomb.txt"), compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


def zip_of_zips() -> bytes:
    """«42.zip» as XLSX: four stored inner archives of 256 MiB of spaces each, no workbook."""
    inner = zip_bomb("sheet.xml", 256)
    return zip_archive([(f"xl/embeddings/{i}.zip", inner, 0, len(inner), zlib.crc32(inner)) for i in range(4)])


def pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand: numbered objects, an exact cross-reference table, object 1 the catalog."""
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_stream(content: bytes) -> bytes:
    packed = zlib.compress(content, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)


def text_pdf(content: bytes, count: int = 1) -> bytes:
    """One page drawing ``content`` (a content stream) in Helvetica; ``count`` is what /Count claims."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                b"/Resources << /Font << /F1 5 0 R >> >> >>", pdf_stream(content),
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


TEXT = b"BT /F1 12 Tf 72 700 Td (Cash collection every day at 11:00, limit 250 000 tenge.) Tj ET"


def many_pages_pdf(pages: int = 2500) -> bytes:
    """An honest PDF of 2,500 empty pages (over the 2,000 of AZS_MAX_PDF_PAGES and 100 for OCR)."""
    kids = b" ".join(b"%d 0 R" % (n + 3) for n in range(pages))
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
               + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * pages)


def broken_xref_pdf() -> bytes:
    """A text PDF whose cross-reference table points at nonsense offsets."""
    data = text_pdf(TEXT)
    start, end = data.index(b"xref\n"), data.index(b"trailer")
    return data[:start] + re.sub(rb"\d{10} 00000 n", b"9999999999 00000 n", data[start:end]) + data[end:]


def corrupt_pdf() -> bytes:
    """A PDF header followed by noise: PDFium cannot open it (the finding's 500 in OCR)."""
    return b"%PDF-1.7\n" + bytes(range(256)) * 40


def cpu_bomb_pdf() -> bytes:
    """11 KB: one page whose content stream inflates to a million text operators (seconds of CPU each
    hundred thousand); within pypdf's own 75 MB decompression limit."""
    return text_pdf(b"BT /F1 12 Tf 72 700 Td " + b"(a) Tj " * 1_000_000 + b"ET")


def tag_flood_html() -> bytes:
    """3 MB of ``<p>x</p>``: a parse tree of 400,000 elements, hundreds of MB in Beautiful Soup."""
    return b"<html><body>" + b"<p>x</p>" * 400_000 + b"</body></html>"


def wide_csv() -> bytes:
    """15 MB of 5 million two-letter cells: each a Python string of about 50 bytes once parsed."""
    return (b"ab," * 1000 + b"ab\n") * 5000


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb() -> bytes:
    """A 100 KB PNG declaring 100,000 × 100,000 grey pixels (10 GB decoded)."""
    rows = zlib.compress(b"\x00" + b"\xff" * 100_000, 9)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0))
            + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b""))


def png_with_html() -> bytes:
    """A PNG signature followed by an HTML page with a script: neither an image nor a page."""
    return b"\x89PNG\r\n\x1a\n" + "<html><body><script>alert('xss')</script><p>Касса</p></body></html>".encode()


def pdf_zip_polyglot() -> bytes:
    """Both a PDF (header first) and a ZIP (central directory last) holding a 2 GiB zip bomb."""
    return text_pdf(TEXT) + zip_bomb("word/document.xml")


def photo_60mp() -> bytes:
    """A 7,745 × 7,745 (60 MP) page in PNG, just within AZS_MAX_IMAGE_PIXELS: took 62 s and 1.5 GB."""
    img = Image.new("L", (7745, 7745), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 150)
    for i, line in enumerate(["ПРИКАЗ № 12 О ПОРЯДКЕ ИНКАССАЦИИ", "Лимит наличных в кассе 250 000 тенге."]):
        draw.text((400, 400 + i * 300), line, fill=0, font=font)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


# name → (the file, the error codes it may be refused with; "stored" when parsing it is harmless)
CORPUS: dict[str, tuple[Callable[[], bytes], set[str]]] = {
    "bomb.docx": (lambda: zip_bomb("word/document.xml"), {"file_too_large"}),
    "bomb.xlsx": (lambda: zip_bomb("xl/worksheets/sheet1.xml"), {"file_too_large"}),
    "ratio.docx": (lambda: zip_bomb("word/document.xml", 256), {"file_too_large"}),  # under 512 MB, 1000:1
    "lying.docx": (lying_docx, {"corrupt_document"}),
    "nested.docx": (nested_docx, {"stored"}),
    "42.xlsx": (zip_of_zips, {"corrupt_document"}),
    "count.pdf": (lambda: text_pdf(TEXT, count=10_000_000), {"stored", "corrupt_document"}),
    "pages.pdf": (many_pages_pdf, {"corrupt_document"}),
    "xref.pdf": (broken_xref_pdf, {"stored", "corrupt_document"}),
    "noise.pdf": (corrupt_pdf, {"corrupt_document"}),
    "polyglot.pdf": (pdf_zip_polyglot, {"stored", "corrupt_document"}),
    "polyglot.docx": (pdf_zip_polyglot, {"stored", "corrupt_document"}),
    "cpu.pdf": (cpu_bomb_pdf, {"document_too_complex"}),
    "tags.html": (tag_flood_html, {"document_too_complex"}),
    "wide.csv": (wide_csv, {"document_too_complex"}),
    "bomb.png": (png_bomb, {"file_too_large"}),
    "page.png": (png_with_html, {"corrupt_document"}),
}


# --- bounds -------------------------------------------------------------------------------------
@contextmanager
def child_bounds(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every parsing child in the block peaks under MEMORY_MB and uses under CPU_SECONDS of CPU, and the
    block ends within SECONDS (wall time depends on the machine's load, so the CPU bound is the tight one)."""
    caplog.set_level(logging.INFO, logger="azs_assistant.documents.sandbox")
    caplog.clear()
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    peaks = [r.peak_rss_mb for r in caplog.records if hasattr(r, "peak_rss_mb")]
    cpu = [r.cpu_s for r in caplog.records if hasattr(r, "cpu_s")]
    assert peaks, "the file was not parsed in a child"
    assert max(peaks) < MEMORY_MB and max(cpu) < CPU_SECONDS and elapsed < SECONDS, (max(peaks), max(cpu), elapsed)


def _peak_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM"))


@contextmanager
def process_bounds() -> Iterator[None]:
    """The block takes under SECONDS, and this process's peak memory grows by under MEMORY_MB."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current RSS
    before, started = _peak_mb(), time.perf_counter()
    yield
    elapsed, grown = time.perf_counter() - started, _peak_mb() - before
    assert grown < MEMORY_MB and elapsed < SECONDS, (grown, elapsed)


# --- fixtures -----------------------------------------------------------------------------------
def hostile_settings(tmp_path: Path) -> Settings:
    """Lexical search only; the CPU and memory limits lowered from 120 s and 1024 MB so the two
    bombs no check catches are stopped well within the test's time bound."""
    return Settings(data_dir=tmp_path, embeddings="none", parse_cpu_seconds=2, parse_memory_mb=256)


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    services = Services(hostile_settings(tmp_path))
    yield services
    services.close()


@pytest.fixture
def client(svc: Services) -> Iterator[TestClient]:
    with TestClient(create_app(svc)) as c:
        authorize(c, svc)
        yield c


def stored(svc: Services) -> list[tuple[str, int | None, list[str]]]:
    """Every stored document with its version and passages: what an attack must leave as it was."""
    documents = svc.documents.visible_to(SYSTEM, 0, 100).items
    return [(d.source, d.version, [c.text for c in svc.documents.chunks(d.id)]) for d in documents]


# --- ingestion ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.slow) if name == "cpu.pdf" else name
                                  for name in CORPUS])  # the CPU bomb runs to its time limit
def test_hostile_file_is_refused_or_parsed_harmlessly_within_bounds(
        svc: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str) -> None:
    """GIVEN a good document already ingested and a hostile file from the corpus
    WHEN the hostile file is ingested from disk
    THEN it is refused with one of its expected typed errors (or stored harmlessly), its parsing child
    peaks under 512 MB and 4 s of CPU, and the good document is unchanged."""
    make, expected = CORPUS[name]
    (tmp_path / "guide.md").write_bytes(GUIDE)
    assert svc.ingestor.ingest_paths([tmp_path / "guide.md"])[0].status == "added"
    before = stored(svc)
    path = tmp_path / name
    path.write_bytes(make())
    with child_bounds(caplog):
        result = svc.ingestor.ingest_paths([path])[0]
    outcome = result.error_code if result.status == "failed" else "stored"
    assert outcome in expected, (result.status, result.error_code, result.message)
    if result.status == "failed":
        assert result.message and name in result.message  # a Russian message that names the file
    assert [d for d in stored(svc) if d[0] == "guide.md"] == before


def test_zip_bomb_is_refused_at_once_and_names_the_reason(svc: Services, tmp_path: Path) -> None:
    """GIVEN the finding's DOCX: 2 MB that unpacks to 2 GiB of spaces
    WHEN it is ingested
    THEN it is refused as too large in well under a second, the message says it looks like a zip bomb."""
    path = tmp_path / "bomb.docx"
    path.write_bytes(zip_bomb("word/document.xml"))
    started = time.perf_counter()
    result = svc.ingestor.ingest_paths([path])[0]
    assert time.perf_counter() - started < 2
    assert result.error_code == "file_too_large" and "zip-бомбу" in (result.message or "")
    assert "2048 МБ" in (result.message or "")


def test_limits_are_named_when_a_bomb_passes_the_checks(svc: Services, tmp_path: Path) -> None:
    """GIVEN a PDF whose one page is a million text operators (CPU) and a CSV of 5 million cells (memory)
    WHEN they are ingested
    THEN each is refused as too complex, naming the limit it ran past, in Russian."""
    cpu, wide = tmp_path / "cpu.pdf", tmp_path / "wide.csv"
    cpu.write_bytes(cpu_bomb_pdf())
    wide.write_bytes(wide_csv())
    by_name = {r.source: r for r in svc.ingestor.ingest_paths([cpu, wide])}
    assert by_name["cpu.pdf"].error_code == by_name["wide.csv"].error_code == "document_too_complex"
    assert "слишком сложный или повреждён" in (by_name["cpu.pdf"].message or "")
    assert "времени (лимит 2 с)" in (by_name["cpu.pdf"].message or "")
    assert "памяти (лимит 256 МБ)" in (by_name["wide.csv"].message or "")


# --- the upload API -----------------------------------------------------------------------------
def test_upload_api_refuses_bombs_and_keeps_the_stored_version(
        client: TestClient, svc: Services, caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN «guide.docx» uploaded and indexed
    WHEN a zip bomb is uploaded under the same name, and a zip bomb as XLSX beside it
    THEN both are reported failed with a Russian message, within the bounds, and the stored
    «guide.docx» keeps its version and passages."""
    import docx

    document = docx.Document()
    document.add_heading("Инкассация", 1)
    document.add_paragraph("Инкассатор приезжает ежедневно в 11:00, лимит наличных 250 000 тенге.")
    buf = io.BytesIO()
    document.save(buf)
    guide = ("guide.docx", buf.getvalue(), "application/zip")
    first = client.post("/api/v1/documents?wait=true", files=[("files", guide)])
    assert first.json()[0]["status"] == "added"
    before = stored(svc)
    with child_bounds(caplog):
        results = client.post("/api/v1/documents?wait=true", files=[
            ("files", ("guide.docx", zip_bomb("word/document.xml"), "application/zip")),
            ("files", ("prices.xlsx", zip_bomb("xl/worksheets/sheet1.xml"), "application/zip"))]).json()
    assert [r["status"] for r in results] == ["failed", "failed"]
    assert all("zip-бомбу" in r["message"] for r in results)
    assert stored(svc) == before
    assert svc.assistant.search("лимит наличных")[0].source == "uploads/guide.docx"


# --- POST /api/v1/ocr ---------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "make", "status", "code"), [
    ("noise.pdf", corrupt_pdf, 422, "corrupt_document"),
    ("pages.pdf", many_pages_pdf, 413, "file_too_large"),
    ("bomb.png", png_bomb, 413, "file_too_large"),
    ("page.png", png_with_html, 422, "corrupt_document"),
])
def test_ocr_refuses_hostile_files_with_a_typed_error(
        client: TestClient, name: str, make: Callable[[], bytes], status: int, code: str) -> None:
    """GIVEN a corrupt PDF, a PDF of 2,500 pages, a PNG declaring 10 gigapixels, a PNG that is HTML
    WHEN each is sent to POST /api/v1/ocr
    THEN the answer is its typed error in the one error shape (the corrupt PDF was a 500), in bounds."""
    with process_bounds():
        resp = client.post("/api/v1/ocr", files={"file": (name, make(), "application/octet-stream")})
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["code"] == code and name in error["message"]


def test_ocr_reads_a_broken_xref_pdf_or_refuses_it(client: TestClient) -> None:
    """GIVEN a text PDF whose cross-reference table is nonsense
    WHEN it is sent to POST /api/v1/ocr
    THEN it is recognised (PDFium repairs such tables) or refused as corrupt, never a 500."""
    with process_bounds():
        resp = client.post("/api/v1/ocr", files={"file": ("xref.pdf", broken_xref_pdf(), "application/pdf")})
    assert resp.status_code in (200, 422), resp.text


@pytest.mark.slow  # over 5 s (--durations)
def test_a_60_megapixel_photo_is_scaled_down_and_read_in_seconds(client: TestClient) -> None:
    """GIVEN a 60 MP page photo, within the upload and pixel limits (it took 62 s and 1.5 GB)
    WHEN it is sent to POST /api/v1/ocr
    THEN it is scaled down to AZS_OCR_MAX_PIXELS and read in under 30 s, growing memory under 512 MB."""
    data = photo_60mp()
    with process_bounds():
        resp = client.post("/api/v1/ocr", files={"file": ("photo.png", data, "image/png")})
    assert resp.status_code == 200, resp.text
    assert "250 000 тенге" in resp.json()["text"]
