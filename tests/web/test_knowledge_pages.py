"""The chat and documents pages as the server renders them (in-process client, real SQLite): who is
offered what, where a citation leads, how an original is sent, and that answer text is rendered from
Markdown without letting markup through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.factories import document

PASSWORD = "пароль-для-теста-2026"
GUIDE = "# Приём смены\n\n## Размен\n1. Пересчитайте наличные.\n2. Оставьте размен 40 000 тенге.\n"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Services, Any]]:
    svc = Services(make_settings(tmp_path, embeddings="none"))
    document(svc, GUIDE, "uploads/smena.md")
    document(svc, "# Для руководителей\nПлан проверок.", "uploads/plan.md", roles=["manager"])
    page = "<html><body><h1>Инкассация</h1><p>Инкассатор приезжает в 10:00.</p><script>alert(1)</script></body></html>"
    assert svc.ingestor.ingest_bytes(page.encode(), "uploads/p.html").document_id
    for name, roles in (("aigerim", ["operator"]), ("bolat", ["operator"]), ("admin", ["admin"])):
        svc.access.add_user(name, PASSWORD, roles, stations=["*"])

    def signed_in(name: str) -> TestClient:
        client = TestClient(create_app(svc, background=False))
        client.__enter__()
        clients.append(client)
        assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 200
        return client

    clients: list[TestClient] = []
    yield svc, signed_in
    for client in clients:
        client.__exit__(None, None, None)
    svc.close()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def test_upload_is_offered_only_to_those_who_may_upload(site) -> None:  # type: ignore[no-untyped-def]
    _, signed_in = site
    operator, admin = signed_in("aigerim").get("/documents").text, signed_in("admin").get("/documents").text
    assert 'id="upload"' not in operator and "upload.js" not in operator
    assert 'id="upload"' in admin and "/static/upload.js" in admin
    assert "Для руководителей" in admin and "Для руководителей" not in operator


def test_date_filters_read_dd_mm_yyyy_and_old_iso_links_and_show_dd_mm_yyyy(site) -> None:  # type: ignore[no-untyped-def]
    """GIVEN documents updated today WHEN the list is filtered by dates typed as 15.11.2026, 1.11.26 or an
    old link's 2026-10-15 THEN the fields show them as dd.mm.yyyy and the list is narrowed by them."""
    _, signed_in = site
    web = signed_in("aigerim")
    page = web.get("/documents", params={"since": "15.11.2026"})
    assert page.status_code == 200 and 'name="since" value="15.11.2026"' in page.text and "Приём смены" in page.text
    page = web.get("/documents", params={"since": "2026-10-15", "until": "1.11.26"})
    assert page.status_code == 200 and 'name="since" value="15.10.2026"' in page.text
    assert 'name="until" value="01.11.2026"' in page.text and "Приём смены" not in page.text
    assert 'placeholder="дд.мм.гггг"' in page.text
    assert 'type="date"' not in page.text.replace('type="date" class="date-native"', "")  # only the picker's


def test_a_wrong_date_is_named_next_to_its_field_in_the_page_s_language_and_the_other_filters_stay(site) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a date the calendar lacks (31.02.2026) or no date at all («abc») WHEN the list is asked for THEN
    the page (422, HTML) says so next to that field in Russian or Kazakh, keeps the other filters as typed, and
    still lists the documents."""
    _, signed_in = site
    web = signed_in("aigerim")
    page = web.get("/documents", params={"since": "31.02.2026", "q": "смены", "sort": "-updated"})
    assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
    error = re.search(r'<span class="field-error" id="f-since-error" role="alert">([^<]*)</span>', page.text)
    assert error and error.group(1) == "Даты 31.02.2026 нет в календаре: проверьте день и месяц."
    assert 'aria-invalid="true" aria-describedby="f-since-error"' in page.text
    assert 'name="since" value="31.02.2026"' in page.text and 'name="q" value="смены"' in page.text
    assert '<option value="-updated" selected>' in page.text and "Приём смены" in page.text
    page = web.get("/documents", params={"until": "abc", "lang": "kk"})
    assert page.status_code == 422 and "«abc» — күн емес: кк.аа.жжжж түрінде жазыңыз" in page.text
    assert 'placeholder="кк.аа.жжжж"' in page.text and "Приём смены" in page.text


def test_a_citation_opens_the_document_at_its_passage_for_its_readers_only(site) -> None:  # type: ignore[no-untyped-def]
    svc, signed_in = site
    doc = svc.documents.find("uploads/smena.md")
    chunk = svc.documents.chunks(doc.id)[0]
    web = signed_in("aigerim")
    moved = web.get(f"/passages/{chunk.id}", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == f"/documents/{doc.id}?p={chunk.id}#p{chunk.id}"
    page = web.get(moved.headers["location"]).text
    assert re.search(rf'class="passage-text cited" id="p{chunk.id}"', page) and "40 000" in page
    hidden = svc.documents.chunks(svc.documents.find("uploads/plan.md").id)[0]
    assert web.get(f"/passages/{hidden.id}").status_code == 404
    assert web.get(f"/documents/{svc.documents.find('uploads/plan.md').id}").status_code == 404


def test_the_original_downloads_as_an_attachment_never_rendered_as_a_page(site) -> None:  # type: ignore[no-untyped-def]
    svc, signed_in = site
    web = signed_in("aigerim")
    sent = web.get(f"/documents/{svc.documents.find('uploads/p.html').id}/original")
    assert sent.status_code == 200 and sent.content.startswith(b"<html>")
    assert sent.headers["content-disposition"] == "attachment; filename*=UTF-8''p.html"
    assert sent.headers["x-content-type-options"] == "nosniff"
    plan = svc.documents.find("uploads/plan.md").id
    assert web.get(f"/documents/{plan}/original").status_code == 404


def test_a_stored_conversation_reloads_as_markdown_html_with_markup_escaped(site) -> None:  # type: ignore[no-untyped-def]
    svc, signed_in = site
    web = signed_in("aigerim")
    csrf = _csrf(web.get("/").text)
    stream = web.post("/api/v1/ask/stream", json={"question": "Как принять смену?"}, headers={"X-CSRF-Token": csrf})
    done = [line for line in stream.text.splitlines() if line.startswith("data:")][-1]
    # the streamed answer ends with its rendering: the procedure's heading in bold, then its steps
    assert '"answer_html": "<p><strong>Размен</strong></p>\\n<ol>' in done
    cid = web.get("/api/v1/conversations").json()["items"][0]["id"]
    svc.conversations.record(cid, "а это?", "а это?", "**Жирно** <script>alert(1)</script>")
    page = web.get("/", params={"c": cid}).text
    assert "<ol>\n<li>Пересчитайте наличные.</li>" in page and "<strong>Жирно</strong>" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'aria-current="page">Как принять смену?</a>' in page
    other = signed_in("bolat").get("/", params={"c": cid})
    assert other.status_code == 404 and "Разговор не найден" in other.text


def test_a_table_reads_as_a_table_with_the_cited_row_marked(site) -> None:  # type: ignore[no-untyped-def]
    svc, signed_in = site
    table = "# Размен\n\n## По купюрам\n| Купюра | Количество |\n|---|---|\n| 1000 | 20 |\n| 500 | 40 |\n"
    doc_id = document(svc, table, "uploads/razmen.md").document_id
    rows = [c for c in svc.documents.chunks(doc_id) if c.kind == "table_row"]
    page = signed_in("aigerim").get(f"/documents/{doc_id}", params={"p": rows[1].id}).text
    assert re.search(r'<th scope="col">Купюра</th><th scope="col">Количество</th>', page)
    cited = re.search(rf'<tr id="p{rows[1].id}" class="passage-row cited"[^>]*>\s*<td>500</td><td>40</td>', page)
    assert cited and f'<tr id="p{rows[0].id}" class="passage-row">' in page


def test_a_far_future_date_is_named_next_to_its_field_not_a_server_error(site) -> None:  # type: ignore[no-untyped-def]
    """GIVEN «31.12.9999» as the last day WHEN the list is asked for THEN the page (422) names the year next to
    the field in English and still lists the documents (the day after it overflowed: a 500)."""
    _, signed_in = site
    web = signed_in("aigerim")
    page = web.get("/documents", params={"until": "31.12.9999", "lang": "en"})
    assert page.status_code == 422 and "The year 9999 is outside 2000–2100" in page.text
    assert "Приём смены" in page.text


def test_a_photo_is_listed_by_its_russian_name_and_kind_not_its_latin_file_name(site) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a photo saved as «15_akt_proverki_trk_foto.png» (OCR off: no text of its own) WHEN the documents are
    listed THEN it reads «Акт проверки ТРК фото», of the kind «ФОТО / СКАН» (Kazakh «СУРЕТ / СКАН»), not
    «15 akt proverki trk foto» of the kind «IMAGE», as a walk-through saw it."""
    import io

    from PIL import Image

    svc, signed_in = site
    picture = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(picture, format="PNG")
    photo = svc.ingestor.ingest_bytes(picture.getvalue(), "uploads/15_akt_proverki_trk_foto.png")
    web = signed_in("admin")
    assert " · ФОТО / СКАН · " in web.get(f"/documents/{photo.document_id}").text  # its own page says so too
    page = web.get("/documents").text
    assert "Акт проверки ТРК фото" in page and "akt proverki" not in page
    assert '<span class="kind">ФОТО / СКАН</span>' in page and ">IMAGE<" not in page
    assert '<span class="kind">СУРЕТ / СКАН</span>' in web.get("/documents", params={"lang": "kk"}).text
