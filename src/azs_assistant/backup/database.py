"""A consistent snapshot of the system of record and its way back, per backend: SQLite through its
online backup API (a copy that readers and writers do not disturb), PostgreSQL through pg_dump."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from azs_assistant.backup import pgtools
from azs_assistant.errors import BackupFailed, ConfigError
from azs_assistant.storage.db import make_engine
from azs_assistant.storage.models import Base

# Bookkeeping rows every fresh database has: they do not make it "non-empty".
_BOOKKEEPING = {"index_state", "alembic_version", "jargon_terms"}


def backend(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise ConfigError(f"Резервное копирование базы {name} этой командой не поддерживается: используйте "
                          "средства СУБД (для Oracle — RMAN или Data Pump), а файлы копируйте azs backup.",
                          f"Backing up a {name} database is not supported; use the DBMS's own tools.")
    return name


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ConfigError("База SQLite в памяти не копируется.", "An in-memory SQLite database cannot be backed up.")
    return Path(database)


def snapshot(url: str, target: Path) -> str:
    """Write the database into ``target`` (a file); return the backend's name."""
    kind = backend(url)
    if kind == "sqlite":
        source = sqlite3.connect(sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        pgtools.dump(url, target)
    return kind


def restore(url: str, kind: str, source: Path, *, clean: bool) -> None:
    """Replace the configured database's content with the snapshot in ``source``."""
    if backend(url) != kind:
        raise ConfigError(f"Копия сделана из базы {kind}, а настроена база {backend(url)}: восстановление "
                          "между разными СУБД не поддерживается.", f"Backup of {kind} cannot go into {backend(url)}.")
    if kind == "sqlite":
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a restored data dir is its owner's alone
        snap, live = sqlite3.connect(source), sqlite3.connect(path)
        try:
            snap.backup(live)  # page by page into the live file, WAL included: no stale -wal left behind
        finally:
            live.close()
            snap.close()
    else:
        pgtools.restore(url, source, clean=clean)


def occupancy(url: str) -> tuple[bool, bool]:
    """(any of our tables exists, any of them holds rows a restore would overwrite). A fresh schema's
    bookkeeping rows (index state, the seeded jargon) do not count as data."""
    if backend(url) == "sqlite" and not sqlite_path(url).exists():
        return False, False
    engine: Engine = make_engine(url)
    try:
        existing = set(inspect(engine).get_table_names())
        tables = [t.name for t in Base.metadata.sorted_tables if t.name in existing and t.name not in _BOOKKEEPING]
        with engine.connect() as conn:
            rows = any(conn.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first() for name in tables)
        return bool(existing & {t.name for t in Base.metadata.sorted_tables}), rows
    except DBAPIError as exc:  # a database that does not answer: what pg_dump's failure said (74), not «unexpected»
        raise BackupFailed(f"База данных не отвечает: {str(exc.orig or exc).strip()[:300]}",
                           f"The database does not answer: {str(exc.orig or exc).strip()[:300]}") from exc
    finally:
        engine.dispose()
