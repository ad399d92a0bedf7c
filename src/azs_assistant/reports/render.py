"""A report as a sentence (ru, kk or en; the texts are in ``reports/i18n``), the conditions it was made
under, a chart (PNG or SVG) and files (CSV, XLSX, PDF) in the language of the answer on screen.

Every answer and every file states its conditions: the period (the whole log with its dates when none was
asked) and every filter, whether the question said it or the page picked it. A category is shown by its
name in the reader's language everywhere (sentence, table, chart, files), never by its code.

The CSV stays a plain table (one header row, then the rows) so that tools and scripts read it as they
read any CSV; the question, the period and the filters are in the other files and in the file's name
(``report-by-region-2025-01-01_2025-12-31.csv``, see ``file_name``). It is written the way the reader's
Excel opens it by a double click: in Russian and Kazakh the columns are separated by «;» and decimals have a
comma (what Excel expects under those regional settings: with «,» a Russian Excel showed the whole table in
one column); in English, «,» and a decimal point. The JSON file is the one for programs."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from azs_assistant.errors import InvalidInput
from azs_assistant.exporters import Exporters
from azs_assistant.i18n import catalogue
from azs_assistant.reports.engine import PLURAL, ReportResult, round1
from azs_assistant.reports.query import Filters

TEXTS = "azs_assistant.reports"  # reports/i18n/{ru,kk,en}.yaml: every text of a report said back
GROUPS = ("station", "region", "category", "equipment", "severity", "year", "quarter", "month", "week", "weekday",
          "hour")
PERIOD_NOTE = "период: "  # the parser's note of the period: the conditions line says the period instead
SCOPE_LIST = 6  # stations or regions named in the conditions before «… ещё N»
WHOLE_LIST = 200  # groups a file's heading names before «… ещё N» (its table, like the page's, has them all)


def phrases(lang: str) -> dict[str, str]:
    """A report's texts in a language (Russian for an unknown one)."""
    return catalogue(TEXTS, lang)


def column_names(lang: str = "ru") -> dict[str, str]:
    """Table headers: a group's column is named as the group."""
    p = phrases(lang)
    return {**{g: p[f"group_{g}"] for g in GROUPS},
            **{k.removeprefix("col_"): v for k, v in p.items() if k.startswith("col_")}}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def num(value: Any, lang: str = "ru") -> str:
    """A number as the reader writes it: a decimal comma in Russian and Kazakh, a point in English."""
    if isinstance(value, float):
        return f"{value:.1f}" if lang == "en" else f"{value:.1f}".replace(".", ",")
    return str(value)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _group_word(group: str, lang: str, by: bool = False) -> str:
    return phrases(lang)[f"{'by' if by else 'group'}_{group}"]


def _note(note: str, lang: str) -> str:
    """A parser's note (Russian) in the page's language: its fixed fragments replaced, dates and words kept."""
    if lang == "ru":
        return note
    ru, other = phrases("ru"), phrases(lang)
    for key in (k for k in ru if k.startswith("note_")):
        note = note.replace(ru[key], other[key])
    return note


def group_text(label: Any, group: str | None, names: dict[str, str], lang: str = "ru") -> Any:
    """A group as a reader reads it (sentence, table, chart, files): a category by its name, a month as «январь
    2026» (the data and the JSON keep the sortable «2026-01»), a group without a label as «не указано»."""
    if group is None:
        return label
    if label is None:
        return phrases(lang)["unnamed"]
    if group == "category":
        return names.get(str(label), label)
    months = phrases(lang)["month_names"].split()
    if group == "month" and (m := re.fullmatch(r"(\d{4})-(\d{2})", str(label))) and 1 <= int(m.group(2)) <= len(months):
        return f"{months[int(m.group(2)) - 1]} {m.group(1)}"
    return label


def cell_text(column: str, value: Any, names: dict[str, str], lang: str = "ru", group_by: str | None = None) -> Any:
    """A table cell as the page shows it: a category by its name, a month as «январь 2026», a number as the reader
    writes it, a moment as «05.10.2026 14:30»; a missing value is «не указано» in the column the report is grouped
    by (a group of incidents without a region) and nothing elsewhere (a list's incident without one)."""
    if value is None:
        return group_text(None, column, names, lang) if column == group_by else ""
    if column in GROUPS:
        return group_text(value, column, names, lang)
    if isinstance(value, float):
        return num(value, lang)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    return value


def describe(result: ReportResult, category_names: dict[str, str] | None = None, lang: str = "ru",
             whole: bool = False) -> str:
    """The answer as one or two sentences (Russian, Kazakh or English), with the assumptions said back. On a page
    a long ranking stops at twelve («… ещё 3»); ``whole`` (a file's heading) names up to ``WHOLE_LIST``."""
    p = phrases(lang)
    q, a, rows = result.query, result.answer, result.table
    metric, group = q.metric, q.group_by
    names = category_names or _names(result, lang)

    def pairs(key: str, value: str, limit: int = WHOLE_LIST if whole else 12) -> str:
        shown = [f"{group_text(r[key], key, names, lang)} — {num(r[value], lang)}" for r in rows[:limit]]
        if len(rows) > limit:
            shown.append(p["more"].format(n=len(rows) - limit))
        return "; ".join(shown)

    if metric == "yoy" and len(rows) > 1 and rows[1]["count"] is None:  # the year before lies wholly before the log
        log_start = result.naming.first if result.naming else None
        text = p["yoy_no_data"].format(cur_period=rows[0]["period"], cur=rows[0]["count"],
                                       prev_period=rows[1]["period"], first=_day(log_start) if log_start else "—")
    elif a is None or (isinstance(a, list) and not a and metric != "list"):
        text = p["none"]
    elif metric == "count" and group is None:
        text = p["count"].format(n=a)
    elif group is not None and q.top is not None:
        value = "count" if metric == "count" else "hours"
        unit = "" if metric == "count" else p["hours"]
        what = p[f"w_{metric}"]
        if q.top == 1:
            leaders = ", ".join(str(group_text(x, group, names, lang)) for x in a[PLURAL[group]])
            tie = p["tie"] if len(a[PLURAL[group]]) > 1 else ""
            text = p["leader"].format(group=_capital(_group_word(group, lang)), what=what, leaders=leaders, tie=tie,
                                      extreme=p["least"] if q.order == "asc" else p["most"], value=num(a[value], lang),
                                      unit=unit)
        else:
            text = p["top"].format(group=_capital(_group_word(group, lang)), top=q.top, what=what,
                                   pairs=pairs(group, value), unit=unit) + _ties(rows, q.top, value, unit, p, lang)
    elif group is not None:
        value = "count" if metric == "count" else "hours"
        text = _capital(p["by"].format(by=_group_word(group, lang, by=True), pairs=pairs(group, value)))
    elif metric == "share":
        text = p["share"].format(share=num(a, lang), part=rows[0]["part"], total=rows[0]["total"])
    elif metric in ("mean_hours", "median_hours"):
        text = p["mean" if metric == "mean_hours" else "median"].format(value=num(a, lang), n=rows[0]["incidents"])
    elif metric == "list":
        shown = ", ".join(a[:30]) + (p["in_total"].format(n=result.total) if (result.total or 0) > 30 else "")
        text = p["list"].format(total=result.total, shown=shown) if a else p["list_none"]
    elif metric in ("oldest", "newest"):
        first = rows[0]
        text = p[metric].format(id=first["incident_id"], station=first["station_id"],
                                at=f"{first['occurred_at']:%d.%m.%Y %H:%M}")
        if len(rows) > 1:
            text += p["same_moment"].format(ids=", ".join(r["incident_id"] for r in rows[1:]))
    elif metric == "yoy":
        cur, prev = rows[0], rows[1]
        change = cur["count"] - prev["count"]
        share = num(round1(100 * change / prev["count"]), lang) if prev["count"] else ""
        pct = f" ({'+' if change >= 0 else ''}{share} %)" if prev["count"] else ""
        text = p["yoy"].format(cur_period=cur["period"], cur=cur["count"], prev_period=prev["period"],
                               prev=prev["count"], change=f"{'+' if change >= 0 else ''}{change}", pct=pct)
        log_start = result.naming.first if result.naming else None
        if log_start and q.filters.date_from and q.filters.date_from - relativedelta(years=1) < datetime(
                log_start.year, log_start.month, log_start.day):  # a year the log reaches only in part
            text += p["yoy_partial"].format(first=_day(log_start))
    elif metric == "summary":
        cats = "; ".join(f"{names.get(r['category'], r['category'])} — {r['count']}" for r in rows[:10])
        mean = a.get("mean_resolution_hours")
        text = (p["summary"].format(total=a["total"], open=a["open"])
                + (p["summary_mean"].format(mean=num(mean, lang)) if mean is not None else "") + "."
                + (p["summary_by"].format(cats=cats) if cats else ""))
    else:
        text = json.dumps(a, ensure_ascii=False, default=str)
    notes = [n for n in q.notes if not n.startswith(PERIOD_NOTE)]  # the conditions line says the period
    if notes:
        text += " (" + "; ".join(_note(n, lang) for n in notes) + ")"
    return text


def _ties(rows: list[dict[str, Any]], top: int, value: str, unit: str, p: dict[str, str],
          lang: str = "ru") -> str:
    """A «топ-5» that lists more than five says why: the last places hold the same value. All of them are
    listed (a manager should not learn from the order of names which of equals was cut), and the sentence
    says how many there are and which places they share."""
    if len(rows) <= top:
        return ""
    cutoff = rows[-1][value]
    tied = sum(1 for r in rows if r[value] == cutoff)
    return p["top_ties"].format(shown=len(rows), top=top, first=len(rows) - tied + 1, last=len(rows),
                                value=f"{num(cutoff, lang)}{unit}")


def _names(result: ReportResult, lang: str) -> dict[str, str]:
    """The categories' names in ``lang`` as the report service gave them (none: codes stay)."""
    return result.naming.categories_in(lang) if result.naming else {}


def _day(moment: datetime | date) -> str:
    return f"{moment:%d.%m.%Y}"


def _period(f: Filters, result: ReportResult, p: dict[str, str]) -> str:
    """The period as the conditions line says it: its days (``date_to`` is exclusive), or the whole log; and,
    where the log starts after the period or inside it, when it starts: «в 2024 году: 0» read as a calm year."""
    said = _asked_period(f, result, p)
    first = result.naming.first if result.naming else None
    if said is None or first is None:
        return said or ""
    start = datetime.combine(first, datetime.min.time())
    if f.date_to is not None and f.date_to <= start:
        return f"{said} ({p['scope_before_log'].format(first=_day(first))})"
    if f.date_from is not None and f.date_from < start:
        return f"{said} ({p['scope_log_starts'].format(first=_day(first))})"
    return said


def _asked_period(f: Filters, result: ReportResult, p: dict[str, str]) -> str | None:
    if f.date_from is not None and f.date_to is not None:
        return f"{_day(f.date_from)}–{_day(f.date_to - timedelta(days=1))}"
    if f.date_from is not None:
        return p["scope_from"].format(day=_day(f.date_from))
    if f.date_to is not None:
        return p["scope_until"].format(day=_day(f.date_to - timedelta(days=1)))
    naming = result.naming
    if naming and naming.first and naming.last:
        return p["scope_all_time"].format(span=f"{_day(naming.first)}–{_day(naming.last)}")
    return None if naming and naming.first else p["scope_all_time_empty"]


def _listed(items: list[str], p: dict[str, str]) -> str:
    shown = ", ".join(items[:SCOPE_LIST])
    return shown + (" " + p["more"].format(n=len(items) - SCOPE_LIST) if len(items) > SCOPE_LIST else "")


def _hours_said(hours: list[int]) -> str:
    """[23, 0, 1, …, 5] → «23:00–06:00»; hours that are not one run are listed."""
    wanted = sorted(set(hours))
    starts = [h for h in wanted if (h - 1) % 24 not in wanted]
    if len(starts) == 1 and len(wanted) < 24:
        start, length = starts[0], len(wanted)
        return f"{start:02d}:00–{(start + length) % 24:02d}:00"
    return ", ".join(f"{h:02d}:00" for h in wanted)


def _filters_said(f: Filters, names: dict[str, str], p: dict[str, str], lang: str = "ru") -> list[str]:
    """Every filter but the period, as «label: value» in the reader's language."""
    parts = []
    if f.stations:
        parts.append(f"{p['scope_station']}: {_listed(f.stations, p)}")
    if f.regions:
        parts.append(f"{p['scope_region']}: {_listed(f.regions, p)}")
    if f.categories:
        parts.append(f"{p['scope_category']}: {_listed([names.get(c, c) for c in f.categories], p)}")
    if f.equipment:
        parts.append(f"{p['scope_equipment']}: «{f.equipment}»")
    if f.severity_min is not None or f.severity_max is not None:
        low, high = f.severity_min, f.severity_max
        said = (str(low) if low == high else f"{low}–{high}" if low is not None and high is not None
                else f"≥ {low}" if low is not None else f"≤ {high}")
        parts.append(f"{p['scope_severity']}: {said}")
    if f.status:
        parts.append(f"{p['scope_status']}: {p['scope_' + f.status]}")
    if f.hours:
        parts.append(f"{p['scope_hours']}: {_hours_said(f.hours)}")
    if f.weekdays:
        days = [d.strip() for d in p["weekday_names"].split(",")]
        parts.append(f"{p['scope_weekdays']}: {', '.join(days[d] for d in sorted(set(f.weekdays)))}")
    if f.resolved_over_hours is not None:
        parts.append(p["scope_slower"].format(n=num(f.resolved_over_hours, lang).removesuffix(",0").removesuffix(".0")))
    return parts


def conditions(result: ReportResult, lang: str = "ru", category_names: dict[str, str] | None = None) -> str:
    """The conditions a report was made under, in one sentence: «Условия — период: 01.01.2025–31.12.2025;
    регион: Алматы; категория: отказы оборудования.» The period is always said (the whole log, with its
    dates, when none was asked); so is every filter, from the question or from the page."""
    p = phrases(lang)
    q = result.query
    names = category_names or _names(result, lang)
    parts = [f"{p['scope_period']}: {_period(q.filters, result, p)}", *_filters_said(q.filters, names, p, lang)]
    if q.share_of is not None and (part := _filters_said(q.share_of, names, p, lang)):
        parts.append(f"{p['scope_part']}: {', '.join(part)}")
    return p["scope"].format(parts="; ".join(parts))


def _chartable(result: ReportResult, names: dict[str, str] | None = None,
               lang: str = "ru") -> tuple[list[str], list[float], str] | None:
    """The chart's labels (as the reader reads them: ``group_text``), values and what the values are."""
    q, rows = result.query, result.table
    if q.group_by and rows:
        value = "count" if q.metric == "count" else "hours"
        group, values = q.group_by, [float(r[value] or 0) for r in rows]
    elif q.metric == "yoy" and rows:
        group, value, values = None, "count", [float(r["count"]) for r in rows]
    elif q.metric == "summary" and rows:
        group, value, values = "category", "count", [float(r["count"]) for r in rows]
    else:
        return None
    key = group or "period"
    return [str(group_text(r[key], group, names or {}, lang)) for r in rows], values, value


def has_chart(result: ReportResult) -> bool:
    """Whether a picture adds anything (a grouped result, a comparison), without drawing it."""
    return _chartable(result) is not None


PAGE_BARS = 60  # the most bars the page draws across (about 1,500 px tall)


def chart_for_page(result: ReportResult, names: dict[str, str] | None = None, label: str = "",
                   lang: str = "ru") -> str | None:
    """The chart as inline SVG for the reports page: each bar or point carries a <title> with its
    label and value, so the browser shows the value on hover (and a screen reader reads it). The
    page's CSP allows no inline styles, so the <style> block is dropped and every ``style="…"``
    becomes the SVG presentation attributes it stands for."""
    data = _chartable(result, names or _names(result, lang), lang)
    if data is None or len(data[0]) > PAGE_BARS:
        return None  # hundreds of stations or weeks: a chart metres tall says less than the table under it
    picture = chart(result, "svg", "", names, lang, page=True)
    if picture is None:
        return None
    svg = picture.decode("utf-8")
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = re.sub(r'\sstyle="([^"]*)"', _presentation, svg)
    svg = re.sub(r'\s(width|height)="[^"]*pt"', "", svg, count=2)  # scale with the page (viewBox stays)
    labels, values, _ = data
    for i, (shown, value) in enumerate(zip(labels, values, strict=True)):
        hint = f"<title>{_xml(shown)}: {num(value, lang) if value % 1 else int(value)}</title>"
        svg = svg.replace(f'<g id="bar-{i}">', f'<g id="bar-{i}" class="bar">{hint}', 1)
    return svg.replace("<svg ", f'<svg role="img" class="chart bars" aria-label="{_xml(label)}" ', 1)


def _presentation(style: Any) -> str:
    """``style="fill: #1f6f8b; stroke-width: 0.8"`` → `` fill="#1f6f8b" stroke-width="0.8"``."""
    pairs = (part.split(":", 1) for part in style.group(1).split(";") if ":" in part)
    return "".join(f' {k.strip()}="{v.strip()}"' for k, v in pairs)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chart(result: ReportResult, fmt: str = "png", title: str = "", names: dict[str, str] | None = None,
          lang: str = "ru", page: bool = False) -> bytes | None:
    """A bar chart of a grouped result (a line for months), or None when a picture adds nothing. For the page
    (``page``) the bars lie across, months too, each with its value written at its end, in a picture as wide as a
    phone: upright bars or a line in a picture 12 inches wide, shrunk to a phone's width, had letters a few pixels
    high."""
    data = _chartable(result, names or _names(result, lang), lang)
    if data is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels, values, value = data
    if page:  # months too: a line of twelve months on a phone had labels 4 px high and no values
        return _bars_across(labels, values, value, fmt, lang)
    line = result.query.group_by in ("month", "week") and result.query.top is None and len(labels) > 2
    fig, ax = plt.subplots(figsize=(max(5.0, min(12.0, 0.5 * len(labels) + 3)), 3.6), dpi=110)
    try:
        if line:
            ax.plot(labels, values, marker="o", color="#1f6f8b")
            for i, (x, y) in enumerate(zip(labels, values, strict=True)):  # invisible points that carry the value
                point, = ax.plot([x], [y], marker="o", markersize=9, alpha=0)
                point.set_gid(f"bar-{i}")
        else:
            for i, bar in enumerate(ax.bar(labels, values, color="#1f6f8b")):
                bar.set_gid(f"bar-{i}")  # the SVG keeps the id: a title with the value goes there
        ax.set_ylabel(phrases(lang)["axis_count" if value == "count" else "axis_hours"])
        if value == "count":
            from matplotlib.ticker import MaxNLocator

            ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no «1,75 инцидента»
        if title:
            import textwrap

            ax.set_title(textwrap.fill(title[:160], 80), fontsize=9)
        ax.tick_params(axis="x", labelrotation=45 if len(labels) > 6 else 0, labelsize=8)
        ax.grid(axis="y", alpha=0.3)
        return _drawn(fig, fmt)
    finally:
        plt.close(fig)


def _bars_across(labels: list[str], values: list[float], value: str, fmt: str, lang: str) -> bytes:
    """Bars across, first row on top, each value at its bar's end; about 430 px wide at its own size, so a phone
    shows its letters nearly as drawn."""
    import textwrap

    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(3.9, 0.38 * len(labels) + 1.0), dpi=110)
    try:
        bars = ax.barh([textwrap.fill(str(label), 24) for label in labels], values, color="#1f6f8b")
        for i, bar in enumerate(bars):
            bar.set_gid(f"bar-{i}")
        ax.bar_label(bars, labels=[num(v, lang) if v % 1 else str(int(v)) for v in values], padding=3, fontsize=10)
        ax.invert_yaxis()
        ax.set_xlabel(phrases(lang)["axis_count" if value == "count" else "axis_hours"], fontsize=10)
        if value == "count":
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.margins(x=0.15)  # room for the value written after the longest bar
        ax.tick_params(labelsize=10)
        ax.grid(axis="x", alpha=0.3)
        return _drawn(fig, fmt)
    finally:
        plt.close(fig)


def _drawn(fig: Any, fmt: str) -> bytes:
    """The figure laid out and saved as ``fmt`` (png, svg)."""
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format=fmt)
    return out.getvalue()


def _headers(result: ReportResult, lang: str = "ru") -> list[str]:
    names = column_names(lang)
    return [names.get(c, c) for c in result.columns]


REPORT_EXPORTERS: Exporters[[ReportResult, str, str], bytes] = Exporters("report")


def export(result: ReportResult, fmt: str, question: str = "", lang: str = "ru") -> bytes:
    """The report as a file: CSV (UTF-8 with BOM, for Excel), XLSX, PDF, a chart, or JSON; its texts,
    headers and category names in ``lang`` (the language of the answer on screen)."""
    return REPORT_EXPORTERS.get(fmt)(result, question, lang)


def file_name(result: ReportResult, fmt: str) -> str:
    """An ASCII name that says what a downloaded report holds: ``report-<kind>-<period>.<ext>``, e.g.
    ``report-by-region-2025-01-01_2025-12-31.xlsx``, ``report-top5-station-2026-10-01_2026-12-04.pdf``,
    ``report-count-all-time.csv`` (the period's last day is inclusive)."""
    q, f = result.query, result.query.filters
    kind = {"count": "count", "mean_hours": "mean-hours", "median_hours": "median-hours"}.get(q.metric, q.metric)
    if q.group_by is not None:
        kind = (f"top{q.top}-{q.group_by}" if q.top is not None else f"by-{q.group_by}") + (
            "" if q.metric == "count" else f"-{kind}")
    start = f"{f.date_from:%Y-%m-%d}" if f.date_from else "start"
    end = f"{f.date_to - timedelta(days=1):%Y-%m-%d}" if f.date_to else "now"
    period = "all-time" if not (f.date_from or f.date_to) else f"{start}_{end}"
    return f"report-{kind.replace('_', '-')}-{period}.{REPORT_EXPORTERS.format(fmt).extension}"


def _rows(result: ReportResult, lang: str = "ru") -> list[list[Any]]:
    """The table's rows as the files write them: a group as the reader reads it (``group_text``: a category by
    its name, «январь 2026»), a day as «2026-10-05 14:30», numbers as numbers."""
    names, group = _names(result, lang), result.query.group_by
    return [[group_text(r.get(c), c, names, lang) if c == group or (c in GROUPS and r.get(c) is not None)
             else _cell(r.get(c)) for c in result.columns] for r in result.table]


def _heading(result: ReportResult, question: str, lang: str) -> list[str]:
    """The lines above a file's table: the question (or the file's title), the answer, its conditions."""
    p = phrases(lang)
    return [question or p["file_title"], describe(result, lang=lang, whole=True), conditions(result, lang)]


@REPORT_EXPORTERS.register("csv")
def _csv(result: ReportResult, question: str, lang: str) -> bytes:
    # a plain table on purpose: tools read it without skipping lines (the module docstring says why)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="," if lang == "en" else ";")
    writer.writerow(_headers(result, lang))
    # a float as stored (a list's 2.25 hours stays 2,25: the one-decimal «num» is for sentences), with the reader's
    # decimal mark
    writer.writerows([[(str(v) if lang == "en" else str(v).replace(".", ",")) if isinstance(v, float) else v
                       for v in row] for row in _rows(result, lang)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@REPORT_EXPORTERS.register("xlsx")
def _xlsx(result: ReportResult, question: str, lang: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = phrases(lang)["sheet"]
    for line in _heading(result, question, lang):
        sheet.append([line])
    sheet.append([])
    sheet.append(_headers(result, lang))
    for row in _rows(result, lang):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@REPORT_EXPORTERS.register("pdf")
def _pdf_file(result: ReportResult, question: str, lang: str) -> bytes:
    return _pdf(result, question, lang)


def _picture(result: ReportResult, fmt: str, question: str, lang: str) -> bytes:
    picture = chart(result, fmt, question, _names(result, lang), lang)
    if picture is None:
        raise InvalidInput("У этого отчёта нет графика: ответ — одно число или список.",
                           "This report has no chart.", message_kk="Бұл есептің графигі жоқ: жауап — бір сан "
                                                                   "немесе тізім.")
    return picture


@REPORT_EXPORTERS.register("png")
def _png(result: ReportResult, question: str, lang: str) -> bytes:
    return _picture(result, "png", question, lang)


@REPORT_EXPORTERS.register("svg")
def _svg(result: ReportResult, question: str, lang: str) -> bytes:
    return _picture(result, "svg", question, lang)


@REPORT_EXPORTERS.register("json")
def _json(result: ReportResult, question: str, lang: str) -> bytes:
    return json.dumps({"question": question, "query": result.query.model_dump(mode="json"),
                       "answer": result.answer, "table": result.table, "text": describe(result, lang=lang),
                       "conditions": conditions(result, lang)}, ensure_ascii=False, default=_cell).encode("utf-8")


EXPORT_FORMATS = REPORT_EXPORTERS.names()


def _font() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _pdf(result: ReportResult, question: str, lang: str) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    title, sentence, said = _heading(result, question, lang)
    rows = _rows(result, lang)
    pdf = FPDF(orientation="L" if len(result.columns) > 4 else "P")
    pdf.add_font("DejaVu", "", str(_font()))
    pdf.add_font("DejaVu", "B", str(_font().with_name("DejaVuSans-Bold.ttf")))
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", size=13)
    pdf.multi_cell(0, 7, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 5, sentence, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(0, 5, said, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    picture = chart(result, "png", question, _names(result, lang), lang)
    if picture is not None:
        pdf.image(io.BytesIO(picture), w=min(180, pdf.epw))
        pdf.ln(2)
    if rows:
        pdf.set_font("DejaVu", size=7 if len(result.columns) > 4 else 9)
        with pdf.table(text_align="LEFT") as table:
            table.row([str(h) for h in _headers(result, lang)])
            for row in rows[:2000]:
                table.row(["" if v is None else str(v)[:200] for v in row])
    return bytes(pdf.output())
