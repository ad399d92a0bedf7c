"""Dependencies shared by the routers: the services, who is asking, and what their role allows.

A request is authenticated by an API key (``Authorization: Bearer azs_…`` or ``X-API-Key``) or by
the web session cookie. A session request that changes something must carry the session's CSRF
token (``X-CSRF-Token`` header or ``csrf_token`` form field); key requests are not exposed to CSRF.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from azs_assistant.auth.principal import Principal
from azs_assistant.errors import FileTooLarge, Forbidden, Unauthorized
from azs_assistant.http.errors import caller_language
from azs_assistant.services import Services

SESSION_COOKIE = "azs_session"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]
# The language the caller reads (ru, kk or en): the web UI's choice for its own calls, else Accept-Language,
# the same rule as the error messages' (http/errors.py)
Language = Annotated[str, Depends(caller_language)]


def client_ip(request: Request) -> str:
    """The client's address (from a trusted proxy's X-Forwarded-For, see api.middleware.ForwardedFor)."""
    return request.client.host if request.client else "unknown"


def check_body_size(request: Request, limit: int = 1024 * 1024) -> None:
    """A declared body over ``limit`` is refused before it is read (a complaint is text: 1 MB is plenty)."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit:
        raise FileTooLarge(f"Запрос слишком большой ({int(length) // 1024} КБ): текст жалобы — до "
                           f"{limit // 1024} КБ.",
                           f"Request too large ({int(length) // 1024} KB): a complaint's text is up to "
                           f"{limit // 1024} KB.",
                           message_kk=f"Сұраныс тым үлкен ({int(length) // 1024} КБ): шағым мәтіні ең көбі "
                                      f"{limit // 1024} КБ.")


# Declared for OpenAPI (the "Authorize" button in /docs); the checks themselves are below.
_BEARER = HTTPBearer(auto_error=False, description="Ключ API: `Authorization: Bearer azs_…`")
_KEY_HEADER = APIKeyHeader(name="X-API-Key", auto_error=False, description="Ключ API в заголовке X-API-Key")
_COOKIE = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Сеанс веб-интерфейса (после /login)")


async def optional_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)] = None,
    header_key: Annotated[str | None, Security(_KEY_HEADER)] = None,
    cookie: Annotated[str | None, Security(_COOKIE)] = None,
) -> Principal | None:
    """Who is asking, or None. Cached on the request."""
    if hasattr(request.state, "principal"):
        return request.state.principal  # type: ignore[no-any-return]
    svc: Services = request.app.state.services
    principal: Principal | None = None
    raw = request.headers.get("authorization", "")  # also when called directly, not as a dependency
    if raw and not raw.lower().startswith("bearer "):  # a credential we cannot check is refused, not skipped
        raise Unauthorized("Неподдерживаемая схема авторизации: используйте «Bearer <ключ API>».",
                           "Unsupported authorization scheme; use Bearer with an API key.",
                           message_kk="Авторизация схемасына қолдау көрсетілмейді: «Bearer <API кілті>» "
                                      "пайдаланыңыз.")
    key = (bearer.credentials.strip() if bearer else header_key) or (
        raw[7:].strip() if raw.lower().startswith("bearer ") else request.headers.get("x-api-key", ""))
    if key:
        found = await run_in_threadpool(svc.access.key_principal, key)  # the database, off the event loop
        if found is None:
            raise Unauthorized("Ключ API неверен или отозван.", "Invalid or revoked API key.",
                               message_kk="API кілті қате немесе оның күші жойылған.")
        principal, rate = found
        request.app.state.key_limiter.check(principal.name, rate)
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            principal = await run_in_threadpool(svc.access.session_principal, token)
            if principal is not None and request.method in _UNSAFE:
                sent = request.headers.get("x-csrf-token")
                if sent is None and "form" in request.headers.get("content-type", ""):
                    sent = str((await request.form()).get("csrf_token") or "")
                if not sent or not principal.csrf or not secrets.compare_digest(sent, principal.csrf):
                    raise Forbidden("Форма устарела (нет CSRF-токена): обновите страницу и повторите.",
                                    "CSRF token missing or wrong.",
                                    message_kk="Форманың мерзімі өтті (CSRF-токен жоқ): бетті жаңартып, қайталаңыз.")
    request.state.principal = principal
    return principal


async def current_principal(request: Request,
                            principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        raise Unauthorized("Нужно войти: ключ API или вход в веб-интерфейсе.",
                           "Sign-in required: an API key or signing in to the web interface.",
                           message_kk="Жүйеге кіру керек: API кілтімен немесе веб-интерфейс арқылы.")
    return principal


def require(*roles: str) -> Callable[..., Any]:
    """A dependency that lets through only principals with one of ``roles`` (admins always)."""

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.has(*roles):
            raise Forbidden(f"Недостаточно прав: нужна роль {' или '.join(roles)}.",
                            f"Not allowed: the {' or '.join(roles)} role is required.",
                            message_kk=f"Рұқсатыңыз жеткіліксіз: {' немесе '.join(roles)} рөлі керек.")
        return principal

    check.allowed_roles = frozenset({*roles, "admin"})  # type: ignore[attr-defined]  # read by the policy test
    return check


Anyone = Annotated[Principal, Depends(require("operator", "manager", "support", "admin"))]
Operator = Annotated[Principal, Depends(require("operator"))]
Manager = Annotated[Principal, Depends(require("manager"))]
FieldStaff = Annotated[Principal, Depends(require("operator", "manager"))]
Staff = Annotated[Principal, Depends(require("manager", "support"))]
Admin = Annotated[Principal, Depends(require("admin"))]

