"""The admin's station registry page: the list, a form to add a station and a CSV import."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from azs_assistant.errors import AzsError, FileTooLarge
from azs_assistant.stations import decode_csv, station_input
from azs_assistant.web.auth_views import AdminPage
from azs_assistant.web.i18n import request_language

IMPORT_MAX_BYTES = 1024 * 1024


def make_router(templates: Any) -> APIRouter:
    """Routes of /admin/stations, rendered with the app's templates."""
    router = APIRouter(include_in_schema=False)

    def render(request: Request, error: str | None = None, status: int = 200, imported: Any = None,
               saved: str | None = None, edit_form: dict[str, Any] | None = None) -> Response:
        svc = request.app.state.services
        stations = svc.stations.list()
        saved = saved if saved in {st.id for st in stations} else None  # a banner says what is so
        return templates.TemplateResponse(request, "admin_stations.html", {
            "active": "stations", "stations": stations, "error": error, "imported": imported, "saved": saved,
            "edit_form": edit_form}, status_code=status)

    @router.get("/admin/stations", response_class=HTMLResponse)
    def stations_page(request: Request, who: AdminPage, saved: str | None = None) -> Response:
        return render(request, saved=saved)

    @router.post("/admin/stations/{station}/edit")
    def stations_edit(request: Request, who: AdminPage, station: str, name: Annotated[str, Form(max_length=200)],
                      region: Annotated[str, Form(max_length=100)], address: Annotated[str, Form(max_length=500)] = "",
                      inactive: Annotated[str, Form(max_length=10)] = "") -> Response:
        """A station's name, region, address, or taking it out of use (kept for history, offered nowhere): the
        page could only add stations, though it said an inactive one is kept."""
        try:
            row = request.app.state.services.stations.update(
                who, station_input(station, name, region, address, not inactive))
        except AzsError as exc:
            typed = {"id": station, "name": name, "region": region, "address": address, "inactive": bool(inactive)}
            return render(request, exc.message(request_language(request)), exc.http_status, edit_form=typed)
        return RedirectResponse(f"/admin/stations?saved={quote(row.id)}", status_code=303)

    @router.post("/admin/stations")
    def stations_add(request: Request, who: AdminPage, station: Annotated[str, Form(max_length=50)],
                     name: Annotated[str, Form(max_length=200)], region: Annotated[str, Form(max_length=100)],
                     address: Annotated[str, Form(max_length=500)] = "",
                     inactive: Annotated[str, Form(max_length=10)] = "") -> Response:
        try:
            request.app.state.services.stations.add(who, station_input(station, name, region, address, not inactive))
        except AzsError as exc:
            return render(request, exc.message(request_language(request)), exc.http_status)
        return RedirectResponse("/admin/stations", status_code=303)

    @router.post("/admin/stations/import")
    async def stations_import(request: Request, who: AdminPage, file: UploadFile) -> Response:
        svc = request.app.state.services
        name = (file.filename or "stations.csv")[:100]
        try:
            data = await file.read(IMPORT_MAX_BYTES + 1)
            if len(data) > IMPORT_MAX_BYTES:
                raise FileTooLarge("Файл станций больше 1 МБ.", "The stations file is larger than 1 MB.",
                                   message_kk="Станциялар файлы тым үлкен: ең көбі 1 МБ.")
            result = await run_in_threadpool(lambda: svc.stations.import_csv(who, text=decode_csv(data, name),
                                                                             name=name))
        except AzsError as exc:
            return await run_in_threadpool(render, request, exc.message(request_language(request)), exc.http_status)
        return await run_in_threadpool(render, request, None, 200, result)

    return router
