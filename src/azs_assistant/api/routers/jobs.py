"""Background jobs for administrators: list them (dead letters included), read one with its progress, retry
a dead or cancelled one, cancel a queued or running one; the stored schedules of periodic jobs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from azs_assistant.http.deps import Admin, Language, ServicesDep, client_ip
from azs_assistant.http.errors import AUTHENTICATED, documented
from azs_assistant.http.params import Limit, Offset
from azs_assistant.http.schemas import iso_utc
from azs_assistant.jobs.planning import ReportPlan, SyncPlan

router = APIRouter(prefix="/jobs", tags=["jobs"], responses=documented(*AUTHENTICATED))
JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="Номер задания (32 шестнадцатеричные цифры)")]
Status = Literal["queued", "running", "done", "dead", "cancelled"]


class JobPublic(BaseModel):
    id: str
    kind: str
    status: str
    attempts: int
    max_attempts: int
    error: str | None = Field(None, description="Ошибка последней попытки (по-русски)")
    error_messages: dict[str, str] | None = Field(None, description="Та же ошибка на каждом языке интерфейса "
                                                  "(ru, kk, en), если это была типизированная ошибка")
    progress: dict[str, Any] | None = None
    result: Any = None
    created_by: str | None = None
    worker: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    run_after: str | None = None


class JobPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[JobPublic]


def job_public(job: Any) -> dict[str, Any]:
    """A job as the API and the jobs page show it (its files stay in the database)."""
    return {"id": job.id, "kind": job.kind, "status": job.status, "attempts": job.attempts,
            "max_attempts": job.max_attempts, "error": job.error, "error_messages": job.error_messages,
            "progress": job.progress, "result": job.result,
            "created_by": job.created_by, "worker": job.worker, "created_at": iso_utc(job.created_at),
            "started_at": iso_utc(job.started_at), "finished_at": iso_utc(job.finished_at),
            "run_after": iso_utc(job.run_after)}


@router.get("", response_model=JobPage, summary="Фоновые задания (только администратор)")
def list_jobs(svc: ServicesDep, who: Admin, status: Status | None = None, kind: str | None = None,
              offset: Offset = 0, limit: Limit = 50) -> dict[str, Any]:
    total, items = svc.jobs.list(status=status, kind=kind, offset=offset, limit=limit)
    return {"total": total, "offset": offset, "limit": limit, "items": [job_public(j) for j in items]}


class LastRun(BaseModel):
    """A schedule's last job: its state (``done``, ``queued`` again after a failure, ``dead``) and error."""

    job_id: str
    status: str
    attempts: int
    error: str | None = None
    error_messages: dict[str, str] | None = Field(None, description="Ошибка на каждом языке интерфейса (ru, kk, en)")
    created_at: str | None = None
    finished_at: str | None = None


class SchedulePublic(BaseModel):
    name: str
    kind: str
    every_s: float
    payload: dict[str, Any]
    last_slot: int | None = None
    next_run_at: str | None = Field(None, description="Когда будет поставлено следующее задание; null — при "
                                    "ближайшем проходе планировщика (текущий период ещё не поставлен)")
    last_run: LastRun | None = None


class ReportScheduleIn(BaseModel):
    questions: list[str] = Field(  # at most 20 of 500 characters: SchedulePlanner checks, for the page too
        description="Вопросы отчёта: не больше 20, каждый не длиннее 500 символов",
        examples=[["инциденты по регионам за прошлую неделю"]])
    formats: str = Field("pdf,xlsx", max_length=100, description="Форматы через запятую: pdf, xlsx, csv, png, svg")
    emails: list[Annotated[str, Field(max_length=254)]] = Field(default_factory=list, max_length=50)
    telegrams: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=50,
                                                                  description="Номера чатов или @каналы")
    lang: Literal["ru", "kk", "en"] | None = Field(None, description="Язык текста, файлов и темы письма; "
                                                   "по умолчанию язык запроса (Accept-Language)")


class SyncScheduleIn(BaseModel):
    source: str | None = Field(None, max_length=100, description="Источник из incident_sources.yaml; null — все")
    full: bool = False


class ScheduleCreate(BaseModel):
    """Either ``report`` (questions, formats, recipients) or ``sync`` (an incident source)."""

    every: str = Field(max_length=20, examples=["7d"], description="Как часто: 30m, 12h, 1d, 7d")
    name: str | None = Field(None, max_length=100, description="Имя расписания отчёта (по умолчанию из первого "
                             "вопроса); то же имя заменяет расписание")
    report: ReportScheduleIn | None = None
    sync: SyncScheduleIn | None = None


@router.get("/schedules", response_model=list[SchedulePublic],
            summary="Расписания периодических заданий: отчёты, синхронизация инцидентов (только администратор)")
def list_schedules(svc: ServicesDep, who: Admin) -> list[dict[str, Any]]:
    return [state.to_dict() for state in svc.schedules.overview()]


@router.post("/schedules", response_model=SchedulePublic, status_code=201,
             summary="Сохранить расписание: отчёт (вопросы, форматы, получатели) или синхронизацию инцидентов",
             responses=documented(400, 413, 503))
def create_schedule(body: ScheduleCreate, svc: ServicesDep, who: Admin, request: Request,
                    lang: Language) -> dict[str, Any]:
    r, sync = body.report, body.sync
    report = None if r is None else ReportPlan(r.questions, r.formats, r.emails, r.telegrams, r.lang or lang)
    stored = svc.schedule_planner.create(who, body.every, name=body.name, report=report, ip=client_ip(request),
                                         sync=None if sync is None else SyncPlan(sync.source, sync.full))
    return next(s.to_dict() for s in svc.schedules.overview() if s.schedule.name == stored.name)


@router.delete("/schedules/{name}", status_code=204, summary="Удалить расписание (уже поставленное задание "
               "выполнится)", responses=documented(404, 413, 503))
def remove_schedule(name: Annotated[str, Path(max_length=100)], svc: ServicesDep, who: Admin,
                    request: Request) -> Response:
    svc.schedules.remove(who, name, client_ip(request))
    return Response(status_code=204)


@router.get("/{job_id}", response_model=JobPublic, summary="Задание: состояние, ход работы, результат",
            responses=documented(404))
def get_job(job_id: JobId, svc: ServicesDep, who: Admin) -> dict[str, Any]:
    return job_public(svc.jobs.get(job_id))


@router.post("/{job_id}/retry", response_model=JobPublic, summary="Повторить остановленное задание",
             responses=documented(404, 409, 413, 503))
def retry_job(job_id: JobId, svc: ServicesDep, who: Admin, request: Request) -> dict[str, Any]:
    return job_public(svc.jobs.retry(who, job_id, client_ip(request)))


@router.post("/{job_id}/cancel", response_model=JobPublic, summary="Отменить задание",
             responses=documented(404, 409, 413, 503))
def cancel_job(job_id: JobId, svc: ServicesDep, who: Admin, request: Request) -> dict[str, Any]:
    return job_public(svc.jobs.cancel(who, job_id, client_ip(request)))
