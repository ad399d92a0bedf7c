"""The audit log for administrators: search it, and export it as CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from azs_assistant.http.deps import Admin, ServicesDep, client_ip
from azs_assistant.http.errors import AUTHENTICATED, documented
from azs_assistant.http.params import Limit, Offset
from azs_assistant.http.schemas import iso_utc

router = APIRouter(tags=["audit"])


@router.get("/audit", summary="Журнал действий (только администратор)", responses=documented(*AUTHENTICATED))
def audit_api(svc: ServicesDep, who: Admin, actor: str | None = None, action: str | None = None,
              text: str | None = None, limit: Limit = 200, offset: Offset = 0) -> dict[str, Any]:
    rows = svc.access.audit_search(actor=actor, action=action, text=text, limit=limit, offset=offset)
    return {"events": [_event(e) for e in rows], "count": len(rows), "offset": offset}


@router.get("/audit/export", summary="Журнал действий в CSV (только администратор)",
            response_class=Response, responses={**documented(*AUTHENTICATED, 503), 200: {
                "description": "CSV (UTF-8 с BOM, для Excel)", "content": {"text/csv": {}}}})
def audit_export(request: Request, svc: ServicesDep, who: Admin, actor: str | None = None, action: str | None = None,
                 text: str | None = None) -> Response:
    rows = svc.access.audit_export(who, actor=actor, action=action, text=text, ip=client_ip(request))
    out = io.StringIO()
    writer = csv.writer(out)
    # «at» stays UTC for the systems that read it; «at_local» is the time the audit page shows, on the chain's
    # clock (AZS_TIMEZONE): an admin comparing the file with the page read 16:03 against 21:03
    writer.writerow(["at", "actor", "actor_kind", "action", "target", "details", "ip", "at_local"])
    for e in rows:
        d = _event(e)
        writer.writerow([d["at"], d["actor"], d["actor_kind"], d["action"], d["target"], d["details"], d["ip"],
                         svc.settings.local(e.at).strftime("%Y-%m-%d %H:%M:%S")])
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


def _event(e: Any) -> dict[str, Any]:
    return {"at": iso_utc(e.at), "actor": e.actor, "actor_kind": e.actor_kind, "action": e.action,
            "target": e.target, "details": json.dumps(e.details, ensure_ascii=False), "ip": e.ip}
