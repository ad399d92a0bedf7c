"""The audit log's filters on SQLite and PostgreSQL: what the admin types is matched literally."""

from __future__ import annotations

from azs_assistant.auth.service import Access
from azs_assistant.storage.db import Database


def test_percent_and_underscore_in_the_text_filter_match_themselves(backend_url: str) -> None:
    """GIVEN audit entries whose targets differ only where a filter has % or _
    WHEN the admin searches for «100%» or «a_b» THEN only the entries with those characters come back."""
    db = Database(backend_url)
    db.migrate()
    access = Access(db)
    for target in ("скидка 100% на мойку", "скидка 1000 на мойку", "отчёт a_b.csv", "отчёт axb.csv", "a\\b"):
        access.audit("admin", "document.delete", target)

    def found(**filters: str) -> list[str | None]:
        return sorted(e.target for e in access.audit_search(**filters))

    assert found(text="100%") == ["скидка 100% на мойку"]
    assert found(text="%") == ["скидка 100% на мойку"]
    assert found(text="a_b") == ["отчёт a_b.csv"]
    assert found(text="_") == ["отчёт a_b.csv"]
    assert found(text="a\\b") == ["a\\b"]
    assert len(found(action="document.")) == 5
    assert found(action="document_") == []
    db.dispose()
