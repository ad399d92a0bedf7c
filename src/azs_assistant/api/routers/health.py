"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter

from azs_assistant import __version__
from azs_assistant.api.schemas import Health
from azs_assistant.http.deps import ServicesDep

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Состояние сервиса")
def health(svc: ServicesDep) -> dict:
    documents, chunks = svc.documents.counts()
    return {"status": "ok", "documents": documents, "chunks": chunks,
            "embeddings": svc.embedder.name if svc.embedder else None,
            "llm": svc.settings.llm_model if svc.llm else None, "version": __version__}
