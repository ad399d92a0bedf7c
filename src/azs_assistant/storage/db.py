"""The database handle: engine, sessions and migrations, for SQLite, PostgreSQL or Oracle URLs.

Several processes may write one database at once (two `azs ingest`, the server and a worker). A
write whose decision depends on what is stored ("is this file new? then version 1") runs in
``Database.writing``: it takes a writer lock before its first read, so the decision and the write
see the same data. Migrations at startup take the same kind of lock.
"""

from __future__ import annotations

import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, delete, event, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from azs_assistant.errors import Busy
from azs_assistant.storage.models import IndexChange, IndexState

_MIGRATIONS = Path(__file__).parent / "migrations"
# How long a writer waits for another process's write lock before it gives up with a typed error:
# long enough for a migration or a large document's chunks, short enough to report a stuck writer.
LOCK_WAIT_S = 120.0
# Generations of index changes kept: a process further behind than this rebuilds its index.
KEEP_INDEX_CHANGES = 1000


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _unicode_upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    # SQLite's own lower() and upper() change Latin letters only: a search for «грязный» missed «Грязный туалет»,
    # which PostgreSQL and Oracle find. Python's, registered over them, fold every alphabet.
    dbapi_conn.create_function("lower", 1, _unicode_lower, deterministic=True)
    dbapi_conn.create_function("upper", 1, _unicode_upper, deterministic=True)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=10000")
    _switch_to_wal(cur)
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _switch_to_wal(cur) -> None:  # type: ignore[no-untyped-def]
    """Put the file in WAL mode. On a fresh file the switch needs the file to itself, and SQLite answers
    "locked" at once, without the busy timeout, while another process makes the same switch (two
    `azs ingest` started together on a new database: one of them failed). Wait and try again; once one
    process has switched, the others find WAL already set."""
    deadline = time.monotonic() + LOCK_WAIT_S
    pause = 0.01
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def make_engine(url: str) -> Engine:
    """An engine with the right per-backend options (WAL and a busy timeout on SQLite)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # the data dir: its owner's alone
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql+psycopg"):
        # psycopg prepares a statement after five runs and PostgreSQL may then keep a generic plan made
        # while a table was small: a 100k-row incident sync turned quadratic (223 s) on such a plan for
        # its id lookups. Custom plans per execution cost little here.
        return create_engine(url, pool_pre_ping=True, connect_args={"prepare_threshold": None})
    return create_engine(url, pool_pre_ping=True)


class Database:
    """Owns the engine; hands out sessions; migrates the schema to the newest version."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (safe to call every start, from several
        processes at once: the second waits for the first, then finds nothing to do)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        cfg.attributes["connection_url"] = self.url
        with self.engine.begin() as conn:
            self._lock(conn, "migrate")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        with self.writing("index_state") as s:
            if s.get(IndexState, 1) is None:
                s.add(IndexState(id=1, generation=0, jargon_generation=0))

    @contextmanager
    def writing(self, name: str) -> Iterator[Session]:
        """A unit of work that holds the writer lock ``name`` from its first statement, so what it
        reads is still true when it writes. SQLite has one writer lock for the whole file (BEGIN
        IMMEDIATE); PostgreSQL takes a transaction-scoped advisory lock per name, so writers of
        different names go on in parallel. Other backends rely on their unique constraints."""
        with self.session() as s:
            self._lock(s.connection(), name)
            yield s

    def _lock(self, conn: Connection, name: str) -> None:
        dialect = conn.dialect.name
        if dialect == "sqlite":
            _begin_immediate(conn)
        elif dialect == "postgresql":
            # two int4 keys: the lock's name and the schema, so test schemas in one database stay independent
            key = zlib.crc32(name.encode()) - 2**31
            conn.execute(text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"), {"key": key})

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        s = self._sessions()
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    def generations(self) -> tuple[int, int]:
        """(index generation, jargon generation): cheap to poll before each search."""
        with self._sessions() as s:
            row = s.execute(select(IndexState.generation, IndexState.jargon_generation)
                            .where(IndexState.id == 1)).one_or_none()
            return (row[0], row[1]) if row else (0, 0)

    @staticmethod
    def bump(session: Session, *, index: bool = False, jargon: bool = False,
             documents: Iterable[int] | None = None) -> None:
        """Mark searchable data as changed inside the caller's transaction. ``documents``: the only ones whose
        chunks changed (other processes then update their index in place); None: anything may have."""
        values = {}
        if index:
            values["generation"] = IndexState.generation + 1
        if jargon:
            values["jargon_generation"] = IndexState.jargon_generation + 1
        session.execute(update(IndexState).where(IndexState.id == 1).values(**values))
        if index:  # the row stays locked until commit: generations are handed out in commit order
            generation = session.scalar(select(IndexState.generation).where(IndexState.id == 1)) or 0
            session.add_all(IndexChange(generation=generation, document_id=d)
                            for d in (list(documents) if documents is not None else [None]))
            session.execute(delete(IndexChange).where(IndexChange.generation < generation - KEEP_INDEX_CHANGES))

    def index_changes(self, after: int, upto: int) -> set[int] | None:
        """The documents changed in the generations (after, upto]; None when that cannot be told (a change
        of everything, or the record of some generation already pruned): the caller rebuilds."""
        with self._sessions() as s:
            rows = s.execute(select(IndexChange.generation, IndexChange.document_id)
                             .where(IndexChange.generation > after, IndexChange.generation <= upto)).all()
        if len({g for g, _ in rows}) != upto - after or any(d is None for _, d in rows):
            return None
        return {int(d) for _, d in rows if d is not None}

    def dispose(self) -> None:
        self.engine.dispose()


def _begin_immediate(conn: Connection) -> None:
    """Start the SQLite transaction as a writer. It must be the connection's first statement: a
    transaction that has read first cannot wait for the lock (SQLite answers "locked" at once).
    The busy timeout waits 10 s per try; a longer wait is a loop, then a typed error."""
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig):
                raise
            if time.monotonic() > deadline:
                raise Busy(f"База данных занята другим процессом записи дольше {LOCK_WAIT_S:.0f} с. "
                           "Повторите позже.", "The database is locked by another writer.") from exc
