"""The jargon dictionary: list, add or change, remove. Edits take effect on the next question."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from azs_assistant.api.schemas import JargonTermPublic
from azs_assistant.errors import InvalidInput
from azs_assistant.http.deps import Admin, Anyone, ServicesDep
from azs_assistant.http.errors import AUTHENTICATED, documented

Term = Annotated[str, Path(max_length=200, pattern=r"\S", description="Термин (не пустой, до 200 символов)")]
router = APIRouter(prefix="/jargon", tags=["jargon"], responses=documented(*AUTHENTICATED))
WRITE = documented(400, 413, 503)  # a body that does not parse or is over the cap; the database busy


@router.get("", response_model=list[JargonTermPublic], summary="Словарь жаргона")
def list_terms(svc: ServicesDep, who: Anyone) -> list[dict]:
    return [{"term": e.term, "canonical": e.canonical, "note": e.note} for e in svc.jargon.entries()]


@router.put("/{term}", response_model=JargonTermPublic, summary="Добавить или изменить термин", responses={
    **WRITE, **documented(422)})
def put_term(term: Term, body: JargonTermPublic, svc: ServicesDep, who: Admin) -> dict:
    if body.term.strip().lower() != term.strip().lower():
        raise InvalidInput(f"Термин в адресе («{term}») и в теле запроса («{body.term}») различаются.",
                           f"The term in the path ('{term}') and in the body ('{body.term}') differ.",
                           message_kk=f"Мекенжайдағы («{term}») және сұрау денесіндегі («{body.term}») терминдер "
                                      "әртүрлі.")
    e = svc.jargon.put(who, term, body.canonical, body.note)
    return {"term": e.term, "canonical": e.canonical, "note": e.note}


@router.post("", response_model=JargonTermPublic, status_code=201, summary="Добавить термин", responses={
    **WRITE, **documented(409)})
def add_term(body: JargonTermPublic, svc: ServicesDep, who: Admin) -> dict:
    e = svc.jargon.put(who, body.term, body.canonical, body.note, added=True)
    return {"term": e.term, "canonical": e.canonical, "note": e.note}


@router.delete("/{term}", status_code=204, summary="Удалить термин", responses={**WRITE, **documented(404)})
def delete_term(term: Term, svc: ServicesDep, who: Admin) -> None:
    svc.jargon.delete(who, term)
