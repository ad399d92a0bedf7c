"""``GET /metrics``: the Prometheus exposition, only when ``AZS_METRICS_TOKEN`` is set and only with it as a
bearer token. Outside ``/api/v1`` and the OpenAPI document: Prometheus, not API clients, reads it."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request, Response

from azs_assistant import metrics
from azs_assistant.errors import Unauthorized
from azs_assistant.secrets import resolve_secret
from azs_assistant.services import Services


def router_for(services: Services) -> APIRouter | None:
    """The route, or None when no token is configured (then ``/metrics`` answers 404 like any unknown path)."""
    configured = services.settings.metrics_token
    token = resolve_secret(configured.get_secret_value()) if configured else None
    if not token:
        return None
    metrics.register_state(services.metric_sources())
    expected = f"Bearer {token}".encode()
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    def scrape(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            raise Unauthorized("Метрики доступны только с токеном AZS_METRICS_TOKEN (Authorization: Bearer …).",
                               "Metrics need the AZS_METRICS_TOKEN bearer token.")
        return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

    return router
