"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select

from azs_assistant import __version__
from azs_assistant.api.schemas import Health
from azs_assistant.http.deps import ServicesDep
from azs_assistant.storage.models import Chunk

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Состояние сервиса")
def health(svc: ServicesDep) -> dict:
    with svc.db.session() as s:
        chunks = int(s.scalar(select(func.count()).select_from(Chunk)) or 0)
    return {"status": "ok", "documents": svc.count_documents(), "chunks": chunks,
            "embeddings": svc.embedder.name if svc.embedder else None,
            "llm": svc.settings.llm_model if svc.llm else None, "version": __version__}
