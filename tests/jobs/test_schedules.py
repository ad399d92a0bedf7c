"""Schedules admins register (scheduled reports, timed incident syncs) are stored; every runner picks them up
and queues each period's job once across replicas, and the owning service's handler does the work."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from azs_assistant import logs
from azs_assistant.cli import app
from azs_assistant.errors import NotFound
from azs_assistant.jobs import Jobs
from azs_assistant.jobs.schedule import Schedule, Scheduler, StoredSchedules
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Incident, Job, utcnow
from tests.incidents.incident_log import make_log
from tests.incidents.test_reports_api import cp1251_csv
from tests.incidents.test_sync import COLUMNS, fill
from tests.jobs.test_pool import wait_for
from tests.tickets.test_rules_and_notify import smtp  # noqa: F401 - the fixture: a local SMTP server


@pytest.fixture
def db(backend_url: str) -> Iterator[Database]:
    database = Database(backend_url)
    database.migrate()
    yield database
    database.dispose()


class _Stale(StoredSchedules):
    """A replica that read the schedules just before another one queued the period's job."""

    def __init__(self, db: Database, snapshot: list[Schedule]) -> None:
        super().__init__(db)
        self.snapshot = snapshot

    def list(self) -> list[Schedule]:
        return self.snapshot


def test_a_stored_schedule_is_queued_once_per_period_however_many_replicas_tick(db: Database) -> None:
    """GIVEN a stored schedule and two replicas' schedulers WHEN both tick in one period (one of them with what
    it read before the other queued) THEN one job exists for the period; a replica started after the job was
    purged queues nothing more in that period; the next period gets one job with the schedule's payload."""
    jobs, stored = Jobs(db), StoredSchedules(db)
    stored.put("admin", "weekly", "reports.scheduled", 100, {"questions": ["инциденты по регионам"]})
    stale = _Stale(db, stored.list())
    first = Scheduler(jobs, [], stored).tick(now=1000.0)
    second = Scheduler(jobs, [], stale).tick(now=1050.0)
    assert len(first) == 1 and second == first  # the second insert found the first one's job
    assert Scheduler(jobs, [], stored).tick(now=1060.0) == []  # a third reads the period as queued
    assert stored.list()[0].last_slot == 10

    claim = jobs.claim(first[0], "w")
    assert claim is not None and jobs.complete(claim, {})
    with db.session() as s:
        s.execute(update(Job).where(Job.id == first[0]).values(finished_at=utcnow() - timedelta(hours=2)))
    assert jobs.purge_periodic(3600) == 1
    assert Scheduler(jobs, [], stored).tick(now=1090.0) == []  # job gone, the period still counts as run

    later = Scheduler(jobs, [], stored).tick(now=1100.0)
    job = jobs.get(later[0])
    assert (job.kind, job.key, job.payload) == ("reports.scheduled", "reports.scheduled:weekly:11",
                                                {"questions": ["инциденты по регионам"], "schedule": "weekly",
                                                 "slot": 11})


def _finished_long_ago(db: Database, job_id: str) -> None:
    with db.session() as s:
        s.execute(update(Job).where(Job.id == job_id).values(status="done", finished_at=utcnow() - timedelta(hours=2)))


def test_a_schedules_last_job_outlives_the_purge_so_admins_see_how_it_went(db: Database) -> None:
    """GIVEN a stored schedule whose finished job is older than the hour finished periodic jobs are kept WHEN the
    scheduler purges THEN that job stays while it is the schedule's last, and goes once a later one exists."""
    jobs, stored = Jobs(db), StoredSchedules(db)
    stored.put("admin", "often", "incidents.sync", 100, {})
    scheduler = Scheduler(jobs, [], stored)
    (first,) = scheduler.tick(now=1000.0)
    _finished_long_ago(db, first)
    assert scheduler.tick(now=1070.0) == []  # same period; the purge is due (60 s since the last one)
    (state,) = stored.overview(now=1070.0)
    assert state.last_job is not None and (state.last_job.id, state.last_job.status) == (first, "done")
    assert state.next_run == datetime.fromtimestamp(1100, UTC)
    (second,) = scheduler.tick(now=1100.0)
    _finished_long_ago(db, second)
    scheduler.tick(now=1200.0)
    with pytest.raises(NotFound):
        jobs.get(first)
    assert jobs.get(second).status == "done"


def test_two_replicas_ticking_at_once_queue_one_job_per_period(db: Database) -> None:
    """GIVEN two schedulers in two threads WHEN they tick the same instants together THEN each period has one job."""
    jobs, stored = Jobs(db), StoredSchedules(db)
    stored.put("admin", "incidents.sync:all", "incidents.sync", 10, {"source": None, "full": False})
    replicas = [Scheduler(jobs, [], stored) for _ in range(2)]

    def tick(scheduler: Scheduler, start: threading.Barrier, now: float) -> None:
        start.wait()
        scheduler.tick(now=now)

    for n in range(5):
        start = threading.Barrier(2)
        threads = [threading.Thread(target=tick, args=(r, start, 2000.0 + 10 * n)) for r in replicas]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    total, items = jobs.list(kind="incidents.sync")
    assert total == 5 and sorted(j.payload["slot"] for j in items) == [200, 201, 202, 203, 204]


def test_a_schedule_is_refused_when_too_frequent_and_its_period_restarts_when_changed(db: Database) -> None:
    audit: list[tuple] = []  # type: ignore[type-arg]
    stored = StoredSchedules(db, lambda *args: audit.append(args))
    with pytest.raises(Exception, match="10"):
        stored.put("admin", "x", "incidents.sync", 1, {})
    with pytest.raises(Exception, match="366"):
        stored.put("admin", "x", "incidents.sync", 400 * 86400, {})
    stored.put("admin", "x", "incidents.sync", 60, {})
    stored.mark("x", 5)
    stored.put("admin", "x", "incidents.sync", 60, {"full": True})
    assert stored.list()[0].last_slot == 5  # same period: the one already run is not run again
    stored.put("admin", "x", "incidents.sync", 3600, {})
    assert stored.list()[0].last_slot is None  # another period length: counted afresh
    stored.remove("admin", "x")
    assert stored.list() == [] and [a[1] for a in audit] == ["schedule.put"] * 3 + ["schedule.remove"]


@pytest.fixture
def job_lines() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(logs.ContextFilter())
    root, azs = logging.getLogger(), logging.getLogger("azs")
    root.addHandler(handler)
    old_level = azs.level
    azs.setLevel(logging.INFO)
    yield records
    root.removeHandler(handler)
    azs.setLevel(old_level)


def _settings(data: Path) -> Settings:
    return Settings(data_dir=data, embeddings="none", job_sweep_s=0.2)


def test_a_report_schedule_registered_by_the_cli_is_written_and_sent_by_a_runner(
        tmp_path: Path, job_lines: list[logging.LogRecord], smtp: tuple, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """GIVEN `azs report schedule … --every 1h --email …` (stored, the command returns) WHEN a server's pool runs
    THEN it queues the report job and the reports service writes the files and mails them; the job's lines
    carry its id."""
    controller, received = smtp
    monkeypatch.setenv("AZS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AZS_SMTP_PORT", str(controller.port))
    data, out_dir, runner = tmp_path / "data", tmp_path / "reports", CliRunner()
    log = tmp_path / "log.csv"
    log.write_bytes(cp1251_csv(make_log(60)))
    base = ["--data-dir", str(data)]
    assert runner.invoke(app, base + ["incidents", "import", str(log)]).exit_code == 0
    bad = runner.invoke(app, base + ["report", "schedule", "Кто лидирует?", "--every", "1h"])
    assert bad.exit_code == 2, bad.output  # a question the parser cannot read is refused now, not every hour
    out = runner.invoke(app, base + ["report", "schedule", "инциденты по регионам", "--every", "1h", "--name",
                                     "weekly", "--out-dir", str(out_dir), "--formats", "csv,xlsx", "--email",
                                     "boss@dala.kz"])
    assert out.exit_code == 0 and "weekly" in out.output, out.output
    assert not out_dir.exists()  # registered, not run by the command
    listed = json.loads(runner.invoke(app, base + ["jobs", "schedules", "--json"]).output)
    assert [(s["name"], s["kind"], s["every_s"]) for s in listed] == [("weekly", "reports.scheduled", 3600.0)]
    # without --out-dir the files go where an API-made schedule's go, not into the shell's current folder
    daily = runner.invoke(app, base + ["report", "schedule", "инциденты по регионам", "--every", "1d", "--name",
                                       "daily", "--formats", "csv"])
    assert daily.exit_code == 0 and str((data / "reports" / "daily").resolve()) in daily.output, daily.output
    assert runner.invoke(app, base + ["jobs", "unschedule", "daily"]).exit_code == 0

    svc = Services(_settings(data))
    logging.getLogger("azs").setLevel(logging.INFO)  # the commands above configured logging their way
    try:
        svc.job_runner.start()
        wait_for(lambda: any(j.status == "done" for j in svc.jobs.list(kind="reports.scheduled")[1]))
        total, (job,) = svc.jobs.list(kind="reports.scheduled")
    finally:
        svc.close()
    assert total == 1 and job.payload["schedule"] == "weekly"
    assert sorted(p.suffix for p in out_dir.iterdir()) == [".csv", ".xlsx"]
    assert sorted(job.result["written"]) == sorted(str(p) for p in out_dir.iterdir())
    assert job.result["sent"] == 1 and job.result["failed"] == [] and received[0]["To"] == "boss@dala.kz"
    assert sorted(Path(p.get_filename()).suffix for p in received[0].walk() if p.get_filename()) == [".csv", ".xlsx"]
    mine = [r for r in job_lines if r.name == "azs.reports"]
    assert len(mine) == 3 and all(getattr(r, "job_id", "") == job.id for r in mine)

    shown = runner.invoke(app, base + ["jobs", "schedules"]).output
    assert "weekly" in shown and "каждые 1h; следующее: " in shown and "последнее: выполнено" in shown, shown
    (listed,) = json.loads(runner.invoke(app, base + ["jobs", "schedules", "--json"]).output)
    assert listed["last_run"]["job_id"] == job.id and listed["next_run_at"].endswith("+00:00")
    assert runner.invoke(app, base + ["jobs", "unschedule", "weekly"]).exit_code == 0
    assert json.loads(runner.invoke(app, base + ["jobs", "schedules", "--json"]).output) == []
    assert runner.invoke(app, base + ["jobs", "unschedule", "weekly"]).exit_code != 0


def test_a_timed_incident_sync_runs_once_per_period_on_two_replicas(tmp_path: Path,
                                                                   job_lines: list[logging.LogRecord]) -> None:
    """GIVEN `azs incidents sync --every 1h` WHEN two servers on one database tick THEN one sync job is queued
    for the hour and the incidents service copies the source's incidents."""
    company, data = tmp_path / "company.db", tmp_path / "data"
    fill(f"sqlite:///{company}", make_log(40))
    data.mkdir()
    cols = "".join(f"\n      {k}: {v}" for k, v in COLUMNS.items())
    (data / "incident_sources.yaml").write_text(
        f"sources:\n  - name: company\n    url: sqlite:///{company}\n    table: incidents_src\n"
        f"    watermark: UPDATED_AT\n    columns:{cols}\n", encoding="utf-8")
    runner = CliRunner()
    base = ["--data-dir", str(data)]
    assert runner.invoke(app, base + ["incidents", "sync", "--every", "1h", "--source", "nope"]).exit_code != 0
    out = runner.invoke(app, base + ["incidents", "sync", "--every", "1h", "--json"])
    assert out.exit_code == 0 and json.loads(out.output)["schedule"] == "incidents.sync:all", out.output

    first, second = Services(_settings(data)), Services(_settings(data))
    logging.getLogger("azs").setLevel(logging.INFO)  # the commands above configured logging their way
    try:
        now = time.time()
        for svc in (first, second):
            assert svc.job_runner.scheduler is not None
            svc.job_runner.scheduler.tick(now=now)
        total, (job,) = first.jobs.list(kind="incidents.sync")
        assert total == 1
        first.job_runner.start()
        second.job_runner.start()
        wait_for(lambda: first.jobs.get(job.id).status == "done")
        with first.db.session() as s:
            assert s.scalar(select(func.count()).select_from(Incident)) == 40
        assert first.jobs.get(job.id).result[0]["inserted"] == 40
        assert first.jobs.list(kind="incidents.sync")[0] == 1  # neither pool's own tick added a second
    finally:
        first.close()
        second.close()
    mine = [r for r in job_lines if r.name == "azs.incidents"]
    assert len(mine) == 2 and all(getattr(r, "job_id", "") == job.id for r in mine)


def test_admins_list_and_remove_schedules_through_the_api(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from azs_assistant.api.app import create_app
    from tests.conftest import authorize

    svc = Services(_settings(tmp_path))
    try:
        svc.schedules.put("admin", "incidents.sync:all", "incidents.sync", 3600, {"source": None, "full": False})
        with TestClient(create_app(svc, background=False)) as client:
            authorize(client, svc, roles=("manager",))
            assert client.get("/api/v1/jobs/schedules").status_code == 403
            authorize(client, svc)
            listed = client.get("/api/v1/jobs/schedules").json()
            assert [(s["name"], s["every_s"], s["last_slot"]) for s in listed] == [("incidents.sync:all", 3600.0, None)]
            assert client.delete("/api/v1/jobs/schedules/incidents.sync:all").status_code == 204
            assert client.get("/api/v1/jobs/schedules").json() == []
            gone = client.delete("/api/v1/jobs/schedules/incidents.sync:all")
            assert gone.status_code == 404 and "Расписания" in gone.json()["error"]["message"]
        audit = svc.access.audit_search(action="schedule.")
        assert sorted((a.action, a.actor) for a in audit) == [("schedule.put", "admin"),
                                                              ("schedule.remove", audit[0].actor)]
        assert audit[0].action == "schedule.remove" and audit[0].actor != "admin"  # the API key's holder
    finally:
        svc.close()


def test_admins_store_a_schedule_through_the_api_and_wrong_fields_are_refused_in_russian(tmp_path: Path) -> None:
    """GIVEN the API WHEN an admin posts a report schedule THEN it is stored through the same service method as
    `azs report schedule` (checked, audited with the address), writes under the data folder, and is listed with
    its next run; wrong fields answer 422 with a Russian message naming the field; other roles get 403."""
    from fastapi.testclient import TestClient

    from azs_assistant.api.app import create_app
    from tests.conftest import authorize

    svc = Services(Settings(data_dir=tmp_path, embeddings="none", job_sweep_s=0.2, smtp_host="127.0.0.1",
                            telegram_bot_token="123:test"))  # mail and the bot configured: recipients are allowed
    report = {"questions": ["инциденты по регионам"], "formats": "pdf,xlsx", "emails": ["boss@dala.kz"],
              "telegrams": ["-1001", "@azs_reports"]}
    try:
        with TestClient(create_app(svc, background=False)) as client:
            authorize(client, svc, roles=("manager",))
            assert client.post("/api/v1/jobs/schedules", json={"every": "7d", "report": report}).status_code == 403
            authorize(client, svc)
            wrong = {"emails": {"every": "7d", "report": {**report, "emails": ["boss"]}},
                     "formats": {"every": "7d", "report": {**report, "formats": "pdf,doc"}},
                     "telegrams": {"every": "7d", "report": {**report, "telegrams": ["директор"]}},
                     "questions": {"every": "7d", "report": {**report, "questions": []}},
                     "questions-21": {"every": "7d", "report": {**report, "questions": ["инциденты"] * 21}},
                     "questions-501": {"every": "7d", "report": {**report, "questions": ["и" * 501]}},
                     "every": {"every": "каждый день", "report": report},
                     "report": {"every": "7d", "report": report, "sync": {"source": None}},
                     "source": {"every": "1h", "sync": {"source": "oracle"}}}
            for field, body in wrong.items():
                answer = client.post("/api/v1/jobs/schedules", json=body)
                error = answer.json()["error"]
                assert (answer.status_code, error["code"], error["details"]["field"]) == (
                    422, "invalid_input", field.split("-")[0])
                assert re.search("[а-яё]", error["message"]), error
            assert "«boss» не похож на адрес e-mail" in client.post("/api/v1/jobs/schedules",
                                                                 json=wrong["emails"]).json()["error"]["message"]
            unclear = client.post("/api/v1/jobs/schedules",
                                  json={"every": "1d", "report": {"questions": ["Кто лидирует?"]}})
            assert unclear.status_code == 422 and unclear.json()["error"]["code"] == "report_unclear"
            shapeless = client.post("/api/v1/jobs/schedules", json={"every": "1d", "report": {"questions": "одна"}})
            assert shapeless.status_code == 422 and shapeless.json()["error"]["message"].startswith("Неверный запрос")
            assert svc.schedules.list() == []

            made = client.post("/api/v1/jobs/schedules", json={"every": "7d", "report": report})
            assert made.status_code == 201, made.text
            body = made.json()
            assert (body["name"], body["kind"], body["every_s"]) == (
                "report:инциденты_по_регионам", "reports.scheduled", 604800.0)
            assert body["payload"]["out_dir"] == str((tmp_path / "reports" / "report_инциденты_по_регионам").resolve())
            assert body["payload"]["telegrams"] == ["-1001", "@azs_reports"] and body["payload"]["lang"] == "ru"
            # the files are in the language asked for, else in the caller's
            kk = client.post("/api/v1/jobs/schedules", headers={"Accept-Language": "kk"},
                             json={"every": "7d", "name": "kk", "report": report}).json()
            en = client.post("/api/v1/jobs/schedules", json={"every": "7d", "name": "en",
                                                              "report": {**report, "lang": "en"}}).json()
            assert (kk["payload"]["lang"], en["payload"]["lang"]) == ("kk", "en")
            for name in ("kk", "en"):
                assert client.delete(f"/api/v1/jobs/schedules/{name}").status_code == 204
            assert body["next_run_at"] is None and body["last_run"] is None  # the next runner tick queues it
            unset = client.post("/api/v1/jobs/schedules", json=wrong["source"]).json()["error"]["message"]
            assert "Источники инцидентов не настроены" in unset
            cols = "".join(f"\n      {k}: {v}" for k, v in COLUMNS.items())
            (tmp_path / "incident_sources.yaml").write_text(
                f"sources:\n  - name: company\n    url: sqlite:///{tmp_path / 'company.db'}\n    table: incidents_src\n"
                f"    watermark: UPDATED_AT\n    columns:{cols}\n", encoding="utf-8")
            unknown = client.post("/api/v1/jobs/schedules", json=wrong["source"])
            assert unknown.status_code == 422 and "«oracle» не описан; есть: company" in unknown.text
            sync = client.post("/api/v1/jobs/schedules", json={"every": "15m", "sync": {"source": "company"}})
            assert sync.status_code == 201 and sync.json()["name"] == "incidents.sync:company"
            assert [s["name"] for s in client.get("/api/v1/jobs/schedules").json()] == [
                "incidents.sync:company", "report:инциденты_по_регионам"]
        put = svc.access.audit_search(action="schedule.put")
        assert sorted((a.target, a.ip) for a in put) == [("en", "testclient"), ("incidents.sync:company", "testclient"),
                                                         ("kk", "testclient"),
                                                         ("report:инциденты_по_регионам", "testclient")]
    finally:
        svc.close()


class _Flaky:
    """An SMTP server's handler that refuses every message (451, try later) until told to accept."""

    def __init__(self) -> None:
        self.refusing, self.received, self.refused = True, [], 0  # type: ignore[var-annotated]

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Try again later"
        import email

        self.received.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def test_a_scheduled_report_whose_mail_is_refused_is_retried_with_back_off_and_sends_the_same_files(
        tmp_path: Path) -> None:
    """GIVEN a report schedule mailing boss@dala.kz and an SMTP server that refuses WHEN the runner runs its job
    THEN the attempt fails with the reason and the job waits out its back-off (not done with a failure in its
    result); once the server accepts, the retry mails the files the first attempt wrote, and the job is done."""
    from aiosmtpd.controller import Controller

    from tests.incidents.incident_log import make_log
    from tests.incidents.test_reports_api import cp1251_csv

    handler = _Flaky()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    svc = Services(Settings(data_dir=tmp_path / "data", embeddings="none", job_sweep_s=0.2, job_backoff_s=1.0,
                            smtp_host="127.0.0.1", smtp_port=port, notify_retry_pause_s=0))
    try:
        log = tmp_path / "log.csv"
        log.write_bytes(cp1251_csv(make_log(60)))
        svc.incidents.import_file(log)
        svc.scheduled_reports.register("admin", "daily", 86400, ["инциденты по регионам"], "csv,xlsx",
                                       tmp_path / "out", emails=["boss@dala.kz"])
        svc.job_runner.start()
        wait_for(lambda: any(j.error for j in svc.jobs.list(kind="reports.scheduled")[1]))
        (job,) = svc.jobs.list(kind="reports.scheduled")[1]
        assert (job.status, job.attempts, job.result) == ("queued", 1, None)
        assert "boss@dala.kz" in (job.error or "") and "451" in (job.error or "") and handler.refused == 3
        first_files = sorted(job.progress["written"])
        assert sorted(str(p) for p in (tmp_path / "out").iterdir()) == first_files and handler.received == []
        handler.refusing = False
        wait_for(lambda: svc.jobs.get(job.id).status == "done")
        done = svc.jobs.get(job.id)
        assert (done.attempts, done.result["sent"], done.result["failed"]) == (2, 1, [])
        assert sorted(done.result["written"]) == first_files  # not written again
        assert sorted(str(p) for p in (tmp_path / "out").iterdir()) == first_files
        (mail,) = handler.received
        assert mail["To"] == "boss@dala.kz"
        assert sorted(part.get_filename() for part in mail.walk() if part.get_filename()) == \
            sorted(Path(p).name for p in first_files)
        (state,) = svc.schedules.overview()
        assert state.last_job is not None and state.last_job.id == job.id and state.next_run is not None
    finally:
        svc.close()
        controller.stop()


def test_an_unknown_report_format_is_refused_in_every_language() -> None:
    """GIVEN «pdf,doc» WHEN a schedule's formats are read THEN the refusal names doc and the supported formats
    in Russian, Kazakh and English (the Kazakh was missing, the English was «Bad formats ['doc']»)."""
    from azs_assistant.errors import InvalidInput
    from azs_assistant.reports.render import EXPORT_FORMATS
    from azs_assistant.reports.schedule import parse_formats

    with pytest.raises(InvalidInput) as refused:
        parse_formats("pdf,doc")
    supported = ", ".join(EXPORT_FORMATS)
    assert refused.value.details["field"] == "formats"
    assert refused.value.message("kk") == f"doc форматтарына қолдау көрсетілмейді; қолжетімдісі: {supported}."
    assert refused.value.message("en") == f"The formats doc are not supported; the supported ones are: {supported}."


def test_a_schedule_s_recipients_are_refused_where_the_server_cannot_reach_them(tmp_path: Path) -> None:
    """GIVEN a server with no SMTP server and no Telegram bot WHEN an admin stores a schedule that mails its files
    (or posts them to a chat) THEN it is refused at once, next to that field and in the caller's language: stored,
    it would write its files every period and deliver them to nobody. Without recipients it is stored."""
    from fastapi.testclient import TestClient

    from azs_assistant.api.app import create_app
    from tests.conftest import authorize

    svc = Services(Settings(data_dir=tmp_path, embeddings="none", smtp_host=None, telegram_bot_token=None))
    report = {"questions": ["инциденты по регионам"], "formats": "pdf"}
    try:
        with TestClient(create_app(svc, background=False)) as client:
            authorize(client, svc, roles=("admin",))
            mailed = client.post("/api/v1/jobs/schedules", json={"name": "weekly", "every": "7d",
                                                                 "report": {**report, "emails": ["boss@dala.kz"]}})
            assert mailed.status_code == 422, mailed.text
            error = mailed.json()["error"]
            assert error["details"]["field"] == "emails" and "AZS_SMTP_HOST" in error["message"]
            chat = client.post("/api/v1/jobs/schedules", headers={"Accept-Language": "kk"},
                               json={"name": "weekly", "every": "7d", "report": {**report, "telegrams": ["-1001"]}})
            assert chat.status_code == 422 and chat.json()["error"]["details"]["field"] == "telegrams"
            assert "Telegram арқылы жіберу бапталмаған" in chat.json()["error"]["message"]
            assert svc.schedules.list() == []
            plain = client.post("/api/v1/jobs/schedules", json={"name": "weekly", "every": "7d", "report": report})
            assert plain.status_code in (200, 201), plain.text
            assert [s.name for s in svc.schedules.list()] == ["weekly"]
    finally:
        svc.close()
