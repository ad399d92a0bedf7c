"""What the backup tests share: a passphrase in the environment named by AZS_BACKUP_KEY, and a table-by-table
picture of a database to compare before and after a restore."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import create_engine, inspect, select

from azs_assistant.storage.models import Base

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def backup_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """AZS_BACKUP_KEY as a secret reference, the way production sets it."""
    monkeypatch.setenv("AZS_TEST_BACKUP_PASSPHRASE", PASSPHRASE)
    return "env:AZS_TEST_BACKUP_PASSPHRASE"


def picture(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the schema, in primary-key order."""
    engine = create_engine(url)
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {t.name: [tuple(row) for row in conn.execute(select(t).order_by(*t.primary_key.columns))]
                    for t in Base.metadata.sorted_tables if t.name in present}
    finally:
        engine.dispose()


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()
