"""The admin's jobs page: background jobs newest first, filtered by state, with retry and cancel; the stored
schedules (what each does, how often, its next run, how its last run went) with a confirmed delete."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant.errors import AzsError
from azs_assistant.http.deps import client_ip
from azs_assistant.jobs import STATUSES
from azs_assistant.jobs.schedule import Schedule
from azs_assistant.web.auth_views import AdminPage


def every_words(t: dict[str, str], seconds: float) -> str:
    """A schedule's period in the page's language: «раз в 7 дн.», «1 сағат сайын», "every 30 min"."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return t[f"sch_every_{unit}"].replace("{n}", str(int(seconds // size)))
    return t["sch_every_s"].replace("{n}", f"{seconds:g}")


def describe(t: dict[str, str], schedule: Schedule) -> list[str]:
    """What a schedule does, in words (one line per fact); a kind the page does not know shows its payload."""
    p = schedule.payload
    if schedule.kind == "reports.scheduled":
        questions = "; ".join(f"«{q}»" for q in p.get("questions", []))
        lines = [t["sch_report"].replace("{questions}", questions),
                 t["sch_formats"].replace("{formats}", ", ".join(str(p.get("formats", "")).split(",")))]
        recipients = list(p.get("emails", [])) + [f"Telegram {chat}" for chat in p.get("telegrams", [])]
        if recipients:
            lines.append(t["sch_to"].replace("{recipients}", ", ".join(recipients)))
        return lines + [t["sch_files_in"].replace("{dir}", str(p.get("out_dir", "—")))]
    if schedule.kind == "incidents.sync":
        source = p.get("source")
        line = t["sch_sync"].replace("{source}", source) if source else t["sch_sync_all"]
        return [line] + ([t["sch_full"]] if p.get("full") else [])
    return [schedule.kind] + [f"{key}: {value}" for key, value in p.items()]


def make_router(templates: Any) -> APIRouter:
    """Routes of /admin/jobs, rendered with the app's templates."""
    router = APIRouter(include_in_schema=False)

    def render(request: Request, status: str | None, error: str | None = None, code: int = 200,
               deleted: str | None = None) -> Response:
        svc = request.app.state.services
        picked = status if status in STATUSES else None
        total, jobs = svc.jobs.list(status=picked, limit=200)
        return templates.TemplateResponse(request, "admin_jobs.html", {
            "active": "jobs", "jobs": jobs, "total": total, "picked": picked, "statuses": STATUSES,
            "error": error, "schedules": svc.schedules.overview(), "describe": describe, "every_words": every_words,
            "deleted": deleted}, status_code=code)

    @router.get("/admin/jobs", response_class=HTMLResponse)
    def jobs_page(request: Request, who: AdminPage, status: str | None = None,
                  deleted: str | None = None) -> Response:
        return render(request, status, deleted=deleted)

    # before /admin/jobs/{job_id}/{action}, which would take «schedules» for a job id
    @router.post("/admin/jobs/schedules/delete")
    def delete_schedule(request: Request, who: AdminPage, name: Annotated[str, Form(max_length=100)]) -> Response:
        try:
            request.app.state.services.schedules.remove(who, name, client_ip(request))
        except AzsError as exc:
            return render(request, None, exc.message_ru, exc.http_status)
        return RedirectResponse(f"/admin/jobs?{urlencode({'deleted': name})}", status_code=303)

    @router.post("/admin/jobs/{job_id}/{action}")
    def job_action(request: Request, who: AdminPage, job_id: str, action: str) -> Response:
        svc = request.app.state.services
        if action not in ("retry", "cancel"):
            return render(request, None, "Неизвестное действие.", 404)
        act = svc.jobs.retry if action == "retry" else svc.jobs.cancel
        try:
            act(who, job_id, client_ip(request))
        except AzsError as exc:
            return render(request, None, exc.message_ru, exc.http_status)
        return RedirectResponse("/admin/jobs", status_code=303)

    return router
