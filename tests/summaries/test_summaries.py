"""Summaries without a model (extractive), what changed between versions, the chat requests and
the API, CLI and web page that show them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import DEMO_KB, authorize, make_settings
from tests.factories import principal

# a key figure of each demo document that a useful summary must carry
KEY_FACTS = {
    "01_priem_topliva.md": ["0,4%", "20 минут", "90%"],
    "02_peredacha_smeny.docx": ["08:00", "20:00"],
    "05_proliv.txt": ["30 минут"],
    "12_inkassaciya.html": ["250 000 тенге", "11:00"],
    "14_avariya_elektrichestvo.md": ["генератор"],
}


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir()
    for name in KEY_FACTS:
        shutil.copy(DEMO_KB / name, root / name)
    return root


@pytest.fixture
def svc(tmp_path: Path, kb: Path) -> Iterator[Services]:
    s = Services(make_settings(tmp_path / "data", embeddings="none"))
    results = s.ingestor.ingest_paths([kb])
    assert all(r.status == "added" for r in results)
    yield s
    s.close()


def _doc(svc: Services, source: str):  # type: ignore[no-untyped-def]
    return svc.documents.find(source)


@pytest.mark.parametrize("source", sorted(KEY_FACTS))
def test_extractive_summary_keeps_structure_and_key_facts(svc: Services, source: str) -> None:
    doc = _doc(svc, source)
    summary = svc.summaries.summary(doc.id)
    assert summary.mode == "extractive" and summary.title == doc.title and summary.version == 1
    for fact in KEY_FACTS[source]:
        assert fact in summary.text, (fact, summary.text)
    chunks = {c.id: c for c in svc.documents.chunks(doc.id)}
    points = [p for sec in summary.sections for p in sec.points] + summary.key_facts
    assert 3 <= len(points) <= 18
    for p in points:  # grounded: every point is the document's own words, linked to its passage
        assert p.text.rstrip(".…")[:60] in " ".join(chunks[p.chunk_id].text.split()), p.text
    ordinals = [chunks[p.chunk_id].ordinal for sec in summary.sections for p in sec.points]
    assert ordinals == sorted(ordinals)  # document order
    assert summary.text.count("\n— ") + summary.text.startswith("— ") >= 3


def test_summary_sections_follow_the_document(svc: Services) -> None:
    summary = svc.summaries.summary("01_priem_topliva.md")
    headings = [s.heading for s in summary.sections if s.heading]
    assert headings[:2] == ["1. Общие требования", "2. Подготовка площадки слива"]
    assert len(headings) == 5  # every section of the regulation is represented


def test_summary_is_kept_per_version_and_remade_for_a_new_one(svc: Services, kb: Path) -> None:
    from sqlalchemy import select

    from azs_assistant.storage.models import DocumentSummary

    first = svc.summaries.summary("12_inkassaciya.html")
    with svc.db.session() as s:
        row = s.scalar(select(DocumentSummary))
        assert row is not None and row.version == 1
        row.data = {**row.data, "text": "из кэша"}  # proves the second request reads the stored row
    assert svc.summaries.summary("12_inkassaciya.html").text == "из кэша"
    path = kb / "12_inkassaciya.html"
    path.write_text(path.read_text(encoding="utf-8").replace("250 000", "300 000"), encoding="utf-8")
    svc.ingestor.ingest_paths([kb])
    again = svc.summaries.summary("12_inkassaciya.html")
    assert again.version == 2 and "300 000 тенге" in again.text and "250 000" not in again.text
    assert first.text != again.text


def test_what_changed_lists_edits_with_numbers_additions_and_removals(svc: Services, kb: Path) -> None:
    path = kb / "01_priem_topliva.md"
    text = path.read_text(encoding="utf-8")
    assert "1.3. О прибытии автоцистерны" in text
    text = text.replace("не более 0,4%", "не более 0,5%")
    text = text.replace("## 5. Оформление", "## 5. Оформление\n5.0. Старший оператор фотографирует уровнемер.")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("1.3. "))
    path.write_text(text, encoding="utf-8")
    svc.ingestor.ingest_paths([kb])
    changes = svc.summaries.changes("01_priem_topliva.md")
    assert len(changes) == 1 and (changes[0]["from_version"], changes[0]["to_version"]) == (1, 2)
    data = changes[0]["changes"]
    assert data["counts"] == {"changed": 1, "added": 1, "removed": 1}
    assert data["changed"][0]["numbers"] == {"old": ["0,4"], "new": ["0,5"]}
    assert "фотографирует уровнемер" in data["added"][0]["text"]
    assert "О прибытии автоцистерны" in data["removed"][0]["text"]
    note = changes[0]["text"]
    assert "версия 1 → 2" in note and "было 0,4, стало 0,5" in note
    # the same file again changes nothing and records nothing
    svc.ingestor.ingest_paths([kb])
    assert len(svc.summaries.changes("01_priem_topliva.md")) == 1


def test_chat_summary_and_changes_requests(svc: Services) -> None:
    answer = svc.assistant.ask("кратко перескажи регламент приёма топлива")
    assert answer.mode == "summary_extractive" and not answer.abstained
    assert answer.answer.startswith("«Приём топлива из автоцистерны»")
    assert answer.citations and {c.source for c in answer.citations} == {"01_priem_topliva.md"}
    assert all(c.chunk_id for c in answer.citations)
    about = svc.assistant.ask("о чём инструкция по инкассации?")
    assert about.mode.startswith("summary") and "250 000 тенге" in about.answer
    numbered = svc.assistant.ask("перескажи регламент РП-01")  # the number is in the document's opening
    assert numbered.mode == "summary_extractive" and numbered.answer.startswith("«Приём топлива")
    missing = svc.assistant.ask("перескажи приказ №47")
    assert missing.abstained and "47" in missing.answer
    unchanged = svc.assistant.ask("что изменилось в инструкции по инкассации?")
    assert unchanged.mode == "changes" and "других версий" in unchanged.answer
    plain = svc.assistant.ask("какой лимит наличных в кассе?")
    assert not plain.mode.startswith("summary")  # ordinary questions are not summaries


def test_hidden_documents_are_not_summarised_for_others(svc: Services) -> None:
    from azs_assistant.errors import NotFound

    doc = svc.documents.change_audience("12_inkassaciya.html", ["manager"], [])
    operator = principal("operator", name="op")
    with pytest.raises(NotFound):
        svc.summaries.summary(doc.id, operator)
    answer = svc.assistant.ask("кратко перескажи инструкцию по инкассации", operator)
    assert "250 000" not in answer.answer


def test_api_cli_and_web_page(svc: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from azs_assistant import cli

    doc = _doc(svc, "05_proliv.txt")
    with TestClient(create_app(svc, background=False)) as client:
        authorize(client, svc, roles=("operator",), stations=("АЗС-001",))
        resp = client.get(f"/api/v1/documents/{doc.id}/summary")
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["mode"] == "extractive" and "30 минут" in body["text"] and body["sections"]
        assert client.get(f"/api/v1/documents/{doc.id}/summary?refresh=true").status_code == 403
        assert client.get("/api/v1/documents/9999/summary").json()["error"]["code"] == "not_found"
        assert client.get(f"/api/v1/documents/{doc.id}/changes").json() == []
        page = client.get(f"/documents/{doc.id}/summary")
        assert page.status_code == 200 and "30 минут" in page.text and "/passages/" in page.text
        assert f'href="/documents/{doc.id}"' in client.get("/documents").text  # the list opens the document's page
    monkeypatch.setenv("AZS_EMBEDDINGS", "none")
    out = CliRunner().invoke(cli.app, ["--data-dir", str(tmp_path / "data"), "summarize", "05_proliv.txt"])
    assert out.exit_code == 0 and "30 минут" in out.output, out.output
    out = CliRunner().invoke(cli.app, ["--data-dir", str(tmp_path / "data"), "summarize", "nope.txt"])
    assert out.exit_code == 4 and "не найден" in out.output
