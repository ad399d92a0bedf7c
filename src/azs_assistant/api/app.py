"""The FastAPI application: REST API under /api/v1 and the web UI at /."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request

from azs_assistant import __version__
from azs_assistant.api import errors
from azs_assistant.api.routers import ask, documents, health, jargon, ocr, reports, telegram, tickets
from azs_assistant.services import Services

API_PREFIX = "/api/v1"


def create_app(services: Services, *, background: bool = True) -> FastAPI:
    """The app. ``background`` starts the notifier and trains the complaint classifier at startup
    (tests that drive the notifier by hand turn it off)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if background:
            services.notifier.start()
            threading.Thread(target=lambda: services.tickets.classifier, name="azs-train", daemon=True).start()
        try:
            yield
        finally:
            if background:
                services.notifier.stop()
            bot = getattr(app.state, "telegram", None)
            if bot is not None:
                await bot.shutdown()

    app = FastAPI(title="azs-assistant API", version=__version__, lifespan=lifespan,
                  description="Ассистент сети АЗС: база знаний, поиск, ответы с источниками, отчёты и жалобы.")
    app.state.services = services
    from azs_assistant.api.ratelimit import RateLimiter

    app.state.ticket_limiter = RateLimiter(services.settings.ticket_rate_per_minute)
    app.state.key_limiter = RateLimiter(600)
    app.state.login_limiter = RateLimiter(30)  # password guessing from one address, on top of account lockout
    errors.install(app)
    uploads = ("/api/v1/documents", "/api/v1/ocr", "/api/v1/incidents/import", "/complaint")
    upload_limit = services.settings.max_upload_bytes * 20 + 1024 * 1024  # several files in one upload
    form_limit = (services.settings.ticket_max_photo_mb + 1) * 1024 * 1024

    @app.middleware("http")
    async def _body_limit(request: Request, call_next: Any) -> Any:
        """Refuse an oversized body before anything reads it: 413 in the usual error shape."""
        length = request.headers.get("content-length", "")
        if request.method in ("POST", "PUT", "PATCH") and length.isdigit():
            path = request.url.path
            limit = form_limit if path == "/complaint" else upload_limit if path.startswith(uploads) else 1024 * 1024
            if int(length) > limit:
                return errors.error_response(413, "file_too_large",
                                             f"Запрос слишком большой: больше {limit // (1024 * 1024)} МБ.",
                                             {"limit_bytes": limit})
        return await call_next(request)

    for router in (health.router, ask.router, documents.router, jargon.router, ocr.router, reports.router,
                   tickets.router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(telegram.router)
    from azs_assistant.web.views import mount

    mount(app)
    return app
