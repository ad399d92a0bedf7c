"""Sign-in for the web UI: the login page, sessions in a cookie, page guards and the audit page.

The session cookie is HttpOnly, SameSite=Lax, and Secure whenever the public address is https.
Pages need a signed-in user with the right role; forms carry the session's CSRF token.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant.api.deps import SESSION_COOKIE, Admin, client_ip, optional_principal
from azs_assistant.api.errors import AUTHENTICATED, documented
from azs_assistant.api.params import Limit, Offset
from azs_assistant.api.schemas import iso_utc
from azs_assistant.auth.principal import Principal
from azs_assistant.auth.service import SESSION_MAX
from azs_assistant.errors import AzsError, Forbidden


class LoginRequired(Exception):
    """A page was opened without signing in: the browser goes to /login and comes back."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def page(*roles: str) -> Callable[..., Any]:
    """A page guard: a signed-in user with one of ``roles`` (any role when none are given)."""

    async def guard(request: Request) -> Principal:
        principal = await optional_principal(request)
        if principal is None:
            raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        if roles and not principal.has(*roles):
            raise Forbidden(f"Эта страница для ролей: {', '.join(roles)}.", "Forbidden for this role.")
        return principal

    return guard


AnyUser = Annotated[Principal, Depends(page())]
AdminPage = Annotated[Principal, Depends(page("admin"))]


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


def mount_auth(app: FastAPI, templates: Any) -> None:
    @app.exception_handler(LoginRequired)
    async def _login_required(_: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.path, safe='')}", status_code=303)

    @app.get("/lang/{code}", include_in_schema=False)
    async def set_language(request: Request, code: str) -> Response:
        """Remember the chosen language in a cookie and go back to the page."""
        from urllib.parse import urlsplit

        from azs_assistant.web.i18n import COOKIE, LANGUAGES

        back = urlsplit(request.headers.get("referer", "/"))
        target = _safe_next(back.path + (f"?{back.query}" if back.query else ""))
        response = RedirectResponse(target, status_code=303)
        if code in LANGUAGES:
            response.set_cookie(COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
        return response

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_page(request: Request, next: str | None = None) -> Response:
        return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next), "error": None})

    @app.post("/login", include_in_schema=False)
    async def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
                    next: Annotated[str, Form()] = "/") -> Response:
        from fastapi.concurrency import run_in_threadpool

        svc = request.app.state.services
        try:
            request.app.state.login_limiter.check(client_ip(request))
            token, _ = await run_in_threadpool(svc.access.login, username[:100], password[:200], client_ip(request))
        except AzsError as exc:
            return templates.TemplateResponse(request, "login.html", {
                "next": _safe_next(next), "error": exc.message_ru, "username": username[:100]},
                status_code=exc.http_status)
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_MAX.total_seconds()), httponly=True,
                            samesite="lax", secure=svc.settings.public_base_url.startswith("https"), path="/")
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request, who: AnyUser) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            request.app.state.services.access.logout(token)
            request.app.state.services.access.audit(who, "logout", who.name, {}, client_ip(request))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
    async def audit_page(request: Request, who: Annotated[Principal, Depends(page("admin"))],
                         actor: str | None = None, action: str | None = None, text: str | None = None) -> Response:
        svc = request.app.state.services
        picked = {"actor": actor, "action": action, "text": text}
        events = svc.access.audit_search(actor=actor or None, action=action or None, text=text or None, limit=500)
        return templates.TemplateResponse(request, "audit.html", {
            "active": "audit", "events": events, "picked": picked,
            "query": urlencode({k: v for k, v in picked.items() if v})})

    def _split(value: str) -> list[str]:
        return [v.strip() for v in value.split(",") if v.strip()]

    async def _admin_page(request: Request, error: str | None = None, status: int = 200,
                          **extra: Any) -> Response:
        svc = request.app.state.services
        return templates.TemplateResponse(request, "admin_users.html", {
            "active": "users", "users": svc.access.list_users(), "keys": svc.access.list_keys(), "error": error,
            **extra}, status_code=status)

    @app.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
    async def users_page(request: Request, who: AdminPage) -> Response:
        return await _admin_page(request)

    @app.post("/admin/users", include_in_schema=False)
    async def users_add(request: Request, who: AdminPage, username: Annotated[str, Form()],
                        password: Annotated[str, Form()], roles: Annotated[str, Form()],
                        stations: Annotated[str, Form()] = "", regions: Annotated[str, Form()] = "",
                        department: Annotated[str, Form()] = "") -> Response:
        try:
            request.app.state.services.access.add_user(username, password, _split(roles), stations=_split(stations),
                                                       regions=_split(regions), department=department or None,
                                                       actor=who)
        except AzsError as exc:
            return await _admin_page(request, exc.message_ru, exc.http_status)
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/users/{username}/{action}", include_in_schema=False)
    async def users_toggle(request: Request, who: AdminPage, username: str, action: str) -> Response:
        if action not in ("disable", "enable"):
            return await _admin_page(request, "Неизвестное действие.", 404)
        if username == who.name and action == "disable":
            return await _admin_page(request, "Нельзя отключить самого себя.", 409)
        try:
            request.app.state.services.access.update_user(username, actor=who, disabled=action == "disable")
        except AzsError as exc:
            return await _admin_page(request, exc.message_ru, exc.http_status)
        return RedirectResponse("/admin/users", status_code=303)

    @app.post("/admin/keys", include_in_schema=False)
    async def keys_add(request: Request, who: AdminPage, name: Annotated[str, Form()], roles: Annotated[str, Form()],
                       stations: Annotated[str, Form()] = "", department: Annotated[str, Form()] = "") -> Response:
        try:
            key, row = request.app.state.services.access.create_key(
                name, _split(roles), stations=_split(stations), department=department or None, actor=who)
        except AzsError as exc:
            return await _admin_page(request, exc.message_ru, exc.http_status)
        response = await _admin_page(request, new_key=key, new_key_name=row.name, status=201)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.post("/admin/keys/{prefix}/revoke", include_in_schema=False)
    async def keys_revoke(request: Request, who: AdminPage, prefix: str) -> Response:
        try:
            request.app.state.services.access.revoke_key(prefix, actor=who)
        except AzsError as exc:
            return await _admin_page(request, exc.message_ru, exc.http_status)
        return RedirectResponse("/admin/users", status_code=303)

    @app.get("/profile", response_class=HTMLResponse, include_in_schema=False)
    async def profile(request: Request, who: AnyUser) -> Response:
        access = request.app.state.services.access
        linked = who.user_id is not None and bool(access.get_user(who.name).telegram_chat_id)
        return templates.TemplateResponse(request, "profile.html",
                                          {"active": "profile", "linked": linked, "code": None})

    @app.post("/profile/telegram-code", response_class=HTMLResponse, include_in_schema=False)
    async def telegram_code(request: Request, who: AnyUser) -> Response:
        svc = request.app.state.services
        try:
            code = svc.access.telegram_code(who)
        except AzsError as exc:
            return templates.TemplateResponse(request, "message.html", {"message": exc.message_ru},
                                              status_code=exc.http_status)
        linked = bool(svc.access.get_user(who.name).telegram_chat_id)
        response = templates.TemplateResponse(request, "profile.html", {"active": "profile", "linked": linked,
                                                                        "code": code})
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/api/v1/audit", tags=["audit"], summary="Журнал действий (только администратор)",
             responses=documented(*AUTHENTICATED))
    async def audit_api(request: Request, who: Admin, actor: str | None = None, action: str | None = None,
                        text: str | None = None, limit: Limit = 200, offset: Offset = 0) -> dict[str, Any]:
        svc = request.app.state.services
        rows = svc.access.audit_search(actor=actor, action=action, text=text, limit=limit, offset=offset)
        return {"events": [_event(e) for e in rows], "count": len(rows), "offset": offset}

    @app.get("/api/v1/audit/export", tags=["audit"], summary="Журнал действий в CSV (только администратор)",
             response_class=Response, responses={**documented(*AUTHENTICATED, 503), 200: {
                 "description": "CSV (UTF-8 с BOM, для Excel)", "content": {"text/csv": {}}}})
    async def audit_export(request: Request, who: Admin, actor: str | None = None, action: str | None = None,
                           text: str | None = None) -> Response:
        svc = request.app.state.services
        svc.access.audit(who, "audit.export", text or "", {"actor": actor, "action": action}, client_ip(request))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["at", "actor", "actor_kind", "action", "target", "details", "ip"])
        for e in svc.access.audit_search(actor=actor, action=action, text=text, limit=5000):
            d = _event(e)
            writer.writerow([d["at"], d["actor"], d["actor_kind"], d["action"], d["target"], d["details"], d["ip"]])
        return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


def _event(e: Any) -> dict[str, Any]:
    import json

    return {"at": iso_utc(e.at), "actor": e.actor, "actor_kind": e.actor_kind, "action": e.action,
            "target": e.target, "details": json.dumps(e.details, ensure_ascii=False), "ip": e.ip}
