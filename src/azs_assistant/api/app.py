"""The FastAPI application: the REST API under /api/v1 and the web UI at /, composed here.

Both front ends stand on ``azs_assistant.http`` (who is asking, errors, limits); the web pages never
import the API, and this module is the only place that puts them together."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from azs_assistant import __version__
from azs_assistant.api.routers import (
    ask,
    audit,
    documents,
    health,
    jargon,
    jobs,
    metrics,
    ocr,
    reports,
    stations,
    telegram,
    tickets,
)
from azs_assistant.http import errors
from azs_assistant.http.ratelimit import make_limiter
from azs_assistant.services import Services
from azs_assistant.settings import LOCAL_BASE_URL
from azs_assistant.web import views
from azs_assistant.web.i18n import request_language
from azs_assistant.web.templating import message_page

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"


def create_app(services: Services, *, background: bool = True) -> FastAPI:
    """The app. ``background`` starts the job pool (uploads, syncs, and the notifier as a periodic job) when no
    broker is configured, and trains the complaint classifier at startup (tests that drive the notifier by
    hand turn it off)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not services.settings.public_base_url:
            log.warning("AZS_PUBLIC_BASE_URL is not set: status links shown to customers are built from the "
                        "address their request came to, and notifications link to %s; set it to the public "
                        "address of this server", LOCAL_BASE_URL)
        if background:
            # Notifications are a periodic job now (once per period across replicas), run by this pool or,
            # with a broker, by the `azs worker` processes.
            if services.settings.broker_url is None:
                services.job_runner.start()
            threading.Thread(target=lambda: services.tickets.classifier, name="azs-train", daemon=True).start()
        try:
            yield
        finally:
            if background and "job_runner" in services.__dict__:
                services.job_runner.stop()
            bot = getattr(app.state, "telegram", None)
            if bot is not None:
                await bot.shutdown()

    app = FastAPI(title="azs-assistant API", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Ассистент сети АЗС: база знаний, поиск, ответы с источниками, отчёты и жалобы.")
    app.state.services = services
    # shared by every replica through Redis when AZS_CACHE_URL is set (each limit its own namespace)
    redis_url, space = services.shared_redis_url, services.installation_id
    app.state.ticket_limiter = make_limiter(redis_url, f"{space}:ticket", services.settings.ticket_rate_per_minute)
    app.state.key_limiter = make_limiter(redis_url, f"{space}:key", 600)
    # password guessing from one address, on top of account lockout
    app.state.login_limiter = make_limiter(redis_url, f"{space}:login", 30)
    errors.install(app, page=message_page, page_language=request_language)
    _install_middleware(app, services)
    _install_docs(app)

    for router in (health.router, ask.router, documents.router, jargon.router, ocr.router, reports.router,
                   stations.router, tickets.router, audit.router, jobs.router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(telegram.router)
    scrape = metrics.router_for(services)
    if scrape is not None:
        app.include_router(scrape)
    views.mount(app)
    return app


def _install_middleware(app: FastAPI, services: Services) -> None:
    """Body caps per route, security headers on every response, client addresses from trusted proxies
    only, a request id on every log line. Added innermost first: the forwarded address is settled
    before anything else runs."""
    from azs_assistant.api.middleware import MB, BodyLimit, ForwardedFor, RequestId, SecurityHeaders, parse_proxies

    settings = services.settings
    uploads = ("/api/v1/documents", "/api/v1/ocr", "/api/v1/incidents/import")
    upload_limit = settings.max_upload_bytes * 20 + MB  # several files in one upload
    form_limit = (settings.ticket_max_photo_mb + 1) * MB

    def limit_for(path: str) -> int:
        if path == "/complaint" or (path.startswith("/t/") and path.endswith("/reply")):  # a form with a photo
            return form_limit
        return upload_limit if path.startswith(uploads) else MB  # JSON and forms: a megabyte is plenty

    app.add_middleware(BodyLimit, limit_for=limit_for)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestId)
    app.add_middleware(ForwardedFor, proxies=parse_proxies(settings.trusted_proxies))


_DOCS_PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>azs-assistant API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script></body></html>"""


def _install_docs(app: FastAPI) -> None:
    """Swagger UI from the installed package (no CDN, no inline script), so /docs works offline and
    under the Content-Security-Policy."""
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs/assets", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)
