"""Shared fixtures: settings in a temporary data dir, services on SQLite or the real PostgreSQL,
and a demo knowledge base ingested once per session (real parsers, real embedding model)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from azs_assistant.services import Services
from azs_assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEMO_KB = ROOT / "demo" / "knowledge_base"
PG_URL = os.environ.get("AZS_TEST_POSTGRES_URL", "").strip()


def make_settings(tmp: Path, **overrides) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(data_dir=tmp, **overrides)


def _pg_schema_url() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards (tests stay independent)."""
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is required in CI: AZS_TEST_POSTGRES_URL is empty (see scripts/services.sh)")
        pytest.skip("no PostgreSQL server (set AZS_TEST_POSTGRES_URL)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"create schema {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"drop schema {schema} cascade"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_url(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Every storage test runs on SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'azs.db'}"
    else:
        yield from _pg_schema_url()


@pytest.fixture
def services(tmp_path, backend_url) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    svc = Services(make_settings(tmp_path, database_url=backend_url))
    yield svc
    svc.close()


@pytest.fixture
def sqlite_services(tmp_path) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    svc = Services(make_settings(tmp_path))
    yield svc
    svc.close()


def lexical_base(tmp_path_factory: pytest.TempPathFactory, label: str,
                 files: dict[str, bytes | str]) -> Iterator[Services]:
    """Services on a fresh lexical index (no dense model) holding only ``files`` (source name → content), each
    stored as added: the body of a module fixture over a small knowledge base written for its tests."""
    svc = Services(make_settings(Path(tmp_path_factory.mktemp(label)), embeddings="none"))
    for source, data in files.items():
        result = svc.ingestor.ingest_bytes(data.encode() if isinstance(data, str) else data, source)
        assert result.status == "added", (source, result.message)
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def demo_services(tmp_path_factory) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    """The demo knowledge base, ingested once: for read-only tests of search and answers."""
    svc = Services(make_settings(tmp_path_factory.mktemp("demo")))
    results = svc.ingestor.ingest_paths([DEMO_KB])
    assert all(r.status == "added" for r in results), [(r.source, r.message) for r in results]
    yield svc
    svc.close()


def authorize(client, svc: Services, roles=("admin",), stations=("*",), regions=(), department=None) -> str:  # type: ignore[no-untyped-def]
    """Give the test client an API key of a principal with these roles and scope (the real key path)."""
    from tests.factories import api_key

    return api_key(client, svc, *roles, stations=stations, regions=regions, department=department)
