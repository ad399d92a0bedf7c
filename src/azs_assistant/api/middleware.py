"""What every request passes through, whatever the route: the client's real address (forwarded
headers only from configured proxies), a body-size cap that holds while the body streams in, the
security headers of every response, and a request id on every log line with one access line per request.

Pure ASGI middleware (not ``@app.middleware("http")``), so a chunked body is counted as it arrives
instead of being read whole first, and a streamed answer is not buffered.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from azs_assistant import logs, metrics
from azs_assistant.errors import FileTooLarge

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MB = 1024 * 1024
access_log = logging.getLogger("azs.access")

# No inline script anywhere (the pages' scripts are static files); styles are static too. Data and blob
# images: the OCR page previews the chosen photo, Swagger UI draws its icons as data URIs.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # a customer's status link carries its secret: never sent elsewhere
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"geolocation=(), microphone=(), payment=()"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class SecurityHeaders:
    """Adds the security headers to every HTTP response; HSTS only when the request came over https."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*SECURITY_HEADERS, HSTS] if https else SECURITY_HEADERS
                headers += [(name, value) for name, value in extra if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a body over the route's limit: at once when Content-Length says so, otherwise as soon
    as the streamed (chunked) body passes it, with the usual 413 error."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app, self.limit_for = app, limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = dict(scope.get("headers", [])).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await _refuse(limit, send, scope)
            return
        seen, refused, started = 0, False, False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:  # the 413 has gone out: whatever the app says after it is dropped
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        async def counted() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # answer now, and tell the app the client is gone so it stops reading
                    if not started:
                        await _refuse(limit, send, scope)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted, guarded_send)


def too_large(limit: int) -> FileTooLarge:
    return FileTooLarge(f"Запрос слишком большой: больше {max(limit // MB, 1)} МБ.",
                        f"Request body over {limit} bytes.",
                        message_kk=f"Сұраныс тым үлкен: ең көбі {max(limit // MB, 1)} МБ.", limit_bytes=limit)


async def _refuse(limit: int, send: Send, scope: Scope) -> None:
    from azs_assistant.http.errors import client_language, error_response

    error = too_large(limit)
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    response = error_response(413, "file_too_large", error.messages(), {"limit_bytes": limit},
                              client_language(headers))
    await response({"type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def parse_proxies(raw: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``AZS_TRUSTED_PROXIES``: comma-separated addresses or networks («10.0.0.0/8, 127.0.0.1»)."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip()]


class ForwardedFor:
    """Takes the client's address and scheme from ``X-Forwarded-For``/``-Proto`` only when the peer
    is a configured proxy; the address is the nearest hop that is not itself a trusted proxy. From
    anyone else the headers are ignored, so a client cannot pick its address to escape rate limits."""

    def __init__(self, app: ASGIApp, proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> None:
        self.app, self.proxies = app, proxies

    def _trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host.strip())
        except ValueError:
            return False
        return any(address in network for network in self.proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and self.proxies and client and self._trusted(client[0]):
            headers = dict(scope.get("headers", []))
            hops = [h.strip() for h in headers.get(b"x-forwarded-for", b"").decode("latin-1").split(",") if h.strip()]
            for hop in reversed(hops):
                if not self._trusted(hop):
                    scope["client"] = (hop, 0)
                    break
            proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").split(",")[0].strip().lower()
            if proto in ("http", "https"):
                scope["scheme"] = proto
        await self.app(scope, receive, send)


class _PrincipalName:
    """The request's user for log lines: whom the auth dependency found (``request.state.principal``,
    kept in the scope's state), read when a line is logged, so lines before authentication carry none."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state

    def __str__(self) -> str:
        return str(getattr(self.state.get("principal"), "name", "") or "")


class RequestId:
    """Binds a request id for every log line of the request: the caller's ``X-Request-ID`` when it is a
    sane token, else a fresh one. The id goes back in the ``X-Request-ID`` response header, and one
    access line per request says method, path (never the query: status links carry a secret there),
    status, duration and user."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = logs.accept_id(incoming)
        status = 500  # what the client gets when the app fails before answering
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", request_id.encode("ascii"))]
            await send(message)

        bindings = logs.bind(request_id=request_id, user=_PrincipalName(scope.setdefault("state", {})))
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            duration_ms = round(elapsed * 1000, 1)
            route = _route_template(scope)
            metrics.HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            metrics.HTTP_DURATION.labels(scope["method"], route).observe(elapsed)
            access_log.info("%s %s %s %.1f ms", scope["method"], scope["path"], status, duration_ms,
                            extra={"method": scope["method"], "path": scope["path"], "status": status,
                                   "duration_ms": duration_ms})
        # Unbound only on success: an unexpected error is logged by Starlette's outermost error middleware
        # after this one has returned, and its lines keep the id (the request's task ends with it).
        logs.unbind(bindings)


def _route_template(scope: Scope) -> str:
    """The matched route's template with its router's prefix (``/api/v1/tickets/{number}``), never the raw
    path: one series per route, whatever the ids. FastAPI leaves the router's own route in the scope, whose
    template lacks the prefix it was included under; the prefix is the part of the path before the part the
    route matches (our prefixes are fixed strings). Requests that matched nothing count as ``unmatched``."""
    route = scope.get("route")
    template, pattern = getattr(route, "path", None), getattr(route, "path_regex", None)
    if not template:
        return "unmatched"
    path = scope["path"]
    if pattern is not None:
        for cut in [0, *(i for i, ch in enumerate(path) if ch == "/" and i)]:
            if pattern.match(path[cut:]):
                return path[:cut] + str(template)
    return str(template)
