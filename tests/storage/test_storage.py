"""One schema for SQLite, PostgreSQL and Oracle; migrations are repeatable."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.dialects import oracle
from sqlalchemy.schema import CreateIndex, CreateTable

from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Base


def test_migrations_create_the_schema_and_can_run_twice(backend_url: str) -> None:
    db = Database(backend_url)
    db.migrate()
    db.migrate()
    tables = set(inspect(db.engine).get_table_names())
    assert {"documents", "chunks", "jargon_terms", "index_state", "alembic_version"} <= tables
    assert db.generations() == (0, 0)
    db.dispose()


def test_migration_matches_the_models(backend_url: str) -> None:
    db = Database(backend_url)
    db.migrate()
    insp = inspect(db.engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in insp.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
    db.dispose()


def test_schema_compiles_for_oracle() -> None:
    dialect = oracle.dialect()
    for table in Base.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert "CREATE TABLE" in ddl
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))
    # the dictionary's query reads the removed flag as Oracle before 23 can (no native boolean: «= 0», not «IS 0»)
    from sqlalchemy import false, select

    from azs_assistant.storage.models import JargonTerm

    old_oracle = oracle.dialect()
    old_oracle.server_version_info = (19, 0)
    old_oracle.supports_native_boolean = False
    where = str(select(JargonTerm).where(JargonTerm.removed == false()).compile(dialect=old_oracle))
    assert "removed = 0" in where, where
    chunks = str(CreateTable(Base.metadata.tables["chunks"]).compile(dialect=dialect))
    assert "CLOB" in chunks and "BLOB" in chunks
