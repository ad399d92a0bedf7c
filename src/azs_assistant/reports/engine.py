"""Executing a ``ReportQuery`` as parameterised SQL (SQLAlchemy Core) on whichever backend holds the
incidents. Calendar groupings use the columns derived when rows were stored, so SQLite, PostgreSQL
and Oracle group identically."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import Connection

from azs_assistant.reports.query import Filters, ReportQuery
from azs_assistant.storage.models import Incident

T = Incident.__table__
WEEKDAYS = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]
PLURAL = {"station": "stations", "region": "regions", "category": "categories", "equipment": "equipment",
          "severity": "severities", "year": "years", "quarter": "quarters", "month": "months", "week": "weeks",
          "weekday": "weekdays", "hour": "hours"}
LIST_LIMIT = 1000
DETAIL = ["incident_id", "station_id", "region", "occurred_at", "category", "equipment", "severity",
          "resolved_at", "resolution_hours", "description", "actions_taken"]


@dataclass
class ReportResult:
    query: ReportQuery
    answer: Any
    table: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    total: int | None = None  # incidents the filters matched, where that helps the reader
    naming: Naming | None = None  # set by the report service: what the texts and files call things


@dataclass(frozen=True)
class Naming:
    """What a report's sentence and files need besides its numbers: the categories' names in each
    language of the UI and the dates the incident log spans (for «весь журнал» and a comparison with a
    year the log does not reach)."""

    categories: dict[str, dict[str, str]] = field(default_factory=dict)  # code → {lang: name}
    first: date | None = None  # the day of the log's first incident
    last: date | None = None

    def category(self, code: str, lang: str) -> str:
        names = self.categories.get(code) or {}
        return names.get(lang) or names.get("ru") or code

    def categories_in(self, lang: str) -> dict[str, str]:
        return {code: self.category(code, lang) for code in self.categories}


def conditions(f: Filters) -> list[ColumnElement[bool]]:
    c = T.c
    where: list[ColumnElement[bool]] = []
    if f.stations:
        where.append(c.station_id.in_(f.stations))
    if f.regions:
        where.append(c.region.in_(f.regions))
    if f.categories:
        where.append(c.category.in_(f.categories))
    if f.equipment:
        where.append(func.lower(c.equipment).contains(f.equipment.lower(), autoescape=True))
    if f.severity_min is not None:
        where.append(c.severity >= f.severity_min)
    if f.severity_max is not None:
        where.append(c.severity <= f.severity_max)
    if f.status == "open":
        where.append(c.is_open == 1)
    elif f.status == "closed":
        where.append(c.is_open == 0)
    if f.date_from is not None:
        where.append(c.occurred_at >= f.date_from)
    if f.date_to is not None:
        where.append(c.occurred_at < f.date_to)
    if f.hours:
        where.append(c.hour.in_(sorted(set(f.hours))))
    if f.weekdays:
        where.append(c.weekday.in_(sorted(set(f.weekdays))))
    if f.resolved_over_hours is not None:
        where.append(c.resolution_hours > f.resolved_over_hours)
    return where


def _how_many(conn: Connection, where: list[ColumnElement[bool]]) -> int:
    return int(conn.execute(select(func.count()).select_from(T).where(*where)).scalar_one())


def _group_columns(group: str) -> list[Any]:
    c = T.c
    return {"station": [c.station_id], "region": [c.region], "category": [c.category], "equipment": [c.equipment],
            "severity": [c.severity], "year": [c.year], "quarter": [c.year, c.quarter],
            "month": [c.year, c.month], "weekday": [c.weekday], "hour": [c.hour]}[group]


def week_of(moment: datetime) -> tuple[int, int]:
    """The ISO week a moment falls in: (ISO year, week number); the week runs Monday to Sunday."""
    iso = moment.isocalendar()
    return iso[0], iso[1]


def week_label(year: int, week: int) -> str:
    """«2026-W05 (26.01–01.02)»: sortable, and the dates say which days the week holds."""
    monday = date.fromisocalendar(year, week, 1)
    sunday = monday + timedelta(days=6)
    return f"{year}-W{week:02d} ({monday:%d.%m}–{sunday:%d.%m})"


def group_label(group: str, values: tuple[Any, ...]) -> Any:
    if group == "week":
        return week_label(values[0], values[1])
    if group == "quarter":
        return f"{values[0]}-Q{values[1]}"
    if group == "month":
        return f"{values[0]}-{values[1]:02d}"
    if group == "weekday":
        return WEEKDAYS[values[0]]
    return values[0]


def group_key(label: Any) -> str:
    """A group's key in a grouped answer: its label; a group without one (no region, no station) is ""."""
    return "" if label is None else str(label)


def _order_key(group: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple("" if v is None else v for v in values)


def round1(value: float) -> float:
    """Half away from zero, to 0.1: what a reader of «1,85 → 1,9» expects (Python's round is banker's)."""
    from decimal import ROUND_HALF_UP, Decimal

    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


class ReportEngine:
    def __init__(self, connection_factory: Any) -> None:
        self._connect = connection_factory  # a callable returning a context-managed Connection

    def run(self, q: ReportQuery) -> ReportResult:
        with self._connect() as conn:
            handler = getattr(self, f"_{q.metric}")
            return handler(conn, q)

    # -- metrics ------------------------------------------------------------------------------
    def _count(self, conn: Connection, q: ReportQuery) -> ReportResult:
        where = conditions(q.filters)
        if q.group_by is None:
            n = _how_many(conn, where)
            return ReportResult(q, n, [{"count": n}], ["count"], n)
        if q.group_by == "week":  # no stored column: ISO weeks are counted here, the same on every backend
            weeks: dict[tuple[Any, ...], int] = {}
            for moment in conn.execute(select(T.c.occurred_at).where(*where)).scalars():
                weeks[week_of(moment)] = weeks.get(week_of(moment), 0) + 1
            counted = list(weeks.items())
            return self._grouped(q, counted, sum(weeks.values()))
        cols = _group_columns(q.group_by)
        rows = conn.execute(select(*cols, func.count().label("n")).where(*where).group_by(*cols)).all()
        counted = [(tuple(r[:-1]), int(r[-1])) for r in rows]
        total = sum(n for _, n in counted)
        return self._grouped(q, counted, total)

    def rank(self, q: ReportQuery, counted: list[tuple[tuple[Any, ...], Any]], total: int | None) -> ReportResult:
        """Counts per group (keys as the database gives them) ranked, or tabled, as ``q`` asks."""
        return self._grouped(q, counted, total)

    def _grouped(self, q: ReportQuery, counted: list[tuple[tuple[Any, ...], Any]], total: int | None,
                 value_name: str = "count") -> ReportResult:
        group = q.group_by
        assert group is not None
        if q.top is None:
            counted.sort(key=lambda kv: _order_key(group, kv[0]))
            table = [{group: group_label(group, k), value_name: v} for k, v in counted]
            by_group = {group_key(row[group]): row[value_name] for row in table}
            return ReportResult(q, by_group, table, [group, value_name], total)
        reverse = q.order == "desc"
        counted = [kv for kv in counted if kv[1] is not None and kv[0][0] is not None]
        counted.sort(key=lambda kv: _order_key(group, kv[0]))
        counted.sort(key=lambda kv: kv[1], reverse=reverse)
        if not counted:
            return ReportResult(q, None, [], [group, value_name], total)
        cutoff = counted[min(q.top, len(counted)) - 1][1]
        leaders = [kv for kv in counted if (kv[1] >= cutoff if reverse else kv[1] <= cutoff)]
        table = [{group: group_label(group, k), value_name: v} for k, v in leaders]
        if q.top == 1:
            answer: Any = {PLURAL[group]: [row[group] for row in table], value_name: cutoff}
        else:
            answer = [[row[group], row[value_name]] for row in table]
        return ReportResult(q, answer, table, [group, value_name], total)

    def _share(self, conn: Connection, q: ReportQuery) -> ReportResult:
        assert q.share_of is not None
        where = conditions(q.filters)
        part_where = where + conditions(q.share_of)
        total = _how_many(conn, where)
        part = _how_many(conn, part_where)
        share = round1(100.0 * part / total) if total else None
        table = [{"part": part, "total": total, "share_pct": share}]
        return ReportResult(q, share, table, ["part", "total", "share_pct"], total)

    def _durations(self, conn: Connection, q: ReportQuery, reduce: Any) -> ReportResult:
        where = conditions(q.filters) + [T.c.resolution_hours.isnot(None)]
        if q.group_by is None:
            values = list(conn.execute(select(T.c.resolution_hours).where(*where)).scalars())
            value = round1(reduce(values)) if values else None
            return ReportResult(q, value, [{"hours": value, "incidents": len(values)}], ["hours", "incidents"],
                                len(values))
        groups: dict[tuple[Any, ...], list[float]] = {}
        if q.group_by == "week":
            for moment, hours in conn.execute(select(T.c.occurred_at, T.c.resolution_hours).where(*where)):
                groups.setdefault(week_of(moment), []).append(hours)
        else:
            cols = _group_columns(q.group_by)
            for row in conn.execute(select(*cols, T.c.resolution_hours).where(*where)):
                groups.setdefault(tuple(row[:-1]), []).append(row[-1])
        counted = [(k, round1(reduce(v))) for k, v in groups.items()]
        return self._grouped(q, counted, sum(len(v) for v in groups.values()), "hours")

    def _mean_hours(self, conn: Connection, q: ReportQuery) -> ReportResult:
        return self._durations(conn, q, statistics.fmean)

    def _median_hours(self, conn: Connection, q: ReportQuery) -> ReportResult:
        return self._durations(conn, q, statistics.median)

    def _rows(self, conn: Connection, where: list[Any], order: list[Any], limit: int,
              offset: int = 0) -> list[dict[str, Any]]:
        cols = [T.c[name] for name in DETAIL]
        result = conn.execute(select(*cols).where(*where).order_by(*order, T.c.incident_id).limit(limit).offset(offset))
        rows = []
        for r in result:
            row = dict(r._mapping)
            if row["resolution_hours"] is not None:
                row["resolution_hours"] = round1(row["resolution_hours"])
            rows.append(row)
        return rows

    def _list(self, conn: Connection, q: ReportQuery) -> ReportResult:
        where = conditions(q.filters)
        total = _how_many(conn, where)
        rows = self._rows(conn, where, [T.c.occurred_at, T.c.incident_id], LIST_LIMIT)
        return ReportResult(q, [r["incident_id"] for r in rows], rows, DETAIL, total)

    def _first(self, conn: Connection, q: ReportQuery, newest: bool) -> ReportResult:
        where = conditions(q.filters)
        extreme = (func.max if newest else func.min)(T.c.occurred_at)
        moment = conn.execute(select(extreme).where(*where)).scalar_one()
        if moment is None:
            return ReportResult(q, None, [], DETAIL, 0)
        rows = self._rows(conn, where + [T.c.occurred_at == moment], [T.c.incident_id], LIST_LIMIT)
        picked = [{"incident_id": r["incident_id"], "station_id": r["station_id"]} for r in rows]
        return ReportResult(q, picked[0] if len(picked) == 1 else picked, rows, DETAIL, len(rows))

    def _oldest(self, conn: Connection, q: ReportQuery) -> ReportResult:
        return self._first(conn, q, newest=False)

    def _newest(self, conn: Connection, q: ReportQuery) -> ReportResult:
        return self._first(conn, q, newest=True)

    def _yoy(self, conn: Connection, q: ReportQuery) -> ReportResult:
        f = q.filters
        assert f.date_from is not None and f.date_to is not None
        before = f.model_copy(update={"date_from": f.date_from - relativedelta(years=1),
                                      "date_to": f.date_to - relativedelta(years=1)})
        current = _how_many(conn, conditions(f))
        previous = _how_many(conn, conditions(before))
        change = current - previous
        pct = round1(100.0 * change / previous) if previous else None
        obj = {"current": current, "previous": previous, "change": change, "change_pct": pct}
        answer = obj if q.yoy_as == "object" else obj[q.yoy_as]
        table = [{"period": _period_label(f.date_from, f.date_to), "count": current},
                 {"period": _period_label(before.date_from, before.date_to), "count": previous}]
        return ReportResult(q, answer, table, ["period", "count"], current)

    def _summary(self, conn: Connection, q: ReportQuery) -> ReportResult:
        where = conditions(q.filters)
        by_category = conn.execute(select(T.c.category, func.count(), func.sum(T.c.is_open))
                                   .where(*where).group_by(T.c.category).order_by(func.count().desc(),
                                                                                  T.c.category)).all()
        total = sum(n for _, n, _ in by_category)
        still_open = sum(int(o or 0) for _, _, o in by_category)
        hours = [h for h in conn.execute(select(T.c.resolution_hours).where(*where, T.c.resolution_hours.isnot(None)))
                 .scalars()]
        table = [{"category": cat, "count": n, "open": int(o or 0)} for cat, n, o in by_category]
        answer = {"total": total, "open": still_open,
                  "mean_resolution_hours": round1(statistics.fmean(hours)) if hours else None,
                  "by_category": {row["category"]: row["count"] for row in table}}
        return ReportResult(q, answer, table, ["category", "count", "open"], total)

    def incidents(self, q: ReportQuery, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        """The incidents behind a report (for «show me» and the summary's detail table), a page at a time."""
        with self._connect() as conn:
            return self._rows(conn, conditions(q.filters), [T.c.occurred_at.desc()], limit, offset)


def _period_label(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return "весь период"
    last = end - relativedelta(days=1)
    return f"{start:%d.%m.%Y}–{last:%d.%m.%Y}"

