"""The company's routing file (a new department without code; clear errors) and delivery of
notifications through a real SMTP server on loopback, a Telegram Bot API double and a webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select

from azs_assistant import metrics
from azs_assistant.errors import ConfigError
from azs_assistant.services import Services
from azs_assistant.storage.models import TicketNotification, utcnow
from azs_assistant.tickets.rules import load_rules
from tests.conftest import make_settings
from tests.tickets.doubles import Recorder

SHIPPED = Path(__file__).resolve().parents[2] / "src/azs_assistant/tickets/data/routing.yaml"


def _company_rules(tmp_path: Path, contacts: str = "[]") -> Path:
    """The shipped file plus a metrology department for underfill complaints that ask for a check."""
    text = SHIPPED.read_text("utf-8")
    text = text.replace("departments:\n", f"departments:\n  metrology: {{name: Метрология, contacts: {contacts}}}\n")
    text = text.replace("rules:\n", "rules:\n  - {name: поверка, when: {category: underfill, keywords: [мерник, "
                                    "поверк, метролог]}, route_to: metrology}\n")
    path = tmp_path / "routing.yaml"
    path.write_text(text, "utf-8")
    return path


def test_company_adds_a_department_without_code(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _company_rules(tmp_path)
    svc = Services(make_settings(tmp_path, ticket_rules=path))
    try:
        checked = svc.tickets.classify("Недолив опять, проверьте колонку мерником!")
        plain = svc.tickets.classify("Недолили литра три, колонка 4")
        assert (checked.category, checked.route_to, checked.rule) == ("underfill", "metrology", "поверка")
        assert plain.route_to == "station_manager"
    finally:
        svc.close()


@pytest.mark.parametrize(("change", "expected"), [
    (("route_to: maintenance}", "route_to: maintenace}"), "отдел «maintenace» не описан"),
    (("{category: fuel_quality}", "{category: fuel}"), "неизвестная категория fuel"),
    (("{category: payment}", "{categroy: payment}"), "неизвестный ключ"),
    (("  - {name: остальное, when: {}, route_to: customer_service}\n", ""), "последнее правило"),
    (("sla_hours: {critical: 2,", "sla_hours: {"), "sla_hours: нет срока для critical"),
    (("departments:", "departments: [oops"), "не читается как YAML"),
])
def test_rule_errors_are_clear(tmp_path, change, expected) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "routing.yaml"
    text = SHIPPED.read_text("utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1]), "utf-8")
    with pytest.raises(ConfigError) as err:
        load_rules(path)
    assert expected in err.value.message_ru
    assert str(path) in err.value.message_ru


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, list]]:  # type: ignore[type-arg]
    received: list = []  # type: ignore[type-arg]

    class Keep(Message):
        def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, received
    controller.stop()


@pytest.mark.slow  # over 5 s (--durations)
def test_notifications_by_email_telegram_and_webhook(tmp_path, smtp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    controller, received = smtp
    monkeypatch.setenv("AZS_TEST_TG_TOKEN", "123:ABC")
    telegram, hook = Recorder(), Recorder()
    contacts = (f"[{{name: Метролог, email: metrology@dala.kz, telegram: '100500', webhook: '{hook.url}/hook'}}]")
    svc = Services(make_settings(tmp_path, ticket_rules=_company_rules(tmp_path, contacts),
                                 smtp_host="127.0.0.1", smtp_port=controller.port,
                                 telegram_bot_token="env:AZS_TEST_TG_TOKEN", telegram_api_base=telegram.url,
                                 webhook_secret="s3cret"))
    try:
        ticket, _ = svc.tickets.create("Третий раз недолив, требую поверку колонки мерником! <script>x</script>")
        assert ticket.department == "metrology"
        counts = svc.notifier.run_once()
        assert counts["sent"] == 3 and counts["failed"] == 0

        assert len(received) == 1
        mail = received[0]
        from email.header import decode_header, make_header

        assert mail["To"] == "metrology@dala.kz"
        assert ticket.number in str(make_header(decode_header(mail["Subject"])))
        assert "<script>x</script>" in mail.get_payload(decode=True).decode()  # plain text, as written

        assert telegram.requests[0]["path"] == "/bot123:ABC/sendMessage"
        sent = json.loads(telegram.requests[0]["body"])
        assert sent["chat_id"] == "100500" and ticket.number in sent["text"] and "parse_mode" not in sent

        body = hook.requests[0]["body"]
        signature = hook.requests[0]["headers"]["x-azs-signature"]
        assert signature == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert json.loads(body)["ticket"]["number"] == ticket.number
        assert [e.kind for e in svc.tickets.history(ticket.number)].count("notified") == 3
        assert svc.notifier.run_once()["sent"] == 0  # nothing is sent twice
    finally:
        svc.close()
        telegram.close()
        hook.close()


@pytest.mark.slow  # over 5 s (--durations)
def test_failed_delivery_is_retried_and_never_loses_the_ticket(tmp_path) -> None:  # type: ignore[no-untyped-def]
    hook = Recorder()
    hook.fail = True
    with socket.socket() as probe:  # a port nobody listens on: the mail server is down
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    contacts = f"[{{email: m@dala.kz}}, {{webhook: '{hook.url}/hook'}}]"
    svc = Services(make_settings(tmp_path, ticket_rules=_company_rules(tmp_path, contacts), smtp_host="127.0.0.1",
                                 smtp_port=dead_port, notify_max_attempts=3))
    counted = [("email", "retry"), ("email", "failed"), ("webhook", "retry"), ("webhook", "sent")]

    def notifications() -> list[float]:  # azs_notifications_total, as the worker's /metrics shows it
        return [metrics.REGISTRY.get_sample_value("azs_notifications_total", {"channel": c, "outcome": o}) or 0.0
                for c, o in counted]

    before = notifications()
    try:
        ticket, _ = svc.tickets.create("Недолив, нужна поверка мерником")
        now = utcnow()
        assert svc.notifier.deliver_due(now) == {"sent": 0, "retry": 2, "failed": 0}
        assert svc.notifier.deliver_due(now) == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
        hook.fail = False
        assert svc.notifier.deliver_due(now + timedelta(seconds=31)) == {"sent": 1, "retry": 1, "failed": 0}
        assert svc.notifier.deliver_due(now + timedelta(minutes=5)) == {"sent": 0, "retry": 0, "failed": 1}
        with svc.db.session() as s:
            mail = s.scalar(select(TicketNotification).where(TicketNotification.channel == "email"))
            assert (mail.status, mail.attempts) == ("failed", 3) and "SMTP" in mail.last_error
        assert svc.tickets.get(ticket.number).status == "new"
        assert "notify_failed" in [e.kind for e in svc.tickets.history(ticket.number)]
        assert [a - b for a, b in zip(notifications(), before, strict=True)] == [2, 1, 1, 1]
    finally:
        svc.close()
        hook.close()


@pytest.mark.slow  # over 5 s (--durations)
def test_critical_repeats_until_acknowledged(tmp_path) -> None:  # type: ignore[no-untyped-def]
    telegram = Recorder()
    original = 'hse: {name: "Охрана труда и промышленная безопасность", contacts: [],'  # names follow
    text = SHIPPED.read_text("utf-8")
    assert original in text
    text = text.replace(original, "hse: {name: ОТиПБ, contacts: [{telegram: '-42'}],")
    path = tmp_path / "routing.yaml"
    path.write_text(text, "utf-8")
    svc = Services(make_settings(tmp_path, ticket_rules=path, telegram_bot_token="t",
                                 telegram_api_base=telegram.url))
    try:
        ticket, _ = svc.tickets.create("Горит машина у колонки 3!!! звоните 101")
        now = utcnow()
        assert svc.notifier.run_once(now)["sent"] == 1  # at once
        assert svc.notifier.run_once(now + timedelta(minutes=5))["repeats_queued"] == 0
        later = svc.notifier.run_once(now + timedelta(minutes=16))
        assert later["repeats_queued"] == 1 and later["sent"] == 1
        assert "ПОВТОРНО" in json.loads(telegram.requests[-1]["body"])["text"]
        svc.tickets.acknowledge(ticket.number, actor="дежурный")
        assert svc.notifier.run_once(now + timedelta(minutes=40))["repeats_queued"] == 0
        assert svc.tickets.get(ticket.number).status == "in_progress"
    finally:
        svc.close()
        telegram.close()


def test_scheduled_report_is_delivered_by_email_and_telegram(tmp_path, smtp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from azs_assistant.cli import app
    from tests.incidents.incident_log import make_log
    from tests.incidents.test_reports_api import cp1251_csv

    controller, received = smtp
    telegram = Recorder()
    monkeypatch.setenv("AZS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AZS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("AZS_TELEGRAM_BOT_TOKEN", "42:XYZ")
    monkeypatch.setenv("AZS_TELEGRAM_API_BASE", telegram.url)
    monkeypatch.setenv("AZS_NOTIFY_RETRY_PAUSE_S", "0.1")
    log = tmp_path / "log.csv"
    log.write_bytes(cp1251_csv(make_log(60)))
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "data")]
    try:
        assert runner.invoke(app, base + ["incidents", "import", str(log)]).exit_code == 0
        out = runner.invoke(app, base + ["report", "schedule", "инциденты по регионам", "--once", "--out-dir",
                                         str(tmp_path / "rep"), "--formats", "pdf,xlsx", "--email", "boss@dala.kz",
                                         "--telegram", "-1001"])
        assert out.exit_code == 0, out.output
        mail = received[0]
        names = sorted(part.get_filename() for part in mail.walk() if part.get_filename())
        assert mail["To"] == "boss@dala.kz" and [Path(n).suffix for n in names] == [".pdf", ".xlsx"]
        paths = [r["path"] for r in telegram.requests]
        assert paths == ["/bot42:XYZ/sendMessage", "/bot42:XYZ/sendDocument", "/bot42:XYZ/sendDocument"]
        assert b"%PDF" in telegram.requests[1]["body"]

        telegram.fail = True  # Telegram is down: files stay, the command says so and exits 75
        out = runner.invoke(app, base + ["report", "schedule", "инциденты по регионам", "--once", "--out-dir",
                                         str(tmp_path / "rep2"), "--formats", "csv", "--telegram", "-1001"],
                            )
        assert out.exit_code == 75 and "Не доставлено" in out.output
        assert len(list((tmp_path / "rep2").iterdir())) == 1
    finally:
        telegram.close()
