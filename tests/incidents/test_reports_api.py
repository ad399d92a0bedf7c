"""Reports and incidents through the REST API and the web page: answers, typed queries, files,
CSV upload in Windows-1251, clear errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.api.test_api import assert_error
from tests.conftest import authorize
from tests.incidents.incident_log import make_log


def cp1251_csv(rows: list[dict]) -> bytes:  # type: ignore[type-arg]
    """The log as a manager's Excel would save it: Russian headers, «;», dd.mm.yyyy, Windows-1251."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(["Номер", "АЗС", "Регион", "Дата", "Категория", "Оборудование", "Описание", "Меры", "Устранено",
                     "Серьёзность"])
    for r in rows:
        writer.writerow([r["incident_id"], r["station_id"], r["region"], r["occurred_at"].strftime("%d.%m.%Y %H:%M"),
                         r["category"], r["equipment"], "пролив у колонки", r["actions_taken"],
                         r["resolved_at"].strftime("%d.%m.%Y %H:%M") if r["resolved_at"] else "", r["severity"]])
    return buf.getvalue().encode("cp1251")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    svc = Services(Settings(data_dir=tmp_path, embeddings="none"))
    with TestClient(create_app(svc)) as c:
        authorize(c, svc)
        yield c
    svc.close()


def test_import_ask_run_and_export(client: TestClient) -> None:
    rows = make_log(150)
    resp = client.post("/api/v1/incidents/import", files=[("file", ("журнал.csv", cp1251_csv(rows), "text/csv"))])
    assert resp.status_code == 200, resp.text
    assert resp.json()["inserted"] == 150 and resp.json()["bad_rows"] == []
    audit = client.get("/api/v1/audit", params={"action": "incidents.import"}).json()["events"]
    assert audit and audit[0]["target"] == "журнал.csv" and json.loads(audit[0]["details"])["inserted"] == 150

    want = sum(r["station_id"] == "АЗС-007" and r["occurred_at"].year == 2025 for r in rows)
    resp = client.post("/api/v1/reports/ask", json={"question": "Сколько инцидентов на АЗС-7 в 2025 году?",
                                                    "today": "2026-11-23"})
    body = resp.json()
    assert resp.status_code == 200 and body["answer"] == want
    assert body["query"]["filters"]["stations"] == ["АЗС-007"] and body["text"].startswith("Инцидентов")

    typed = {"metric": "count", "group_by": "region", "filters": {"severity_min": 4}}
    resp = client.post("/api/v1/reports/run", json={"query": typed})
    by_region: dict[str, int] = {}
    for r in rows:
        if r["severity"] >= 4:
            by_region[r["region"]] = by_region.get(r["region"], 0) + 1
    assert resp.json()["answer"] == by_region
    resp = client.post("/api/v1/reports/run", json={"query": {"metric": "count", "filters": {"sql": "drop table"}}})
    assert resp.status_code == 422  # a typed query has no room for SQL
    # a period given with a time zone is read as wall-clock time, like the log's own (it failed with a 500)
    zoned = client.post("/api/v1/reports/run", json={"query": {"filters": {"date_from": "2000-01-01T00:00:00Z"}}})
    assert zoned.status_code == 200 and zoned.json()["answer"] == len(rows), zoned.text

    resp = client.get("/api/v1/reports/export", params={"format": "xlsx", "question": "инциденты по регионам"})
    assert resp.status_code == 200 and resp.content[:2] == b"PK" and "attachment" in resp.headers["content-disposition"]
    resp = client.get("/api/v1/reports/export", params={"format": "svg", "question": "инциденты по регионам",
                                                         "station": "АЗС-001"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("image/svg")
    resp = client.get("/api/v1/incidents", params={"station": "АЗС-012", "limit": 5})
    assert len(resp.json()) == 5 and {r["station_id"] for r in resp.json()} == {"АЗС-012"}
    second = client.get("/api/v1/incidents", params={"station": "АЗС-012", "limit": 5, "offset": 5}).json()
    both = client.get("/api/v1/incidents", params={"station": "АЗС-012", "limit": 10}).json()
    assert [r["incident_id"] for r in resp.json() + second] == [r["incident_id"] for r in both]  # pages fit

    page = client.get("/reports", params={"question": "Какая АЗС лидирует по проливам?", "region": "Алматы"})
    assert page.status_code == 200 and 'id="report-text"' in page.text and "format=svg" in page.text
    assert "АЗС-012" not in page.text.split('id="report-text"')[1].split("</p>")[0]  # Шымкент filtered out


def test_report_errors_are_clear(client: TestClient) -> None:
    client.post("/api/v1/incidents/import", files=[("file", ("j.csv", cp1251_csv(make_log(20)), "text/csv"))])
    err = assert_error(client.post("/api/v1/reports/ask", json={"question": "Сколько стоит бензин?"}), 422,
                       "report_unclear")
    assert "Не понял" in err["message"]
    assert_error(client.get("/api/v1/reports/export", params={"format": "png", "question": "сколько инцидентов"}),
                 422, "invalid_input")  # one number has no chart
    assert_error(client.get("/api/v1/reports/export", params={"format": "csv", "date_from": "2026-02-01",
                                                               "date_to": "2026-01-01"}), 422, "invalid_input")
    assert client.get("/api/v1/reports/export", params={"format": "exe"}).status_code == 422
    bad = client.post("/api/v1/incidents/import", files=[("file", ("x.csv", b"foo;bar\n1;2\n", "text/csv"))])
    assert_error(bad, 422, "invalid_input")
    assert_error(client.post("/api/v1/incidents/sync"), 422, "invalid_input")  # no sources configured
    page = client.get("/reports", params={"question": "Кто лидирует?"})
    assert page.status_code == 422 and 'id="report-error"' in page.text


def test_cli_report_ask_json_and_schedule(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from azs_assistant.cli import app

    log = tmp_path / "log.csv"
    log.write_bytes(cp1251_csv(make_log(60)))
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data")]
    out = runner.invoke(app, base + ["incidents", "import", str(log), "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["inserted"] == 60
    out = runner.invoke(app, base + ["report", "ask", "Сколько инцидентов всего у станции АЗС-002?", "--json"])
    body = json.loads(out.output)
    assert set(body) == {"question", "query", "answer", "table", "text"}
    assert body["answer"] == sum(r["station_id"] == "АЗС-002" for r in make_log(60))
    out = runner.invoke(app, base + ["report", "ask", "Кто лидирует?", "--json"])
    assert out.exit_code == 2 and json.loads(out.output)["answer"] is None
    out = runner.invoke(app, base + ["report", "schedule", "инциденты по регионам", "--once", "--out-dir",
                                     str(tmp_path / "rep"), "--formats", "csv,png"])
    assert out.exit_code == 0, out.output
    assert sorted(p.suffix for p in (tmp_path / "rep").iterdir()) == [".csv", ".png"]
    # a Kazakh or English manager gets the text and the files in their language
    out = runner.invoke(app, base + ["report", "ask", "инциденты по регионам", "--lang", "kk", "-o",
                                     str(tmp_path / "kk.csv")])
    assert out.exit_code == 0 and "Өңірлер бойынша" in out.output, out.output
    assert (tmp_path / "kk.csv").read_text(encoding="utf-8-sig").splitlines()[0] == "өңір;саны"
    out = runner.invoke(app, base + ["report", "schedule", "инциденты по регионам", "--once", "--out-dir",
                                     str(tmp_path / "en"), "--formats", "csv", "--lang", "en"])
    assert out.exit_code == 0, out.output
    (written,) = (tmp_path / "en").iterdir()
    assert written.read_text(encoding="utf-8-sig").splitlines()[0].split(",")[0] == "region"
    # the table under the sentence names a category as the page does, not by its code
    out = runner.invoke(app, base + ["report", "ask", "инциденты по категориям", "--lang", "en"])
    assert out.exit_code == 0 and "equipment failures |" in out.output and "equipment_failure" not in out.output
    out = runner.invoke(app, base + ["report", "ask", "инциденты по регионам", "--lang", "de"])
    assert out.exit_code != 0 and "ru, kk или en" in out.output
