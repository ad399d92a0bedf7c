"""The jargon dictionary as a use case: seeded from the built-in list, edited by admins (audited), and
cached per process until any process edits it (the database's jargon generation says when)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import func, select

from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.language.jargon import JargonDictionary, JargonEntry, load_builtin_jargon
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import JargonTerm, utcnow

Audit = Callable[..., None]  # Access.audit(who, action, target, details=None, ip=None)


class Jargon:
    """The workplace-jargon dictionary: list, edit, import; ``current()`` for query analysis."""

    def __init__(self, db: Database, analyzer: Analyzer, audit: Audit) -> None:
        self.db, self.analyzer, self._audit = db, analyzer, audit
        self._dictionary: JargonDictionary | None = None
        self._generation = -1
        self._lock = threading.Lock()

    def seed(self) -> None:
        """Load the built-in dictionary into an empty table (the admin's edits are kept after)."""
        with self.db.writing("jargon") as s:  # two processes starting on a fresh database seed it once
            if s.scalar(select(func.count()).select_from(JargonTerm)):
                return
            for e in load_builtin_jargon():
                s.add(JargonTerm(term=e.term.lower(), canonical=e.canonical, note=e.note))
            Database.bump(s, jargon=True)

    def current(self, generation: int | None = None) -> JargonDictionary:
        """The current dictionary; reloaded when any process edits it."""
        if generation is None:
            _, generation = self.db.generations()
        if self._dictionary is None or generation != self._generation:
            with self._lock:
                with self.db.session() as s:
                    rows = s.scalars(select(JargonTerm).order_by(JargonTerm.term)).all()
                    entries = [JargonEntry(r.term, r.canonical, r.note) for r in rows]
                self._dictionary = JargonDictionary(entries, self.analyzer)
                self._generation = generation
        return self._dictionary

    def entries(self) -> list[JargonEntry]:
        return list(self.current().entries)

    def upsert(self, term: str, canonical: str, note: str | None = None) -> JargonEntry:
        """Add or change a term (unaudited: the CLI's edit, and ``put`` which audits)."""
        term, canonical = term.strip().lower(), canonical.strip()
        if not term or not canonical or len(term) > 200 or len(canonical) > 500:
            raise InvalidInput("Нужны термин (до 200 символов) и каноническое название (до 500).",
                               "term (≤200 chars) and canonical (≤500 chars) are required.")
        with self.db.session() as s:
            row = s.scalar(select(JargonTerm).where(JargonTerm.term == term))
            if row is None:
                row = JargonTerm(term=term)
                s.add(row)
            row.canonical, row.note, row.updated_at = canonical, note, utcnow()
            Database.bump(s, jargon=True)
        return JargonEntry(term, canonical, note)

    def put(self, who: object, term: str, canonical: str, note: str | None = None, *,
            added: bool = False) -> JargonEntry:
        """An admin's edit of the dictionary, audited (``jargon.add`` for a new term by POST, else ``jargon.put``)."""
        e = self.upsert(term, canonical, note)
        self._audit(who, "jargon.add" if added else "jargon.put", e.term, {"canonical": e.canonical})
        return e

    def delete(self, who: object, term: str) -> None:
        """An admin's removal of a term, audited as ``jargon.delete``."""
        self.remove(term)
        self._audit(who, "jargon.delete", term)

    def remove(self, term: str) -> None:
        with self.db.session() as s:
            row = s.scalar(select(JargonTerm).where(JargonTerm.term == term.strip().lower()))
            if row is None:
                raise NotFound(f"Термин «{term}» не найден в словаре.", f"Term '{term}' not found.")
            s.delete(row)
            Database.bump(s, jargon=True)

    def add_builtin(self) -> int:
        """The built-in entries whose term the table lacks (after an upgrade that ships new ones); the
        admin's edits and additions stay as they are. Returns how many were added."""
        with self.db.writing("jargon") as s:
            have = set(s.scalars(select(JargonTerm.term)))
            new = {e.term.lower(): e for e in load_builtin_jargon() if e.term.lower() not in have}
            for term, e in new.items():
                s.add(JargonTerm(term=term, canonical=e.canonical, note=e.note))
            if new:
                Database.bump(s, jargon=True)
        return len(new)

    def import_entries(self, entries: list[JargonEntry]) -> int:
        for e in entries:
            self.upsert(e.term, e.canonical, e.note)
        return len(entries)
