"""The admin's jobs page (/admin/jobs): lists jobs by state, retries a dead one and cancels a queued one
(CSRF-checked like every form), and is refused to other roles; each file's OCR page reaches the progress."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from azs_assistant.api.app import create_app
from azs_assistant.documents import pipeline
from azs_assistant.services import Services
from azs_assistant.settings import Settings

PASSWORD = "очень-длинный-пароль"


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    services = Services(Settings(data_dir=tmp_path, embeddings="none", ocr_second_pass="", ocr_line_reader=False))
    services.access.add_user("root", PASSWORD, ["admin"], stations=["*"])
    services.access.add_user("boss", PASSWORD, ["manager"], stations=["*"])
    yield services
    services.close()


def test_the_jobs_page_lists_retries_and_cancels(svc: Services) -> None:
    dead = svc.jobs.enqueue("incidents.sync", max_attempts=1, dispatch=False)
    claim = svc.jobs.claim(dead.id, "w")
    assert claim is not None and svc.jobs.fail(claim, "Oracle недоступен") == "dead"
    waiting = svc.jobs.enqueue("documents.upload", {"files": ["smena.md"]}, dispatch=False)
    with TestClient(create_app(svc, background=False)) as client:
        client.post("/login", data={"username": "root", "password": PASSWORD})
        page = client.get("/admin/jobs")
        assert page.status_code == 200 and 'href="/admin/jobs"' in page.text
        assert "Oracle недоступен" in page.text and "остановлено после ошибок" in page.text
        assert "smena.md" in page.text and "в очереди" in page.text
        only_dead = client.get("/admin/jobs", params={"status": "dead"}).text
        assert f"job-{dead.id}" in only_dead and f"job-{waiting.id}" not in only_dead
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        assert client.post(f"/admin/jobs/{dead.id}/retry").status_code == 403  # no CSRF token
        retried = client.post(f"/admin/jobs/{dead.id}/retry", data={"csrf_token": csrf}, follow_redirects=False)
        assert retried.status_code == 303 and svc.jobs.get(dead.id).status == "queued"
        cancelled = client.post(f"/admin/jobs/{waiting.id}/cancel", data={"csrf_token": csrf},
                                follow_redirects=False)
        assert cancelled.status_code == 303 and svc.jobs.get(waiting.id).status == "cancelled"
        again = client.post(f"/admin/jobs/{waiting.id}/cancel", data={"csrf_token": csrf})
        assert again.status_code == 409 and "отменено" in again.text
        kk = client.get("/admin/jobs", params={"lang": "kk"}).text
        assert "Фондық тапсырмалар" in kk
        client.post("/logout", data={"csrf_token": csrf})
        client.post("/login", data={"username": "boss", "password": PASSWORD})
        assert client.get("/admin/jobs").status_code == 403


def scan() -> bytes:
    img = Image.new("RGB", (1600, 700), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 34)
    for i, line in enumerate(["ПРИКАЗ № 7 О ПРИЁМКЕ ТОПЛИВА", "1. Пробу топлива отбирают при каждой приёмке.",
                              "2. Результат записывают в журнал приёмки."]):
        draw.text((80, 80 + i * 60), line, fill="black", font=font)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def test_each_stage_of_a_file_and_each_ocr_page_reach_the_jobs_progress(svc: Services) -> None:
    heard: list[tuple[str, dict[str, Any]]] = []
    token = pipeline.progress.set(lambda stage, **details: heard.append((stage, details)))
    try:
        result = svc.ingestor.ingest_bytes(scan(), "uploads/prikaz_7.png")
    finally:
        pipeline.progress.reset(token)
    assert result.status == "added", result.message
    assert [stage for stage, _ in heard] == ["reading", "ocr", "indexing"]
    assert heard[1][1] == {"page": 1, "pages": 1} and heard[2][1]["passages"] == result.chunks
