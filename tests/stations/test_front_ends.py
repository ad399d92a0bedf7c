"""The registry's admin surfaces: ``azs stations``, the /api/v1/stations routes and /admin/stations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from azs_assistant import cli
from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.stations.test_registry import CSV

runner = CliRunner()


def test_cli_imports_lists_and_adds_stations(tmp_path: Path) -> None:
    data, csv_file = tmp_path / "data", tmp_path / "stations.csv"
    csv_file.write_text(CSV, encoding="utf-8")

    def azs(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli.app, ["--data-dir", str(data), "stations", *args])

    assert "добавлено 3" in azs("import", str(csv_file)).output
    assert "без изменений 3" in azs("import", str(csv_file)).output
    added = azs("add", "99", "--name", "Степная", "--region", "Актобе", "--address", "Актобе, ул. Мира, 1")
    assert added.exit_code == 0 and "АЗС-099: Степная, Актобе" in added.output
    assert azs("add", "АЗС-099", "--name", "x", "--region", "y").exit_code == 5  # exists: Conflict
    # taken out of use by naming only that: the name, region and address stay (the address was erased)
    assert azs("add", "99", "--inactive", "--update").exit_code == 0
    rows = [json.loads(line) for line in azs("list", "--json").output.splitlines()]
    assert [r["id"] for r in rows] == ["АЗС-007", "АЗС-012", "АЗС-020", "АЗС-099"] and not rows[-1]["active"]
    assert rows[-1]["address"] == "Актобе, ул. Мира, 1" and rows[-1]["name"] == "Степная"
    renamed = azs("add", "99", "--name", "Степная-2", "--update")
    assert renamed.exit_code == 0 and "(неактивна)" in renamed.output  # still out of use: --active brings it back
    assert "(неактивна)" not in azs("add", "99", "--active", "--update").output
    missing = azs("add", "98", "--name", "Новая")
    assert missing.exit_code == 2 and "--region" in missing.output
    assert "НЕАКТИВНА" in azs("list").output
    (tmp_path / "bad.csv").write_text("id,name,region\nабв,x,y\n", encoding="utf-8")
    bad = azs("import", str(tmp_path / "bad.csv"))
    assert bad.exit_code == 2 and "строка 2" in bad.output
    refused = runner.invoke(cli.app, ["--data-dir", str(data), "users", "add", "bob", "--role", "manager",
                                      "--station", "98", "--password-from", "env:AZS_TEST_PW"],
                            env={"AZS_TEST_PW": "очень-длинный-пароль"})
    assert refused.exit_code == 2 and "АЗС-098 нет в справочнике" in refused.output


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    svc = Services(make_settings(tmp_path, embeddings="none"))
    svc.stations.import_csv("test", text=CSV)
    keys = {name: svc.access.create_key(name, roles, stations=stations, regions=regions, actor="test")[0]
            for name, roles, stations, regions in (("admin", ["admin"], [], []),
                                                   ("op12", ["operator"], ["12"], []),
                                                   ("south", ["manager"], [], ["Шымкент"]),
                                                   ("support", ["support"], [], []))}
    svc.access.add_user("root", "очень-длинный-пароль", ["admin"])
    with TestClient(create_app(svc, background=False)) as client:
        yield client, keys
    svc.close()


def test_api_lists_the_callers_stations_and_lets_admins_add_and_import(web) -> None:  # type: ignore[no-untyped-def]
    client, keys = web

    def as_(name: str) -> dict[str, str]:
        return {"X-API-Key": keys[name]}

    ids = lambda name: [s["id"] for s in client.get("/api/v1/stations", headers=as_(name)).json()]  # noqa: E731
    assert ids("op12") == ["АЗС-012"] and ids("south") == ["АЗС-007"] and ids("support") == []
    assert ids("admin") == ["АЗС-007", "АЗС-012", "АЗС-020"]  # admins see inactive ones too
    body = {"id": "13", "name": "Ночная", "region": "Алматы", "address": "Алматы, ул. Сатпаева, 3"}
    assert client.post("/api/v1/stations", json=body, headers=as_("op12")).status_code == 403
    made = client.post("/api/v1/stations", json=body, headers=as_("admin"))
    assert made.status_code == 201 and made.json() == {**body, "id": "АЗС-013", "active": True}
    assert client.post("/api/v1/stations", json=body, headers=as_("admin")).status_code == 409
    assert client.post("/api/v1/stations", json={**body, "id": "абв"}, headers=as_("admin")).status_code == 422
    upload = {"file": ("s.csv", "id;name;region\n14;Степная;Актобе\n".encode("cp1251"), "text/csv")}
    assert client.post("/api/v1/stations/import", files=upload, headers=as_("admin")).json() == \
        {"added": 1, "updated": 0, "unchanged": 0}
    bad = client.post("/api/v1/stations/import", files={"file": ("s.csv", b"id,name,region\n15,,x\n", "text/csv")},
                      headers=as_("admin"))
    assert bad.status_code == 422 and "строка 2" in bad.json()["error"]["message"]
    assert client.post("/api/v1/stations/import", files=upload, headers=as_("south")).status_code == 403


def test_admin_page_lists_adds_and_imports_stations(web) -> None:  # type: ignore[no-untyped-def]
    client, _ = web
    client.post("/login", data={"username": "root", "password": "очень-длинный-пароль"})
    page = client.get("/admin/stations")
    assert page.status_code == 200 and "АЗС «Азаттык»" in page.text and 'href="/admin/stations"' in page.text
    assert "<script>" not in page.text  # strict CSP: no inline scripts
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    added = client.post("/admin/stations", data={"csrf_token": csrf, "station": "13", "name": "Ночная",
                                                  "region": "Алматы"}, follow_redirects=False)
    assert added.status_code == 303 and "АЗС-013" in client.get("/admin/stations").text
    again = client.post("/admin/stations", data={"csrf_token": csrf, "station": "13", "name": "Ночная",
                                                  "region": "Алматы"})
    assert again.status_code == 409 and "уже есть" in again.text
    imported = client.post("/admin/stations/import", data={"csrf_token": csrf},
                           files={"file": ("s.csv", "id,name,region\n14,Степная,Актобе\n".encode(), "text/csv")})
    assert imported.status_code == 200 and "добавлено 1" in imported.text and "Степная" in imported.text
    bad = client.post("/admin/stations/import", data={"csrf_token": csrf},
                      files={"file": ("s.csv", b"id,name,region\n15,x,\n", "text/csv")})
    assert bad.status_code == 422 and "строка 2" in bad.text
    assert client.post("/admin/stations", data={"station": "16", "name": "x", "region": "y"}).status_code == 403
    # «Изменить» changes a station and takes it out of use (the page said an inactive one is kept, but could only add)
    edited = client.post("/admin/stations/АЗС-013/edit", data={"csrf_token": csrf, "name": "Ночная-2",
                                                               "region": "Алматы", "address": "ул. Абая 1",
                                                               "inactive": "1"})
    assert edited.status_code == 200 and [r.status_code for r in edited.history] == [303]
    assert 'id="stations-saved">Станция АЗС-013 сохранена.' in edited.text
    row = edited.text.split('data-station="АЗС-013"')[1].split("</tr>")[0]
    assert "Ночная-2" in row and "неактивна" in row
    svc = client.app.state.services
    assert not svc.stations.get("АЗС-013").active and "АЗС-013" not in svc.stations.known()
    refused = client.post("/admin/stations/АЗС-013/edit", data={"csrf_token": csrf, "name": "Ночная-3", "region": "*"})
    assert refused.status_code == 422 and 'id="stations-error"' in refused.text
    row = refused.text.split('data-station="АЗС-013"')[1].split("</tr>")[0]
    assert '<details class="edit" open>' in row and 'value="Ночная-3"' in row  # as typed
    assert client.post("/admin/stations/АЗС-099/edit", data={"csrf_token": csrf, "name": "x",
                                                              "region": "Алматы"}).status_code == 404
