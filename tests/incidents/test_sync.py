"""Copying incidents from a company database: SQLite and the real PostgreSQL as sources, watermarks,
re-runs, interruption, bad rows, secrets, and the Oracle SQL the same code would send."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, func, select, update

from azs_assistant.errors import ConfigError
from azs_assistant.incidents import sync as sync_module
from azs_assistant.incidents.sources import SourceConfig, SourceError, load_sources
from azs_assistant.incidents.sync import sync
from azs_assistant.storage.models import Incident
from tests.conftest import _pg_schema_url
from tests.incidents.incident_log import make_log

COLUMNS = {"incident_id": "INC_ID", "station_id": "AZS_CODE", "region": "REGION_NAME", "occurred_at": "OCCURRED",
           "category": "INC_TYPE", "equipment": "EQUIPMENT", "description": "DESCR", "actions_taken": "ACTIONS",
           "resolved_at": "RESOLVED", "severity": "SEV"}


def company_table(metadata: MetaData) -> Table:
    return Table("incidents_src", metadata,
                 Column("INC_ID", String(20), primary_key=True), Column("AZS_CODE", String(20)),
                 Column("REGION_NAME", String(50)), Column("OCCURRED", DateTime), Column("INC_TYPE", String(50)),
                 Column("EQUIPMENT", String(100)), Column("DESCR", Text), Column("ACTIONS", Text),
                 Column("RESOLVED", DateTime), Column("SEV", Integer), Column("UPDATED_AT", DateTime))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def company_url(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'company.db'}"
    else:
        yield from _pg_schema_url()


def fill(url: str, rows: list[dict]) -> Table:  # type: ignore[type-arg]
    engine = create_engine(url)
    metadata = MetaData()
    table = company_table(metadata)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [{COLUMNS[k]: v for k, v in r.items()} | {"UPDATED_AT": r["occurred_at"]}
                                      for r in rows])
    engine.dispose()
    return table


def source_for(url: str, **extra) -> SourceConfig:  # type: ignore[no-untyped-def]
    return SourceConfig(name="company", url=url, table="incidents_src", columns=COLUMNS, watermark="UPDATED_AT",
                        batch_size=50, **extra)


def count(svc) -> int:  # type: ignore[no-untyped-def]
    with svc.db.session() as s:
        return s.scalar(select(func.count()).select_from(Incident))


def test_sync_copies_then_only_changes(sqlite_services, company_url) -> None:
    rows = make_log(180)
    table = fill(company_url, rows)
    first = sync(sqlite_services.db, source_for(company_url))
    assert (first.read, first.stored.inserted, first.stored.bad) == (180, 180, [])
    assert count(sqlite_services) == 180

    again = sync(sqlite_services.db, source_for(company_url))
    assert again.read == 0 and count(sqlite_services) == 180  # nothing new: nothing read

    engine = create_engine(company_url)
    with engine.begin() as conn:  # the company closes one incident and logs a new one
        conn.execute(update(table).where(table.c.INC_ID == "T-00003")
                     .values(RESOLVED=datetime(2027, 1, 2), UPDATED_AT=datetime(2027, 1, 2)))
        conn.execute(table.insert().values(INC_ID="T-99999", AZS_CODE="АЗС-012", REGION_NAME="Шымкент",
                                           OCCURRED=datetime(2027, 1, 1, 23, 30), INC_TYPE="fuel_spill",
                                           SEV=3, UPDATED_AT=datetime(2027, 1, 3)))
    engine.dispose()
    third = sync(sqlite_services.db, source_for(company_url))
    assert (third.read, third.stored.inserted, third.stored.updated) == (2, 1, 1)
    with sqlite_services.db.session() as s:
        changed = s.get(Incident, "T-00003")
        assert changed.resolved_at == datetime(2027, 1, 2) and changed.is_open == 0
        new = s.get(Incident, "T-99999")
        assert (new.hour, new.weekday, new.quarter, new.origin) == (23, 4, 1, "company")


def test_interrupted_sync_resumes_without_duplicates(sqlite_services, tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'company.db'}"
    fill(url, make_log(200))
    real_store = sync_module.store
    calls = {"n": 0}

    def failing_store(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the operator pressed Ctrl+C in the middle of the third batch
        return real_store(*args, **kwargs)

    monkeypatch.setattr(sync_module, "store", failing_store)
    with pytest.raises(KeyboardInterrupt):
        sync(sqlite_services.db, source_for(url))
    assert count(sqlite_services) == 100  # two whole batches of 50 committed, the third rolled back
    monkeypatch.setattr(sync_module, "store", real_store)
    resumed = sync(sqlite_services.db, source_for(url))
    assert resumed.read == 100 and resumed.stored.inserted == 100
    assert count(sqlite_services) == 200


def test_bad_rows_are_reported_and_skipped(sqlite_services, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'company.db'}"
    rows = make_log(30)
    rows[4]["station_id"] = None
    rows[9]["resolved_at"] = rows[9]["occurred_at"] - timedelta(hours=2)
    fill(url, rows)
    report = sync(sqlite_services.db, source_for(url))
    assert report.stored.inserted == 28
    reasons = dict(report.stored.bad)
    assert "station_id" in reasons["T-00004"]
    assert "раньше" in reasons["T-00009"]
    assert json.loads(json.dumps(report.to_dict()))["bad_rows"][0]["row"] in ("T-00004", "T-00009")


def test_unreachable_source_is_a_clear_error(sqlite_services, tmp_path) -> None:
    source = SourceConfig(name="gone", url=f"sqlite:///{tmp_path / 'missing' / 'x.db'}", table="incidents_src")
    with pytest.raises(SourceError) as err:
        sync(sqlite_services.db, source)
    assert "gone" in err.value.message_ru and count(sqlite_services) == 0


def test_query_source_and_oracle_sql() -> None:
    from sqlalchemy.dialects import oracle

    source = SourceConfig(name="ora", url="oracle+oracledb://azs@db.example.kz:1521/?service_name=AZSPDB",
                          password="env:AZS_ORACLE_PASSWORD", table="INCIDENTS", schema="AZS",
                          columns=COLUMNS, watermark="UPDATED_AT")
    sql = str(source.select((datetime(2026, 1, 1), "T-1")).compile(dialect=oracle.dialect()))
    assert 'FROM "AZS"."INCIDENTS"' in sql  # upper-case names quoted: they match Oracle's dictionary as is
    assert '"UPDATED_AT" > :UPDATED_AT_1' in sql and 'ORDER BY "AZS"."INCIDENTS"."UPDATED_AT"' in sql
    assert "T-1" not in sql  # values travel as bind parameters, never inside the SQL text
    query_source = SourceConfig(name="q", url="sqlite://", query="SELECT * FROM v_incidents WHERE region = 'Алматы'",
                                watermark="changed_at")
    sql = str(query_source.select((5, "A")).compile(dialect=oracle.dialect()))
    assert "(SELECT * FROM v_incidents" in sql and "changed_at" in sql


def test_passwords_only_as_secret_references(tmp_path, monkeypatch) -> None:
    with pytest.raises(ValueError, match="secret reference"):
        SourceConfig(name="x", url="sqlite://", table="t", password="hunter2")
    with pytest.raises(ValueError, match="holds a password"):
        SourceConfig(name="x", url="postgresql+psycopg://u:hunter2@db/x", table="t")
    monkeypatch.setenv("AZS_SRC_PASSWORD", "s3cret")
    source = SourceConfig(name="x", url="postgresql+psycopg://reader@db/x", table="t", password="env:AZS_SRC_PASSWORD")
    assert source.connection_url().password == "s3cret"
    assert "s3cret" not in repr(source.connection_url())
    bad = tmp_path / "incident_sources.yaml"
    bad.write_text("sources:\n  - name: a\n    url: sqlite://\n    table: t\n    password: plain\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="password"):
        load_sources(bad)


def test_aws_secrets_manager_reference(monkeypatch) -> None:
    import boto3
    from moto import mock_aws

    from azs_assistant.secrets import resolve_secret

    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        boto3.client("secretsmanager").create_secret(
            Name="prod/azs/oracle", SecretString=json.dumps({"username": "azs_reader", "password": "0racle!"}))
        assert resolve_secret("aws:prod/azs/oracle#password") == "0racle!"
        source = SourceConfig(name="ora", url="oracle+oracledb://db.example.kz:1521/?service_name=AZSPDB",
                              username="aws:prod/azs/oracle#username", password="aws:prod/azs/oracle#password",
                              table="INCIDENTS")
        url = source.connection_url()
        assert (url.username, url.password) == ("azs_reader", "0racle!")
        with pytest.raises(ConfigError, match="нет поля"):
            resolve_secret("aws:prod/azs/oracle#token")
        with pytest.raises(ConfigError, match="AWS"):
            resolve_secret("aws:no/such/secret")


def test_cli_sync_from_configured_source(tmp_path) -> None:
    from typer.testing import CliRunner

    from azs_assistant.cli import app

    company = tmp_path / "company.db"
    fill(f"sqlite:///{company}", make_log(40))
    data = tmp_path / "data"
    data.mkdir()
    cols = "".join(f"\n      {k}: {v}" for k, v in COLUMNS.items())
    (data / "incident_sources.yaml").write_text(
        f"sources:\n  - name: company\n    url: sqlite:///{company}\n    table: incidents_src\n"
        f"    watermark: UPDATED_AT\n    columns:{cols}\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(app, ["--data-dir", str(data), "incidents", "sync", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output.strip().splitlines()[-1])["inserted"] == 40
    out = runner.invoke(app, ["--data-dir", str(data), "incidents", "sync"])
    assert "прочитано 0" in out.output
    out = runner.invoke(app, ["--data-dir", str(data), "incidents", "sync", "--source", "nope"])
    assert out.exit_code != 0 and "nope" in out.output




def test_api_sync_runs_as_a_job_and_wait_keeps_the_synchronous_answer(tmp_path) -> None:
    """GIVEN a configured source WHEN an admin asks the API to sync THEN it answers 202 with a job that the
    in-process pool runs (its result: the per-source reports); ``?wait=true`` answers with them directly."""
    import time

    from fastapi.testclient import TestClient

    from azs_assistant.api.app import create_app
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings
    from tests.conftest import authorize

    company = tmp_path / "company.db"
    fill(f"sqlite:///{company}", make_log(30))
    data = tmp_path / "data"
    data.mkdir()
    cols = "".join(f"\n      {k}: {v}" for k, v in COLUMNS.items())
    (data / "incident_sources.yaml").write_text(
        f"sources:\n  - name: company\n    url: sqlite:///{company}\n    table: incidents_src\n"
        f"    watermark: UPDATED_AT\n    columns:{cols}\n", encoding="utf-8")
    svc = Services(Settings(data_dir=data, embeddings="none"))
    try:
        svc.job_runner.start()
        with TestClient(create_app(svc, background=False)) as client:
            authorize(client, svc)
            assert client.post("/api/v1/incidents/sync", params={"source": "nope"}).status_code == 404
            accepted = client.post("/api/v1/incidents/sync")
            assert accepted.status_code == 202, accepted.text
            location = accepted.headers["location"]
            deadline = time.monotonic() + 60
            while (job := client.get(location).json())["status"] != "done":
                assert job["status"] in ("queued", "running") and time.monotonic() < deadline, job
                time.sleep(0.2)
            assert job["kind"] == "incidents.sync" and job["result"][0]["inserted"] == 30
            waited = client.post("/api/v1/incidents/sync", params={"wait": "true"})
            assert waited.status_code == 200 and waited.json()[0]["read"] == 0
    finally:
        svc.close()
