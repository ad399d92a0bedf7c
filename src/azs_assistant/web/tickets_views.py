"""Pages for complaints: the public form and status link (no login, ru/kk/en), and the staff queue
with a ticket page where staff change status, comment, reassign, correct labels and acknowledge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant.auth.principal import Principal
from azs_assistant.errors import AzsError, summary
from azs_assistant.http.deps import ServicesDep, check_body_size, client_ip
from azs_assistant.tickets.service import is_overdue
from azs_assistant.tickets.taxonomy import CATEGORIES, STATUS_NAMES, STATUSES, TRANSITIONS, URGENCY_NAMES
from azs_assistant.web.auth_views import page
from azs_assistant.web.i18n import pick_language, request_language, texts
from azs_assistant.web.labels import Labels
from azs_assistant.web.templating import message_page, templates

router = APIRouter(include_in_schema=False)
StaffPage = Annotated[Principal, Depends(page("manager", "support"))]
COMMON = {"categories": CATEGORIES, "urgency_names": URGENCY_NAMES, "status_names": STATUS_NAMES,
          "overdue": is_overdue}


def public_page(request: Request, name: str, lang: str, context: dict[str, Any], status: int = 200) -> Response:
    request.state.lang = lang
    response = templates.TemplateResponse(request, name, {"lang": lang, "t": texts(lang), "token": None,
                                                          **COMMON, **context}, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/complaint", response_class=HTMLResponse)
def complaint_form(request: Request, svc: ServicesDep) -> Response:
    # ?lang=, else the language chosen on the site (its cookie: «Рус» on the login page), else the browser's
    language = request_language(request)
    return public_page(request, "complaint.html", language, {
        "form": {}, "stations": svc.tickets.station_places(), "max_chars": svc.settings.ticket_max_chars,
        "error": None})


@router.post("/complaint", response_class=HTMLResponse)
async def complaint_submit(request: Request, svc: ServicesDep, text: Annotated[str, Form()] = "",
                           station: Annotated[str, Form()] = "", contact: Annotated[str, Form()] = "",
                           lang: Annotated[str, Form()] = "ru", photo: UploadFile | None = None) -> Response:
    language = pick_language(lang)
    try:
        check_body_size(request, (svc.settings.ticket_max_photo_mb + 1) * 1024 * 1024)
        request.app.state.ticket_limiter.check(client_ip(request))
        data = await photo.read(svc.settings.ticket_max_photo_mb * 1024 * 1024 + 1) if photo and photo.filename \
            else None
        ticket, token = await run_in_threadpool(
            svc.tickets.create, text, channel="web_form", station=station or None, contact=contact or None,
            photo=data or None, photo_name=photo.filename if photo else None, actor="customer", language=language)
    except AzsError as exc:
        stations = await run_in_threadpool(svc.tickets.station_places)
        response = public_page(request, "complaint.html", language, {
            "form": {"text": text[:svc.settings.ticket_max_chars], "station": station, "contact": contact},
            "stations": stations, "max_chars": svc.settings.ticket_max_chars,
            "error": customer_error(exc, language)}, status=exc.http_status)
        if "retry_after" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response
    # Post/redirect/get: a reload or «back» shows the confirmation again instead of sending the complaint twice.
    query = urlencode({"k": token, "new": 1, "lang": language})
    return RedirectResponse(f"/t/{quote(ticket.number)}?{query}", status_code=303)


@router.get("/t/{number}", response_class=HTMLResponse)
def ticket_status(request: Request, svc: ServicesDep, number: str, k: str = "", lang: str | None = None,
                  new: bool = False, sent: bool = False) -> Response:
    """The customer's status page; right after sending (``new``) it is the «accepted» confirmation with
    the number and the link to keep, in any language the customer switches to."""
    try:
        ticket, events = svc.tickets.public_view(number, k[:100])
    except AzsError as exc:  # a customer's page: in their own language only (customer_error), no staff menu
        language = pick_language(lang) if lang else request_language(request)
        return public_page(request, "public_message.html", language,
                           {"message": customer_error(exc, language), "status": exc.http_status},
                           status=exc.http_status)
    language = pick_language(lang) if lang else ticket.language
    # a bookmarked confirmation («&new=1») turns into the status page once the desk has answered
    new = new and not any(e.kind in ("comment", "customer_reply") for e in events) \
        and ticket.status not in ("resolved", "closed")
    link = svc.tickets.status_link(ticket, k[:100], str(request.base_url)) if new else None
    return public_page(request, "ticket_public.html", language, {
        "ticket": ticket, "events": events, "token": k, "just_created": new, "link": link, "sent": sent,
        "max_mb": svc.settings.ticket_max_photo_mb, "max_chars": svc.settings.ticket_max_chars})


@router.post("/t/{number}/reply", response_class=HTMLResponse)
async def customer_reply(request: Request, svc: ServicesDep, number: str, k: Annotated[str, Form()] = "",
                         text: Annotated[str, Form()] = "", lang: Annotated[str, Form()] = "ru",
                         photo: UploadFile | None = None) -> Response:
    """The customer answers on their status page (text and a photo, the intake's limits); back to the
    page (post/redirect/get), or the page again with the error in their language."""
    language = pick_language(lang)
    try:
        check_body_size(request, (svc.settings.ticket_max_photo_mb + 1) * 1024 * 1024)
        request.app.state.ticket_limiter.check(client_ip(request))
        data = await photo.read(svc.settings.ticket_max_photo_mb * 1024 * 1024 + 1) if photo and photo.filename \
            else None
        await run_in_threadpool(svc.tickets.reply_by_customer, number, k[:100], text, data or None,
                                photo.filename if photo else None)
    except AzsError as exc:
        try:
            ticket, events = await run_in_threadpool(svc.tickets.public_view, number, k[:100])
        except AzsError:  # the customer's form language, not the browser's
            return public_page(request, "public_message.html", language,
                               {"message": customer_error(exc, language), "status": exc.http_status},
                               status=exc.http_status)
        return public_page(request, "ticket_public.html", language, {
            "ticket": ticket, "events": events, "token": k, "just_created": False, "link": None,
            "error": customer_error(exc, language), "reply_text": text[:svc.settings.ticket_max_chars]},
            status=exc.http_status)
    query = urlencode({"k": k, "lang": language, "sent": 1})
    return RedirectResponse(f"/t/{quote(number)}?{query}#reply", status_code=303)


def customer_error(exc: AzsError, lang: str) -> str:
    """A typed error as the customer reads it, in the page's language. Where the error has no Kazakh text
    of its own, a Kazakh customer reads the desk catalogue's customer wording for its code
    (``cerr_<code>``), else the code's Kazakh summary alone: never the Russian (or English) detail that
    ``message("kk")`` appends for staff. An English customer reads the code's English summary where the
    raise site wrote no English text (``message_en`` would be the Russian one)."""
    if lang == "kk" and not exc.message_kk:
        return texts("kk").get(f"cerr_{exc.code}") or f"{summary(exc.code, 'kk')}."
    if lang == "en" and exc.message_en == exc.message_ru:
        return f"{summary(exc.code, 'en')}."
    return exc.message(lang)


# -- staff ----------------------------------------------------------------------------------
def labels(request: Request, svc: Any) -> Labels:
    """Names of codes in the page's language (departments from the routing file)."""
    lang = request_language(request)
    return Labels(texts(lang), lang, svc.tickets.department_names(lang))


@router.get("/tickets", response_class=HTMLResponse)
def queue(request: Request, svc: ServicesDep, who: StaffPage, department: str | None = None,
          status: str | None = None, station: str | None = None, overdue: bool = False,
          triage: bool = False, q: str | None = None, mine: bool = False) -> Response:
    picked = {"department": department, "status": status, "station": station, "overdue": overdue, "triage": triage,
              "q": (q or "")[:200], "mine": mine}
    try:
        rows = svc.tickets.queue_for(who, department=department or None, status=status or None, station=station or None,
                                     overdue=overdue or None, triage=True if triage else None, open_only=not status,
                                     search=picked["q"] or None, assignee=who.name if mine else None, limit=500)
    except AzsError as exc:
        return message_page(request, exc.message(request_language(request)), exc.http_status)
    return templates.TemplateResponse(request, "tickets.html", {
        "active": "tickets", "tickets": rows, "picked": picked, "statuses": STATUSES,
        "departments": svc.tickets.departments_in_use(), "L": labels(request, svc), **COMMON})


def _ticket_page(request: Request, svc: Any, who: Principal, number: str, error: str | None = None,
                 status: int = 200, done: str | None = None) -> Response:
    try:
        ticket = svc.tickets.get_for(who, number)
    except AzsError as exc:
        return message_page(request, exc.message(request_language(request)), exc.http_status)
    return templates.TemplateResponse(request, "ticket.html", {
        "active": "tickets", "ticket": ticket, "history": svc.tickets.history(number),
        "notes": svc.tickets.notifications(number), "error": error,
        "next_statuses": sorted(TRANSITIONS[ticket.status], key=STATUSES.index),
        "departments": svc.tickets.departments_in_use(), "L": labels(request, svc), "done": done,
        "staff": svc.tickets.staff_names(ticket), **COMMON}, status_code=status)


@router.get("/tickets/{number}", response_class=HTMLResponse)
def ticket_page(request: Request, svc: ServicesDep, number: str, who: StaffPage, done: str | None = None) -> Response:
    return _ticket_page(request, svc, who, number, done=done if done in DONE else None)


DONE = ("status", "assign", "labels", "comment", "take", "ack")  # what the page says was done, after the redirect


def _act(request: Request, svc: Any, who: Principal, number: str, action: Callable[[], Any], done: str) -> Response:
    """One staff action from the ticket page (the service checks scope and audits), back to the ticket, which
    says what was done (a walk-through saw the page come back unchanged and was not sure it was saved)."""
    try:
        action()
    except AzsError as exc:
        return _ticket_page(request, svc, who, number, exc.message(request_language(request)), exc.http_status)
    return RedirectResponse(f"/tickets/{quote(number)}?done={done}", status_code=303)


@router.post("/tickets/{number}/status")
def web_status(request: Request, svc: ServicesDep, number: str, who: StaffPage, status: Annotated[str, Form()],
               comment: Annotated[str, Form()] = "", public: Annotated[bool, Form()] = False) -> Response:
    return _act(request, svc, who, number, lambda: svc.tickets.set_status_by(
        who, number, status, comment or None, public, client_ip(request)), "status")


@router.post("/tickets/{number}/assign")
def web_assign(request: Request, svc: ServicesDep, number: str, who: StaffPage, department: Annotated[str, Form()] = "",
               assignee: Annotated[str, Form()] = "") -> Response:
    return _act(request, svc, who, number, lambda: svc.tickets.assign_by(
        who, number, department or None, assignee or None, client_ip(request)), "assign")


@router.post("/tickets/{number}/labels")
def web_labels(request: Request, svc: ServicesDep, number: str, who: StaffPage, category: Annotated[str, Form()] = "",
               urgency: Annotated[str, Form()] = "") -> Response:
    return _act(request, svc, who, number, lambda: svc.tickets.relabel_by(
        who, number, category or None, urgency or None, client_ip(request)), "labels")


@router.post("/tickets/{number}/comments")
def web_comment(request: Request, svc: ServicesDep, number: str, who: StaffPage, text: Annotated[str, Form()] = "",
                public: Annotated[bool, Form()] = False) -> Response:
    return _act(request, svc, who, number, lambda: svc.tickets.comment_by(
        who, number, text, public, client_ip(request)), "comment")


@router.get("/tickets/{number}/photos/{name}")
def reply_photo(svc: ServicesDep, number: str, name: str, who: StaffPage) -> Response:
    """A photo the customer attached to a reply (staff of the ticket only)."""
    name, media_type, data = svc.tickets.reply_photo_for(who, number, name)
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.post("/tickets/{number}/take")
def web_take(request: Request, svc: ServicesDep, number: str, who: StaffPage,
             back: Annotated[str, Form()] = "") -> Response:
    """«Assign to me» from the ticket page or the queue (``back=queue`` returns to the queue)."""
    response = _act(request, svc, who, number, lambda: svc.tickets.assign_to_me(who, number, client_ip(request)),
                    "take")
    if back == "queue" and response.status_code == 303:
        return RedirectResponse("/tickets", status_code=303)
    return response


@router.post("/tickets/{number}/ack")
def web_ack(request: Request, svc: ServicesDep, number: str, who: StaffPage) -> Response:
    return _act(request, svc, who, number, lambda: svc.tickets.acknowledge_by(who, number, client_ip(request)), "ack")
