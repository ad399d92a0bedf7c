"""The scope matrix: every route of the OpenAPI document against the policy table in
``auth/policy.py``, tried with every role, with and without station or region scope, against objects
of another station, region and department.

The expected answers come from a model of the rules written here, independently of the code under
test: an object outside the caller's scope is answered 404 everywhere, a role that may not use a route
403, no sign-in 401.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from PIL import Image

from azs_assistant.api.app import create_app
from azs_assistant.auth.policy import POLICY
from azs_assistant.auth.principal import SYSTEM
from azs_assistant.incidents.records import store
from azs_assistant.services import Services
from tests.conftest import make_settings

REGION = {"АЗС-012": "Алматы", "АЗС-007": "Шымкент"}


@dataclass
class Who:
    name: str
    roles: set[str] = field(default_factory=set)
    stations: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    department: str | None = None
    key: str = ""

    @property
    def admin(self) -> bool:
        return "admin" in self.roles

    def sees_station(self, station: str | None) -> bool:
        if self.admin or "*" in self.stations:
            return True
        return station in self.stations or REGION.get(station or "") in self.regions

    def sees_ticket(self, ticket: dict[str, Any]) -> bool:
        if self.admin:
            return True
        by_station = "manager" in self.roles and self.sees_station(ticket["station"])
        by_department = "support" in self.roles and ticket["department"] == self.department
        return by_station or by_department

    def reads(self, audience: dict[str, list[str]] | None) -> bool:
        if not audience or self.admin:
            return True
        roles, regions = audience.get("roles") or [], audience.get("regions") or []
        return (not roles or bool(self.roles & set(roles))) and (not regions or bool(self.regions & set(regions)))

    def supervises(self, asker: Who) -> bool:
        if self.admin:
            return True
        return "manager" in self.roles and (bool(self.stations & asker.stations)
                                            or bool(self.regions & {REGION[s] for s in asker.stations}))


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    svc = Services(make_settings(tmp_path_factory.mktemp("matrix"), embeddings="none", ticket_rate_per_minute=0))
    with svc.db.session() as s:
        store(s, [(f"I-{i}", {"incident_id": f"I-{i}", "station_id": st, "region": REGION[st],
                              "category": "fuel_spill", "occurred_at": f"2026-0{1 + i}-10T10:00:00"})
                  for i, st in enumerate(["АЗС-012", "АЗС-012", "АЗС-007"])], origin="test")
    docs = {}
    for name, audience in [("all", None), ("managers", {"roles": ["manager"], "regions": []}),
                           ("south", {"roles": [], "regions": ["Шымкент"]}), ("doomed", None)]:
        text = f"# Документ {name}\n\n## Раздел\nПравило {name}: проверять пломбы каждую смену.\n"
        result = svc.ingestor.ingest_bytes(text.encode(), f"uploads/{name}.md")
        if audience:
            svc.documents.change_audience(result.document_id, audience["roles"], audience["regions"])
        docs[name] = {"id": result.document_id, "audience": audience}
    tickets = {}
    for station, text in [("АЗС-012", "Грязно в туалете, неделю не убирают"),
                          ("АЗС-007", "Списали деньги дважды за одну заправку")]:
        ticket, token = svc.tickets.create(text, station=station, photo=_png(), photo_name="chek.png")
        tickets[station] = {"number": ticket.number, "station": station, "department": ticket.department,
                            "status": ticket.status, "token": token}
    act = {"act_number": "1", "inspection_date": "2026-11-20", "dispenser": "2"}
    records = {st: svc.records.create(SYSTEM, "inspections", f"act{st}.jpg", {**act, "station_id": st[-3:]}).id
               for st in REGION}
    people = [
        Who("operator12", {"operator"}, {"АЗС-012"}),
        Who("operator_none", {"operator"}),
        Who("manager12", {"manager"}, {"АЗС-012"}),
        Who("manager_south", {"manager"}, regions={"Шымкент"}),
        Who("manager_none", {"manager"}),
        Who("support_finance", {"support"}, department="finance"),
        Who("support_other", {"support"}, department=tickets["АЗС-012"]["department"]),
        Who("admin", {"admin"}, {"*"}),
    ]
    assert tickets["АЗС-007"]["department"] == "finance" != tickets["АЗС-012"]["department"]
    for who in people:
        who.key, _ = svc.access.create_key(who.name, sorted(who.roles), stations=sorted(who.stations),
                                           regions=sorted(who.regions), department=who.department, rate_per_minute=0)
    client = TestClient(create_app(svc, background=False))
    client.__enter__()
    by_name = {w.name: w for w in people}
    asked = client.post("/api/v1/ask", json={"question": "как часто проверять пломбы?"},
                        headers={"X-API-Key": by_name["operator12"].key}).json()
    doomed = client.post("/api/v1/ask", json={"question": "когда снимать Z-отчёт?"},  # for the DELETE row
                         headers={"X-API-Key": by_name["operator12"].key}).json()
    yield {"svc": svc, "client": client, "people": by_name, "docs": docs, "tickets": tickets,
           "records": records, "answer_id": asked["answer_id"], "conversation_id": asked["conversation_id"],
           "doomed_conversation": doomed["conversation_id"]}
    client.__exit__(None, None, None)
    svc.close()


def _call(world: dict[str, Any], who: str | None, method: str, url: str, **kw: Any) -> Any:
    headers = {"X-API-Key": world["people"][who].key} if who else {}
    return world["client"].request(method, url, headers=headers, **kw)


# -- every route has a row, and the code's role check is the row's ---------------------------------
def _route_roles(route: APIRoute) -> frozenset[str] | None:
    """The roles the route's own dependency lets through (None: no role check, a public route)."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        roles = getattr(dep.call, "allowed_roles", None)
        if roles is not None:
            return frozenset(roles)
        stack.extend(dep.dependencies)
    return None


def test_every_route_has_a_policy_row_that_its_role_check_agrees_with(world) -> None:  # type: ignore[no-untyped-def]
    app = world["client"].app
    operations = {f"{m.upper()} {path}" for path, ops in app.openapi()["paths"].items() for m in ops}
    missing = operations - set(POLICY)
    assert not missing, f"routes without a row in auth/policy.py POLICY: {sorted(missing)}"
    assert not set(POLICY) - operations, "rows for routes that no longer exist"
    for route in app.routes:
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods:
            rule = POLICY[f"{method} {route.path}"]
            roles = _route_roles(route)
            assert (roles or frozenset()) == rule.roles, f"{method} {route.path}: code {roles}, policy {rule.roles}"


# -- every row with every role --------------------------------------------------------------------
def _url(world: dict[str, Any], route: str) -> str:
    own = world["tickets"]["АЗС-012"]
    fill = {"{conversation_id}": world["conversation_id"], "{answer_id}": str(world["answer_id"]),
            "{document_id}": str(world["docs"]["all"]["id"]), "{term}": "зэтка", "{form}": "inspections",
            "{record_id}": str(world["records"]["АЗС-012"]), "{number}": own["number"]}
    if route.startswith("DELETE /api/v1/documents"):
        fill["{document_id}"] = str(world["docs"]["doomed"]["id"])
    if route.startswith("DELETE /api/v1/conversations"):
        fill["{conversation_id}"] = world["doomed_conversation"]
    url = route.split(" ", 1)[1]
    for hole, value in fill.items():
        url = url.replace(hole, value)
    return url


ROLE_HOLDERS = ["operator12", "manager12", "support_finance", "admin"]


@pytest.mark.parametrize("route", list(POLICY))
def test_each_role_gets_what_the_policy_row_says(world, route) -> None:  # type: ignore[no-untyped-def]
    rule = POLICY[route]
    method, url = route.split(" ", 1)[0], _url(world, route)
    body = {"json": {}} if method in ("POST", "PUT") else {}
    anonymous = _call(world, None, method, url, **body).status_code
    assert (anonymous == 401) == bool(rule.roles), (route, anonymous)
    for name in ROLE_HOLDERS:
        who = world["people"][name]
        status = _call(world, name, method, url, **body).status_code
        if not rule.roles or who.roles & rule.roles:
            assert status not in (401, 403), (route, name, status)
        else:
            assert status == 403, (route, name, status)


# -- objects of another station, region and department --------------------------------------------
def _ticket_cells(world: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(route, ticket, request) for each ticket route: a request that changes nothing or little."""
    out = []
    for ticket in world["tickets"].values():
        base = f"/api/v1/tickets/{ticket['number']}"
        out += [("GET /api/v1/tickets/{number}", ticket, {"method": "GET", "url": base}),
                ("GET /api/v1/tickets/{number}/photo", ticket, {"method": "GET", "url": f"{base}/photo"}),
                ("POST /api/v1/tickets/{number}/status", ticket,
                 {"method": "POST", "url": f"{base}/status", "json": {"status": ticket["status"]}}),
                ("POST /api/v1/tickets/{number}/comments", ticket,
                 {"method": "POST", "url": f"{base}/comments", "json": {"text": "проверка доступа"}}),
                ("POST /api/v1/tickets/{number}/assign", ticket,
                 {"method": "POST", "url": f"{base}/assign", "json": {"department": "nowhere"}}),
                ("POST /api/v1/tickets/{number}/labels", ticket,
                 {"method": "POST", "url": f"{base}/labels", "json": {"category": "nonsense"}}),
                ("POST /api/v1/tickets/{number}/ack", ticket, {"method": "POST", "url": f"{base}/ack", "json": {}})]
    return out


def _allowed(route: str, who: Who) -> bool:
    return bool(who.roles & POLICY[route].roles)


def _expect(status: int, visible: bool, cell: str) -> None:
    if visible:
        assert status not in (401, 403, 404), cell
    else:
        assert status == 404, cell


def test_tickets_of_other_stations_and_departments_do_not_exist_for_the_caller(world) -> None:  # type: ignore[no-untyped-def]
    for route, ticket, request in _ticket_cells(world):
        for who in world["people"].values():
            if not _allowed(route, who):
                continue
            status = _call(world, who.name, **request).status_code
            _expect(status, who.sees_ticket(ticket), f"{route} {ticket['station']} as {who.name}: {status}")


def test_records_of_other_stations_do_not_exist_for_the_caller(world) -> None:  # type: ignore[no-untyped-def]
    route = "PUT /api/v1/records/{record_id}"
    for station, record_id in world["records"].items():
        for who in world["people"].values():
            if not _allowed(route, who):
                continue
            status = _call(world, who.name, "PUT", f"/api/v1/records/{record_id}",
                           json={"fields": {"act_number": "9"}}).status_code
            _expect(status, who.sees_station(station), f"{route} {station} as {who.name}: {status}")


def test_documents_outside_the_audience_do_not_exist_for_the_caller(world) -> None:  # type: ignore[no-untyped-def]
    for name in ("all", "managers", "south"):
        doc = world["docs"][name]
        for suffix in ("", "/summary", "/changes"):
            for who in world["people"].values():
                status = _call(world, who.name, "GET", f"/api/v1/documents/{doc['id']}{suffix}").status_code
                _expect(status, who.reads(doc["audience"]), f"document {name}{suffix} as {who.name}: {status}")


def test_answers_and_conversations_belong_to_the_asker(world) -> None:  # type: ignore[no-untyped-def]
    asker = world["people"]["operator12"]
    for who in world["people"].values():
        conversation = _call(world, who.name, "GET", f"/api/v1/conversations/{world['conversation_id']}")
        _expect(conversation.status_code, who is asker, f"conversation as {who.name}")
        listed = [c["id"] for c in _call(world, who.name, "GET", "/api/v1/conversations").json()["items"]]
        assert (world["conversation_id"] in listed) == (who is asker), f"conversation list of {who.name}"
        if who is not asker:  # another person can neither rename nor delete it: for them it does not exist
            renamed = _call(world, who.name, "PATCH", f"/api/v1/conversations/{world['conversation_id']}",
                            json={"title": "чужой"})
            deleted = _call(world, who.name, "DELETE", f"/api/v1/conversations/{world['conversation_id']}")
            assert (renamed.status_code, deleted.status_code) == (404, 404), who.name
        rated = _call(world, who.name, "POST", f"/api/v1/answers/{world['answer_id']}/feedback",
                      json={"rating": "up"})
        _expect(rated.status_code, who is asker or who.supervises(asker), f"feedback as {who.name}")
        if _allowed("POST /api/v1/answers/{answer_id}/correction", who):
            fixed = _call(world, who.name, "POST", f"/api/v1/answers/{world['answer_id']}/correction",
                          json={"corrected_answer": "Пломбы проверяют каждую смену."})
            _expect(fixed.status_code, who.supervises(asker), f"correction as {who.name}")


def test_status_link_needs_its_own_secret(world) -> None:  # type: ignore[no-untyped-def]
    mine, other = world["tickets"]["АЗС-012"], world["tickets"]["АЗС-007"]
    url = f"/api/v1/tickets/{mine['number']}/public"
    assert _call(world, None, "GET", url, params={"k": mine["token"]}).status_code == 200
    assert _call(world, None, "GET", url, params={"k": other["token"]}).status_code == 404
    assert _call(world, "admin", "GET", url).status_code == 404  # a key is no secret of the customer's


# -- lists hold only what the caller may see ------------------------------------------------------
def test_lists_and_exports_hold_only_the_callers_stations(world) -> None:  # type: ignore[no-untyped-def]
    for who in world["people"].values():
        if _allowed("GET /api/v1/tickets", who):
            got = {t["number"] for t in _call(world, who.name, "GET", "/api/v1/tickets").json()["tickets"]}
            want = {t["number"] for t in world["tickets"].values() if who.sees_ticket(t)}
            assert got == want, who.name
        if _allowed("GET /api/v1/forms/{form}/records", who):
            got = {r["id"] for r in _call(world, who.name, "GET", "/api/v1/forms/inspections/records").json()}
            want = {rid for st, rid in world["records"].items() if who.sees_station(st)}
            assert want <= got and all(who.sees_station(r.station_id)
                                       for r in world["svc"].records.visible(SYSTEM, "inspections") if r.id in got)
            exported = _call(world, who.name, "GET", "/api/v1/forms/inspections/export").json()
            assert {r["id"] for r in exported} == got, who.name
        if _allowed("GET /api/v1/incidents", who):
            resp = _call(world, who.name, "GET", "/api/v1/incidents")
            stations = {i["station_id"] for i in resp.json()} if resp.status_code == 200 else set()
            assert resp.status_code in (200, 403) and all(who.sees_station(s) for s in stations), who.name
            assert resp.status_code == 403 or stations == {s for s in REGION if who.sees_station(s)}, who.name
        if _allowed("POST /api/v1/reports/run", who):
            resp = _call(world, who.name, "POST", "/api/v1/reports/run",
                         json={"query": {"metric": "count", "group_by": "station"}})
            rows = resp.json().get("table", []) if resp.status_code == 200 else []
            assert resp.status_code in (200, 403) and all(who.sees_station(r["station"]) for r in rows), who.name
        listed = _call(world, who.name, "GET", "/api/v1/documents").json()["items"]
        want_docs = {f"uploads/{n}.md" for n, d in world["docs"].items() if who.reads(d["audience"])}
        assert {d["source"] for d in listed} <= want_docs | {"uploads/doomed.md"}, who.name
