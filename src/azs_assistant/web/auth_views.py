"""Sign-in for the web UI: the login page, sessions in a cookie, page guards, the admin pages for users,
keys and the audit log, and the profile page (Telegram link).

The session cookie is HttpOnly, SameSite=Lax, and Secure whenever the public address is https.
Pages need a signed-in user with the right role; forms carry the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant.auth.principal import Principal
from azs_assistant.auth.service import SESSION_MAX
from azs_assistant.errors import AzsError, Forbidden
from azs_assistant.http.deps import SESSION_COOKIE, ServicesDep, client_ip, optional_principal
from azs_assistant.web.i18n import COOKIE, LANGUAGES, request_language
from azs_assistant.web.templating import message_page, templates

router = APIRouter(include_in_schema=False)


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


async def login_required(_: Request, exc: LoginRequired) -> Response:
    """The exception handler for ``LoginRequired`` (installed by ``web.mount``)."""
    return RedirectResponse(f"/login?next={quote(exc.path, safe='')}", status_code=303)


@router.get("/lang/{code}")
def set_language(request: Request, code: str) -> Response:
    """Remember the chosen language in a cookie and go back to the page."""
    back = urlsplit(request.headers.get("referer", "/"))
    target = _safe_next(back.path + (f"?{back.query}" if back.query else ""))
    response = RedirectResponse(target, status_code=303)
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return templates.TemplateResponse(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
async def login(request: Request, svc: ServicesDep, username: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    try:
        request.app.state.login_limiter.check(client_ip(request))
        token, _ = await run_in_threadpool(svc.access.login, username[:100], password[:200], client_ip(request))
    except AzsError as exc:
        return templates.TemplateResponse(request, "login.html", {
            "next": _safe_next(next), "error": exc.message(request_language(request)), "username": username[:100]},
            status_code=exc.http_status)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(SESSION_MAX.total_seconds()), httponly=True,
                        samesite="lax", secure=(svc.settings.public_base_url or "").startswith("https"), path="/")
    return response


@router.post("/logout")
def logout(request: Request, svc: ServicesDep, who: AnyUser) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        svc.access.logout(token, who, client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, svc: ServicesDep, who: AdminPage, actor: str | None = None,
               action: str | None = None, text: str | None = None) -> Response:
    picked = {"actor": actor, "action": action, "text": text}
    events = svc.access.audit_search(actor=actor or None, action=action or None, text=text or None, limit=500)
    return templates.TemplateResponse(request, "audit.html", {
        "active": "audit", "events": events, "picked": picked,
        "query": urlencode({k: v for k, v in picked.items() if v})})


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _admin_page(request: Request, svc: Any, error: str | None = None, status: int = 200, **extra: Any) -> Response:
    return templates.TemplateResponse(request, "admin_users.html", {
        "active": "users", "users": svc.access.list_users(), "keys": svc.access.list_keys(), "error": error,
        **extra}, status_code=status)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, svc: ServicesDep, who: AdminPage) -> Response:
    return _admin_page(request, svc)


@router.post("/admin/users")
def users_add(request: Request, svc: ServicesDep, who: AdminPage, username: Annotated[str, Form()],
              password: Annotated[str, Form()], roles: Annotated[str, Form()], stations: Annotated[str, Form()] = "",
              regions: Annotated[str, Form()] = "", department: Annotated[str, Form()] = "") -> Response:
    try:
        svc.access.add_user(username, password, _split(roles), stations=_split(stations), regions=_split(regions),
                            department=department or None, actor=who)
    except AzsError as exc:
        return _admin_page(request, svc, exc.message(request_language(request)), exc.http_status)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/{action}")
def users_toggle(request: Request, svc: ServicesDep, who: AdminPage, username: str, action: str) -> Response:
    if action not in ("disable", "enable"):
        return _admin_page(request, svc, "Неизвестное действие.", 404)
    if username == who.name and action == "disable":
        return _admin_page(request, svc, "Нельзя отключить самого себя.", 409)
    try:
        svc.access.update_user(username, actor=who, disabled=action == "disable")
    except AzsError as exc:
        return _admin_page(request, svc, exc.message(request_language(request)), exc.http_status)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/keys")
def keys_add(request: Request, svc: ServicesDep, who: AdminPage, name: Annotated[str, Form()],
             roles: Annotated[str, Form()], stations: Annotated[str, Form()] = "",
             department: Annotated[str, Form()] = "") -> Response:
    try:
        key, row = svc.access.create_key(name, _split(roles), stations=_split(stations),
                                         department=department or None, actor=who)
    except AzsError as exc:
        return _admin_page(request, svc, exc.message(request_language(request)), exc.http_status)
    response = _admin_page(request, svc, new_key=key, new_key_name=row.name, status=201)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/admin/keys/{prefix}/revoke")
def keys_revoke(request: Request, svc: ServicesDep, who: AdminPage, prefix: str) -> Response:
    try:
        svc.access.revoke_key(prefix, actor=who)
    except AzsError as exc:
        return _admin_page(request, svc, exc.message(request_language(request)), exc.http_status)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/profile", response_class=HTMLResponse)
def profile(request: Request, svc: ServicesDep, who: AnyUser) -> Response:
    linked = who.user_id is not None and bool(svc.access.get_user(who.name).telegram_chat_id)
    return templates.TemplateResponse(request, "profile.html", {"active": "profile", "linked": linked, "code": None})


@router.post("/profile/telegram-code", response_class=HTMLResponse)
def telegram_code(request: Request, svc: ServicesDep, who: AnyUser) -> Response:
    try:
        code = svc.access.telegram_code(who)
    except AzsError as exc:
        return message_page(request, exc.message(request_language(request)), exc.http_status)
    linked = bool(svc.access.get_user(who.name).telegram_chat_id)
    response = templates.TemplateResponse(request, "profile.html", {"active": "profile", "linked": linked,
                                                                    "code": code})
    response.headers["Cache-Control"] = "no-store"
    return response
