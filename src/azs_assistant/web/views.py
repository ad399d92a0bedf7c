"""Server-rendered web UI: chat, documents (upload, status) and the passage a citation points to."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from azs_assistant.errors import AzsError

_HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(_HERE / "templates"))


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def chat(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "chat.html", {"active": "chat"})

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    async def documents(request: Request) -> HTMLResponse:
        svc = request.app.state.services
        return templates.TemplateResponse(request, "documents.html",
                                          {"active": "documents", "docs": svc.list_documents(limit=1000),
                                           "max_mb": svc.settings.max_upload_mb})

    @app.get("/ocr", response_class=HTMLResponse, include_in_schema=False)
    async def ocr_page(request: Request) -> HTMLResponse:
        svc = request.app.state.services
        return templates.TemplateResponse(request, "ocr.html", {"active": "ocr", "max_mb": svc.settings.max_upload_mb})

    @app.get("/passages/{chunk_id}", response_class=HTMLResponse, include_in_schema=False)
    async def passage(request: Request, chunk_id: int) -> HTMLResponse:
        svc = request.app.state.services
        try:
            chunk, doc = svc.get_chunk(chunk_id)
        except AzsError as exc:
            return templates.TemplateResponse(request, "message.html", {"message": exc.message_ru},
                                              status_code=exc.http_status)
        from azs_assistant.assistant.answer import section_without_title

        return templates.TemplateResponse(request, "passage.html",
                                          {"active": "documents", "chunk": chunk, "doc": doc,
                                           "section": section_without_title(chunk.section, doc.title)})
