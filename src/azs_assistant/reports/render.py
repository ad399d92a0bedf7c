"""A report as a sentence (ru, kk or en; the texts are in ``reports/i18n``), a chart (PNG or SVG) and files
(CSV, XLSX, PDF, in Russian)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from azs_assistant.errors import InvalidInput
from azs_assistant.exporters import Exporters
from azs_assistant.i18n import catalogue
from azs_assistant.reports.engine import PLURAL, ReportResult, round1

TEXTS = "azs_assistant.reports"  # reports/i18n/{ru,kk,en}.yaml: every text of a report said back
GROUPS = ("station", "region", "category", "equipment", "severity", "year", "quarter", "month", "weekday", "hour")


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


def num(value: Any) -> str:
    """A number the Russian way: decimal comma, thin grouping left to the reader."""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
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


def _group_name(label: Any, group: str, names: dict[str, str], p: dict[str, str]) -> Any:
    """A group as the sentence names it: a category by its name, a group without a label as «не указано»."""
    if label is None:
        return p["unnamed"]
    return names.get(str(label), label) if group == "category" else label


def describe(result: ReportResult, category_names: dict[str, str] | None = None, lang: str = "ru") -> str:
    """The answer as one or two sentences (Russian, Kazakh or English), with the assumptions said back."""
    p = phrases(lang)
    q, a, rows = result.query, result.answer, result.table
    metric, group = q.metric, q.group_by
    names = category_names or {}

    def pairs(key: str, value: str, limit: int = 12) -> str:
        shown = [f"{_group_name(r[key], key, names, p)} — {num(r[value])}" for r in rows[:limit]]
        if len(rows) > limit:
            shown.append(p["more"].format(n=len(rows) - limit))
        return "; ".join(shown)

    if a is None or (isinstance(a, list) and not a and metric != "list"):
        text = p["none"]
    elif metric == "count" and group is None:
        text = p["count"].format(n=a)
    elif group is not None and q.top is not None:
        value = "count" if metric == "count" else "hours"
        unit = "" if metric == "count" else p["hours"]
        what = p[f"w_{metric}"]
        if q.top == 1:
            leaders = ", ".join(str(names.get(str(x), x)) for x in a[PLURAL[group]])
            tie = p["tie"] if len(a[PLURAL[group]]) > 1 else ""
            text = p["leader"].format(group=_capital(_group_word(group, lang)), what=what, leaders=leaders, tie=tie,
                                      extreme=p["least"] if q.order == "asc" else p["most"], value=num(a[value]),
                                      unit=unit)
        else:
            text = p["top"].format(group=_capital(_group_word(group, lang)), top=q.top, what=what,
                                   pairs=pairs(group, value), unit=unit)
    elif group is not None:
        value = "count" if metric == "count" else "hours"
        text = _capital(p["by"].format(by=_group_word(group, lang, by=True), pairs=pairs(group, value)))
    elif metric == "share":
        text = p["share"].format(share=num(a), part=rows[0]["part"], total=rows[0]["total"])
    elif metric in ("mean_hours", "median_hours"):
        text = p["mean" if metric == "mean_hours" else "median"].format(value=num(a), n=rows[0]["incidents"])
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
        pct = f" ({'+' if change >= 0 else ''}{num(round1(100 * change / prev['count']))} %)" if prev["count"] else ""
        text = p["yoy"].format(cur_period=cur["period"], cur=cur["count"], prev_period=prev["period"],
                               prev=prev["count"], change=f"{'+' if change >= 0 else ''}{change}", pct=pct)
    elif metric == "summary":
        cats = "; ".join(f"{names.get(r['category'], r['category'])} — {r['count']}" for r in rows[:10])
        mean = a.get("mean_resolution_hours")
        text = (p["summary"].format(total=a["total"], open=a["open"])
                + (p["summary_mean"].format(mean=num(mean)) if mean is not None else "") + "."
                + (p["summary_by"].format(cats=cats) if cats else ""))
    else:
        text = json.dumps(a, ensure_ascii=False, default=str)
    if q.notes:
        text += " (" + "; ".join(_note(n, lang) for n in q.notes) + ")"
    return text


def _chartable(result: ReportResult) -> tuple[list[str], list[float], str] | None:
    q, rows = result.query, result.table
    if q.group_by and rows:
        value = "count" if q.metric == "count" else "hours"
        return [str(r[q.group_by]) for r in rows], [float(r[value] or 0) for r in rows], value
    if q.metric == "yoy" and rows:
        return [r["period"] for r in rows], [float(r["count"]) for r in rows], "count"
    if q.metric == "summary" and rows:
        return [str(r["category"]) for r in rows], [float(r["count"]) for r in rows], "count"
    return None


def has_chart(result: ReportResult) -> bool:
    """Whether a picture adds anything (a grouped result, a comparison), without drawing it."""
    return _chartable(result) is not None


def chart_for_page(result: ReportResult, names: dict[str, str] | None = None, label: str = "",
                   lang: str = "ru") -> str | None:
    """The chart as inline SVG for the reports page: each bar or point carries a <title> with its
    label and value, so the browser shows the value on hover (and a screen reader reads it). The
    page's CSP allows no inline styles, so the <style> block is dropped and every ``style="…"``
    becomes the SVG presentation attributes it stands for."""
    import re

    picture = chart(result, "svg", "", names, lang)
    if picture is None:
        return None
    svg = picture.decode("utf-8")
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = re.sub(r'\sstyle="([^"]*)"', _presentation, svg)
    svg = re.sub(r'\s(width|height)="[^"]*pt"', "", svg, count=2)  # scale with the page (viewBox stays)
    labels, values, _ = _chartable(result) or ([], [], "")
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        shown = names.get(label, label) if names else label
        hint = f"<title>{_xml(str(shown))}: {num(value) if value % 1 else int(value)}</title>"
        svg = svg.replace(f'<g id="bar-{i}">', f'<g id="bar-{i}" class="bar">{hint}', 1)
    return svg.replace("<svg ", f'<svg role="img" class="chart" aria-label="{_xml(label)}" ', 1)


def _presentation(style: Any) -> str:
    """``style="fill: #1f6f8b; stroke-width: 0.8"`` → `` fill="#1f6f8b" stroke-width="0.8"``."""
    pairs = (part.split(":", 1) for part in style.group(1).split(";") if ":" in part)
    return "".join(f' {k.strip()}="{v.strip()}"' for k, v in pairs)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chart(result: ReportResult, fmt: str = "png", title: str = "", names: dict[str, str] | None = None,
          lang: str = "ru") -> bytes | None:
    """A bar chart of a grouped result (a line for months), or None when a picture adds nothing."""
    data = _chartable(result)
    if data is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels, values, value = data
    if names:
        labels = [names.get(label, label) for label in labels]
    fig, ax = plt.subplots(figsize=(max(5.0, min(12.0, 0.5 * len(labels) + 3)), 3.6), dpi=110)
    try:
        if result.query.group_by == "month" and result.query.top is None and len(labels) > 2:
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
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format=fmt)
        return out.getvalue()
    finally:
        plt.close(fig)


def _headers(result: ReportResult) -> list[str]:
    names = column_names()
    return [names.get(c, c) for c in result.columns]


REPORT_EXPORTERS: Exporters[[ReportResult, str], bytes] = Exporters("report")


def export(result: ReportResult, fmt: str, question: str = "") -> bytes:
    """The report as a file: CSV (UTF-8 with BOM, for Excel), XLSX, PDF, a chart, or JSON."""
    return REPORT_EXPORTERS.get(fmt)(result, question)


def _rows(result: ReportResult) -> list[list[Any]]:
    return [[_cell(r.get(c)) for c in result.columns] for r in result.table]


@REPORT_EXPORTERS.register("csv")
def _csv(result: ReportResult, question: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(_headers(result))
    writer.writerows(_rows(result))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@REPORT_EXPORTERS.register("xlsx")
def _xlsx(result: ReportResult, question: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = phrases("ru")["sheet"]
    sheet.append([question or phrases("ru")["file_title"]])
    sheet.append([describe(result)])
    sheet.append([])
    sheet.append(_headers(result))
    for row in _rows(result):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@REPORT_EXPORTERS.register("pdf")
def _pdf_file(result: ReportResult, question: str) -> bytes:
    return _pdf(result, question, _rows(result))


def _picture(result: ReportResult, fmt: str, question: str) -> bytes:
    picture = chart(result, fmt, question)
    if picture is None:
        raise InvalidInput("У этого отчёта нет графика: ответ — одно число или список.",
                           "This report has no chart.")
    return picture


@REPORT_EXPORTERS.register("png")
def _png(result: ReportResult, question: str) -> bytes:
    return _picture(result, "png", question)


@REPORT_EXPORTERS.register("svg")
def _svg(result: ReportResult, question: str) -> bytes:
    return _picture(result, "svg", question)


@REPORT_EXPORTERS.register("json")
def _json(result: ReportResult, question: str) -> bytes:
    return json.dumps({"question": question, "query": result.query.model_dump(mode="json"),
                       "answer": result.answer, "table": result.table}, ensure_ascii=False,
                      default=_cell).encode("utf-8")


EXPORT_FORMATS = REPORT_EXPORTERS.names()


def _font() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def _pdf(result: ReportResult, question: str, rows: list[list[Any]]) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos


    pdf = FPDF(orientation="L" if len(result.columns) > 4 else "P")
    pdf.add_font("DejaVu", "", str(_font()))
    pdf.add_font("DejaVu", "B", str(_font().with_name("DejaVuSans-Bold.ttf")))
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", size=13)
    pdf.multi_cell(0, 7, question or phrases("ru")["file_title"], align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 5, describe(result), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    picture = chart(result, "png", question)
    if picture is not None:
        pdf.image(io.BytesIO(picture), w=min(180, pdf.epw))
        pdf.ln(2)
    if rows:
        pdf.set_font("DejaVu", size=7 if len(result.columns) > 4 else 9)
        with pdf.table(text_align="LEFT") as table:
            table.row([str(h) for h in _headers(result)])
            for row in rows[:2000]:
                table.row(["" if v is None else str(v)[:200] for v in row])
    return bytes(pdf.output())
