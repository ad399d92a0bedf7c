"""What an admin may change in a person's account, and what a new password ends (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azs_assistant.auth.service import Access
from azs_assistant.errors import Conflict, InvalidInput
from azs_assistant.storage.db import Database
from tests.factories import principal

PASSWORD = "очень-длинный-пароль"


@pytest.fixture
def access(backend_url: str) -> Iterator[Access]:
    db = Database(backend_url)
    db.migrate()
    yield Access(db)
    db.dispose()


def test_the_last_admin_stays_one_and_no_admin_unmakes_themselves(access: Access) -> None:
    """GIVEN one admin WHEN they (or the command line) would disable them or take their admin role THEN it is
    refused in three languages: nobody would be left to repair it but the command line. With a second admin,
    the other may do it, never the admin themselves."""
    access.add_user("boss", PASSWORD, ["admin"], stations=["*"])
    boss = principal("admin", name="boss")
    for change in ({"disabled": True}, {"roles": ["manager"]}):
        with pytest.raises(Conflict) as refused:
            access.update_user("boss", actor="cli", **change)  # type: ignore[arg-type]
        assert "последний администратор" in refused.value.message("ru") and refused.value.message("kk")
    access.add_user("second", PASSWORD, ["admin"], stations=["*"])
    with pytest.raises(Conflict) as own:
        access.update_user(" BOSS ", actor=boss, roles=["manager"])
    assert "себя" in own.value.message("ru")
    access.update_user("boss", actor=principal("admin", name="second"), roles=["manager", "admin"])
    access.update_user("second", actor=boss, disabled=True)
    assert access.get_user("second").disabled == 1 and access.get_user("boss").roles == ["manager", "admin"]


def test_a_password_set_by_an_admin_ends_the_persons_sessions_and_unlinks_telegram(access: Access) -> None:
    """A password reset because it leaked must lock the other side out: the person's browsers are signed out and
    their Telegram chat unlinked (it may have been linked by whoever had the password)."""
    access.add_user("ivan", PASSWORD, ["operator"], stations=["АЗС-012"])
    access.update_user("ivan", telegram_chat_id="4242")
    token, _ = access.login("ivan", PASSWORD)
    assert access.session_principal(token) is not None
    access.update_user("ivan", actor=principal("admin", name="boss"), password="новый-пароль-ивана")
    assert access.session_principal(token) is None
    assert access.get_user("ivan").telegram_chat_id is None
    here, _ = access.login("ivan", "новый-пароль-ивана")
    access.update_user("ivan", telegram_chat_id="4242")
    access.change_password(access.session_principal(here), "новый-пароль-ивана", "третий-пароль-ивана",  # type: ignore[arg-type]
                           keep=here)
    assert access.session_principal(here) is not None and access.get_user("ivan").telegram_chat_id is None


def test_an_operator_or_manager_without_a_station_or_region_is_refused(access: Access) -> None:
    """An operator given no station saw an empty site and could record nothing, and the admin was not told: the
    account is refused at the stations field, in three languages, on adding and on editing; an admin, a support
    person (a department) and a regional manager need no station."""
    for roles in (["operator"], ["manager"], ["operator", "support"]):
        with pytest.raises(InvalidInput) as refused:
            access.add_user("nobody", PASSWORD, roles)
        assert refused.value.details["field"] == "stations" and "АЗС" in refused.value.message("ru")
        assert "ЖҚС" in refused.value.message("kk") and "station" in refused.value.message("en")
    access.add_user("boss", PASSWORD, ["admin"])
    access.add_user("anna", PASSWORD, ["support"], department="hse")
    access.add_user("erlan", PASSWORD, ["manager"], regions=["Алматы"])
    access.add_user("ivan", PASSWORD, ["operator"], stations=["АЗС-012"])
    with pytest.raises(InvalidInput):
        access.update_user("ivan", stations=[])
    with pytest.raises(InvalidInput):
        access.update_user("anna", roles=["support", "operator"])
    assert access.get_user("ivan").stations == ["АЗС-012"] and access.get_user("anna").roles == ["support"]
    access.update_user("ivan", stations=[], regions=["Алматы"])
    # a person saved before the rule, with no station, can still be disabled, given a password or unlinked
    from sqlalchemy import update

    from azs_assistant.storage.models import User
    with access.db.session() as s:
        s.execute(update(User).where(User.username == "ivan").values(stations=[], regions=[]))
    access.update_user("ivan", disabled=True)
    access.update_user("ivan", password="новый-пароль-ивана", telegram_chat_id="")
    assert access.get_user("ivan").disabled == 1
