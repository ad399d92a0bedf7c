"""Liveness and readiness."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from azs_assistant import __version__, readiness
from azs_assistant.api.schemas import Health
from azs_assistant.auth.principal import Principal
from azs_assistant.errors import AzsError
from azs_assistant.http.deps import ServicesDep, optional_principal

router = APIRouter(tags=["health"])


async def _signed_in(request: Request) -> Principal | None:
    """Who asks, if anyone: a revoked key, another scheme or a key over its rate is answered as a caller who is
    not signed in (a health check answers 200 whatever credential a monitor sends)."""
    try:
        return await optional_principal(request)
    except AzsError:
        return None


@router.get("/health", response_model=Health, response_model_exclude_none=True, summary="Состояние сервиса",
            description="Без входа только «status»: сколько документов, какие модели и версия — сведения для "
                        "вошедших (ключ API или вход), их не видит каждый, кто может открыть адрес.")
def health(svc: ServicesDep, who: Annotated[Principal | None, Depends(_signed_in)]) -> dict:
    if who is None:
        return {"status": "ok"}
    documents, chunks = svc.documents.counts()
    return {"status": "ok", "documents": documents, "chunks": chunks,
            "embeddings": svc.embedder.name if svc.embedder else None,
            "llm": svc.settings.llm_model if svc.llm else None, "version": __version__}


class Live(BaseModel):
    status: str


class CheckPublic(BaseModel):
    name: str
    ok: bool
    ms: float
    error: str | None = None


class Ready(BaseModel):
    status: str
    message: str
    checks: list[CheckPublic]


@router.get("/health/live", response_model=Live, summary="Живость: процесс отвечает",
            description="Только то, что процесс работает; ничего не проверяет (перезапуск не лечит сбой базы).")
def live() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/health/ready", response_model=Ready, summary="Готовность: база данных, брокер заданий, Tesseract",
            responses={503: {"model": Ready, "description": "Не готов: что именно недоступно"}})
def ready(svc: ServicesDep) -> Any:
    result = readiness.check(svc)
    body = {"status": "ok" if result.ready else "unavailable", "message": result.message(),
            "checks": [{"name": c.name, "ok": c.ok, "ms": round(c.ms, 1), "error": c.error} for c in result.checks]}
    return body if result.ready else JSONResponse(body, status_code=503)
