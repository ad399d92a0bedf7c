"""Sign-in throttling per account and client address, read from the audit log of failed sign-ins.

Locking the account after five wrong passwords let anyone lock anyone out for an hour. Failures now
count per (account, address): after five from one address, that address waits 1, 2, 4 … 60 minutes
before it may try that account again, while the owner signing in from their own address gets in. A
ceiling per account over all addresses, twenty times higher, stops guessing spread over many
addresses. The counts come from the audit log (every process writes it, every failure is there with
its address), so the limits hold across workers and restarts without a table of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from azs_assistant.storage.models import AuditEvent

PER_ADDRESS = 5  # failures from one address before it waits
PER_ADDRESS_MEMORY = timedelta(hours=24)  # failures older than this (or before a success there) are forgotten
MAX_WAIT = timedelta(minutes=60)
PER_ACCOUNT = 100  # failures from all addresses together ...
PER_ACCOUNT_WINDOW = timedelta(minutes=15)  # ... within this window


@dataclass(frozen=True)
class Throttled:
    """The address may not try this account for ``wait``; ``everywhere``: the per-account ceiling."""

    wait: timedelta
    everywhere: bool


def _aware(value: datetime, now: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=now.tzinfo)


def _failures(account: str, since: datetime):  # type: ignore[no-untyped-def]
    return select(AuditEvent).where(AuditEvent.actor == account, AuditEvent.action == "login.failed",
                                    AuditEvent.at > since)


def check(s: Session, account: str, ip: str | None, now: datetime) -> Throttled | None:
    """Whether a sign-in to ``account`` from ``ip`` must wait, and how long."""
    return _per_address(s, account, ip, now) or _per_account(s, account, now)


def _per_address(s: Session, account: str, ip: str | None, now: datetime) -> Throttled | None:
    since = now - PER_ADDRESS_MEMORY
    last_success = s.scalar(select(func.max(AuditEvent.at)).where(
        AuditEvent.actor == account, AuditEvent.action == "login", AuditEvent.ip == ip, AuditEvent.at > since))
    if last_success is not None:
        since = _aware(last_success, now)
    failed = _failures(account, since).where(AuditEvent.ip == ip).subquery()
    count, last = s.execute(select(func.count(), func.max(failed.c.at))).one()
    if count < PER_ADDRESS or last is None:
        return None
    until = _aware(last, now) + min(timedelta(minutes=2 ** (count - PER_ADDRESS)), MAX_WAIT)
    return Throttled(until - now, everywhere=False) if until > now else None


def _per_account(s: Session, account: str, now: datetime) -> Throttled | None:
    """The PER_ACCOUNT-th newest failure within the window: the wait ends when it leaves the window."""
    failed = _failures(account, now - PER_ACCOUNT_WINDOW).with_only_columns(AuditEvent.at)
    oldest = s.scalar(failed.order_by(AuditEvent.at.desc()).offset(PER_ACCOUNT - 1).limit(1))
    if oldest is None:
        return None
    return Throttled(_aware(oldest, now) + PER_ACCOUNT_WINDOW - now, everywhere=True)
