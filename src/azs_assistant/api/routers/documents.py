"""Documents: upload (multipart), list, get, delete, and one passage for citation links."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
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


@router.post("", response_model=list[IngestResultPublic], status_code=200, summary="Загрузить документы",
             responses={**WRITE, **documented(415)})
async def upload(request: Request, form: Annotated[UploadForm, File()], svc: ServicesDep, who: Admin) -> list[dict]:
    files = form.files
    limit = svc.settings.max_upload_bytes
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit * max(len(files), 1) + 1024 * 1024:
        raise HTTPException(413)
    read = [(f.filename or "", await f.read(limit + 1)) for f in files]
    results = await run_in_threadpool(svc.documents.upload, who, read, client_ip(request))
    return [{"source": r.source, "status": r.status, "message": r.message, "document_id": r.document_id,
             "chunks": r.chunks} for r in results]


@router.get("/{document_id}", response_model=DocumentDetail, summary="Документ с фрагментами")
def get_document(document_id: RecordId, svc: ServicesDep, who: Anyone) -> dict:
    doc = svc.documents.get(who, document_id)
    passages = [{"id": c.id, "section": c.section, "page": c.page, "location": c.location, "text": c.text}
                for c in svc.documents.chunks(doc.id)]
    return {**document_public(doc), "passages": passages}


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
