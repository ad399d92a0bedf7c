"""The jargon dictionary as a use case: seeded from the built-in list, edited by admins (audited), and
cached per process until any process edits it (the database's jargon generation says when)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import false, select

from azs_assistant.errors import Conflict, InvalidInput, NotFound
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.language.jargon import (
    JargonDictionary,
    JargonEntry,
    builtin_digest,
    earlier_builtin_values,
    load_builtin_jargon,
)
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import IndexState, JargonTerm, utcnow

Audit = Callable[..., None]  # Access.audit(who, action, target, details=None, ip=None)


class BuiltinMerge(NamedTuple):
    """What merging a release's built-in dictionary did: terms added, changed and withdrawn."""

    added: int
    changed: int
    withdrawn: int


class Jargon:
    """The workplace-jargon dictionary: list, edit, import; ``current()`` for query analysis."""

    def __init__(self, db: Database, analyzer: Analyzer, audit: Audit) -> None:
        self.db, self.analyzer, self._audit = db, analyzer, audit
        self._dictionary: JargonDictionary | None = None
        self._generation = -1
        self._lock = threading.Lock()

    def seed(self) -> None:
        """At start: the built-in dictionary into an empty table, or a new release's changes into a seeded one
        (``merge_builtin``); a no-op when the shipped files are the ones merged last."""
        with self.db.session() as s:
            merged = s.scalar(select(IndexState.jargon_builtin).where(IndexState.id == 1))
        if merged != builtin_digest():
            self.merge_builtin()

    def merge_builtin(self) -> BuiltinMerge:
        """Bring the table up to the shipped dictionary without touching the admin's work: add the built-in
        terms it lacks, change the entries still holding what an earlier release shipped, withdraw those the
        release no longer ships. An entry the admin edited or added stays as it is, and a built-in term the
        admin removed stays removed."""
        shipped = {e.term.lower(): e for e in load_builtin_jargon()}
        earlier = earlier_builtin_values()
        added = changed = withdrawn = 0
        with self.db.writing("jargon") as s:  # two processes starting at once merge once
            rows = {r.term: r for r in s.scalars(select(JargonTerm))}
            for term, row in rows.items():
                now = shipped.get(term)
                known = {row.shipped} if row.shipped is not None else (
                    earlier.get(term, set()) | ({now.canonical} if now else set()))
                if row.removed:
                    if now is None:  # no longer shipped: nothing left to keep out
                        s.delete(row)
                    continue
                if row.canonical not in known:
                    continue  # the admin's own term or edit
                if now is None:
                    s.delete(row)
                    withdrawn += 1
                elif row.canonical != now.canonical:  # (a note stays: it may be the admin's)
                    row.canonical, row.shipped, row.updated_at = now.canonical, now.canonical, utcnow()
                    row.note = row.note or now.note
                    changed += 1
                else:
                    row.shipped = now.canonical
            for term, e in shipped.items():
                if term not in rows:
                    s.add(JargonTerm(term=term, canonical=e.canonical, note=e.note, shipped=e.canonical))
                    added += 1
            state = s.get(IndexState, 1)
            if state is not None:
                state.jargon_builtin = builtin_digest()
            if added or changed or withdrawn:
                Database.bump(s, jargon=True)
        return BuiltinMerge(added, changed, withdrawn)

    def current(self, generation: int | None = None) -> JargonDictionary:
        """The current dictionary; reloaded when any process edits it."""
        if generation is None:
            _, generation = self.db.generations()
        if self._dictionary is None or generation != self._generation:
            with self._lock:
                with self.db.session() as s:
                    rows = s.scalars(select(JargonTerm).where(JargonTerm.removed == false())
                                     .order_by(JargonTerm.term)).all()
                    entries = [JargonEntry(r.term, r.canonical, r.note) for r in rows]
                self._dictionary = JargonDictionary(entries, self.analyzer)
                self._generation = generation
        return self._dictionary

    def entries(self) -> list[JargonEntry]:
        return list(self.current().entries)

    def upsert(self, term: str, canonical: str, note: str | None = None) -> JargonEntry:
        """Add or change a term (unaudited: the CLI's edit, and ``put`` which audits)."""
        return self._write(term, canonical, note)[0]

    def _write(self, term: str, canonical: str, note: str | None, *,
               new: bool = False) -> tuple[JargonEntry, str | None]:
        """The entry written and the canonical it had before (None: a new term). ``new``: a term already in
        the dictionary is a conflict, not silently replaced."""
        term, canonical = term.strip().lower(), canonical.strip()
        if not term or not canonical or len(term) > 200 or len(canonical) > 500:
            raise InvalidInput("Нужны термин (до 200 символов) и каноническое название (до 500).",
                               "term (≤200 chars) and canonical (≤500 chars) are required.",
                               message_kk="Термин (200 таңбаға дейін) мен оның мағынасы (500 таңбаға дейін) керек.")
        with self.db.session() as s:
            row = s.scalar(select(JargonTerm).where(JargonTerm.term == term))
            before = row.canonical if row is not None and not row.removed else None
            if new and before is not None:
                raise Conflict(f"Термин «{term}» уже есть в словаре («{before}»); чтобы изменить его, сохраните "
                               "термин заново (PUT).",
                               f"Term '{term}' is already in the dictionary ('{before}'); change it with PUT.",
                               message_kk=f"«{term}» термині сөздікте бар («{before}»); өзгерту үшін оны қайта "
                                          "сақтаңыз (PUT).")
            if row is None:
                row = JargonTerm(term=term)
                s.add(row)
            row.canonical, row.note, row.updated_at, row.removed = canonical, note, utcnow(), False
            Database.bump(s, jargon=True)
        return JargonEntry(term, canonical, note), before

    def put(self, who: object, term: str, canonical: str, note: str | None = None, *,
            added: bool = False) -> JargonEntry:
        """An admin's edit of the dictionary, audited with the meaning it replaced (``jargon.add`` for a new
        term by POST, which refuses a term already there, else ``jargon.put``)."""
        e, before = self._write(term, canonical, note, new=added)
        details = {"canonical": e.canonical} | ({"before": before} if before is not None else {})
        self._audit(who, "jargon.add" if added else "jargon.put", e.term, details)
        return e

    def delete(self, who: object, term: str) -> None:
        """An admin's removal of a term, audited as ``jargon.delete`` with the meaning it had."""
        before = self.remove(term)
        self._audit(who, "jargon.delete", term.strip().lower(), {"before": before})

    def remove(self, term: str) -> str:
        """Remove a term (returns the canonical it had); a built-in one is kept as removed, so an upgrade does
        not bring it back."""
        term = term.strip().lower()
        with self.db.session() as s:
            row = s.scalar(select(JargonTerm).where(JargonTerm.term == term))
            if row is None or row.removed:
                raise NotFound(f"Термин «{term}» не найден в словаре.", f"Term '{term}' not found.",
                               message_kk=f"«{term}» термині сөздікте табылмады.")
            before = row.canonical
            if row.shipped is not None or term in {e.term.lower() for e in load_builtin_jargon()}:
                row.removed, row.updated_at = True, utcnow()
            else:
                s.delete(row)
            Database.bump(s, jargon=True)
        return before

    def import_entries(self, entries: list[JargonEntry]) -> int:
        for e in entries:
            self.upsert(e.term, e.canonical, e.note)
        return len(entries)
