"""The findings of the OpenAPI fuzzing probe (issue 19), one fast test each: integers past 64 bits,
405 without ``Allow``, datetimes without a zone, undeclared export media types, junk multipart fields."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.conftest import authorize

GUIDE = "# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n".encode()
AWARE = re.compile(r"(\+00:00|Z)$")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    svc = Services(Settings(data_dir=tmp_path_factory.mktemp("contract"), max_upload_mb=1, ticket_rate_per_minute=0))
    with TestClient(create_app(svc, background=False)) as c:
        authorize(c, svc)
        assert upload(c, [("files", ("smena.md", GUIDE, "text/markdown"))]).status_code == 200
        yield c
    svc.close()


def upload(client: TestClient, files: list[Any], data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/documents?wait=true", files=files, data=data)


@pytest.mark.parametrize("url", [
    "/api/v1/documents/99999999999999999999999",
    "/api/v1/audit?limit=-2258988405686392091312128",
    "/api/v1/tickets?offset=3835161697148178576693002240",
    "/api/v1/documents?offset=9223372036854775808",
    "/api/v1/incidents?limit=1001",
])
def test_integers_past_their_bounds_are_refused_with_422(client: TestClient, url: str) -> None:
    """GIVEN a number the database cannot hold (or past a page) WHEN it is sent THEN 422, not 500."""
    resp = client.get(url)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "invalid_input"


def test_the_largest_id_is_a_plain_404_and_the_next_a_422(client: TestClient) -> None:
    """Ids are 32-bit columns on PostgreSQL: the schema stops there."""
    resp = client.get(f"/api/v1/documents/{2**31 - 1}")
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/documents/{2**31}").status_code == 422


def test_405_names_every_method_of_the_path(client: TestClient) -> None:
    """GIVEN /documents/{id} answers GET and DELETE WHEN it gets PATCH THEN 405 with Allow listing both."""
    resp = client.patch("/api/v1/documents/1")
    assert resp.status_code == 405 and resp.json()["error"]["code"] == "method_not_allowed"
    assert set(resp.headers["allow"].split(", ")) == {"GET", "DELETE"}
    assert client.request("TRACE", "/api/v1/health").headers["allow"] == "GET"


def test_datetimes_carry_their_time_zone(client: TestClient) -> None:
    doc = client.get("/api/v1/documents").json()["items"][0]
    assert AWARE.search(doc["updated_at"]), doc["updated_at"]
    assert AWARE.search(client.get(f"/api/v1/documents/{doc['id']}").json()["updated_at"])
    events = client.get("/api/v1/audit").json()["events"]
    assert events and all(AWARE.search(e["at"]) for e in events)
    asked = client.post("/api/v1/ask", json={"question": "сколько размена оставлять"}).json()
    turns = client.get(f"/api/v1/conversations/{asked['conversation_id']}").json()["turns"]
    assert turns and all(AWARE.search(t["created_at"]) for t in turns)


@pytest.mark.parametrize(("path", "media_types"), [
    ("/api/v1/reports/export", {"text/csv; charset=utf-8", "application/pdf", "application/json",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    ("/api/v1/audit/export", {"text/csv"}),
    ("/api/v1/forms/{form}/export", {"text/csv; charset=utf-8", "application/xml", "application/json"}),
])
def test_export_media_types_are_declared(client: TestClient, path: str, media_types: set[str]) -> None:
    declared = set(client.get("/openapi.json").json()["paths"][path]["get"]["responses"]["200"]["content"])
    assert media_types <= declared


def test_audit_csv_is_served_as_declared(client: TestClient) -> None:
    resp = client.get("/api/v1/audit/export")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    # «at» in UTC for systems, «at_local» on the chain's clock (Asia/Almaty, +5) as the audit page shows it
    import csv
    from datetime import datetime, timedelta

    rows = list(csv.DictReader(resp.text.lstrip("\ufeff").splitlines()))
    assert rows and rows[0]["at_local"]
    utc = datetime.fromisoformat(rows[0]["at"].replace("Z", "+00:00"))
    assert rows[0]["at_local"] == (utc + timedelta(hours=5)).strftime("%Y-%m-%d %H:%M:%S")


def test_an_unknown_multipart_field_is_refused(client: TestClient) -> None:
    """GIVEN an upload WHEN it carries a field besides ``files`` THEN 422 names it and nothing is stored."""
    before = client.get("/api/v1/documents").json()["total"]
    resp = upload(client, [("files", ("proliv.md", b"# \xd0\x9f\n\ntext\n", "text/markdown"))], {"junk": "1"})
    assert resp.status_code == 422
    assert [f["field"] for f in resp.json()["error"]["details"]["fields"]] == ["body.junk"]
    assert client.get("/api/v1/documents").json()["total"] == before
    assert upload(client, []).status_code == 422  # no files at all


def test_the_upload_form_is_closed_in_the_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    form = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert form["additionalProperties"] is False and form["properties"]["files"]["minItems"] == 1


def test_every_operation_declares_its_error_statuses(client: TestClient) -> None:
    """An operation behind a key declares 401, 403, 422 and 429, in the one error shape; one with a body, 413."""
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if path in ("/api/v1/health", "/api/v1/health/live", "/api/v1/health/ready",
                        "/api/v1/tickets/{number}/public"):
                continue
            declared = set(op["responses"])
            assert {"401", "403", "422", "429"} <= declared, (method, path, declared)
            if method in ("post", "put", "delete"):
                assert "413" in declared, (method, path)
            error = op["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path)


def test_malformed_json_is_a_declared_400(client: TestClient) -> None:
    resp = client.post("/api/v1/ask", content=b"\x17=\xff\r", headers={"Content-Type": "application/json"})
    assert resp.status_code in (400, 422) and "error" in resp.json()
    declared = client.get("/openapi.json").json()["paths"]["/api/v1/ask"]["post"]["responses"]
    assert str(resp.status_code) in declared


@pytest.mark.parametrize("metric", ["list", "share", "oldest", "newest", "yoy", "summary"])
def test_a_typed_report_cannot_split_a_metric_that_has_no_groups(client: TestClient, metric: str) -> None:
    """Schemathesis found `{"metric": "list", "group_by": "station"}` answered 500 (KeyError in the text);
    only counts and durations are split by group, anything else is a 422 saying so."""
    query: dict = {"metric": metric, "group_by": "station", "share_of": {"categories": ["fuel_spill"]},
                   "filters": {"date_from": "2026-01-01", "date_to": "2026-12-31"}}
    resp = client.post("/api/v1/reports/run", json={"query": query})
    assert resp.status_code == 422, resp.text
    assert "group_by" in resp.text
