"""The document use cases: what a person may see is filtered in SQL and agrees with ``may_read``."""

from __future__ import annotations

import pytest

from azs_assistant.errors import NotFound
from azs_assistant.services import Services
from azs_assistant.storage.models import AuditEvent
from tests.factories import document, principal

PEOPLE = [principal("admin"), principal("operator"), principal("manager"),
          principal("operator", stations=[], regions=["Юг"]), principal("manager", stations=[], regions=["север"]),
          principal("support", stations=[], regions=[])]


def _world(svc: Services) -> None:
    document(svc, "# Для всех\nТекст.", "all.md")
    document(svc, "# Руководителям\nТекст.", "managers.md", roles=["manager"])
    document(svc, "# Югу\nТекст.", "south.md", regions=["юг"])
    document(svc, "# Руководителям севера\nТекст.", "north-managers.md", roles=["manager"], regions=["Север"])
    document(svc, "# Операторам и руководителям\nТекст.", "both.md", roles=["operator", "manager"])


def test_visible_to_agrees_with_may_read_for_every_person(services: Services) -> None:
    """GIVEN documents with every kind of audience WHEN each person lists them THEN the SQL filter returns
    exactly the documents ``Principal.may_read`` allows, with their count."""
    _world(services)
    everything = services.documents.visible_to(principal("admin"), 0, 100).items
    assert len(everything) == 5
    for who in PEOPLE:
        page = services.documents.visible_to(who, 0, 100)
        expected = [d.source for d in everything if who.may_read(d.audience)]
        assert [d.source for d in page.items] == expected, who
        assert page.total == len(expected)


def test_visible_to_pages_in_the_database(services: Services) -> None:
    _world(services)
    who = principal("operator")  # sees all.md, both.md, south.md (all stations: every region)
    first, second = services.documents.visible_to(who, 0, 2), services.documents.visible_to(who, 2, 2)
    assert first.total == second.total == 3
    assert [d.source for d in first.items + second.items] == ["all.md", "both.md", "south.md"]


def test_get_and_audience_change_are_scoped_and_audited(services: Services) -> None:
    """GIVEN a document narrowed to managers WHEN an operator opens it THEN it does not exist for them; the
    change of audience and the delete are in the audit log with the client address."""
    doc_id = document(services, "# Приказ\nТекст.", "order.md").document_id
    assert doc_id is not None
    admin = principal("admin", name="boss")
    services.documents.set_audience(admin, doc_id, ["manager"], [], "10.0.0.1")
    with pytest.raises(NotFound):
        services.documents.get(principal("operator"), doc_id)
    assert services.documents.get(principal("manager"), doc_id).source == "order.md"
    services.documents.delete(admin, doc_id, "10.0.0.2")
    with services.db.session() as s:
        events = [(e.actor, e.action, e.target, e.ip) for e in s.query(AuditEvent).order_by(AuditEvent.id)]
    assert ("boss", "document.audience", "order.md", "10.0.0.1") in events
    assert ("boss", "document.delete", "order.md", "10.0.0.2") in events


def test_upgrade_copies_existing_audiences_into_rows(tmp_path, backend_url) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a database at revision 0010 with documents whose audience is only the JSON column WHEN it is
    migrated THEN the audience rows exist and the SQL filter agrees with ``may_read``."""
    from datetime import UTC, datetime

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import insert

    from azs_assistant.storage import db as storage_db
    from azs_assistant.storage.models import Document
    from tests.conftest import make_settings

    database = storage_db.Database(backend_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(storage_db._MIGRATIONS))
    cfg.attributes["connection_url"] = database.url
    with database.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0010")
        now = datetime.now(UTC)
        old = [("all.md", None), ("managers.md", {"roles": ["manager"], "regions": []}),
               ("south.md", {"roles": [], "regions": ["Юг"]})]
        for n, (source, audience) in enumerate(old, start=1):
            conn.execute(insert(Document.__table__).values(
                id=n, source=source, title=source, format="md", sha256="0" * 64, size_bytes=1, status="indexed",
                version=1, pipeline_version=1, chunk_count=0, audience=audience, created_at=now, updated_at=now))
    database.dispose()
    svc = Services(make_settings(tmp_path, database_url=backend_url))  # migrates to the head
    try:
        docs = svc.documents.visible_to(principal("admin"), 0, 10).items
        for who in PEOPLE:
            expected = [d.source for d in docs if who.may_read(d.audience)]
            assert [d.source for d in svc.documents.visible_to(who, 0, 10).items] == expected, who
        assert [d.source for d in svc.documents.visible_to(principal("operator", stations=[], regions=["юг"]),
                                                           0, 10).items] == ["all.md", "south.md"]
    finally:
        svc.close()
