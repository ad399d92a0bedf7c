"""OCR of an uploaded photo or scan, and records of recognised paper forms (confirm, correct, export)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, Literal

from fastapi import APIRouter, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from azs_assistant.forms.extract import FieldState
from azs_assistant.forms.service import MEDIA_TYPES
from azs_assistant.http.deps import FieldStaff, Language, Operator, ServicesDep, client_ip
from azs_assistant.http.errors import AUTHENTICATED, documented
from azs_assistant.http.params import RecordId

router = APIRouter(tags=["ocr"], responses=documented(*AUTHENTICATED, 404))  # 404: an unknown form or record
# The languages scripts/setup.sh installs: another name would reach Tesseract and fail as a server error.
OCR_LANGUAGES = r"^(rus|kaz|eng)(\+(rus|kaz|eng))*$"
WRITE = documented(400, 413, 503)  # a body that does not parse or is over the cap; the database busy


SAID = "The reason in the caller's language (Accept-Language, or the web UI's language); reason stays Russian"


class OCRLinePublic(BaseModel):
    text: str
    doubtful: bool = Field(description="Прочитано с сомнением: показывается выделенным, не индексируется")
    reason: str | None = None
    message: str | None = Field(default=None, description=SAID)


class OCRPagePublic(BaseModel):
    page: int
    text: str
    confidence: float
    quality: Literal["ok", "partial", "retake"] = Field(
        description="ok: the text is trusted; partial: some lines are doubtful (marked in lines, not indexed); "
                    "retake: photograph the page again, reason says why")
    reason: str | None
    message: str | None = Field(default=None, description=SAID)
    lines: list[OCRLinePublic] = Field(default_factory=list, description="Текст страницы по строкам")


class OCRResponse(BaseModel):
    text: str
    pages: list[OCRPagePublic]
    form: str | None
    fields: dict[str, Any]
    field_confidence: dict[str, float]
    problems: list[str]
    defects: list[str]
    form_title: str | None = Field(default=None, description="The form's name in the caller's language")
    field_labels: dict[str, str] = Field(
        default_factory=dict, description="Every field of the form, in its order, named in the caller's language")
    field_states: dict[str, FieldState] = Field(
        default_factory=dict, description="Per field: ok, doubtful or missing; code, values, and the reason to "
                                          "show as message (the caller's language) and reason (Russian)")
    field_choices: dict[str, list[str]] = Field(default_factory=dict, description="Values a field takes on the form")
    field_types: dict[str, str] = Field(default_factory=dict, description="string, integer, decimal or date")
    reading: str | None = Field(default=None, description=(
        "A form read for a person: the token to send back with the record (`POST /forms/{form}/records`), "
        "so that the values they correct become training pairs; kept for a day"))


class LineFix(BaseModel):
    read: str = Field(max_length=1000, examples=["Проверку провёл: мастер Axметов Б.К. Подлись"])
    text: str = Field(max_length=1000, examples=["Проверку провёл: мастер Ахметов Б.К. Подпись"])


class RecordIn(BaseModel):
    source: str = Field(min_length=1, max_length=1000, examples=["akt_trk3.jpg"])
    fields: dict[str, Any]
    defects: list[str] = Field(default_factory=list)
    reading: str | None = Field(default=None, max_length=64, description=(
        "The `reading` of the `/ocr` result the record was checked from: the values changed become training "
        "pairs for the line reader"))
    lines: list[LineFix] = Field(default_factory=list, max_length=200, description=(
        "Lines of that reading the person corrected whole (`read`: the line as `pages[].lines[].text` gave it, "
        "`text`: as on the paper): each becomes a training pair for the line reader"))


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
    station: str | None = Field(default=None, description="Станция, к которой относится акт")


def _public(r) -> dict:  # type: ignore[no-untyped-def]
    return {"id": r.id, "form": r.form_type, "source": r.source, "status": r.status, "fields": r.fields,
            "problems": r.problems, "defects": r.defects, "incident_ref": r.incident_ref, "station": r.station_id}


@router.post("/ocr", response_model=OCRResponse, summary="Распознать фото или скан",
             responses={**WRITE, **documented(415)})
async def ocr(file: UploadFile, svc: ServicesDep, who: Operator, reads: Language,
              lang: str = Query("rus+kaz+eng", pattern=OCR_LANGUAGES,
                                description="Языки Tesseract через «+»: rus, kaz, eng")) -> dict:
    """Names and reasons come in the caller's language (Accept-Language, or the web UI's language
    cookie for its own calls), as error messages do; codes and the Russian ``reason`` stay as they are."""
    name = PurePath(file.filename or "upload").name
    data = await file.read(svc.settings.max_upload_bytes + 1)  # bounded read; ocr_file refuses the excess
    return await run_in_threadpool(svc.forms.recognise, data, name, lang, reads, who.name)


@router.post("/forms/{form}/records", response_model=RecordPublic, status_code=201,
             summary="Сохранить проверенную оператором запись формы", responses={**WRITE, **documented(409)})
def create_record(form: str, body: RecordIn, svc: ServicesDep, who: Operator, request: Request) -> dict:
    record = svc.records.create(who, form, body.source, body.fields, body.defects, ip=client_ip(request),
                                reading=body.reading, lines=[fix.model_dump() for fix in body.lines])
    return _public(record)


@router.put("/records/{record_id}", response_model=RecordPublic, summary="Подтвердить или исправить поля записи",
            responses={**WRITE, **documented(409)})
def update_record(record_id: RecordId, body: RecordFields, svc: ServicesDep, who: Operator,
                  request: Request) -> dict:
    return _public(svc.records.confirm(who, record_id, body.fields, ip=client_ip(request)))


@router.get("/forms/{form}/records", response_model=list[RecordPublic], summary="Записи формы (своих станций)")
def list_records(form: str, svc: ServicesDep, who: FieldStaff) -> list[dict]:
    return [_public(r) for r in svc.records.visible(who, form)]


@router.get("/forms/{form}/export", summary="Выгрузка записей формы (своих станций): JSON, CSV или XML",
            response_class=Response, responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}}})
def export(form: str, svc: ServicesDep, who: FieldStaff, request: Request,
           format: str = Query("json", pattern="^(json|csv|xml)$")) -> Response:
    body, filename = svc.records.export(who, form, format, ip=client_ip(request))
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type=MEDIA_TYPES[format], headers=disposition)
