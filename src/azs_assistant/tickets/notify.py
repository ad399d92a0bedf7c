"""Delivery of ticket notifications through the registered channels (``notify``: e-mail, Telegram,
webhooks).

The notifier drains the ``ticket_notifications`` outbox. A failed send is retried with growing
pauses (30 s, 1 min, 2 min … up to an hour) and, after the last attempt, marked failed in the
ticket's history; the ticket itself is never touched by a delivery problem. Critical tickets are
announced again every ``critical_repeat_minutes`` until someone acknowledges them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from azs_assistant import logs, metrics
from azs_assistant.notify import Channel, DeliveryError, Message, build_channels, channel_names
from azs_assistant.notify.telegram import TelegramClient
from azs_assistant.settings import LOCAL_BASE_URL, Settings
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Ticket, TicketEvent, TicketNotification, utcnow
from azs_assistant.tickets.taxonomy import CATEGORIES, URGENCY_NAMES

log = logging.getLogger("azs.notify")

__all__ = ["DeliveryError", "Notifier", "enqueue", "message_text", "ticket_json"]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def message_text(ticket: Ticket, reason: str, base_url: str) -> tuple[str, str]:
    """(subject, body) in Russian, plain text: customer text is data, never markup."""
    urgency = URGENCY_NAMES[ticket.urgency]["ru"]
    category = CATEGORIES.get(ticket.category, {}).get("ru", ticket.category)
    prefix = {"repeat": "ПОВТОРНО, НЕ ПОДТВЕРЖДЕНО: ", "reassigned": "Передано вам: "}.get(reason, "")
    alarm = "‼ КРИТИЧНО ‼ " if ticket.urgency == "critical" else ""
    where = ticket.station_id or "станция не указана"
    subject = f"{alarm}{prefix}Жалоба {ticket.number}: {category}, {where}"
    lines = [subject, "",
             f"Срочность: {urgency}. Отдел: {ticket.department}. Срок: {_aware(ticket.due_at):%d.%m.%Y %H:%M} UTC.",
             "", ticket.text[:1500] + ("…" if len(ticket.text) > 1500 else ""), ""]
    if ticket.danger:
        lines.append("Признаки опасности: " + ", ".join(ticket.danger))
    if ticket.contact:
        lines.append(f"Контакт клиента: {ticket.contact}")
    lines.append(f"Открыть: {base_url.rstrip('/')}/tickets/{ticket.number}")
    if ticket.urgency == "critical":
        lines.append("Подтвердите получение кнопкой «Принято» на странице обращения — иначе напоминание повторится.")
    return subject, "\n".join(lines)


def enqueue(s: Session, ticket: Ticket, departments: list[str], reason: str, rules: Any,
            now: datetime | None = None) -> int:
    """Outbox rows for every contact of the departments, each (channel, target) once."""
    now = now or utcnow()
    seen: set[tuple[str, str]] = set()
    for name in dict.fromkeys(departments):
        department = rules.departments.get(name)
        for contact in department.contacts if department else []:
            for channel in channel_names():  # a contact names its target per channel: email, telegram…
                target = getattr(contact, channel, None)
                if target and (channel, target) not in seen:
                    seen.add((channel, target))
                    s.add(TicketNotification(ticket_id=ticket.id, channel=channel, target=target, reason=reason,
                                             status="pending", attempts=0, next_attempt_at=now, created_at=now))
    return len(seen)


class Notifier:
    def __init__(self, db: Database, settings: Settings, rules: Callable[[], Any]) -> None:
        self.db = db
        self.settings = settings
        self._rules = rules
        self._http: httpx.Client | None = None
        self._channels: dict[str, Channel] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- channels -----------------------------------------------------------------------
    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(timeout=10.0)
        return self._http

    @property
    def channels(self) -> dict[str, Channel]:
        """The registered channels (``notify``), built on first use."""
        if self._channels is None:
            self._channels = build_channels(self.settings, self.http)
        return self._channels

    @property
    def telegram(self) -> TelegramClient:
        return TelegramClient(self.settings, self.http)

    def send(self, note: TicketNotification, ticket: Ticket) -> None:
        subject, body = message_text(ticket, note.reason, self.settings.public_base_url or LOCAL_BASE_URL)
        channel = self.channels.get(note.channel)
        if channel is None:
            raise DeliveryError(f"неизвестный канал {note.channel}")
        payload = {"event": f"ticket.{note.reason}", "ticket": ticket_json(ticket)}
        channel.send(note.target, Message(subject, body, ack=ticket.number, payload=payload))

    def send_files(self, subject: str, body: str, files: Sequence[Path], *, emails: Sequence[str] = (),
                   telegrams: Sequence[str] = (), attempts: int = 3) -> list[str]:
        """Deliver report files now (scheduled reports): one e-mail with attachments per address,
        the text and each file to each Telegram chat. Each delivery is tried ``attempts`` times;
        returns what failed, in Russian (the files stay on disk either way)."""
        email, telegram = self.channels["email"], self.telegram
        jobs: list[tuple[str, Callable[[], None]]] = [
            (f"e-mail {address}", partial(email.send, address, Message(subject, body, tuple(files))))
            for address in emails]
        for chat in telegrams:
            jobs.append((f"Telegram {chat}", partial(telegram.send_message, chat, f"{subject}\n\n{body}")))
            jobs.extend((f"Telegram {chat}: {path.name}", partial(telegram.send_document, chat, path, path.name))
                        for path in files)
        failed = []
        for label, job in jobs:
            for attempt in range(1, attempts + 1):
                try:
                    job()
                    break
                except DeliveryError as exc:
                    if attempt == attempts:
                        failed.append(f"{label}: {exc}")
                    else:
                        time.sleep(self.settings.notify_retry_pause_s)
        return failed

    # -- the outbox ---------------------------------------------------------------------
    def deliver_due(self, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
        """Send what is due; each row is claimed first, so two notifiers never send it twice."""
        now = now or utcnow()
        counts = {"sent": 0, "retry": 0, "failed": 0}
        with self.db.session() as s:
            due = list(s.execute(select(TicketNotification.id, TicketNotification.next_attempt_at)
                                 .where(TicketNotification.status == "pending",
                                        TicketNotification.next_attempt_at <= now)
                                 .order_by(TicketNotification.id).limit(limit)).all())
        for note_id, when in due:
            with self.db.session() as s:
                claimed = s.execute(update(TicketNotification)
                                    .where(TicketNotification.id == note_id,
                                           TicketNotification.status == "pending",
                                           TicketNotification.next_attempt_at == when)
                                    .values(next_attempt_at=now + timedelta(minutes=5))).rowcount  # type: ignore[attr-defined]
            if not claimed:
                continue
            with self.db.session() as s:
                note = s.get(TicketNotification, note_id)
                ticket = s.get(Ticket, note.ticket_id) if note else None
                if note is None or ticket is None:
                    continue
                try:
                    self.send(note, ticket)
                except Exception as exc:  # a channel's failure never escapes: it is recorded and retried
                    note.attempts += 1
                    note.last_error = str(exc)[:1000]
                    if note.attempts >= self.settings.notify_max_attempts:
                        note.status = "failed"
                        counts["failed"] += 1
                        s.add(TicketEvent(ticket_id=ticket.id, actor="notifier", kind="notify_failed", public=0,
                                          at=utcnow(), data={"channel": note.channel, "target": note.target,
                                                             "error": note.last_error}))
                    else:
                        note.next_attempt_at = now + timedelta(seconds=min(30 * 2 ** (note.attempts - 1), 3600))
                        counts["retry"] += 1
                    log.warning("notification %s (%s) failed: %s", note.id, note.channel, note.last_error)
                    outcome = "failed" if note.status == "failed" else "retry"
                    metrics.NOTIFICATIONS.labels(note.channel, outcome).inc()
                else:
                    note.attempts += 1
                    note.status, note.sent_at, note.last_error = "sent", utcnow(), None
                    counts["sent"] += 1
                    metrics.NOTIFICATIONS.labels(note.channel, "sent").inc()
                    s.add(TicketEvent(ticket_id=ticket.id, actor="notifier", kind="notified", public=0, at=utcnow(),
                                      data={"channel": note.channel, "target": note.target, "reason": note.reason}))
        return counts

    def schedule_repeats(self, now: datetime | None = None) -> int:
        """Queue reminders for critical tickets nobody has acknowledged yet."""
        now = now or utcnow()
        rules = self._rules()
        every = timedelta(minutes=rules.spec.critical_repeat_minutes)
        queued = 0
        with self.db.session() as s:
            last = (select(TicketNotification.ticket_id, func.max(TicketNotification.created_at).label("last"))
                    .group_by(TicketNotification.ticket_id).subquery())
            rows = s.execute(select(Ticket, last.c.last).outerjoin(last, last.c.ticket_id == Ticket.id)
                             .where(Ticket.urgency == "critical", Ticket.acknowledged_at.is_(None),
                                    Ticket.status.not_in(("resolved", "closed")),
                                    or_(last.c.last.is_(None), last.c.last <= now - every))).all()
            for ticket, previous in rows:
                if previous is None and _aware(ticket.created_at) > now - every:
                    continue
                departments = [ticket.department, *[d for d in ("hse",) if d in rules.departments]]
                queued += enqueue(s, ticket, departments, "repeat", rules, now)
        return queued

    def run_once(self, now: datetime | None = None) -> dict[str, int]:
        repeats = self.schedule_repeats(now)
        return {"repeats_queued": repeats, **self.deliver_due(now)}

    # -- in the server ------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(self.settings.notify_interval_s):
                with logs.bound(job_id=f"notify-{logs.new_id()[:12]}"):  # each run's lines, told apart
                    try:
                        self.run_once()
                    except Exception:  # keep the loop alive; the outbox keeps the work
                        log.exception("notifier run failed")

        self._thread = threading.Thread(target=loop, name="azs-notifier", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._http is not None:
            self._http.close()
            self._http = None
            self._channels = None


def ticket_json(ticket: Ticket, *, private: bool = True) -> dict[str, Any]:
    """The ticket as the API and webhooks show it (``private=False``: what a customer may see)."""
    data: dict[str, Any] = {
        "number": ticket.number, "status": ticket.status, "category": ticket.category, "urgency": ticket.urgency,
        "station": ticket.station_id, "created_at": _aware(ticket.created_at).isoformat(),
        "updated_at": _aware(ticket.updated_at).isoformat()}
    if private:
        data.update({
            "text": ticket.text, "channel": ticket.channel, "language": ticket.language, "contact": ticket.contact,
            "region": ticket.region, "department": ticket.department, "assignee": ticket.assignee,
            "confidence": ticket.confidence, "needs_triage": bool(ticket.needs_triage),
            "triage_reason": ticket.triage_reason, "labels_by": ticket.labels_by, "facts": ticket.facts,
            "danger": ticket.danger, "rule": ticket.rule, "due_at": _aware(ticket.due_at).isoformat(),
            "overdue": ticket.status not in ("resolved", "closed") and _aware(ticket.due_at) < utcnow(),
            "acknowledged_at": _aware(ticket.acknowledged_at).isoformat() if ticket.acknowledged_at else None,
            "resolved_at": _aware(ticket.resolved_at).isoformat() if ticket.resolved_at else None,
            "has_photo": bool(ticket.photo_path)})
    return data
