"""OCR of an uploaded photo or scan, and records of recognised paper forms (confirm, correct, export)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, Query, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from azs_assistant.api.deps import FieldStaff, Operator, ServicesDep
from azs_assistant.api.errors import AUTHENTICATED, documented
from azs_assistant.api.params import RecordId
from azs_assistant.forms import records
from azs_assistant.forms.extract import FormMatch

router = APIRouter(tags=["ocr"], responses=documented(*AUTHENTICATED, 404))  # 404: an unknown form or record
# The languages scripts/setup.sh installs: another name would reach Tesseract and fail as a server error.
OCR_LANGUAGES = r"^(rus|kaz|eng)(\+(rus|kaz|eng))*$"
WRITE = documented(400, 413, 503)  # a body that does not parse or is over the cap; the database busy

_MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "xml": "application/xml"}


class OCRPagePublic(BaseModel):
    page: int
    text: str
    confidence: float
    quality: str
    reason: str | None


class OCRResponse(BaseModel):
    text: str
    pages: list[OCRPagePublic]
    form: str | None
    fields: dict[str, Any]
    field_confidence: dict[str, float]
    problems: list[str]
    defects: list[str]
    form_title: str | None = None
    field_labels: dict[str, str] = Field(default_factory=dict)


class RecordIn(BaseModel):
    source: str = Field(min_length=1, max_length=1000, examples=["akt_trk3.jpg"])
    fields: dict[str, Any]
    defects: list[str] = Field(default_factory=list)


class RecordFields(BaseModel):
    fields: dict[str, Any]


class RecordPublic(BaseModel):
    id: int
    form: str
    source: str
    status: str
    fields: dict[str, Any]
    problems: list[Any]
    defects: list[Any]
    incident_ref: str | None


def _public(r) -> dict:  # type: ignore[no-untyped-def]
    return {"id": r.id, "form": r.form_type, "source": r.source, "status": r.status, "fields": r.fields,
            "problems": r.problems, "defects": r.defects, "incident_ref": r.incident_ref}


@router.post("/ocr", response_model=OCRResponse, summary="Распознать фото или скан",
             responses={**WRITE, **documented(415)})
async def ocr(file: UploadFile, svc: ServicesDep, who: Operator,
              lang: str = Query("rus+kaz+eng", pattern=OCR_LANGUAGES,
                                description="Языки Tesseract через «+»: rus, kaz, eng")) -> dict:
    name = PurePath(file.filename or "upload").name
    data = await file.read(svc.settings.max_upload_bytes + 1)  # bounded read; ocr_file refuses the excess
    return await run_in_threadpool(svc.ocr_file, data, name, lang)


def _check_station(svc: Any, who: Any, fields: dict[str, Any]) -> None:
    """An operator records forms of their own stations only."""
    from azs_assistant.auth.scope import allowed_stations
    from azs_assistant.errors import Forbidden
    from azs_assistant.tickets.facts import station_field, station_id

    number = station_field(str(fields.get("station_id") or ""))
    allowed = allowed_stations(svc, who)
    if number is not None and allowed is not None and station_id(number) not in allowed:
        raise Forbidden(f"Вы не закреплены за {station_id(number)}: запись не сохранена.", "Station out of scope.")


@router.post("/forms/{form}/records", response_model=RecordPublic, status_code=201,
             summary="Сохранить проверенную оператором запись формы", responses=WRITE)
async def create_record(form: str, body: RecordIn, svc: ServicesDep, who: Operator) -> dict:
    template = svc.form_template(form)
    _check_station(svc, who, body.fields)
    svc.access.audit(who, "record.create", f"{form}: {body.source}")
    draft = records.save(svc.db, FormMatch(form=template.form, fields={}, confidence={}, problems=[],
                                           defects=body.defects), body.source)
    return _public(records.update(svc.db, draft.id, body.fields, template))


@router.put("/records/{record_id}", response_model=RecordPublic, summary="Подтвердить или исправить поля записи",
            responses=WRITE)
async def update_record(record_id: RecordId, body: RecordFields, svc: ServicesDep, who: Operator) -> dict:
    _check_station(svc, who, body.fields)
    svc.access.audit(who, "record.update", str(record_id), {"fields": sorted(body.fields)})
    from azs_assistant.storage.models import FormRecord

    with svc.db.session() as s:
        record = s.get(FormRecord, record_id)
        form = record.form_type if record else ""
    return _public(records.update(svc.db, record_id, body.fields, svc.form_template(form or "?")))


@router.get("/forms/{form}/records", response_model=list[RecordPublic], summary="Записи формы")
async def list_records(form: str, svc: ServicesDep, who: FieldStaff) -> list[dict]:
    return [_public(r) for r in records.records(svc.db, svc.form_template(form).form)]


@router.get("/forms/{form}/export", summary="Выгрузка записей формы: JSON, CSV или XML",
            response_class=Response, responses={200: {"content": {m: {} for m in _MEDIA.values()}}})
async def export(form: str, svc: ServicesDep, who: FieldStaff,
                 format: str = Query("json", pattern="^(json|csv|xml)$")) -> Response:
    template = svc.form_template(form)
    svc.access.audit(who, "record.export", form, {"format": format})
    body = records.export(records.records(svc.db, template.form), template, format)
    filename = f"{template.export_name or template.form}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type=_MEDIA[format], headers=disposition)
