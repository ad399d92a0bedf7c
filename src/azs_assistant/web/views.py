"""Server-rendered web UI: chat, documents (upload, status) and the passage a citation points to."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from azs_assistant.auth.principal import Principal
from azs_assistant.auth.scope import allowed_stations
from azs_assistant.errors import AzsError
from azs_assistant.web.auth_views import AnyUser, page
from azs_assistant.web.i18n import context as i18n_context

_HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(_HERE / "templates"), context_processors=[i18n_context])
templates.env.globals["js_texts"] = lambda t: {k: v for k, v in t.items() if k.startswith("js_")}


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    from azs_assistant.web.auth_views import mount_auth
    from azs_assistant.web.stations_views import make_router as stations_pages
    from azs_assistant.web.tickets_views import mount_tickets

    mount_auth(app, templates)
    mount_tickets(app, templates)
    app.include_router(stations_pages(templates))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def chat(request: Request, who: AnyUser) -> HTMLResponse:
        return templates.TemplateResponse(request, "chat.html", {"active": "chat"})

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    async def documents(request: Request, who: AnyUser) -> HTMLResponse:
        svc = request.app.state.services
        docs = [d for d in svc.list_documents(limit=1000) if who.may_read(d.audience)]
        return templates.TemplateResponse(request, "documents.html",
                                          {"active": "documents", "docs": docs,
                                           "max_mb": svc.settings.max_upload_mb})

    @app.get("/documents/{document_id}/summary", response_class=HTMLResponse, include_in_schema=False)
    async def summary_page(request: Request, document_id: int, who: AnyUser) -> HTMLResponse:
        svc = request.app.state.services
        try:
            summary = await run_in_threadpool(svc.summaries.summary, document_id, who)
            changes = await run_in_threadpool(svc.summaries.changes, document_id, who)
            doc = svc.get_document(document_id)
        except AzsError as exc:
            return templates.TemplateResponse(request, "message.html", {"message": exc.message_ru},
                                              status_code=exc.http_status)
        return templates.TemplateResponse(request, "summary.html", {"active": "documents", "s": summary,
                                                                     "doc": doc, "changes": changes})

    @app.get("/ocr", response_class=HTMLResponse, include_in_schema=False)
    async def ocr_page(request: Request, who: Annotated[Principal, Depends(page("operator"))]) -> HTMLResponse:
        svc = request.app.state.services
        return templates.TemplateResponse(request, "ocr.html", {"active": "ocr", "max_mb": svc.settings.max_upload_mb})

    @app.get("/reports", response_class=HTMLResponse, include_in_schema=False)
    async def reports_page(request: Request, who: Annotated[Principal, Depends(page("manager"))],
                           question: str | None = None, station: str | None = None,
                           region: str | None = None, category: str | None = None,
                           date_from: str | None = None, date_to: str | None = None) -> HTMLResponse:
        from datetime import date, datetime
        from urllib.parse import urlencode

        from fastapi.concurrency import run_in_threadpool

        from azs_assistant.reports.render import COLUMN_NAMES, has_chart, num

        svc = request.app.state.services
        picked = {"station": station, "region": region, "category": category, "date_from": date_from,
                  "date_to": date_to}
        allowed = await run_in_threadpool(allowed_stations, svc, who)
        vocab = await run_in_threadpool(svc.reports.vocabulary)
        stations, regions = await run_in_threadpool(svc.reports.choices, allowed)
        context: dict[str, Any] = {"active": "reports", "question": question, "picked": picked,
                                   "vocab": vocab, "stations": stations, "regions": regions,
                                   "column_names": COLUMN_NAMES,
                                   "names": {c: s.name for c, s in svc.reports.categories.items()},
                                   "fmt": lambda v: num(v) if isinstance(v, float) else (
                                       v.strftime("%d.%m.%Y %H:%M") if isinstance(v, datetime)
                                       else ("" if v is None else v)),
                                   "report": None, "error": None}
        status = 200
        if question or any(picked.values()):
            try:
                report = await run_in_threadpool(
                    lambda: svc.reports.ask_filtered(
                        question, None, station=station, region=region, category=category,
                        date_from=date.fromisoformat(date_from) if date_from else None,
                        date_to=date.fromisoformat(date_to) if date_to else None,
                        allowed=allowed))
                context["report"] = report
                context["chart"] = has_chart(report.result)
                context["params"] = urlencode({k: v for k, v in {"question": question, **picked}.items() if v})
            except AzsError as exc:
                context["error"], status = exc.message_ru, exc.http_status
            except ValueError as exc:
                context["error"], status = f"Проверьте фильтры: {exc}", 422
        return templates.TemplateResponse(request, "reports.html", context, status_code=status)

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse, include_in_schema=False)
    async def incident_page(request: Request, incident_id: str, who: AnyUser) -> HTMLResponse:
        from azs_assistant.storage.models import Incident

        svc = request.app.state.services
        with svc.db.session() as s:
            incident = s.get(Incident, incident_id)
        if incident is None or not who.station_allowed(incident.station_id, incident.region):
            return templates.TemplateResponse(request, "message.html",
                                              {"message": f"Инцидент {incident_id} не найден."}, status_code=404)
        spec = svc.reports.categories.get(incident.category)
        return templates.TemplateResponse(request, "incident.html", {
            "active": "reports", "i": incident, "category": spec.name if spec else incident.category})

    @app.get("/passages/{chunk_id}", response_class=HTMLResponse, include_in_schema=False)
    async def passage(request: Request, chunk_id: int, who: AnyUser) -> HTMLResponse:
        svc = request.app.state.services
        try:
            chunk, doc = svc.get_chunk(chunk_id)
            if not who.may_read(doc.audience):
                from azs_assistant.errors import NotFound

                raise NotFound("Фрагмент не найден.", "Passage not found.")
        except AzsError as exc:
            return templates.TemplateResponse(request, "message.html", {"message": exc.message_ru},
                                              status_code=exc.http_status)
        from azs_assistant.assistant.answer import section_without_title

        return templates.TemplateResponse(request, "passage.html",
                                          {"active": "documents", "chunk": chunk, "doc": doc,
                                           "section": section_without_title(chunk.section, doc.title)})
