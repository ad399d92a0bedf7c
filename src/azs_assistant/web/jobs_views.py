"""The admin's jobs page: background jobs newest first, filtered by state, with retry and cancel; the stored
schedules (what each does, how often, its next run, how its last run went) with a confirmed delete, and a form
that stores a new one (issue 24) through the service the API uses, its refusals shown next to their fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant import __version__, readiness
from azs_assistant.errors import AzsError
from azs_assistant.http.deps import client_ip
from azs_assistant.jobs import STATUSES
from azs_assistant.jobs.planning import ReportPlan, SyncPlan
from azs_assistant.jobs.schedule import Schedule
from azs_assistant.services import NOTIFY_JOB
from azs_assistant.web.auth_views import AdminPage
from azs_assistant.web.i18n import request_language

FORMATS = ("pdf", "xlsx", "csv", "png", "svg")  # what a scheduled report writes (reports/render.py's exporters)
UNITS = ("m", "h", "d")  # the form's period: minutes, hours, days (``parse_every``'s 30m, 12h, 7d)
# the service's field of a refusal → the form's field it is shown next to
FORM_FIELDS = {"report": "kind", "sync": "kind", "every": "every", "name": "name", "questions": "questions",
               "formats": "formats", "emails": "emails", "telegrams": "telegrams", "source": "source"}


@dataclass
class NewSchedule:
    """The jobs page's «new schedule» form as typed, kept to show it again with its refusals."""

    kind: str = "report"
    name: str = ""
    every_n: str = "7"
    every_unit: str = "d"
    questions: str = ""
    formats: list[str] = field(default_factory=lambda: ["pdf", "xlsx"])
    emails: str = ""
    telegrams: str = ""
    source: str = ""
    full: bool = False

    @property
    def every(self) -> str:
        return f"{self.every_n.strip()}{self.every_unit if self.every_unit in UNITS else 'd'}"

    def report(self, lang: str = "ru") -> ReportPlan | None:
        """The report asked for; its files in ``lang``, the page's language the admin works in."""
        if self.kind != "report":
            return None
        return ReportPlan([q.strip() for q in self.questions.splitlines() if q.strip()], ",".join(self.formats),
                          _words(self.emails), _words(self.telegrams), lang)

    def sync(self) -> SyncPlan | None:
        return SyncPlan(self.source or None, self.full) if self.kind == "sync" else None


def _words(text: str) -> list[str]:
    """Addresses or chats typed one per line or separated by commas, semicolons or spaces."""
    return [w for w in re.split(r"[\s,;]+", text) if w]


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
        lines.append(t["sch_lang"].replace("{lang}", t.get(f"lang_name_{p.get('lang', 'ru')}", p.get("lang", "ru"))))
        return lines + [t["sch_files_in"].replace("{dir}", str(p.get("out_dir", "—")))]
    if schedule.kind == "incidents.sync":
        source = p.get("source")
        line = t["sch_sync"].replace("{source}", source) if source else t["sch_sync_all"]
        return [line] + ([t["sch_full"]] if p.get("full") else [])
    return [schedule.kind] + [f"{key}: {value}" for key, value in p.items()]


PAGE = 50  # jobs a page lists


def jobs_url(current: dict[str, Any], **changed: Any) -> str:
    """The jobs page's address with its filters and page (``current``: status, kind, page), some of them
    ``changed`` (None drops one); a new filter starts at the first page."""
    from urllib.parse import urlencode

    if "status" in changed or "kind" in changed:
        changed.setdefault("page", None)
    params = {**current, **changed}
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", 1)})
    return "/admin/jobs" + (f"?{query}" if query else "")


def make_router(templates: Any) -> APIRouter:
    """Routes of /admin/jobs, rendered with the app's templates."""
    router = APIRouter(include_in_schema=False)

    def render(request: Request, status: str | None, error: str | None = None, code: int = 200,
               deleted: str | None = None, created: str | None = None, new: NewSchedule | None = None,
               new_errors: dict[str, str] | None = None) -> Response:
        svc = request.app.state.services
        picked = status if status in STATUSES else None
        kinds = svc.jobs.kinds(status=picked)
        kind = request.query_params.get("kind")
        kind = kind if kind in kinds or kind in svc.job_handlers else None
        if kind is not None:
            kinds.setdefault(kind, 0)  # the filter in use stays in the row to be cleared, even with nothing left
        # the notifier's routine runs (every 10 s) that went well are housekeeping: left out unless asked for
        routine = () if kind is not None or picked not in (None, "done") else (NOTIFY_JOB,)
        hidden = (kinds if picked == "done" else svc.jobs.kinds(status="done")).get(NOTIFY_JOB, 0) if routine else 0
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1
        total, jobs = svc.jobs.list(status=picked, kind=kind, offset=(page - 1) * PAGE, limit=PAGE, routine=routine)
        pages = max(1, -(-total // PAGE))
        if page > pages:  # past the end (the list shrank): the last page
            page = pages
            total, jobs = svc.jobs.list(status=picked, kind=kind, offset=(page - 1) * PAGE, limit=PAGE,
                                        routine=routine)
        try:
            sources = list(svc.incidents.sources())
        except AzsError:  # a broken sources file: the sync offers «all», and storing it says what is wrong
            sources = []
        # what an IT admin checks first: is every part up (the load balancer's probe, read in words), how much
        # is indexed, which models answer
        documents, chunks = svc.documents.counts()
        system = {"ready": readiness.check(svc), "documents": documents, "chunks": chunks, "version": __version__,
                  "llm": svc.settings.llm_model if svc.llm else None,
                  "embeddings": svc.embedder.name if svc.embedder else None,
                  "metrics": svc.settings.metrics_token is not None}
        return templates.TemplateResponse(request, "admin_jobs.html", {
            "system": system,
            "active": "jobs", "jobs": jobs, "total": total, "picked": picked, "statuses": STATUSES,
            "kinds": kinds, "kind": kind, "page": page, "pages": pages, "first": (page - 1) * PAGE + 1,
            "routine_hidden": hidden, "routine_kind": NOTIFY_JOB,
            "jobs_url": lambda **changed: jobs_url({"status": picked, "kind": kind, "page": page}, **changed),
            "error": error, "schedules": svc.schedules.overview(), "describe": describe, "every_words": every_words,
            "deleted": deleted, "created": created, "new": new or NewSchedule(), "new_errors": new_errors or {},
            "formats": FORMATS, "units": UNITS, "sources": sources}, status_code=code)

    @router.get("/admin/jobs", response_class=HTMLResponse)
    def jobs_page(request: Request, who: AdminPage, status: str | None = None,
                  deleted: str | None = None, created: str | None = None) -> Response:
        return render(request, status, deleted=deleted, created=created)

    @router.post("/admin/jobs/schedules")
    def create_schedule(request: Request, who: AdminPage, kind: Annotated[str, Form(max_length=10)] = "report",
                        name: Annotated[str, Form(max_length=100)] = "",
                        every_n: Annotated[str, Form(max_length=10)] = "",
                        every_unit: Annotated[str, Form(max_length=2)] = "d",
                        questions: Annotated[str, Form(max_length=10000)] = "",
                        formats: Annotated[list[str] | None, Form()] = None,
                        emails: Annotated[str, Form(max_length=5000)] = "",
                        telegrams: Annotated[str, Form(max_length=2000)] = "",
                        source: Annotated[str, Form(max_length=100)] = "", full: Annotated[bool, Form()] = False
                        ) -> Response:
        new = NewSchedule(kind, name, every_n, every_unit, questions, [f for f in formats or [] if f in FORMATS],
                          emails, telegrams, source, full)
        try:
            stored = request.app.state.services.schedule_planner.create(
                who, new.every, name=new.name.strip() or None, report=new.report(request_language(request)),
                sync=new.sync(),
                ip=client_ip(request))
        except AzsError as refused:  # next to its field, in the page's language; the form keeps what was typed
            where = FORM_FIELDS.get(str(refused.details.get("field")), "form")
            code = refused.http_status if refused.http_status >= 400 else 422
            return render(request, None, code=code, new=new,
                          new_errors={where: refused.message(request_language(request))})
        return RedirectResponse(f"/admin/jobs?{urlencode({'created': stored.name})}", status_code=303)

    @router.get("/admin/jobs/schedules")
    def schedules_page(who: AdminPage) -> Response:
        """The address a refused form leaves in the browser: reloaded, or after a language switch, it is the jobs
        page (a GET here answered «this page cannot be opened this way»)."""
        return RedirectResponse("/admin/jobs#schedule-form", status_code=303)

    # before /admin/jobs/{job_id}/{action}, which would take «schedules» for a job id
    @router.post("/admin/jobs/schedules/delete")
    def delete_schedule(request: Request, who: AdminPage, name: Annotated[str, Form(max_length=100)]) -> Response:
        try:
            request.app.state.services.schedules.remove(who, name, client_ip(request))
        except AzsError as exc:
            return render(request, None, exc.message(request_language(request)), exc.http_status)
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
            return render(request, None, exc.message(request_language(request)), exc.http_status)
        return RedirectResponse("/admin/jobs", status_code=303)

    return router
