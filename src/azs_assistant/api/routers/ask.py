"""Questions, search and the streaming answer (server-sent events)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse

from azs_assistant.api.schemas import (
    AnswerPublic,
    AskRequest,
    ConversationList,
    ConversationPublic,
    ConversationRename,
    SearchResponse,
    iso_utc,
)
from azs_assistant.http.deps import Anyone, Manager, ServicesDep, client_ip
from azs_assistant.http.errors import AUTHENTICATED, documented
from azs_assistant.http.markdown import to_html
from azs_assistant.http.params import RecordId

router = APIRouter(tags=["assistant"], responses=documented(*AUTHENTICATED))
WRITE = documented(400, 413, 503)  # a body that does not parse or is over the cap; database busy or model down


SSE_EVENT = {"type": "object", "required": ["event", "data"], "properties": {  # one event of the stream
    "event": {"type": "string", "enum": ["delta", "reset", "done"]},
    "data": {"type": "string", "description": "JSON: {text} для delta, {answer} для done"}}}


@router.post("/ask", response_model=AnswerPublic, summary="Задать вопрос базе знаний",
             responses={**WRITE, **documented(404)})  # 404: a conversation_id not the asker's
def ask(body: AskRequest, svc: ServicesDep, who: Anyone, request: Request) -> dict:
    answer, answer_id = svc.assistant.answer_for(who, body.question, body.conversation_id, client_ip(request),
                                                lang=body.lang)
    return {**answer.public(), "answer_id": answer_id}


@router.post("/ask/stream", summary="Ответ потоком (server-sent events)", response_class=EventSourceResponse,
             description="События `delta` (кусок текста), `reset` (начать заново), `done` (ответ целиком, JSON; "
                         "`answer_html` — текст ответа (Markdown) в безопасном HTML).",
             responses={200: {"content": {"text/event-stream": {"schema": SSE_EVENT}}, "description": "Поток событий"},
                        **WRITE, **documented(404)})
def ask_stream(body: AskRequest, svc: ServicesDep, who: Anyone, request: Request) -> EventSourceResponse:
    # validated (and audited) before the stream starts, so errors get a status code
    stream = svc.assistant.stream_for(who, body.question, body.conversation_id, client_ip(request), body.regenerate,
                                      body.lang)

    def events() -> Iterator[dict]:
        for event in stream:
            kind = event.pop("type")
            if kind == "done":  # the web chat swaps the streamed plain text for this rendering
                event["answer"] = {**event["answer"], "answer_html": to_html(event["answer"]["answer"])}
            yield {"event": kind, "data": json.dumps(event, ensure_ascii=False)}

    return EventSourceResponse(events())


def _item(c: Any) -> dict:
    return {"id": c.id, "title": c.title, "updated_at": c.updated_at}


@router.get("/conversations", response_model=ConversationList, summary="Свои разговоры, последние сверху (до 50)")
def conversations(svc: ServicesDep, who: Anyone) -> dict:
    return {"items": [_item(c) for c in svc.conversations.list_for(who.name)]}


@router.get("/conversations/{conversation_id}", summary="Ходы разговора (свои)", responses=documented(404))
def conversation(conversation_id: str, svc: ServicesDep, who: Anyone) -> dict:
    turns = svc.conversations.turns(conversation_id, who.name)
    return {"conversation_id": conversation_id, "title": svc.conversations.title_of(who.name, conversation_id),
            "turns": [{**turn, "created_at": iso_utc(turn["created_at"])} for turn in turns]}


@router.patch("/conversations/{conversation_id}", response_model=ConversationPublic,
              summary="Переименовать свой разговор", responses={**WRITE, **documented(404)})
def rename_conversation(conversation_id: str, body: ConversationRename, svc: ServicesDep, who: Anyone) -> dict:
    return _item(svc.conversations.rename(who.name, conversation_id, body.title))


@router.delete("/conversations/{conversation_id}", status_code=204, summary="Удалить свой разговор",
               responses={**WRITE, **documented(404)})
def delete_conversation(conversation_id: str, svc: ServicesDep, who: Anyone) -> None:
    svc.conversations.delete(who.name, conversation_id)


@router.get("/search", response_model=SearchResponse, summary="Поиск фрагментов")
def search(svc: ServicesDep, who: Anyone, q: str = Query(min_length=1, max_length=2000),
           k: int = Query(10, ge=1, le=50)) -> dict:
    hits = svc.assistant.search(q, k, who)
    return {"query": q, "results": [h.public() for h in hits]}


class FeedbackIn(BaseModel):
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)


class CorrectionIn(BaseModel):
    corrected_answer: str = Field(min_length=1, max_length=20000)
    comment: str | None = Field(default=None, max_length=2000)


@router.post("/answers/{answer_id}/feedback", status_code=201, summary="Оценить ответ: 👍 или 👎 с комментарием",
             responses={**WRITE, **documented(404)})
def feedback(answer_id: RecordId, body: FeedbackIn, svc: ServicesDep, who: Anyone) -> dict:
    row = svc.learning.rate(answer_id, who, 1 if body.rating == "up" else -1, body.comment)
    return {"id": row.id, "answer_id": answer_id, "rating": body.rating}


@router.post("/answers/{answer_id}/correction", status_code=201,
             summary="Исправленный ответ руководителя (для обучения модели)", responses={**WRITE, **documented(404)})
def correction(answer_id: RecordId, body: CorrectionIn, svc: ServicesDep, who: Manager) -> dict:
    row = svc.learning.correct(answer_id, who, body.corrected_answer, body.comment)
    return {"id": row.id, "answer_id": answer_id}
