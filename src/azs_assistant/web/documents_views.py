"""The documents pages: the list (search, filters, sort; upload for those who may), one document's
view (its text by section with the cited passage marked, the original, its summary and versions), the
original file and the summary page. Deleting goes through the REST API from ``static/documents.js``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant.assistant.answer import section_without_title
from azs_assistant.documents.service import EVERYONE, DocumentFilter
from azs_assistant.errors import AzsError
from azs_assistant.http.deps import ServicesDep
from azs_assistant.web.auth_views import AnyUser
from azs_assistant.web.dates import read_days
from azs_assistant.web.i18n import request_language
from azs_assistant.web.templating import message_page, templates

router = APIRouter(include_in_schema=False)
UPLOADERS = ("admin",)  # who may upload: the role of ``POST /api/v1/documents`` in auth/policy.py


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, svc: ServicesDep, who: AnyUser, q: str = "", kind: str = "", since: str = "",
              until: str = "", audience: str = "", sort: str = "title") -> Response:
    lang = request_language(request)
    dates = read_days({"since": since, "until": until}, lang)
    picked = {"q": q[:200], "kind": kind[:32], **dates.shown, "audience": audience[:200], "sort": sort[:16]}
    context: dict[str, Any] = {"active": "documents", "picked": picked, "everyone": EVERYONE, "error": None,
                               "max_mb": svc.settings.max_upload_mb, "may_upload": who.has(*UPLOADERS),
                               "deleted": request.query_params.get("deleted", "")[:1000], "date_errors": dates.errors}
    try:
        if dates.errors:  # each shown next to its field; the list stays whole until the date is corrected
            context["listing"], status = svc.documents.listing(who, DocumentFilter()), 422
        else:
            wanted = DocumentFilter(picked["q"], picked["kind"], dates.days["since"], dates.days["until"],
                                    picked["audience"], picked["sort"])
            context["listing"], status = svc.documents.listing(who, wanted), 200
    except AzsError as exc:
        context["error"], status = exc.message(lang), exc.http_status
        context["listing"] = svc.documents.listing(who, DocumentFilter())
    context["filtered"] = any(v for k, v in picked.items() if k != "sort")
    return templates.TemplateResponse(request, "documents.html", context, status_code=status)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, svc: ServicesDep, document_id: int, who: AnyUser, p: int | None = None) -> Response:
    try:
        doc, sections = svc.documents.outline(who, document_id)
        summary = svc.summaries.at_hand(document_id, who)
        changes = svc.summaries.changes(document_id, who)
    except AzsError as exc:
        return message_page(request, exc.message(request_language(request)), exc.http_status)
    return templates.TemplateResponse(request, "document.html", {
        "active": "documents", "doc": doc, "cited": p, "s": summary, "changes": changes,
        "sections": [(section_without_title(sec.heading, doc.title), sec.parts()) for sec in sections],
        "has_original": svc.documents.has_original(doc.id), "may_delete": who.is_admin})


@router.get("/documents/{document_id}/original")
def original(request: Request, svc: ServicesDep, document_id: int, who: AnyUser) -> Response:
    try:
        name, media_type, data = svc.documents.original(who, document_id)
    except AzsError as exc:
        return message_page(request, exc.message(request_language(request)), exc.http_status)
    # attachment: a stored HTML or SVG file must never be rendered as a page of this site
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{_quoted(name)}", "X-Content-Type-Options": "nosniff"})


def _quoted(name: str) -> str:
    from urllib.parse import quote
    return quote(name, safe="")


@router.get("/documents/{document_id}/summary", response_class=HTMLResponse)
def summary_page(request: Request, svc: ServicesDep, document_id: int, who: AnyUser) -> Response:
    try:
        summary = svc.summaries.summary(document_id, who)
        changes = svc.summaries.changes(document_id, who)
        doc = svc.documents.get(who, document_id)
    except AzsError as exc:
        return message_page(request, exc.message(request_language(request)), exc.http_status)
    return templates.TemplateResponse(request, "summary.html", {"active": "documents", "s": summary,
                                                                 "doc": doc, "changes": changes})


@router.get("/passages/{chunk_id}")
def passage(request: Request, svc: ServicesDep, chunk_id: int, who: AnyUser) -> Response:
    """A citation opens its document at the passage, marked (the page scrolls to ``#p<id>``)."""
    try:
        chunk, doc = svc.documents.passage(who, chunk_id)
    except AzsError as exc:
        return message_page(request, exc.message(request_language(request)), exc.http_status)
    return RedirectResponse(f"/documents/{doc.id}?p={chunk.id}#p{chunk.id}", status_code=303)
