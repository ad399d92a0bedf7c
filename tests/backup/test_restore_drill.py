"""The restore drill: load data, back up, destroy the data, restore, and find everything back as it was,
on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from azs_assistant.backup import Backups
from azs_assistant.backup.pgtools import connection
from azs_assistant.services import Services
from tests import factories
from tests.backup.conftest import photo, picture
from tests.conftest import make_settings


def _load(svc: Services) -> str:
    """Documents, an answer, incidents, a ticket with a photo and history, users and audit entries."""
    factories.document(svc, "# Колонка\n\nЕсли колонка не отвечает, перезагрузите контроллер ТРК кнопкой RESET.")
    staff = factories.principal("support", name="anna")
    answer, _ = svc.assistant.answer_for(staff, "что делать если колонка не отвечает?")
    assert answer.answer and not answer.abstained
    factories.incidents(svc, ("АЗС-012", "Алматы"), ("АЗС-014", "Астана"))
    made, _token = svc.tickets.create("Колонка 3 не работает, чек не выдали", station="АЗС-012",
                                      photo=photo(), photo_name="p.png")
    svc.tickets.comment_by(factories.principal("admin", name="boss"), made.number, "Разбираемся")
    svc.tickets.set_status_by(factories.principal("admin", name="boss"), made.number, "in_progress")
    svc.access.add_user("anna", "Длинный-пароль-2026", ["support"], actor="cli:test")
    svc.access.audit("cli:test", "drill.marker", "before-backup")
    return made.number


def _destroy(settings_url: str, data_dir: Path) -> None:
    shutil.rmtree(data_dir)  # the SQLite file, photos and configuration with it
    if settings_url.startswith("sqlite"):
        return
    _, schema = connection(settings_url)
    engine = create_engine(settings_url.split("?")[0], isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"drop schema {schema} cascade"))
    engine.dispose()


@pytest.mark.slow  # about 10 s on SQLite, 45 s on PostgreSQL (pg_dump, pg_restore, two Services)
def test_everything_is_back_and_identical_after_the_data_is_destroyed(
        tmp_path, tmp_path_factory, backend_url, backup_key) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a system with documents, answers, incidents, tickets with history, users and an audit log
    WHEN it is backed up, its data destroyed and the backup restored
    THEN every table holds the same rows, the photo is the same and the services work on it."""
    settings = make_settings(tmp_path, database_url=backend_url, backup_key=backup_key)
    svc = Services(settings)
    number = _load(svc)
    svc.close()
    before = picture(backend_url)
    photo_path = tmp_path / "tickets" / "photos" / f"{number}.png"
    assert photo_path.read_bytes() == photo()
    assert all(before[t] for t in ("documents", "chunks", "answers", "incidents", "tickets", "ticket_events",
                                   "users", "audit_events"))
    store = tmp_path_factory.mktemp("store")

    backup_id = Backups(settings).create(str(store)).id
    _destroy(backend_url, tmp_path)
    Backups(settings).restore(backup_id, str(store))

    assert picture(backend_url) == before
    assert photo_path.read_bytes() == photo()
    svc = Services(settings)
    try:
        assert [e.kind for e in svc.tickets.history(number)][-2:] == ["comment", "status"]
        assert svc.access.get_user("anna").roles == ["support"]
        again = svc.assistant.ask("что делать если колонка не отвечает?")
        assert "RESET" in again.answer
    finally:
        svc.close()
