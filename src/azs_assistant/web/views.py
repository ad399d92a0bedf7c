"""Server-rendered web UI: the OCR page, reports and an incident (the chat is ``chat_views``, the documents
``documents_views``). ``mount`` puts every page router, the static files and the sign-in redirect on the app."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from azs_assistant.auth.principal import Principal
from azs_assistant.errors import AzsError
from azs_assistant.http.deps import ServicesDep
from azs_assistant.incidents.records import origin_kind
from azs_assistant.reports.render import cell_text, chart_for_page, column_names, has_chart, num
from azs_assistant.web import (
    auth_views,
    chat_views,
    documents_views,
    jargon_views,
    jobs_views,
    stations_views,
    tickets_views,
)
from azs_assistant.web.auth_views import AnyUser, LoginRequired, page
from azs_assistant.web.dates import read_days
from azs_assistant.web.i18n import request_language, texts
from azs_assistant.web.templating import HERE, message_page, templates

router = APIRouter(include_in_schema=False)
OperatorPage = Annotated[Principal, Depends(page("operator"))]
ManagerPage = Annotated[Principal, Depends(page("manager"))]


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(LoginRequired, auth_views.login_required)  # type: ignore[arg-type]
    for pages in (auth_views.router, tickets_views.router, stations_views.make_router(templates),
                  jobs_views.make_router(templates), jargon_views.make_router(templates), chat_views.router,
                  documents_views.router, router):
        app.include_router(pages)


@router.get("/ocr", response_class=HTMLResponse)
def ocr_page(request: Request, svc: ServicesDep, who: OperatorPage) -> Response:
    return templates.TemplateResponse(request, "ocr.html", {"active": "ocr", "max_mb": svc.settings.max_upload_mb})


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, svc: ServicesDep, who: ManagerPage, question: str | None = None,
                 station: str | None = None, region: str | None = None, category: str | None = None,
                 date_from: str | None = None, date_to: str | None = None) -> Response:
    lang = request_language(request)
    dates = read_days({"date_from": date_from, "date_to": date_to}, lang)
    picked = {"station": station, "region": region, "category": category, **dates.shown}
    allowed = svc.reports.allowed_for(who)
    stations, regions = svc.reports.choices(allowed)  # the filter lists only registry stations in scope
    names = svc.reports.category_names(lang)
    context: dict[str, Any] = {"active": "reports", "question": question, "picked": picked,
                               "vocab": svc.reports.vocabulary(), "stations": stations, "regions": regions,
                               "column_names": column_names(lang), "names": names,
                               "examples": svc.reports.examples_for(allowed, lang),
                               "cell": lambda column, value, group_by: cell_text(column, value, names, lang, group_by),
                               "report": None, "error": None, "date_errors": dates.errors}
    status = 422 if dates.errors else 200  # each wrong date is shown next to its field; no report until fixed
    if (question or any(picked.values())) and not dates.errors:
        try:
            report = svc.reports.ask_filtered(
                question, None, station=station, region=region, category=category,
                date_from=dates.days["date_from"], date_to=dates.days["date_to"], allowed=allowed)
            context["report"] = report
            context["report_text"] = report.sentence_in(lang, names)
            context["report_conditions"] = report.conditions_in(lang, names)  # the period and every filter
            context["chart"] = has_chart(report.result)
            label = f"{texts(lang)['rep_chart']}: {context['report_text']}"
            context["chart_svg"] = chart_for_page(report.result, names, label, lang) if context["chart"] else None
            # ISO dates in the links: the export API takes yyyy-mm-dd, and this page reads it too
            context["params"] = urlencode({k: v for k, v in {"question": question, **picked, **dates.iso()}.items()
                                           if v})
        except AzsError as exc:
            context["error"], status = exc.message(request_language(request)), exc.http_status
        except ValueError as exc:
            context["error"], status = f"Проверьте фильтры: {exc}", 422
    return templates.TemplateResponse(request, "reports.html", context, status_code=status)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, svc: ServicesDep, incident_id: str, who: AnyUser) -> Response:
    try:
        incident = svc.reports.incident(who, incident_id)
    except AzsError as exc:
        return message_page(request, exc.message(request_language(request)), exc.http_status)
    lang = request_language(request)
    spec = svc.reports.categories.get(incident.category)  # the category in the reader's language
    name = spec.name_in(lang) if spec else incident.category
    return templates.TemplateResponse(request, "incident.html", {"active": "reports", "i": incident, "category": name,
                                                                 "origin": _origin(incident.origin, lang),
                                                                 "hours": _hours(incident.resolution_hours, lang)})


def _hours(hours: float | None, lang: str) -> str:
    """«1,0» for Russian and Kazakh readers, «1.0» for English ones."""
    return num(float(hours or 0), lang)


def _origin(origin: str, lang: str) -> str:
    """Where the record came from, in the reader's language; a configured sync source by its own name."""
    kind, name = origin_kind(origin)
    return name if kind == "sync" else texts(lang)[f"inc_origin_{kind}"].format(name=name)
