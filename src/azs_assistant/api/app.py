"""The FastAPI application: REST API under /api/v1 and the web UI at /."""

from __future__ import annotations

from fastapi import FastAPI

from azs_assistant import __version__
from azs_assistant.api import errors
from azs_assistant.api.routers import ask, documents, health, jargon, ocr, reports
from azs_assistant.services import Services

API_PREFIX = "/api/v1"


def create_app(services: Services) -> FastAPI:
    app = FastAPI(title="azs-assistant API", version=__version__,
                  description="Ассистент сети АЗС: база знаний, поиск и ответы с источниками.")
    app.state.services = services
    errors.install(app)
    for router in (health.router, ask.router, documents.router, jargon.router, ocr.router, reports.router):
        app.include_router(router, prefix=API_PREFIX)
    from azs_assistant.web.views import mount

    mount(app)
    return app
