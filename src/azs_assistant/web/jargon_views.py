"""The admin's jargon-dictionary page: find a term, add or change one, remove one. The use cases are the
service's (``Jargon.put`` and ``Jargon.delete``, audited); the page only reads the form and shows the list."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant.errors import AzsError
from azs_assistant.web.auth_views import AdminPage
from azs_assistant.web.i18n import request_language

SHOWN = 100  # rows on a page (a card each on a phone): the filter or the next pages find the rest of ~2,300


def make_router(templates: Any) -> APIRouter:
    """Routes of /admin/jargon, rendered with the app's templates."""
    router = APIRouter(include_in_schema=False)

    def render(request: Request, q: str = "", error: str | None = None, status: int = 200,
               saved: str | None = None, removed: str | None = None, form: dict[str, str] | None = None,
               page: int = 1) -> Response:
        entries = request.app.state.services.jargon.entries()
        needle = q.strip().lower()
        found = [e for e in entries if not needle or needle in e.term.lower() or needle in e.canonical.lower()
                 or needle in (e.note or "").lower()]
        terms = {e.term for e in entries}  # a banner says what is so, not what a crafted link claims
        saved = saved if saved in terms else None
        removed = removed if removed and removed not in terms else None
        pages = max(1, -(-len(found) // SHOWN))
        page = min(max(1, page), pages)  # past the end (a term removed): the last page
        first = (page - 1) * SHOWN
        shown = found[first:first + SHOWN]
        return templates.TemplateResponse(request, "admin_jargon.html", {
            "active": "jargon", "q": q, "entries": shown, "found": len(found), "total": len(entries),
            "first": first + 1, "last": first + len(shown), "page": page, "pages": pages,
            "page_url": lambda n: "/admin/jargon?" + urlencode({"q": q, "page": n} if q else {"page": n}),
            "error": error, "saved": saved, "removed": removed, "form": form or {}}, status_code=status)

    @router.get("/admin/jargon", response_class=HTMLResponse)
    def jargon_page(request: Request, who: AdminPage, q: Annotated[str, Query(max_length=200)] = "",
                    saved: Annotated[str, Query(max_length=200)] = "",
                    removed: Annotated[str, Query(max_length=200)] = "",
                    page: Annotated[int, Query(ge=1, le=10000)] = 1) -> Response:
        return render(request, q, saved=saved or None, removed=removed or None, page=page)

    @router.post("/admin/jargon")
    def jargon_save(request: Request, who: AdminPage, term: Annotated[str, Form(max_length=200)],
                    canonical: Annotated[str, Form(max_length=500)],
                    note: Annotated[str, Form(max_length=500)] = "") -> Response:
        try:
            e = request.app.state.services.jargon.put(who, term, canonical, note.strip() or None)
        except AzsError as exc:
            return render(request, term, exc.message(request_language(request)), exc.http_status,
                          form={"term": term, "canonical": canonical, "note": note})
        return RedirectResponse(f"/admin/jargon?q={_quoted(e.term)}&saved={_quoted(e.term)}", status_code=303)

    @router.post("/admin/jargon/remove")
    def jargon_remove(request: Request, who: AdminPage, term: Annotated[str, Form(max_length=200)],
                      q: Annotated[str, Form(max_length=200)] = "",
                      page: Annotated[int, Form(ge=1, le=10000)] = 1) -> Response:
        try:
            request.app.state.services.jargon.delete(who, term)
        except AzsError as exc:  # the list it was removed from stays, with why not
            return render(request, q, exc.message(request_language(request)), exc.http_status, page=page)
        # back to the list the admin removed it from (its filter and page), not to the first of 24 pages
        back = urlencode({**({"q": q} if q else {}), "page": page, "removed": term.strip().lower()})
        return RedirectResponse(f"/admin/jargon?{back}", status_code=303)

    return router


def _quoted(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
