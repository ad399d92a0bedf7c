"""A new release's built-in dictionary reaches installations seeded by an earlier one, at start or by
``azs jargon import --builtin``, and the admin's edits, own terms and removals survive it."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from azs_assistant.language.jargon import earlier_builtin_values, load_builtin_jargon
from azs_assistant.services import Services
from azs_assistant.storage.db import _MIGRATIONS, Database
from tests.conftest import make_settings


def _shipped() -> dict[str, str]:
    return {e.term.lower(): e.canonical for e in load_builtin_jargon()}


def _changed_and_withdrawn() -> tuple[str, str, str]:
    """A term an earlier release shipped with another canonical, that value, and a term no longer shipped."""
    shipped, earlier = _shipped(), earlier_builtin_values()
    changed = next(t for t in sorted(earlier) if t in shipped)
    withdrawn = next(t for t in sorted(earlier) if t not in shipped)
    return changed, next(iter(sorted(earlier[changed]))), withdrawn


def test_the_values_earlier_releases_shipped_are_not_the_current_ones() -> None:
    shipped, earlier = _shipped(), earlier_builtin_values()
    assert earlier, "jargon_earlier.tsv is empty"
    for term, values in earlier.items():
        assert shipped.get(term) not in values, term  # else an admin's value could not be told from a shipped one


def test_a_release_that_changes_the_dictionary_reaches_a_seeded_table(sqlite_services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Seeded from one release; the next changes a term, withdraws one and adds one. The merge at start follows
    it for the entries nobody edited, and leaves the admin's edit, own term and removal alone."""
    from azs_assistant.language import jargon as module
    from azs_assistant.language import service

    jargon = sqlite_services.jargon
    shipped = load_builtin_jargon()
    total = len(jargon.entries())
    assert total == len(shipped)
    jargon.upsert("солярка", "ДТ зимнее", "правка администратора")
    jargon.upsert("зюзя", "заправщик", "свой термин")
    jargon.remove("бенз")
    assert "бенз" not in {e.term for e in jargon.entries()}

    def next_release() -> list[module.JargonEntry]:
        out = [e for e in shipped if e.term not in ("жанармай", "солярка")]  # «бенз» still shipped
        out = [module.JargonEntry(e.term, "пистолет раздаточный", e.note) if e.term == "пистолет" else e for e in out]
        return [*out, module.JargonEntry("заправочка", "АЗС"), module.JargonEntry("солярка", "дизельное топливо ДТ")]

    monkeypatch.setattr(service, "load_builtin_jargon", next_release)
    monkeypatch.setattr(service, "builtin_digest", lambda: "next release")
    sqlite_services.jargon.seed()  # as the first start of the new release does
    entries = {e.term: e for e in jargon.entries()}
    assert entries["пистолет"].canonical == "пистолет раздаточный"  # unedited: changed
    assert "жанармай" not in entries  # unedited and no longer shipped: withdrawn
    assert entries["заправочка"].canonical == "АЗС"  # new: added
    assert entries["солярка"].canonical == "ДТ зимнее"  # the admin's edit stays
    assert entries["зюзя"].canonical == "заправщик"  # the admin's own term stays
    assert "бенз" not in entries  # the admin's removal stays
    assert jargon.merge_builtin() == (0, 0, 0)  # a second merge finds nothing to do

    jargon.upsert("бенз", "бензин")  # the admin may bring a removed term back
    assert {e.term: e.canonical for e in jargon.entries()}["бенз"] == "бензин"


def test_an_installation_seeded_before_shipped_values_were_recorded_is_upgraded(
        tmp_path: Path, backend_url: str) -> None:
    """A table at revision 0016 (no record of what was shipped): an entry still holding a value an earlier
    release shipped is changed or withdrawn, the admin's are kept, and a built-in term removed through the API
    (known from the audit log) does not come back."""
    changed, old_value, withdrawn = _changed_and_withdrawn()
    shipped = _shipped()
    removed_by_admin = "солярка"  # audited as typed in the path: «Солярка »
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    db = Database(backend_url)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0016")
        conn.execute(sa.text("INSERT INTO index_state (id, generation, jargon_generation, classifier_generation) "
                             "VALUES (1, 0, 0, 0)"))
        rows = [(t, c) for t, c in shipped.items() if t not in (changed, removed_by_admin, "бенз", "дт")]
        rows += [(changed, old_value), (withdrawn, next(iter(earlier_builtin_values()[withdrawn]))),
                 ("бенз", "бензин АИ-92 свой"), ("дт", "дизель"), ("зюзя", "заправщик")]
        conn.execute(sa.text("INSERT INTO jargon_terms (term, canonical, updated_at) VALUES (:t, :c, :at)"),
                     [{"t": t, "c": c, "at": "2026-11-20 10:00:00"} for t, c in rows])
        conn.execute(sa.text("INSERT INTO audit_events (at, actor, actor_kind, action, target, details) "
                             "VALUES (:at, 'admin', 'user', :action, :target, '{}')"),
                     [{"at": "2026-11-21 10:00:00", "action": "jargon.delete", "target": "Солярка "},
                      {"at": "2026-11-21 11:00:00", "action": "jargon.delete", "target": "зюзя2"},
                      {"at": "2026-11-21 12:00:00", "action": "jargon.put", "target": "зюзя2"}])
    db.dispose()

    svc = Services(make_settings(tmp_path, database_url=backend_url))
    try:
        entries = {e.term: e.canonical for e in svc.jargon.entries()}
        assert entries[changed] == shipped[changed]
        assert withdrawn not in entries
        assert removed_by_admin not in entries
        assert entries["бенз"] == "бензин АИ-92 свой" and entries["дт"] == "дизель" and entries["зюзя"] == "заправщик"
        assert set(shipped) - {removed_by_admin} <= set(entries)
        assert len(entries) == len(shipped) - 1 + 1  # all shipped but the removed one, and the admin's own
    finally:
        svc.close()
