"""The shapes both front ends answer with: the one error body, and times as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field


def as_utc(value: datetime) -> datetime:
    """An aware UTC time: SQLite gives back the stored UTC times without their zone, PostgreSQL in the
    session's zone; OpenAPI's ``date-time`` needs the offset."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso_utc(value: datetime | None) -> str | None:
    """``as_utc`` as an ISO 8601 string, for the responses built as plain dicts."""
    return as_utc(value).isoformat() if value is not None else None


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict = Field(default_factory=dict)


class ErrorResponse(BaseModel):
    error: ErrorBody
