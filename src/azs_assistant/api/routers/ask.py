"""Questions, search and the streaming answer (server-sent events)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from sse_starlette.sse import EventSourceResponse

from azs_assistant.api.deps import Anyone, ServicesDep, client_ip
from azs_assistant.api.schemas import AnswerPublic, AskRequest, ErrorResponse, SearchResponse

router = APIRouter(tags=["assistant"], responses={422: {"model": ErrorResponse}})


@router.post("/ask", response_model=AnswerPublic, summary="Задать вопрос базе знаний")
async def ask(body: AskRequest, svc: ServicesDep, who: Anyone, request: Request) -> dict:
    answer = await run_in_threadpool(svc.assistant.ask, body.question, who)
    svc.access.audit(who, "ask", body.question[:500], {"mode": answer.mode, "abstained": answer.abstained},
                     client_ip(request))
    return answer.public()


@router.post("/ask/stream", summary="Ответ потоком (server-sent events)",
             description="События `delta` (кусок текста), `reset` (начать заново), `done` (ответ целиком, JSON).")
async def ask_stream(body: AskRequest, svc: ServicesDep, who: Anyone, request: Request) -> EventSourceResponse:
    svc.analyse_query(body.question)  # validate before the stream starts, so errors get a status code
    svc.access.audit(who, "ask", body.question[:500], {"stream": True}, client_ip(request))

    def events() -> Iterator[dict]:
        for event in svc.assistant.ask_stream(body.question, who):
            kind = event.pop("type")
            yield {"event": kind, "data": json.dumps(event, ensure_ascii=False)}

    return EventSourceResponse(events())


@router.get("/search", response_model=SearchResponse, summary="Поиск фрагментов")
async def search(svc: ServicesDep, who: Anyone, q: str = Query(min_length=1, max_length=2000),
                 k: int = Query(10, ge=1, le=50)) -> dict:
    hits = await run_in_threadpool(svc.search, q, k, who)
    return {"query": q, "results": [h.public() for h in hits]}
