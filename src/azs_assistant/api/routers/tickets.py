"""Customer complaints for other systems (call centre, mobile app, e-mail gateway) and for staff:
intake, classification, the queue, status changes, comments, reassignment, acknowledgement."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from azs_assistant.http.deps import Admin, Anyone, Language, ServicesDep, Staff, check_body_size, client_ip
from azs_assistant.http.errors import documented
from azs_assistant.http.params import Limit, Offset
from azs_assistant.http.schemas import iso_utc
from azs_assistant.tickets.notify import ticket_json
from azs_assistant.tickets.reasons import Reason
from azs_assistant.tickets.service import CHANNELS

router = APIRouter(tags=["tickets"], responses=documented(404, 422))
SIGNED_IN = documented(401, 403, 429)  # every route but the customer's public status page
WRITE = {**SIGNED_IN, **documented(400, 413, 503)}  # a body that does not parse or is over the cap; the database busy
Status = Literal["new", "assigned", "in_progress", "resolved", "closed"]


class TicketIn(BaseModel):
    text: str = Field(min_length=1, pattern=r"\S", description="Текст обращения",
                      examples=["Заправил 40 литров, а в бак вошло 35, АЗС-012"])
    station: str | None = Field(default=None, max_length=200, description="Станция: «АЗС-012», «12»…")
    contact: str | None = Field(default=None, max_length=200, description="Телефон или e-mail клиента")
    channel: str = Field(default="api", description="Откуда пришло обращение",
                         json_schema_extra={"enum": list(CHANNELS)})  # the service refuses others (422)
    language: Literal["ru", "kk", "en"] | None = None


class TicketCreated(BaseModel):
    number: str
    token: str = Field(description="Секрет личной ссылки клиента; показывается один раз")
    status_url: str
    status: str
    category: str
    urgency: str
    department: str
    needs_triage: bool
    warnings: list[str]


class ClassifyIn(BaseModel):
    text: str = Field(min_length=1, pattern=r"\S")
    station: str | None = Field(default=None, max_length=200)
    channel: str = Field(default="api", json_schema_extra={"enum": list(CHANNELS)})
    contact: str | None = Field(default=None, max_length=200)


class StatusIn(BaseModel):
    status: Status
    comment: str | None = Field(default=None, max_length=5000, description="Заметка к смене статуса")
    public: bool = Field(default=False, description="Комментарий — ответ клиенту (виден по его ссылке); "
                                                    "иначе внутренняя заметка")


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)
    public: bool = Field(default=False, description="Видно клиенту по его ссылке")


class AssignIn(BaseModel):
    department: str | None = None
    assignee: str | None = Field(default=None, max_length=200)


class LabelsIn(BaseModel):
    category: str | None = None
    urgency: Literal["low", "medium", "high", "critical"] | None = None


class ActorIn(BaseModel):
    """Nothing to send: who acknowledges is who is signed in."""


def _event_json(e: Any, private: bool = True) -> dict[str, Any]:
    data = dict(e.data) if private else {k: v for k, v in e.data.items() if k in ("from", "to", "text")}
    out = {"at": iso_utc(e.at), "kind": e.kind, "data": data}
    if private:
        out["actor"] = e.actor
    return out


@router.post("/tickets", status_code=201, response_model=TicketCreated, summary="Принять жалобу клиента (ключ API)",
             responses=WRITE)
def create(body: TicketIn, request: Request, svc: ServicesDep, who: Anyone, lang: Language) -> dict[str, Any]:
    """For other systems with a key (call centre, mobile app, e-mail gateway); customers use the public
    form at /complaint."""
    check_body_size(request)
    request.app.state.ticket_limiter.check(client_ip(request))
    ticket, token = svc.tickets.create(body.text, channel=body.channel, station=body.station, contact=body.contact,
                                       actor=who.name, language=body.language)
    stored = [Reason.from_json(r) for r in ticket.reasons or []]
    warnings = [r.text(lang) for r in stored if r is not None and r.key.startswith("station_")]
    link = svc.tickets.status_link(ticket, token, str(request.base_url))
    return {"number": ticket.number, "token": token, "status_url": link,
            "status": ticket.status, "category": ticket.category, "urgency": ticket.urgency,
            "department": ticket.department, "needs_triage": bool(ticket.needs_triage), "warnings": warnings}


@router.post("/tickets/classify", summary="Классифицировать текст, не сохраняя", responses=WRITE)
def classify(body: ClassifyIn, request: Request, svc: ServicesDep, who: Staff, lang: Language) -> dict[str, Any]:
    check_body_size(request)
    result = svc.tickets.classify(body.text, channel=body.channel, station=body.station, contact=body.contact)
    return result.to_dict(lang)  # type: ignore[no-any-return]


@router.get("/tickets", summary="Очередь обращений", responses=SIGNED_IN)
def list_tickets(svc: ServicesDep, who: Staff, department: str | None = None, status: Status | None = None,
                 station: str | None = None, overdue: bool | None = None, triage: bool | None = None,
                 open_only: bool = False, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    rows = svc.tickets.queue_for(who, department=department, status=status, station=station, overdue=overdue,
                                 triage=triage, open_only=open_only, limit=limit, offset=offset)
    return {"tickets": [ticket_json(t) for t in rows], "count": len(rows)}


@router.get("/tickets/rules", summary="Действующие правила маршрутизации (отделы и правила)", responses=SIGNED_IN)
def rules(svc: ServicesDep, who: Staff) -> dict[str, Any]:
    spec = svc.tickets.rules.spec
    return {"source": svc.tickets.rules.source,
            "departments": {k: {"name": d.name, "contacts": len(d.contacts)} for k, d in spec.departments.items()},
            "rules": [r.model_dump(exclude_defaults=True) for r in spec.rules], "sla_hours": spec.sla_hours}


@router.post("/tickets/rules/reload", summary="Перечитать файл правил (ошибка — старые правила остаются)",
             responses=WRITE)
def reload_rules(svc: ServicesDep, who: Admin) -> dict[str, Any]:
    loaded = svc.tickets.reload_rules_by(who)
    return {"source": loaded.source, "departments": list(loaded.departments), "rules": len(loaded.spec.rules)}


@router.post("/tickets/train", summary="Переобучить классификатор (примеры + исправленные обращения)",
             status_code=202,
             description="Обучение идёт фоновым заданием: ответ 202 с номером задания (`GET /api/v1/jobs/{id}`: затем "
                         "число примеров и версия); другие процессы переобучаются сами в течение 30 с. С `wait=true` "
                         "ответ ждёт конца обучения и возвращает эти цифры (200).",
             responses={**WRITE, 202: {"description": "Принято: номер задания"},
                        200: {"description": "С wait=true: число примеров и версия классификатора"}})
def train(svc: ServicesDep, who: Admin,
          wait: Annotated[bool, Query(description="Ждать конца обучения")] = False) -> Response:
    if wait:
        return JSONResponse(svc.tickets.train_by(who), status_code=200)
    job = svc.tickets.submit_training(who)
    location = f"/api/v1/jobs/{job.id}"
    return JSONResponse({"job_id": job.id, "status": job.status, "location": location}, status_code=202,
                        headers={"Location": location})


@router.get("/tickets/{number}", summary="Обращение с историей и уведомлениями", responses=SIGNED_IN)
def show(number: str, svc: ServicesDep, who: Staff) -> dict[str, Any]:
    ticket = svc.tickets.get_for(who, number)
    history = svc.tickets.history(number)
    notes = svc.tickets.notifications(number)
    return {**ticket_json(ticket), "history": [_event_json(e) for e in history],
            "notifications": [{"channel": n.channel, "target": n.target, "reason": n.reason, "status": n.status,
                               "attempts": n.attempts, "last_error": n.last_error} for n in notes]}


@router.get("/tickets/{number}/public", summary="Статус для клиента по его секрету (публичная ссылка)")
def public(number: str, svc: ServicesDep, k: Annotated[str, Query(max_length=100)] = "") -> dict[str, Any]:
    ticket, events = svc.tickets.public_view(number, k)
    return {**ticket_json(ticket, private=False), "history": [_event_json(e, private=False) for e in events]}


@router.post("/tickets/{number}/status", summary="Сменить статус (в т.ч. переоткрыть)",
             responses={**WRITE, **documented(409)})  # 409: already in that status, or no such transition
def set_status(number: str, body: StatusIn, svc: ServicesDep, who: Staff) -> dict[str, Any]:
    return ticket_json(svc.tickets.set_status_by(who, number, body.status, body.comment, body.public))


@router.post("/tickets/{number}/comments", status_code=201, summary="Комментарий (внутренний или для клиента)",
             responses=WRITE)
def comment(number: str, body: CommentIn, svc: ServicesDep, who: Staff) -> dict[str, Any]:
    return _event_json(svc.tickets.comment_by(who, number, body.text, body.public))


@router.post("/tickets/{number}/assign", summary="Передать другому отделу или исполнителю", responses=WRITE)
def assign(number: str, body: AssignIn, svc: ServicesDep, who: Staff) -> dict[str, Any]:
    return ticket_json(svc.tickets.assign_by(who, number, body.department, body.assignee))


@router.post("/tickets/{number}/labels", summary="Исправить категорию/срочность (станет примером для обучения)",
             responses=WRITE)
def relabel(number: str, body: LabelsIn, svc: ServicesDep, who: Staff) -> dict[str, Any]:
    return ticket_json(svc.tickets.relabel_by(who, number, body.category, body.urgency))


@router.post("/tickets/{number}/ack", summary="Подтвердить получение (останавливает напоминания)",
             responses=WRITE)
def acknowledge(number: str, body: ActorIn, svc: ServicesDep, who: Staff) -> dict[str, Any]:
    return ticket_json(svc.tickets.acknowledge_by(who, number))


PHOTO_TYPES = ("jpeg", "png", "webp", "gif", "bmp", "tiff")  # what intake accepts (TicketService._check_photo)


@router.get("/tickets/{number}/photo", summary="Фото чека, приложенное клиентом", response_class=FileResponse,
            responses={**SIGNED_IN, 200: {"description": "Фото", "content": {f"image/{t}": {} for t in PHOTO_TYPES}}})
def photo(number: str, svc: ServicesDep, who: Staff) -> Response:
    name, media_type, data = svc.tickets.photo_for(who, number)
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'inline; filename="{name}"'})
