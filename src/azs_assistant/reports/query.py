"""The typed report query. Questions (parsed here or filled by a language model) become this object;
only this object reaches the database, never text written by a model."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

Metric = Literal["count", "share", "mean_hours", "median_hours", "list", "oldest", "newest", "yoy", "summary"]
Group = Literal["station", "region", "category", "equipment", "severity", "year", "quarter", "month",
                "week", "weekday", "hour"]  # week: an ISO week (Monday to Sunday), labelled by its dates

NIGHT_HOURS = [23, 0, 1, 2, 3, 4, 5]  # «ночью» = 23:00–06:00 local time, unless the question says otherwise


class Filters(BaseModel):
    model_config = {"extra": "forbid"}

    stations: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    equipment: str | None = Field(default=None, max_length=200, description="substring, any case")
    severity_min: int | None = Field(default=None, ge=0, le=10)
    severity_max: int | None = Field(default=None, ge=0, le=10)
    status: Literal["open", "closed"] | None = None
    date_from: datetime | None = Field(default=None, description="inclusive")
    date_to: datetime | None = Field(default=None, description="exclusive")
    hours: list[int] = Field(default_factory=list, description="hours of the day (0–23) the incident began in")
    weekdays: list[int] = Field(default_factory=list, description="0 = Monday … 6 = Sunday")
    resolved_over_hours: float | None = Field(default=None, ge=0, description="took longer than this to resolve")

    @field_validator("date_from", "date_to")
    @classmethod
    def _wall_clock(cls, value: datetime | None) -> datetime | None:
        """A moment with a zone («2000-01-01T00:00:00Z») is read as its wall-clock time, as the incident log stores
        times (``incidents.records``): compared with the log's naive times it failed with a TypeError (a 500)."""
        return value.replace(tzinfo=None) if value is not None and value.tzinfo is not None else value

    @model_validator(mode="after")
    def _ranges(self) -> Filters:
        if any(not 0 <= h <= 23 for h in self.hours) or any(not 0 <= d <= 6 for d in self.weekdays):
            raise ValueError("hours are 0–23 and weekdays 0–6")
        if self.date_from and self.date_to and self.date_from >= self.date_to:
            raise ValueError("date_from must be before date_to")
        if self.severity_min is not None and self.severity_max is not None and self.severity_min > self.severity_max:
            raise ValueError("severity_min is above severity_max")
        return self

    def is_empty(self) -> bool:
        return self == Filters()


RANKED = ("count", "mean_hours", "median_hours")  # the metrics that ``top`` can rank groups by


class ReportQuery(BaseModel):
    model_config = {"extra": "forbid"}

    metric: Metric = "count"
    filters: Filters = Field(default_factory=Filters)
    share_of: Filters | None = Field(default=None, description="for share: the part counted within filters")
    group_by: Group | None = None
    top: int | None = Field(default=None, ge=1, le=1000, description="leaders only (ties kept in full)")
    order: Literal["desc", "asc"] = "desc"
    yoy_as: Literal["object", "change", "change_pct"] = "object"
    notes: list[str] = Field(default_factory=list, description="what was assumed, said back to the user")

    @model_validator(mode="after")
    def _consistent(self) -> ReportQuery:
        if self.metric == "share" and self.share_of is None:
            raise ValueError("share needs share_of: the part to measure")
        if self.metric == "yoy" and (self.filters.date_from is None or self.filters.date_to is None):
            raise ValueError("yoy needs a period (date_from and date_to)")
        if self.top is not None and self.group_by is None:
            raise ValueError("top needs group_by")
        if self.top is not None and self.metric not in RANKED:  # leaders of a count or a duration only
            raise ValueError(f"top ranks {', '.join(RANKED)}, not {self.metric}")
        if self.group_by is not None and self.metric not in RANKED:  # no list, share, oldest or yoy per group
            raise ValueError(f"group_by splits {', '.join(RANKED)}, not {self.metric}")
        return self
