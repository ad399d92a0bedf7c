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


# -- the documents page: filters, sections, the original -----------------------------------------
def _titles(listing) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.title for d in listing.items]


def test_listing_filters_by_words_type_date_and_audience_within_what_the_person_may_see(services: Services) -> None:
    """GIVEN documents of two types and audiences WHEN the list is narrowed THEN words match the title or file
    name whatever their case (Cyrillic too, which SQLite's lower() leaves alone), and every filter stays
    inside the person's own documents."""
    from datetime import timedelta

    from azs_assistant.documents.service import EVERYONE, DocumentFilter

    _world(services)
    services.ingestor.ingest_bytes("Служба,Телефон\nЭнергетик,1400\n".encode(), "uploads/10_kontakty.csv")
    admin, operator = principal("admin"), principal("operator", stations=[], regions=[])
    assert _titles(services.documents.listing(admin, DocumentFilter("руководител"))) == [
        "Операторам и руководителям", "Руководителям", "Руководителям севера"]
    assert _titles(services.documents.listing(operator, DocumentFilter("РУКОВОДИТЕЛ"))) == [
        "Операторам и руководителям"]  # the managers' documents do not exist for an operator
    assert _titles(services.documents.listing(admin, DocumentFilter("kontakty"))) == ["Служба, Телефон"]
    assert _titles(services.documents.listing(admin, DocumentFilter(kind="csv"))) == ["Служба, Телефон"]
    assert _titles(services.documents.listing(admin, DocumentFilter(audience="manager"))) == [
        "Операторам и руководителям", "Руководителям", "Руководителям севера"]
    assert _titles(services.documents.listing(admin, DocumentFilter(audience=EVERYONE))) == [
        "Для всех", "Служба, Телефон"]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo(services.settings.timezone)).date()  # days are the chain's, as the pages show
    assert len(services.documents.listing(admin, DocumentFilter(since=today, until=today)).items) == 6
    assert services.documents.listing(admin, DocumentFilter(until=today - timedelta(days=1))).items == []
    listing = services.documents.listing(operator, DocumentFilter(sort="-size"))
    assert listing.total == 3 and listing.kinds == ["csv", "md"] and "manager" in listing.audiences


def test_listing_refuses_an_unknown_sort_and_reversed_dates(services: Services) -> None:
    from datetime import date

    from azs_assistant.documents.service import DocumentFilter
    from azs_assistant.errors import InvalidInput

    with pytest.raises(InvalidInput, match="Сортировка"):
        DocumentFilter(sort="size; drop table")
    with pytest.raises(InvalidInput, match="позже"):
        DocumentFilter(since=date(2026, 2, 1), until=date(2026, 1, 1))


def test_outline_groups_passages_by_section_and_the_original_is_kept_for_its_readers(services: Services) -> None:
    """GIVEN a document with two sections WHEN it is opened THEN its passages come grouped by section in
    reading order, and the original file comes back byte for byte, to its audience only; deleting the
    document takes the original with it."""
    text = "# Касса\n\n## Размен\nРазмен — 40 000 тенге.\n\n## Z-отчёт\nZ-отчёт снимают до 23:00.\n"
    doc_id = document(services, text, "uploads/kassa.md", roles=["manager"]).document_id
    manager = principal("manager")
    doc, sections = services.documents.outline(manager, doc_id)
    assert doc.title == "Касса"
    assert [(s.heading.split(" › ")[-1], [c.text for c in s.passages]) for s in sections] == [
        ("Размен", ["Размен — 40 000 тенге."]), ("Z-отчёт", ["Z-отчёт снимают до 23:00."])]
    assert services.documents.original(manager, doc_id) == ("kassa.md", "text/markdown", text.encode())
    with pytest.raises(NotFound):
        services.documents.original(principal("operator"), doc_id)
    assert services.documents.has_original(doc_id)
    services.documents.delete(principal("admin"), doc_id)
    assert not services.documents.has_original(doc_id)
