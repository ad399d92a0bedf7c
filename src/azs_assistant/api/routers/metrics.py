"""``GET /metrics``: the Prometheus exposition, only when ``AZS_METRICS_TOKEN`` is set and only with it as a
bearer token. Outside ``/api/v1`` and the OpenAPI document: Prometheus, not API clients, reads it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from azs_assistant import metrics
from azs_assistant.errors import Unauthorized
from azs_assistant.services import Services


def router_for(services: Services) -> APIRouter | None:
    """The route, or None when no token is configured (then ``/metrics`` answers 404 like any unknown path)."""
    token = metrics.configured_token(services.settings)
    if not token:
        return None
    metrics.register_state(services.metric_sources())
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    def scrape(request: Request) -> Response:
        if not metrics.authorized(request.headers.get("authorization"), token):
            raise Unauthorized("Метрики доступны только с токеном AZS_METRICS_TOKEN (Authorization: Bearer …).",
                               "Metrics need the AZS_METRICS_TOKEN bearer token.")
        return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

    return router
