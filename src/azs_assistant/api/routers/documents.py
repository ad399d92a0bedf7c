"""Documents: upload (multipart), list, get, delete, and one passage for citation links."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, HTTPException, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from azs_assistant.api.schemas import (
    ChangePublic,
    DocumentDetail,
    IngestResultPublic,
    Page,
    SummaryPublic,
)
from azs_assistant.http.deps import Admin, Anyone, ServicesDep, client_ip
from azs_assistant.http.errors import AUTHENTICATED, documented
from azs_assistant.http.params import Limit, Offset, RecordId

router = APIRouter(prefix="/documents", tags=["documents"], responses=documented(*AUTHENTICATED, 404))
WRITE = documented(400, 413, 503)  # a body that does not parse or is over the cap; the database busy


def document_public(d) -> dict:  # type: ignore[no-untyped-def]
    return {"id": d.id, "source": d.source, "title": d.title, "format": d.format, "status": d.status,
            "status_message": d.status_message, "chunks": d.chunk_count, "pages": d.pages,
            "version": d.version, "size_bytes": d.size_bytes, "updated_at": d.updated_at, "audience": d.audience}


@router.get("", response_model=Page, summary="Список документов")
def list_documents(svc: ServicesDep, who: Anyone, offset: Offset = 0, limit: Limit = 50) -> dict:
    page = svc.documents.visible_to(who, offset, limit)
    return {"total": page.total, "offset": offset, "limit": limit,
            "items": [document_public(d) for d in page.items]}


class UploadForm(BaseModel):
    """The upload form: files only; any other field is refused (422), not silently dropped."""

    model_config = ConfigDict(extra="forbid")
    files: list[UploadFile] = Field(min_length=1, description="Один или несколько файлов")


class UploadAccepted(BaseModel):
    """An upload stored as a job: follow it at ``GET /api/v1/jobs/{job_id}`` (``progress``, then ``result``)."""

    job_id: str
    status: str
    files: list[str]
    location: str


@router.post("", status_code=202, summary="Загрузить документы",
             description="Файлы сохраняются как фоновое задание, ответ — 202 с номером задания; ход и результат — "
                         "`GET /api/v1/jobs/{job_id}`. С `wait=true` ответ ждёт конца загрузки и перечисляет "
                         "результат каждого файла (200), как раньше.",
             responses={**WRITE, **documented(415),
                        202: {"model": UploadAccepted, "description": "Принято: файлы ждут обработки"},
                        200: {"model": list[IngestResultPublic], "description": "С wait=true: результат по файлам"}})
async def upload(request: Request, form: Annotated[UploadForm, File()], svc: ServicesDep, who: Admin,
                 wait: Annotated[bool, Query(description="Ждать конца обработки и вернуть результат по файлам")]
                 = False) -> Response:
    files = form.files
    limit = svc.settings.max_upload_bytes
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit * max(len(files), 1) + 1024 * 1024:
        raise HTTPException(413)
    read = [(f.filename or "", await f.read(limit + 1)) for f in files]
    if wait:
        results = await run_in_threadpool(svc.documents.upload, who, read, client_ip(request))
        public = [IngestResultPublic.model_validate(r).model_dump() for r in results]
        return JSONResponse(public, status_code=200)
    job = await run_in_threadpool(svc.documents.submit, who, read, client_ip(request))
    accepted = UploadAccepted(job_id=job.id, status=job.status, files=list(job.payload.get("files") or []),
                              location=f"/api/v1/jobs/{job.id}")
    return JSONResponse(accepted.model_dump(), status_code=202, headers={"Location": accepted.location})


@router.get("/{document_id}", response_model=DocumentDetail, summary="Документ с фрагментами")
def get_document(document_id: RecordId, svc: ServicesDep, who: Anyone) -> dict:
    doc = svc.documents.get(who, document_id)
    passages = [{"id": c.id, "section": c.section, "page": c.page, "location": c.location, "text": c.text}
                for c in svc.documents.chunks(doc.id)]
    return {**document_public(doc), "passages": passages}


@router.get("/{document_id}/original", summary="Исходный файл документа", response_class=Response,
            description="Файл в том виде, в каком его загрузили (из базы или из хранилища AZS_ORIGINALS_URL), "
                        "как вложение. 404 — оригинал не сохранён (документ загружен до его хранения).",
            responses={200: {"description": "Файл", "content": {"application/octet-stream": {}}}, **documented(404)})
def document_original(document_id: RecordId, svc: ServicesDep, who: Anyone) -> Response:
    name, media_type, data = svc.documents.original(who, document_id)
    # attachment and nosniff: a stored HTML or SVG file must never be rendered as a page of this site
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
        "X-Content-Type-Options": "nosniff"})


@router.get("/{document_id}/summary", response_model=SummaryPublic, summary="Краткое содержание документа",
            description="Пересказ по разделам с ключевыми числами и сроками. С моделью — map-reduce по разделам, "
                        "проверенный по тексту; без модели или при её сбое — извлечённые предложения. "
                        "`refresh=true` (руководитель, администратор) пересоздаёт его.")
def document_summary(document_id: RecordId, svc: ServicesDep, who: Anyone, refresh: bool = False) -> dict:
    summary = svc.summaries.summary(document_id, who, refresh)
    return summary.public()


@router.get("/{document_id}/changes", response_model=list[ChangePublic], summary="Что изменилось между версиями")
def document_changes(document_id: RecordId, svc: ServicesDep, who: Anyone) -> list[dict]:
    return svc.summaries.changes(document_id, who)


@router.delete("/{document_id}", status_code=204, summary="Удалить документ",
               responses={**WRITE, **documented(409)})  # 409: deleted meanwhile by someone else
def delete_document(document_id: RecordId, svc: ServicesDep, who: Admin, request: Request) -> None:
    svc.documents.delete(who, document_id, client_ip(request))


class AudienceIn(BaseModel):
    roles: list[str] = Field(default_factory=list, description="пусто — все роли")
    regions: list[str] = Field(default_factory=list, description="пусто — все регионы")


@router.put("/{document_id}/audience", response_model=DocumentDetail, summary="Кому виден документ (роли, регионы)",
            responses=WRITE)
def set_audience(document_id: RecordId, body: AudienceIn, svc: ServicesDep, who: Admin, request: Request) -> dict:
    doc = svc.documents.set_audience(who, document_id, body.roles, body.regions, client_ip(request))
    return {**document_public(doc), "passages": []}
