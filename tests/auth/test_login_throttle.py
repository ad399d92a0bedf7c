"""Wrong passwords slow down the address they come from, not the account's owner (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from azs_assistant.auth import throttle
from azs_assistant.auth.service import Access
from azs_assistant.errors import Unauthorized
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import AuditEvent

PASSWORD = "очень-длинный-пароль"
OWNER, ATTACKER = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def access(backend_url: str) -> Iterator[Access]:
    db = Database(backend_url)
    db.migrate()
    access = Access(db)
    access.add_user("aigerim", PASSWORD, ["operator"], stations=["АЗС-012"])
    yield access
    db.dispose()


def refused(access: Access, password: str, ip: str, username: str = "aigerim") -> Unauthorized:
    with pytest.raises(Unauthorized) as caught:
        access.login(username, password, ip)
    return caught.value


def age_failures(access: Access, by: timedelta) -> None:
    """Move every recorded failure back in time (instead of waiting)."""
    with access.db.session() as s:  # in Python: SQLite has no datetime arithmetic for SQLAlchemy to emit
        for event in s.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")):
            event.at = event.at - by


def test_wrong_passwords_from_one_address_do_not_lock_out_the_owner(access: Access) -> None:
    """GIVEN five wrong passwords for aigerim from an attacker's address
    WHEN the attacker tries again, even with the right password THEN it is refused for a minute;
    WHEN aigerim signs in from her own address THEN she gets in."""
    for _ in range(throttle.PER_ADDRESS):
        assert "Неверный" in refused(access, "неверный-пароль", ATTACKER).message_ru
    blocked = refused(access, PASSWORD, ATTACKER)
    assert "с вашего адреса" in blocked.message_ru and blocked.details["retry_after"] == 60

    token, who = access.login("AIGERIM ", PASSWORD, OWNER)
    assert token and who.name == "aigerim"


@pytest.mark.slow  # over 5 s (--durations)
def test_the_wait_of_an_address_grows_with_its_failures_and_a_success_there_forgets_them(access: Access) -> None:
    """GIVEN an address that waited out its minute WHEN it fails again THEN it waits two minutes;
    GIVEN four failures from the owner's address WHEN she then signs in THEN her next typo starts afresh."""
    for _ in range(throttle.PER_ADDRESS):
        refused(access, "неверный-пароль", ATTACKER)
    age_failures(access, timedelta(minutes=2))
    assert "Неверный" in refused(access, "неверный-пароль", ATTACKER).message_ru
    assert refused(access, PASSWORD, ATTACKER).details["retry_after"] == 120

    for _ in range(throttle.PER_ADDRESS - 1):
        refused(access, "опечатка-в-пароле", OWNER)
    access.login("aigerim", PASSWORD, OWNER)
    for _ in range(throttle.PER_ADDRESS - 1):
        assert "Неверный" in refused(access, "опечатка-в-пароле", OWNER).message_ru


def test_failures_from_many_addresses_close_the_account_only_past_a_far_higher_ceiling(access: Access) -> None:
    """GIVEN failures for one account from many addresses, fewer than five each
    WHEN they stay under the per-account ceiling THEN the owner gets in;
    WHEN they reach it THEN every address waits until the oldest of them leaves the window."""
    for n in range(throttle.PER_ACCOUNT - 1):
        access.audit("aigerim", "login.failed", "aigerim", {}, f"10.0.{n // 250}.{n % 250}")
    access.login("aigerim", PASSWORD, OWNER)
    access.audit("aigerim", "login.failed", "aigerim", {}, "10.9.9.9")
    closed = refused(access, PASSWORD, OWNER)
    assert "в эту учётную запись" in closed.message_ru
    age_failures(access, throttle.PER_ACCOUNT_WINDOW)
    access.login("aigerim", PASSWORD, OWNER)


def test_an_unknown_account_is_throttled_like_a_real_one(access: Access) -> None:
    """GIVEN five failures for a name nobody has THEN the sixth is throttled as for a real account,
    so the answers do not tell which names exist."""
    for _ in range(throttle.PER_ADDRESS):
        assert "Неверный" in refused(access, "неверный-пароль", ATTACKER, "nobody").message_ru
    assert "с вашего адреса" in refused(access, "неверный-пароль", ATTACKER, "Nobody").message_ru
