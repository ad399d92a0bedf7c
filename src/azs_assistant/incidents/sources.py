"""External incident sources: the company's own database, reached by a SQLAlchemy URL, read either
through a SQL query or a table whose columns are mapped onto the incident fields.

Sources are listed in a YAML file (``<data dir>/incident_sources.yaml`` or ``AZS_INCIDENT_SOURCES``)::

    sources:
      - name: company
        url: oracle+oracledb://azs_reader@db.example.kz:1521/?service_name=AZSPDB
        password: aws:prod/azs/oracle#password      # or env:NAME, file:/run/secrets/…
        table: INCIDENTS
        schema: AZS
        columns: {incident_id: INC_ID, station_id: AZS_CODE, occurred_at: OCCURRED, …}
        watermark: UPDATED_AT                       # a column that grows when a row changes

A password written into the file in plain text is refused: it must be a secret reference.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from sqlalchemy import Engine, and_, column, create_engine, or_, select, table, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.sql import Select

from azs_assistant.errors import AzsError, ConfigError
from azs_assistant.incidents.records import FIELDS
from azs_assistant.secrets import is_reference, resolve_secret


class SourceError(AzsError):
    """The external database could not be reached or read."""

    code = "source_error"
    http_status = 502
    exit_code = 69


class SourceConfig(BaseModel):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,100}$")
    url: str = Field(description="SQLAlchemy URL without a password, or a secret reference holding the URL")
    username: str | None = None
    password: str | None = Field(default=None, description="A secret reference: env:, file: or aws:")
    query: str | None = None
    table: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_$#]*$")
    schema_name: str | None = Field(default=None, alias="schema", pattern=r"^[A-Za-z_][A-Za-z0-9_$#]*$")
    columns: dict[str, str] = Field(default_factory=dict, description="incident field → source column")
    watermark: str | None = Field(default=None, description="source column that grows when a row changes")
    batch_size: int = Field(default=2000, ge=1, le=100_000)
    date_format: str | None = None
    connect_args: dict[str, Any] = Field(default_factory=dict)

    model_config = {"populate_by_name": True, "extra": "forbid"}

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown incident fields {sorted(unknown)}; known: {', '.join(FIELDS)}")
        for source_column in value.values():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$#]*", source_column):
                raise ValueError(f"column name {source_column!r} is not a plain identifier")
        return value

    @field_validator("password")
    @classmethod
    def _passwordis_reference(cls, value: str | None) -> str | None:
        if value is not None and not is_reference(value):
            raise ValueError("a password must be a secret reference (env:NAME, file:/path, aws:SECRET_ID#key), "
                             "never plain text in the config file")
        return value

    @model_validator(mode="after")
    def _one_way_to_read(self) -> SourceConfig:
        if (self.query is None) == (self.table is None):
            raise ValueError("give either 'query' or 'table'")
        if not is_reference(self.url):
            try:
                parsed = make_url(self.url)
            except Exception as exc:  # noqa: BLE001 - SQLAlchemy raises ArgumentError and others
                raise ValueError(f"not a SQLAlchemy URL: {exc}") from exc
            if parsed.password:
                raise ValueError("the URL holds a password: move it to 'password' as a secret reference")
        return self

    def column_for(self, name: str) -> str:
        return self.columns.get(name, name)

    def connection_url(self) -> URL:
        url = make_url(resolve_secret(self.url) or "")
        if self.username:
            url = url.set(username=resolve_secret(self.username))
        if self.password:
            url = url.set(password=resolve_secret(self.password))
        return url

    def engine(self) -> Engine:
        return create_engine(self.connection_url(), connect_args=self.connect_args, pool_pre_ping=True)

    def select(self, after: tuple[Any, Any] | None = None) -> Select[Any]:
        """The rows to copy, ordered by (watermark, key), after a (watermark, key) position."""
        src: Any
        needed = {self.column_for(name) for name in FIELDS}
        if self.watermark:
            needed.add(self.watermark)
        if self.table:
            src = table(self.table, *[column(c) for c in sorted(needed)], schema=self.schema_name)
        else:
            src = text(self.query or "").columns(*[column(c) for c in sorted(needed)]).subquery("src")
        cols = src.c
        key = cols[self.column_for("incident_id")]
        statement = select(*[cols[self.column_for(name)].label(name) for name in FIELDS])
        if self.watermark:
            mark = cols[self.watermark]
            statement = statement.add_columns(mark.label("_watermark")).order_by(mark, key)
            if after is not None:
                statement = statement.where(or_(mark > after[0], and_(mark == after[0], key > after[1])))
        else:
            statement = statement.order_by(key)
        return statement


def load_sources(path: Path) -> dict[str, SourceConfig]:
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"Файл источников {path} не читается как YAML: {exc}.", f"Bad YAML in {path}: {exc}") from exc
    sources: dict[str, SourceConfig] = {}
    for i, item in enumerate(data.get("sources") or []):
        try:
            source = SourceConfig.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'source'}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"Источник №{i + 1} в {path} задан с ошибкой: {problems}.",
                              f"Source #{i + 1} in {path} is invalid: {problems}") from exc
        if source.name in sources:
            raise ConfigError(f"Источник «{source.name}» описан в {path} дважды.", f"Duplicate source {source.name}")
        sources[source.name] = source
    return sources


def encode_mark(value: Any) -> str | None:
    """A watermark or key value as tagged text, so its type survives the round trip."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return "dt:" + value.isoformat()
    if isinstance(value, date):
        return "d:" + value.isoformat()
    if isinstance(value, bool | int):
        return f"int:{int(value)}"
    if isinstance(value, float | Decimal):
        return f"num:{value}"
    return "str:" + str(value)


def decode_mark(value: str | None) -> Any:
    if value is None:
        return None
    tag, _, rest = value.partition(":")
    if tag == "dt":
        return datetime.fromisoformat(rest)
    if tag == "d":
        return date.fromisoformat(rest)
    if tag == "int":
        return int(rest)
    if tag == "num":
        return Decimal(rest)
    return rest
