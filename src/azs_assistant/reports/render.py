"""A report as a Russian sentence, a chart (PNG or SVG) and files (CSV, XLSX, PDF)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from azs_assistant.errors import InvalidInput
from azs_assistant.exporters import Exporters
from azs_assistant.reports.engine import PLURAL, ReportResult, round1

GROUP_NAMES = {"station": "АЗС", "region": "регион", "category": "категория", "equipment": "оборудование",
               "severity": "серьёзность", "year": "год", "quarter": "квартал", "month": "месяц",
               "weekday": "день недели", "hour": "час"}
BY_GROUP = {"station": "станциям", "region": "регионам", "category": "категориям", "equipment": "оборудованию",
            "severity": "уровням серьёзности", "year": "годам", "quarter": "кварталам", "month": "месяцам",
            "weekday": "дням недели", "hour": "часам"}
COLUMN_NAMES = {**GROUP_NAMES, "count": "количество", "hours": "часы", "incident_id": "инцидент",
                "station_id": "АЗС", "occurred_at": "произошёл", "resolved_at": "устранён",
                "resolution_hours": "устранение, ч", "description": "описание", "actions_taken": "принятые меры",
                "part": "часть", "total": "всего", "share_pct": "доля, %", "incidents": "инцидентов",
                "period": "период", "open": "открыто"}


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


def _pairs(rows: list[dict[str, Any]], key: str, value: str, limit: int = 12) -> str:
    parts = [f"{r[key]} — {num(r[value])}" for r in rows[:limit]]
    if len(rows) > limit:
        parts.append(f"… ещё {len(rows) - limit}")
    return "; ".join(parts)


def describe(result: ReportResult, category_names: dict[str, str] | None = None) -> str:
    """The answer as one or two Russian sentences, with the assumptions said back."""
    q, a, rows = result.query, result.answer, result.table
    metric, group = q.metric, q.group_by
    if a is None or (isinstance(a, list) and not a and metric != "list"):
        text = "Нет инцидентов, подходящих под условия вопроса."
    elif metric == "count" and group is None:
        text = f"Инцидентов: {a}."
    elif group is not None and q.top is not None:
        value = "count" if metric == "count" else "hours"
        unit = "" if metric == "count" else " ч"
        what = {"count": "инцидентов", "mean_hours": "среднее время устранения",
                "median_hours": "медианное время устранения"}[metric]
        if q.top == 1:
            leaders = ", ".join(str(x) for x in a[PLURAL[group]])
            tie = " (поровну)" if len(a[PLURAL[group]]) > 1 else ""
            extreme = "меньше всего" if q.order == "asc" else "больше всего"
            text = f"{_capital(GROUP_NAMES[group])}, где {extreme} ({what}): {leaders}{tie} — {num(a[value])}{unit}."
        else:
            text = f"{_capital(GROUP_NAMES[group])}, топ-{q.top} ({what}): {_pairs(rows, group, value)}{unit}."
    elif group is not None:
        value = "count" if metric == "count" else "hours"
        text = f"По {BY_GROUP[group]}: {_pairs(rows, group, value)}."
    elif metric == "share":
        row = rows[0]
        text = f"Доля: {num(a)} % ({row['part']} из {row['total']})."
    elif metric in ("mean_hours", "median_hours"):
        name = "Среднее" if metric == "mean_hours" else "Медианное"
        text = f"{name} время устранения: {num(a)} ч (закрытых инцидентов: {rows[0]['incidents']})."
    elif metric == "list":
        shown = ", ".join(a[:30]) + (f" … всего {result.total}" if (result.total or 0) > 30 else "")
        text = f"Инцидентов: {result.total}: {shown}." if a else "Таких инцидентов нет."
    elif metric in ("oldest", "newest"):
        first = rows[0]
        word = "Самый ранний" if metric == "oldest" else "Самый поздний"
        text = (f"{word} подходящий инцидент: {first['incident_id']} на {first['station_id']}, "
                f"{first['occurred_at']:%d.%m.%Y %H:%M}.")
        if len(rows) > 1:
            text += f" В тот же момент ещё: {', '.join(r['incident_id'] for r in rows[1:])}."
    elif metric == "yoy":
        cur, prev = rows[0], rows[1]
        change = cur["count"] - prev["count"]
        pct = f" ({'+' if change >= 0 else ''}{num(round1(100 * change / prev['count']))} %)" if prev["count"] else ""
        text = (f"{cur['period']}: {cur['count']}; год назад ({prev['period']}): {prev['count']}; "
                f"изменение {'+' if change >= 0 else ''}{change}{pct}.")
    elif metric == "summary":
        names = category_names or {}
        cats = "; ".join(f"{names.get(r['category'], r['category'])} — {r['count']}" for r in rows[:10])
        mean = a.get("mean_resolution_hours")
        text = (f"Всего инцидентов: {a['total']}, открыто: {a['open']}"
                + (f", среднее время устранения {num(mean)} ч" if mean is not None else "") + "."
                + (f" По категориям: {cats}." if cats else ""))
    else:
        text = json.dumps(a, ensure_ascii=False, default=str)
    if q.notes:
        text += " (" + "; ".join(q.notes) + ")"
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


def chart(result: ReportResult, fmt: str = "png", title: str = "") -> bytes | None:
    """A bar chart of a grouped result (a line for months), or None when a picture adds nothing."""
    data = _chartable(result)
    if data is None:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels, values, value = data
    fig, ax = plt.subplots(figsize=(max(5.0, min(12.0, 0.5 * len(labels) + 3)), 3.6), dpi=110)
    try:
        if result.query.group_by == "month" and result.query.top is None and len(labels) > 2:
            ax.plot(labels, values, marker="o", color="#1f6f8b")
        else:
            ax.bar(labels, values, color="#1f6f8b")
        ax.set_ylabel("инцидентов" if value == "count" else "часов")
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
    return [COLUMN_NAMES.get(c, c) for c in result.columns]


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
    sheet.title = "Отчёт"
    sheet.append([question or "Отчёт по инцидентам"])
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
    pdf.multi_cell(0, 7, question or "Отчёт по инцидентам", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
