"""The admin's jobs page: background jobs newest first, filtered by state, with retry and cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant.errors import AzsError
from azs_assistant.http.deps import client_ip
from azs_assistant.jobs import STATUSES
from azs_assistant.web.auth_views import AdminPage


def make_router(templates: Any) -> APIRouter:
    """Routes of /admin/jobs, rendered with the app's templates."""
    router = APIRouter(include_in_schema=False)

    def render(request: Request, status: str | None, error: str | None = None, code: int = 200) -> Response:
        svc = request.app.state.services
        picked = status if status in STATUSES else None
        total, jobs = svc.jobs.list(status=picked, limit=200)
        return templates.TemplateResponse(request, "admin_jobs.html", {
            "active": "jobs", "jobs": jobs, "total": total, "picked": picked, "statuses": STATUSES,
            "error": error}, status_code=code)

    @router.get("/admin/jobs", response_class=HTMLResponse)
    def jobs_page(request: Request, who: AdminPage, status: str | None = None) -> Response:
        return render(request, status)

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
