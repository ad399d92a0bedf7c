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
    message: str = Field(description="In the language Accept-Language asks for (ru, kk or en); Russian by default")
    message_kk: str = Field(description="The message in Kazakh")
    message_en: str = Field(description="The message in English")
    details: dict = Field(default_factory=dict)


class ErrorResponse(BaseModel):
    error: ErrorBody
