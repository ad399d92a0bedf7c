"""Pages for complaints: the public form and status link (no login, ru/kk/en), and the staff queue
with a ticket page where staff change status, comment, reassign, correct labels and acknowledge."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant.auth.principal import Principal
from azs_assistant.auth.scope import check_ticket, ticket_scope
from azs_assistant.errors import AzsError
from azs_assistant.tickets.service import is_overdue
from azs_assistant.tickets.taxonomy import CATEGORIES, STATUS_NAMES, STATUSES, TRANSITIONS, URGENCY_NAMES
from azs_assistant.web.auth_views import page
from azs_assistant.web.i18n import pick_language, texts


def _local(value: datetime) -> str:
    return value.strftime("%d.%m.%Y %H:%M")


StaffPage = Annotated[Principal, Depends(page("manager", "support"))]


def mount_tickets(app: FastAPI, templates: Any) -> None:
    common = {"categories": CATEGORIES, "urgency_names": URGENCY_NAMES, "status_names": STATUS_NAMES,
              "local": _local, "overdue": is_overdue}

    def public_page(request: Request, name: str, lang: str, context: dict[str, Any], status: int = 200) -> Response:
        request.state.lang = lang
        response = templates.TemplateResponse(request, name, {"lang": lang, "t": texts(lang), "token": None,
                                                              **common, **context}, status_code=status)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/complaint", response_class=HTMLResponse, include_in_schema=False)
    async def complaint_form(request: Request, lang: str | None = None) -> Response:
        svc = request.app.state.services
        language = pick_language(lang, request.headers.get("accept-language"))
        stations = sorted(await run_in_threadpool(svc.tickets.known_stations))
        return public_page(request, "complaint.html", language, {
            "form": {}, "stations": stations, "max_chars": svc.settings.ticket_max_chars, "error": None})

    @app.post("/complaint", response_class=HTMLResponse, include_in_schema=False)
    async def complaint_submit(request: Request, text: Annotated[str, Form()] = "",
                               station: Annotated[str, Form()] = "", contact: Annotated[str, Form()] = "",
                               lang: Annotated[str, Form()] = "ru", photo: UploadFile | None = None) -> Response:
        from azs_assistant.api.routers.tickets import check_body_size, client_address

        svc = request.app.state.services
        language = pick_language(lang)
        try:
            check_body_size(request, (svc.settings.ticket_max_photo_mb + 1) * 1024 * 1024)
            request.app.state.ticket_limiter.check(client_address(request))
            data = await photo.read(svc.settings.ticket_max_photo_mb * 1024 * 1024 + 1) if photo and photo.filename \
                else None
            ticket, token = await run_in_threadpool(
                svc.tickets.create, text, channel="web_form", station=station or None, contact=contact or None,
                photo=data or None, photo_name=photo.filename if photo else None, actor="customer", language=language)
        except AzsError as exc:
            stations = sorted(await run_in_threadpool(svc.tickets.known_stations))
            response = public_page(request, "complaint.html", language, {
                "form": {"text": text[:svc.settings.ticket_max_chars], "station": station, "contact": contact},
                "stations": stations, "max_chars": svc.settings.ticket_max_chars,
                "error": exc.message_ru if language == "ru" else exc.message_en}, status=exc.http_status)
            if "retry_after" in exc.details:
                response.headers["Retry-After"] = str(exc.details["retry_after"])
            return response
        link = f"{svc.settings.public_base_url.rstrip('/')}/t/{ticket.number}?k={token}"
        events = await run_in_threadpool(lambda: svc.tickets.public_view(ticket.number, token)[1])
        return public_page(request, "ticket_public.html", language, {
            "ticket": ticket, "events": events, "link": link, "just_created": True}, status=201)

    @app.get("/t/{number}", response_class=HTMLResponse, include_in_schema=False)
    async def ticket_status(request: Request, number: str, k: str = "", lang: str | None = None) -> Response:
        svc = request.app.state.services
        try:
            ticket, events = await run_in_threadpool(svc.tickets.public_view, number, k[:100])
        except AzsError as exc:
            return templates.TemplateResponse(request, "message.html", {"message": exc.message_ru},
                                              status_code=exc.http_status)
        language = pick_language(lang) if lang else ticket.language
        return public_page(request, "ticket_public.html", language, {
            "ticket": ticket, "events": events, "token": k, "just_created": False})

    # -- staff ----------------------------------------------------------------------------
    @app.get("/tickets", response_class=HTMLResponse, include_in_schema=False)
    async def queue(request: Request, who: StaffPage, department: str | None = None, status: str | None = None,
                    station: str | None = None, overdue: bool = False, triage: bool = False) -> Response:
        svc = request.app.state.services
        picked = {"department": department, "status": status, "station": station, "overdue": overdue,
                  "triage": triage}
        try:
            rows = await run_in_threadpool(lambda: svc.tickets.queue(
                department=department or None, status=status or None, station=station or None,
                overdue=overdue or None, triage=True if triage else None, open_only=not status, limit=500,
                scope=ticket_scope(svc, who)))
        except AzsError as exc:
            return templates.TemplateResponse(request, "message.html", {"message": exc.message_ru},
                                              status_code=exc.http_status)
        return templates.TemplateResponse(request, "tickets.html", {
            "active": "tickets", "tickets": rows, "picked": picked, "statuses": STATUSES,
            "departments": svc.tickets.departments_in_use(), **common})

    async def _ticket_page(request: Request, who: Principal, number: str, error: str | None = None,
                           status: int = 200) -> Response:
        svc = request.app.state.services
        try:
            ticket = await run_in_threadpool(svc.tickets.get, number)
            check_ticket(svc, who, ticket)
        except AzsError as exc:
            return templates.TemplateResponse(request, "message.html", {"message": exc.message_ru},
                                              status_code=exc.http_status)
        history = await run_in_threadpool(svc.tickets.history, number)
        notes = await run_in_threadpool(svc.tickets.notifications, number)
        return templates.TemplateResponse(request, "ticket.html", {
            "active": "tickets", "ticket": ticket, "history": history, "notes": notes, "error": error,
            "next_statuses": sorted(TRANSITIONS[ticket.status], key=STATUSES.index),
            "departments": svc.tickets.departments_in_use(), **common}, status_code=status)

    @app.get("/tickets/{number}", response_class=HTMLResponse, include_in_schema=False)
    async def ticket_page(request: Request, number: str, who: StaffPage) -> Response:
        return await _ticket_page(request, who, number)

    async def _act(request: Request, who: Principal, number: str, name: str, action: Any) -> Response:
        svc = request.app.state.services
        try:
            check_ticket(svc, who, await run_in_threadpool(svc.tickets.get, number))
            await run_in_threadpool(action)
        except AzsError as exc:
            return await _ticket_page(request, who, number, exc.message_ru, exc.http_status)
        svc.access.audit(who, f"ticket.{name}", number, {}, request.client.host if request.client else None)
        return RedirectResponse(f"/tickets/{number}", status_code=303)

    @app.post("/tickets/{number}/status", include_in_schema=False)
    async def web_status(request: Request, number: str, who: StaffPage, status: Annotated[str, Form()],
                         comment: Annotated[str, Form()] = "", public: Annotated[bool, Form()] = False) -> Response:
        svc = request.app.state.services
        return await _act(request, who, number, "set_status", lambda: svc.tickets.set_status(
            number, status, actor=who.name, comment=comment or None, public=public))

    @app.post("/tickets/{number}/assign", include_in_schema=False)
    async def web_assign(request: Request, number: str, who: StaffPage, department: Annotated[str, Form()] = "",
                         assignee: Annotated[str, Form()] = "") -> Response:
        svc = request.app.state.services
        return await _act(request, who, number, "assign", lambda: svc.tickets.assign(
            number, actor=who.name, department=department or None, assignee=assignee or None))

    @app.post("/tickets/{number}/labels", include_in_schema=False)
    async def web_labels(request: Request, number: str, who: StaffPage, category: Annotated[str, Form()] = "",
                         urgency: Annotated[str, Form()] = "") -> Response:
        svc = request.app.state.services
        return await _act(request, who, number, "relabel", lambda: svc.tickets.relabel(
            number, actor=who.name, category=category or None, urgency=urgency or None))

    @app.post("/tickets/{number}/comments", include_in_schema=False)
    async def web_comment(request: Request, number: str, who: StaffPage, text: Annotated[str, Form()] = "",
                          public: Annotated[bool, Form()] = False) -> Response:
        svc = request.app.state.services
        return await _act(request, who, number, "comment", lambda: svc.tickets.comment(
            number, text, actor=who.name, public=public))

    @app.post("/tickets/{number}/ack", include_in_schema=False)
    async def web_ack(request: Request, number: str, who: StaffPage) -> Response:
        svc = request.app.state.services
        return await _act(request, who, number, "acknowledge", lambda: svc.tickets.acknowledge(number, actor=who.name))
