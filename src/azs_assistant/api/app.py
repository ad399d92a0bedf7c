"""The FastAPI application: REST API under /api/v1 and the web UI at /."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from azs_assistant import __version__
from azs_assistant.api import errors
from azs_assistant.api.routers import ask, documents, health, jargon, ocr, reports, tickets
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

    app = FastAPI(title="azs-assistant API", version=__version__, lifespan=lifespan,
                  description="Ассистент сети АЗС: база знаний, поиск, ответы с источниками, отчёты и жалобы.")
    app.state.services = services
    from azs_assistant.api.ratelimit import RateLimiter

    app.state.ticket_limiter = RateLimiter(services.settings.ticket_rate_per_minute)
    app.state.key_limiter = RateLimiter(600)
    app.state.login_limiter = RateLimiter(30)  # password guessing from one address, on top of account lockout
    errors.install(app)
    for router in (health.router, ask.router, documents.router, jargon.router, ocr.router, reports.router,
                   tickets.router):
        app.include_router(router, prefix=API_PREFIX)
    from azs_assistant.web.views import mount

    mount(app)
    return app
