"""Small factories for the objects most tests need: principals with roles and scope, documents ingested
from text, tickets, incidents, form records, and API keys on a TestClient.

Each makes the object the way the application does (the real ingestion pipeline, the ticket service, the
incident store, the key service) with defaults a test can override one field at a time, so a test says
only what matters to it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from fastapi.testclient import TestClient

from azs_assistant.auth.principal import SYSTEM, Principal
from azs_assistant.documents.pipeline import IngestResult
from azs_assistant.incidents.records import store
from azs_assistant.services import Services
from azs_assistant.storage.models import FormRecord, Ticket

_serial = itertools.count(1)
INSPECTION = {"act_number": "1", "inspection_date": "2026-11-20", "dispenser": "2"}


def principal(*roles: str, name: str | None = None, stations: Iterable[str] = ("*",), regions: Iterable[str] = (),
              department: str | None = None, kind: str = "user") -> Principal:
    """A signed-in person: ``principal("operator", stations=["АЗС-012"])``; an operator of all stations
    when nothing is given."""
    roles = roles or ("operator",)
    return Principal(name=name or f"{roles[0]}-{next(_serial)}", kind=kind, roles=frozenset(roles),
                     stations=frozenset(stations), regions=frozenset(regions), department=department)


def document(svc: Services, text: str, source: str | None = None, *, roles: Iterable[str] = (),
             regions: Iterable[str] = ()) -> IngestResult:
    """A Markdown document ingested through the real pipeline; ``roles``/``regions`` narrow its audience."""
    result = svc.ingestor.ingest_bytes(text.encode(), source or f"uploads/doc-{next(_serial)}.md")
    assert result.document_id is not None, result.message
    if roles or regions:
        svc.documents.change_audience(result.document_id, list(roles), list(regions))
    return result


def ticket(svc: Services, text: str = "Грязно в туалете", *, station: str | None = "АЗС-012",
           **fields: Any) -> Ticket:
    """A customer complaint, classified and routed by the ticket service (its status token is dropped;
    use ``svc.tickets.create`` when the test needs it)."""
    made, _token = svc.tickets.create(text, station=station, **fields)
    return made


def incident_rows(*stations: tuple[str, str], category: str = "fuel_spill", **fields: Any) -> list[dict[str, Any]]:
    """Incident log rows, one per ``(station, region)``, a month apart from January 2026."""
    return [{"incident_id": f"I-{i}", "station_id": station, "region": region, "category": category,
             "occurred_at": f"2026-{1 + i % 12:02d}-10T10:00:00", **fields}
            for i, (station, region) in enumerate(stations)]


def incidents(svc: Services, *stations: tuple[str, str], origin: str = "test", **fields: Any) -> Any:
    """Incidents stored as a sync or import stores them: ``incidents(svc, ("АЗС-012", "Алматы"))``."""
    with svc.db.session() as s:
        return store(s, [(row["incident_id"], row) for row in incident_rows(*stations, **fields)], origin=origin)


def form_record(svc: Services, station: str = "12", *, who: Principal = SYSTEM, form: str = "inspections",
                source: str | None = None, **fields: Any) -> FormRecord:
    """A confirmed inspection act of a station («12» → АЗС-012), as a person typed it."""
    values: Mapping[str, Any] = {**INSPECTION, "station_id": station, **fields}
    return svc.records.create(who, form, source or f"act{station}.jpg", dict(values))


def api_key(client: TestClient, svc: Services, *roles: str, stations: Iterable[str] = ("*",),
            regions: Iterable[str] = (), department: str | None = None, name: str = "test") -> str:
    """An API key of a principal with these roles and scope (admin when none), sent by ``client`` from
    now on; the real key path, so the request is authenticated as in production."""
    key, _ = svc.access.create_key(name, list(roles or ("admin",)), stations=list(stations), regions=list(regions),
                                   department=department, rate_per_minute=0, actor="test")
    client.headers["X-API-Key"] = key
    return key
