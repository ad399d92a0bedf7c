"""Sign-in for the web UI: the login page, sessions in a cookie, page guards, the admin pages for users,
keys and the audit log, and the profile page (Telegram link).

The session cookie is HttpOnly, SameSite=Lax, and Secure whenever the public address is https.
Pages need a signed-in user with the right role; forms carry the session's CSRF token.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant import i18n
from azs_assistant.auth.principal import ROLES, Principal
from azs_assistant.auth.service import SESSION_MAX
from azs_assistant.errors import AzsError, Forbidden
from azs_assistant.http.deps import SESSION_COOKIE, ServicesDep, client_ip, optional_principal
from azs_assistant.web.i18n import COOKIE, LANGUAGES, request_language, texts
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
            said = {lang: _page_only(lang, roles, principal.roles) for lang in LANGUAGES}
            raise Forbidden(said["ru"], said["en"], message_kk=said["kk"])
        return principal

    return guard


def _page_only(lang: str, roles: tuple[str, ...], mine: Iterable[str]) -> str:
    """«This page is for: manager. Your roles: operator.», each role named in ``lang``."""
    said = texts(lang)

    def named(codes: Any) -> str:
        return ", ".join(said.get(f"rolename_{r}", r) for r in codes) or "—"
    return i18n.text("azs_assistant.web", "role_page_only", lang, roles=named(roles), mine=named(sorted(mine)))


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
    response.delete_cookie(NEW_KEY_COOKIE, path="/admin/users")
    return response


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, svc: ServicesDep, who: AdminPage, actor: str | None = None,
               action: str | None = None, text: str | None = None) -> Response:
    picked = {"actor": actor, "action": action, "text": text}
    # an action picked from the list is that action («вход» is not «неудачный вход»); one typed into the address
    # is a prefix («ticket.»), as the API reads it
    named = bool(action) and f"act_{action}" in texts(request_language(request))
    events = svc.access.audit_search(actor=actor or None, action=action or None, text=text or None, limit=500,
                                     exact=named)
    return templates.TemplateResponse(request, "audit.html", {
        "active": "audit", "events": events, "picked": picked,
        "departments": svc.tickets.department_names(request_language(request)),
        "query": urlencode({k: v for k, v in picked.items() if v})})


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _roles(picked: list[str]) -> list[str]:
    """The roles ticked (each box sends one code; a script may still send «operator, manager»)."""
    return [role for value in picked for role in _split(value)]


def _admin_page(request: Request, svc: Any, error: str | None = None, status: int = 200, users: Any = None,
                **extra: Any) -> Response:
    # departments are picked by name from the routing file (an admin typed codes such as «hse» from memory)
    return templates.TemplateResponse(request, "admin_users.html", {
        "active": "users", "users": svc.access.list_users() if users is None else users,
        "keys": svc.access.list_keys(), "error": error,
        "all_roles": ROLES, "departments": svc.tickets.department_names(request_language(request)), **extra},
        status_code=status)


def _said(request: Request, key: str, **values: str) -> str:
    return i18n.text("azs_assistant.web", key, request_language(request), **values)


# A new key's secret reaches the page after a redirect, in a cookie read once, in the session that made it (and
# dropped at sign-out): the page that showed it was the POST's answer, and reloading it created a second key.
NEW_KEY_COOKIE = "azs_new_key"


def _session_tag(request: Request) -> str:
    """A tag of this browser's session (not the session itself)."""
    return hashlib.sha256((request.cookies.get(SESSION_COOKIE) or "").encode()).hexdigest()[:16]


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, svc: ServicesDep, who: AdminPage, added: str | None = None,
               saved: str | None = None) -> Response:
    users = svc.access.list_users()
    names = {u.username for u in users}  # a banner says what is so, not what a link claims
    said = (_said(request, "ad_added", name=added) if added in names else
            _said(request, "ad_saved", name=saved) if saved in names else None)
    shown = request.cookies.get(NEW_KEY_COOKIE)
    if not shown:
        return _admin_page(request, svc, saved=said, users=users)
    try:
        owner, key, name = base64.urlsafe_b64decode(shown.encode()).decode().split("\n", 2)
    except (ValueError, UnicodeDecodeError):
        owner = key = name = ""
    if owner != _session_tag(request):  # made in another session (an admin signed out, another signed in)
        key = name = ""
    response = _admin_page(request, svc, saved=said, users=users, new_key=key or None, new_key_name=name)
    response.headers["Cache-Control"] = "no-store"
    response.delete_cookie(NEW_KEY_COOKIE, path="/admin/users")
    return response


@router.post("/admin/users")
def users_add(request: Request, svc: ServicesDep, who: AdminPage, username: Annotated[str, Form()],
              password: Annotated[str, Form()], roles: Annotated[list[str], Form()] = [],  # noqa: B006
              stations: Annotated[str, Form()] = "", regions: Annotated[str, Form()] = "",
              department: Annotated[str, Form()] = "") -> Response:
    # a refused form comes back as typed (but the password): an admin lost every field to one wrong station
    picked = _roles(roles)
    typed = {"username": username, "roles": picked, "stations": stations, "regions": regions,
             "department": department}
    try:
        svc.access.add_user(username, password, picked, stations=_split(stations), regions=_split(regions),
                            department=department or None, actor=who)
    except AzsError as exc:
        return _admin_page(request, svc, exc.message(request_language(request)), exc.http_status, user_form=typed)
    return RedirectResponse(f"/admin/users?added={quote(username.strip().lower())}", status_code=303)


@router.post("/admin/users/{username}/edit")
def users_edit(request: Request, svc: ServicesDep, who: AdminPage, username: str,
               roles: Annotated[list[str], Form()] = [],  # noqa: B006
               stations: Annotated[str, Form()] = "", regions: Annotated[str, Form()] = "",
               department: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "") -> Response:
    """An admin changes a person's roles, stations, regions, department and, typed, their password."""
    picked = _roles(roles)
    try:  # (the service keeps an admin from unmaking themselves, and the last admin an admin)
        user = svc.access.update_user(username, actor=who, roles=picked, stations=_split(stations),
                                      regions=_split(regions), department=department, password=password or None,
                                      ip=client_ip(request))
    except AzsError as exc:
        typed = {"username": username, "roles": picked, "stations": stations, "regions": regions,
                 "department": department}
        return _admin_page(request, svc, exc.message(request_language(request)), exc.http_status, edit_form=typed)
    # after a redirect: a reload does not send the form (and a typed password) again
    return RedirectResponse(f"/admin/users?saved={quote(user.username)}", status_code=303)


@router.post("/admin/users/{username}/{action}")
def users_toggle(request: Request, svc: ServicesDep, who: AdminPage, username: str, action: str) -> Response:
    if action not in ("disable", "enable"):
        return _admin_page(request, svc, "Неизвестное действие.", 404)
    try:
        svc.access.update_user(username, actor=who, disabled=action == "disable", ip=client_ip(request))
    except AzsError as exc:
        return _admin_page(request, svc, exc.message(request_language(request)), exc.http_status)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/keys")
def keys_add(request: Request, svc: ServicesDep, who: AdminPage, name: Annotated[str, Form()],
             roles: Annotated[list[str], Form()] = [],  # noqa: B006
             stations: Annotated[str, Form()] = "", department: Annotated[str, Form()] = "") -> Response:
    picked = _roles(roles)
    typed = {"name": name, "roles": picked, "stations": stations, "department": department}
    try:
        key, row = svc.access.create_key(name, picked, stations=_split(stations),
                                         department=department or None, actor=who)
    except AzsError as exc:
        return _admin_page(request, svc, exc.message(request_language(request)), exc.http_status, key_form=typed)
    response = RedirectResponse("/admin/users#new-key", status_code=303)
    shown = f"{_session_tag(request)}\n{key}\n{row.name}"
    response.set_cookie(NEW_KEY_COOKIE, base64.urlsafe_b64encode(shown.encode()).decode(), max_age=300,
                        httponly=True, samesite="strict", path="/admin/users",
                        secure=(svc.settings.public_base_url or "").startswith("https"))
    return response


@router.post("/admin/keys/{prefix}/revoke")
def keys_revoke(request: Request, svc: ServicesDep, who: AdminPage, prefix: str) -> Response:
    try:
        svc.access.revoke_key(prefix, actor=who)
    except AzsError as exc:
        return _admin_page(request, svc, exc.message(request_language(request)), exc.http_status)
    return RedirectResponse("/admin/users", status_code=303)


def _profile(request: Request, svc: Any, who: Principal, status: int = 200, **extra: Any) -> Response:
    """The profile page: roles, the person's stations by name and address (a code alone told an operator
    little), the password form and the Telegram link."""
    linked = who.user_id is not None and bool(svc.access.get_user(who.name).telegram_chat_id)
    mine = [] if who.sees_all_stations else svc.stations.list(allowed=set(who.stations))
    return templates.TemplateResponse(request, "profile.html", {"active": "profile", "linked": linked, "code": None,
                                                                "my_stations": mine, **extra}, status_code=status)


@router.get("/profile", response_class=HTMLResponse)
def profile(request: Request, svc: ServicesDep, who: AnyUser, password: str | None = None) -> Response:
    return _profile(request, svc, who, pw_done=password == "changed")


@router.post("/profile/password", response_class=HTMLResponse)
def change_password(request: Request, svc: ServicesDep, who: AnyUser, current: Annotated[str, Form()],
                    new: Annotated[str, Form()], repeat: Annotated[str, Form()]) -> Response:
    """A signed-in person changes their own password: the current one first; their other sessions end."""
    error, status = None, 200
    if new != repeat:
        error, status = _said(request, "pw_mismatch"), 400
    else:
        try:
            svc.access.change_password(who, current, new, keep=request.cookies.get(SESSION_COOKIE),
                                       ip=client_ip(request))
        except AzsError as exc:
            error, status = exc.message(request_language(request)), exc.http_status
    if error:
        return _profile(request, svc, who, status, pw_error=error)
    # after a redirect: F5 on the answer would send the old and new passwords again
    return RedirectResponse("/profile?password=changed", status_code=303)


@router.post("/profile/telegram-code", response_class=HTMLResponse)
def telegram_code(request: Request, svc: ServicesDep, who: AnyUser) -> Response:
    try:
        code = svc.access.telegram_code(who)
    except AzsError as exc:
        return message_page(request, exc.message(request_language(request)), exc.http_status)
    response = _profile(request, svc, who, code=code)
    response.headers["Cache-Control"] = "no-store"
    return response
