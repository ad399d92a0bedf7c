"""Incident reports: a question in Russian or a typed query → answer, table, chart and files; the
incident log itself (list, sync from the company database, file import)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from azs_assistant.errors import FileTooLarge
from azs_assistant.http.deps import Admin, Language, Manager, ServicesDep, client_ip
from azs_assistant.http.errors import AUTHENTICATED, documented
from azs_assistant.http.params import Limit, Offset
from azs_assistant.reports.query import ReportQuery
from azs_assistant.reports.render import EXPORT_FORMATS, REPORT_EXPORTERS

router = APIRouter(tags=["reports"], responses=documented(*AUTHENTICATED))
WRITE = documented(400, 413, 503)  # a body that does not parse or is over the cap; the database busy
MEDIA = REPORT_EXPORTERS.media_types()
FORMAT_PATTERN = "^(" + "|".join(EXPORT_FORMATS) + ")$"


class ReportAsk(BaseModel):
    question: str = Field(min_length=3, max_length=1000, examples=["Сколько проливов было на АЗС-012 в октябре?"])
    today: date | None = Field(default=None,
                              description="«сегодня» для относительных периодов (по умолчанию — сегодня)")


class ReportRun(BaseModel):
    query: ReportQuery


class ReportResponse(BaseModel):
    question: str
    query: dict[str, Any]
    answer: Any
    table: list[dict[str, Any]]
    text: str


@router.post("/reports/ask", response_model=ReportResponse, summary="Отчёт по вопросу на русском языке",
             responses=WRITE)
def ask(body: ReportAsk, svc: ServicesDep, who: Manager, request: Request) -> dict[str, Any]:
    report = svc.reports.ask_for(who, body.question, body.today, client_ip(request))
    return report.to_dict()


@router.post("/reports/run", response_model=ReportResponse, summary="Отчёт по типизированному запросу",
             responses=WRITE)
def run(body: ReportRun, svc: ServicesDep, who: Manager, request: Request) -> dict[str, Any]:
    report = svc.reports.run_for(who, body.query, client_ip(request))
    return report.to_dict()


@router.get("/reports/export", summary="Отчёт файлом: CSV, XLSX, PDF, PNG, SVG, JSON",
            response_class=Response,
            responses={200: {"description": "Файл отчёта", "content": {m: {} for m in MEDIA.values()}}})
def export_report(svc: ServicesDep, who: Manager, request: Request, lang: Language,
                  fmt: Annotated[str, Query(alias="format", pattern=FORMAT_PATTERN)],
                  question: Annotated[str | None, Query(max_length=1000)] = None,
                  station: str | None = None, region: str | None = None, category: str | None = None,
                  date_from: date | None = None, date_to: date | None = None,
                  today: date | None = None) -> Response:
    """The file is in the caller's language (Accept-Language; the web UI's own language for its pages' links) and
    named for what it holds: ``report-by-region-2025-01-01_2025-12-31.xlsx``. A Russian or Kazakh CSV has «;»
    between columns and a decimal comma (as Excel opens it there), an English one «,» and a point; JSON is the
    format for programs."""
    file = svc.reports.export_file_for(who, fmt, question, today, station=station, region=region, category=category,
                                       date_from=date_from, date_to=date_to, ip=client_ip(request), lang=lang)
    disposition = "inline" if fmt in ("png", "svg") else "attachment"
    return Response(file.body, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f"{disposition}; filename=\"{file.name}\"; filename*=UTF-8''{quote(file.name)}"})


@router.get("/incidents", summary="Журнал инцидентов (последние сначала)")
def incidents(svc: ServicesDep, who: Manager, station: str | None = None, region: str | None = None,
              category: str | None = None, status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
              limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    return svc.reports.incidents_for(who, station=station, region=region, category=category, status=status,
                                     limit=limit, offset=offset)


@router.post("/incidents/sync", summary="Синхронизировать инциденты из базы компании", status_code=202,
             description="Синхронизация идёт фоновым заданием: ответ 202 с номером задания (`GET /api/v1/jobs/{id}`: "
                         "ход по источникам, затем отчёты). С `wait=true` ответ ждёт конца и перечисляет отчёты (200).",
             responses={**WRITE, **documented(404, 502),  # 404: an unknown source; 502: it did not answer
                        202: {"description": "Принято: номер задания"},
                        200: {"description": "С wait=true: отчёт по каждому источнику"}})
def sync(svc: ServicesDep, who: Admin, source: str | None = None, full: bool = False,
         wait: Annotated[bool, Query(description="Ждать конца и вернуть отчёты")] = False) -> Response:
    if wait:
        reports = svc.incidents.sync(source, full=full)
        return JSONResponse([r.to_dict() for r in reports], status_code=200)
    job = svc.incidents.submit_sync(who.name, source, full=full)
    location = f"/api/v1/jobs/{job.id}"
    return JSONResponse({"job_id": job.id, "status": job.status, "location": location}, status_code=202,
                        headers={"Location": location})


@router.post("/incidents/import", summary="Загрузить журнал инцидентов из CSV или XLSX",
             responses={**WRITE, **documented(415)})
async def import_incidents(svc: ServicesDep, who: Admin, request: Request, file: Annotated[UploadFile, File()],
                           encoding: str | None = None, date_format: str | None = None) -> dict[str, Any]:
    suffix = Path(file.filename or "upload.csv").suffix.lower() or ".csv"
    data = await file.read(svc.settings.max_upload_bytes + 1)
    if len(data) > svc.settings.max_upload_bytes:
        raise FileTooLarge(f"Файл больше {svc.settings.max_upload_mb} МБ.", "File too large.")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{Path(file.filename or 'upload').stem[:100] or 'upload'}{suffix}"
        path.write_bytes(data)
        result = await run_in_threadpool(
            lambda: svc.incidents.import_file(path, encoding=encoding, date_format=date_format, actor=who,
                                              ip=client_ip(request), name=file.filename))
    return result.to_dict()
