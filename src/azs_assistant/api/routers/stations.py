"""The station registry: everyone signed in sees the stations of their scope; admins add stations
and import a CSV (columns id,name,region,address,active)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from azs_assistant.errors import FileTooLarge
from azs_assistant.http.deps import Admin, Anyone, ServicesDep
from azs_assistant.http.errors import AUTHENTICATED, documented
from azs_assistant.stations import decode_csv, station_input

router = APIRouter(prefix="/stations", tags=["stations"], responses=documented(*AUTHENTICATED))
WRITE = documented(400, 413, 503)  # a body that does not parse or is over the cap; the database busy
IMPORT_MAX_BYTES = 1024 * 1024  # the body cap of JSON and form routes: about 10,000 stations


class StationPublic(BaseModel):
    id: str = Field(examples=["АЗС-012"])
    name: str
    region: str | None
    address: str | None
    active: bool


class StationCreate(BaseModel):
    model_config = {"extra": "forbid"}

    id: str = Field(min_length=1, max_length=50, pattern=r"\S", examples=["АЗС-012"],
                    description="номер: «АЗС-012», «12», «№12»")
    name: str = Field(min_length=1, max_length=200, pattern=r"\S", examples=["АЗС на Абая"])
    region: str = Field(min_length=1, max_length=100, pattern=r"\S", examples=["Алматы"])
    address: str | None = Field(default=None, max_length=500, examples=["Алматы, пр. Абая, 10"])
    active: bool = True


class StationImport(BaseModel):
    added: int
    updated: int
    unchanged: int


def _public(row: object) -> StationPublic:
    return StationPublic(id=row.id, name=row.name, region=row.region, address=row.address,  # type: ignore[attr-defined]
                         active=bool(row.active))  # type: ignore[attr-defined]


@router.get("", response_model=list[StationPublic], summary="Станции в вашей области видимости")
def list_stations(svc: ServicesDep, who: Anyone) -> list[StationPublic]:
    return [_public(r) for r in svc.stations.visible_to(who)]


@router.post("", response_model=StationPublic, status_code=201, summary="Добавить станцию (администратор)",
             responses={**WRITE, **documented(409)})
def add_station(body: StationCreate, svc: ServicesDep, who: Admin) -> StationPublic:
    given = station_input(body.id, body.name, body.region, body.address, body.active)
    return _public(svc.stations.add(who, given))


@router.post("/import", response_model=StationImport, summary="Загрузить станции из CSV (администратор)",
             responses=WRITE)
async def import_stations(svc: ServicesDep, who: Admin, file: Annotated[UploadFile, File()]) -> StationImport:
    data = await file.read(IMPORT_MAX_BYTES + 1)
    if len(data) > IMPORT_MAX_BYTES:
        raise FileTooLarge("Файл станций больше 1 МБ.", "File too large.")
    name = (file.filename or "stations.csv")[:100]
    result = await run_in_threadpool(lambda: svc.stations.import_csv(who, text=decode_csv(data, name), name=name))
    return StationImport(**result.to_dict())
