"""Ingestion on SQLite and the real PostgreSQL: idempotent, atomic replacement, bad input isolated."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from azs_assistant.auth.principal import SYSTEM
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.storage.models import Chunk

GUIDE = "# Слив топлива\n\n## Заземление\nЗаземление подключают к корпусу автоцистерны, затем к контуру АЗС.\n"


def chunk_count(svc: Services) -> int:
    with svc.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Chunk)) or 0)


def test_ingest_is_idempotent_and_a_changed_file_replaces_the_old_version(services: Services, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "sliv.md").write_text(GUIDE, encoding="utf-8")
    first = services.ingestor.ingest_paths([kb])
    assert [(r.source, r.status) for r in first] == [("sliv.md", "added")]
    assert [r.status for r in services.ingestor.ingest_paths([kb])] == ["unchanged"]

    (kb / "sliv.md").write_text(GUIDE + "\n## Отстой\nПосле прибытия выжидают 20 минут отстоя.\n", encoding="utf-8")
    assert [r.status for r in services.ingestor.ingest_paths([kb])] == ["updated"]
    doc = services.documents.find("sliv.md")
    assert doc.version == 2
    texts = [c.text for c in services.documents.chunks(doc.id)]
    assert any("20 минут" in t for t in texts) and len(texts) == chunk_count(services)
    assert services.assistant.search("сколько ждать отстоя")[0].source == "sliv.md"


def test_a_broken_new_version_leaves_the_stored_one_untouched(services: Services, tmp_path: Path) -> None:
    good = tmp_path / "guide.pdf"
    from tests.documents.test_parsers import make_pdf

    good.write_bytes(make_pdf([["Касса", "Z-отчёт снимают в 08:00 ночной сменой."]]))
    assert services.ingestor.ingest_paths([good])[0].status == "added"
    before = [c.text for c in services.documents.chunks(services.documents.find("guide.pdf").id)]
    good.write_bytes(b"%PDF-1.4 truncated")
    result = services.ingestor.ingest_paths([good])[0]
    assert result.status == "failed" and "guide.pdf" in (result.message or "")
    after = [c.text for c in services.documents.chunks(services.documents.find("guide.pdf").id)]
    assert after == before and services.assistant.search("Z-отчёт")[0].source == "guide.pdf"


def test_bad_files_fail_with_reasons_and_the_batch_goes_on(services: Services, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "empty.txt").write_bytes(b"")
    (kb / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (kb / "program.exe").write_bytes(b"MZ\x90\x00" + bytes(range(256)))
    (kb / "ok.md").write_text(GUIDE, encoding="utf-8")
    by_source = {r.source: r for r in services.ingestor.ingest_paths([kb])}
    assert by_source["ok.md"].status == "added"
    assert by_source["empty.txt"].status == "failed" and "пустой" in (by_source["empty.txt"].message or "")
    assert by_source["broken.docx"].error_code == "corrupt_document"
    assert by_source["program.exe"].error_code == "unsupported_format"
    assert services.documents.visible_to(SYSTEM, 0, 0).total == 1


def test_oversized_file_is_refused_before_reading(tmp_path: Path, backend_url: str) -> None:
    svc = Services(Settings(data_dir=tmp_path, database_url=backend_url, max_upload_mb=1))
    big = tmp_path / "big.txt"
    big.write_text("Большой файл. " * 100_000, encoding="utf-8")
    result = svc.ingestor.ingest_paths([big])[0]
    assert result.error_code == "file_too_large" and "1 МБ" in (result.message or "")
    svc.close()


def test_without_ocr_images_are_recorded_as_needing_ocr_not_dropped(tmp_path: Path, backend_url: str) -> None:
    from PIL import Image

    svc = Services(Settings(data_dir=tmp_path, database_url=backend_url, ocr=False))
    scan = tmp_path / "prikaz_scan.jpg"
    Image.new("RGB", (200, 100), "white").save(scan, "JPEG")
    result = svc.ingestor.ingest_paths([scan])[0]
    assert result.status == "needs_ocr" and "OCR" in (result.message or "")
    doc = svc.documents.find("prikaz_scan.jpg")
    assert doc.status == "needs_ocr" and doc.chunk_count == 0
    svc.close()


def test_delete_removes_document_and_its_passages_from_search(services: Services, tmp_path: Path) -> None:
    f = tmp_path / "sliv.md"
    f.write_text(GUIDE, encoding="utf-8")
    services.ingestor.ingest_paths([f])
    assert services.assistant.search("заземление автоцистерны")
    services.documents.remove("sliv.md")
    assert chunk_count(services) == 0 and services.assistant.search("заземление автоцистерны") == []


def test_chunks_keep_lemmas_and_embeddings_to_rebuild_the_index(services: Services, tmp_path: Path) -> None:
    f = tmp_path / "sliv.md"
    f.write_text(GUIDE, encoding="utf-8")
    services.ingestor.ingest_paths([f])
    chunk = services.documents.chunks(services.documents.find("sliv.md").id)[0]
    assert "автоцистерна" in chunk.lemmas.split()
    assert chunk.embedding is not None and len(chunk.embedding) == 384 * 4
    assert chunk.section == "Слив топлива › Заземление"


def test_a_newer_pipeline_reprocesses_unchanged_files(services: Services, tmp_path: Path, monkeypatch) -> None:
    from azs_assistant.documents import pipeline

    f = tmp_path / "sliv.md"
    f.write_text(GUIDE, encoding="utf-8")
    assert services.ingestor.ingest_paths([f])[0].status == "added"
    assert services.ingestor.ingest_paths([f])[0].status == "unchanged"
    monkeypatch.setattr(pipeline, "PIPELINE_VERSION", pipeline.PIPELINE_VERSION + 1)
    assert services.ingestor.ingest_paths([f])[0].status == "updated"
    assert services.documents.find("sliv.md").pipeline_version == pipeline.PIPELINE_VERSION


def test_a_refused_file_is_explained_in_kazakh_too(tmp_path: Path) -> None:
    """A Kazakh operator's upload page showed «қате — Файл broken.pdf повреждён: PDF не читается.»: the reason
    was Russian. Every way a file is refused now has its Kazakh text (the fallback is «summary — Russian»)."""
    import io
    import zipfile

    from azs_assistant.errors import summary
    from tests.conftest import make_settings

    broken_zip = io.BytesIO()
    with zipfile.ZipFile(broken_zip, "w") as archive:
        archive.writestr("word/document.xml", "<not-docx/>")
    files = {"broken.pdf": b"%PDF-1.7 not really", "broken.docx": broken_zip.getvalue(),
             "broken.xlsx": broken_zip.getvalue(), "empty.txt": b"   ", "tool.exe": b"MZ\x90\x00binary",
             "control.txt": b"\x00\x01\x02\x03" * 64}
    svc = Services(make_settings(tmp_path, embeddings="none"))
    try:
        results = {name: svc.ingestor.ingest_bytes(data, f"uploads/{name}") for name, data in files.items()}
    finally:
        svc.close()
    for name, result in results.items():
        assert result.status == "failed" and result.messages is not None, (name, result)
        kazakh = result.messages["kk"]
        assert name in kazakh and not kazakh.startswith(summary(result.error_code or "error", "kk") + " — "), kazakh
        assert not any(word in kazakh for word in ("повреждён", "пустой", "не поддерживается", "не найден")), kazakh


def test_a_scan_waiting_for_ocr_is_explained_in_kazakh_and_english(tmp_path: Path) -> None:
    """A blank PNG with OCR off is kept as «needs_ocr»; its message was Russian in every language."""
    import io

    from PIL import Image

    from azs_assistant.documents.service import result_public
    from tests.conftest import make_settings

    picture = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(picture, "PNG")
    svc = Services(make_settings(tmp_path, embeddings="none", ocr=False))
    try:
        result = result_public(svc.ingestor.ingest_bytes(picture.getvalue(), "uploads/scan.png"))
    finally:
        svc.close()
    assert result["status"] == "needs_ocr" and "OCR" in result["message"]
    assert "мәтінді тану модулі" in result["message_kk"] and "text recognition" in result["message_en"]

