"""The jargon dictionary: list, add or change, remove. Edits take effect on the next question."""

from __future__ import annotations

from fastapi import APIRouter

from azs_assistant.api.deps import Admin, Anyone, ServicesDep
from azs_assistant.api.schemas import ErrorResponse, JargonTermPublic

router = APIRouter(prefix="/jargon", tags=["jargon"], responses={404: {"model": ErrorResponse}})


@router.get("", response_model=list[JargonTermPublic], summary="Словарь жаргона")
async def list_terms(svc: ServicesDep, who: Anyone) -> list[dict]:
    return [{"term": e.term, "canonical": e.canonical, "note": e.note} for e in svc.jargon_list()]


@router.put("/{term}", response_model=JargonTermPublic, summary="Добавить или изменить термин")
async def put_term(term: str, body: JargonTermPublic, svc: ServicesDep, who: Admin) -> dict:
    e = svc.jargon_upsert(term, body.canonical, body.note)
    svc.access.audit(who, "jargon.put", e.term, {"canonical": e.canonical})
    return {"term": e.term, "canonical": e.canonical, "note": e.note}


@router.post("", response_model=JargonTermPublic, status_code=201, summary="Добавить термин")
async def add_term(body: JargonTermPublic, svc: ServicesDep, who: Admin) -> dict:
    e = svc.jargon_upsert(body.term, body.canonical, body.note)
    svc.access.audit(who, "jargon.add", e.term, {"canonical": e.canonical})
    return {"term": e.term, "canonical": e.canonical, "note": e.note}


@router.delete("/{term}", status_code=204, summary="Удалить термин")
async def delete_term(term: str, svc: ServicesDep, who: Admin) -> None:
    svc.jargon_remove(term)
    svc.access.audit(who, "jargon.delete", term)
