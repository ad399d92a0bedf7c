"""Path and query parameters shared by the routers, bounded in the schema.

Integers are bounded to what the databases hold, so a number past that is refused with 422 by
validation instead of overflowing in the database driver (a 500): ids are ``Integer`` columns, 32-bit
on PostgreSQL; LIMIT and OFFSET take a 64-bit integer everywhere.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

INT32_MAX = 2**31 - 1  # the id columns (sqlalchemy Integer: int4 on PostgreSQL)
INT64_MAX = 2**63 - 1
PAGE_MAX = 1000  # rows in one page of any listing

RecordId = Annotated[int, Path(ge=1, le=INT32_MAX, description="Номер записи (целое число от 1)")]
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, description=f"Сколько строк вернуть (1–{PAGE_MAX})")]
Offset = Annotated[int, Query(ge=0, le=INT64_MAX, description="Сколько строк пропустить")]
