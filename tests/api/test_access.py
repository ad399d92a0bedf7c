"""Who may do what: each role against each kind of endpoint, data of another station never leaking
through reports, incident lists, tickets, search or citations; web sign-in, CSRF and lockout; the
audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.factories import document, form_record, incidents, principal, ticket

GUIDE = "# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n"
SECRET = "# Премии управляющих\n\n## Размер\nПремия управляющего за квартал без инцидентов — 150 000 тенге.\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[Services, dict[str, str]]]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("access")
    svc = Services(make_settings(tmp, embeddings="none", ticket_rate_per_minute=0))
    incidents(svc, *[("АЗС-012", "Алматы")] * 3, *[("АЗС-007", "Шымкент")] * 2,
              description="пролив у трк 2", actions_taken="засыпали сорбентом")
    document(svc, GUIDE, "uploads/smena.md")
    document(svc, SECRET, "uploads/premii.md", roles=["manager"])
    ticket(svc, "Грязно в туалете", station="АЗС-012")
    ticket(svc, "Списали деньги дважды", station="АЗС-007")
    keys = {}
    for name, roles, stations, regions, dept in [
            ("operator12", ["operator"], ["АЗС-012"], [], None),
            ("manager12", ["manager"], ["АЗС-012"], [], None),
            ("managerSouth", ["manager"], [], ["Шымкент"], None),
            ("finance", ["support"], [], [], "finance"),
            ("admin", ["admin"], ["*"], [], None)]:
        keys[name], _ = svc.access.create_key(name, roles, stations=stations, regions=regions, department=dept,
                                              rate_per_minute=0)
    yield svc, keys
    svc.close()


@pytest.fixture(scope="module")
def client(world) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(create_app(world[0], background=False)) as c:
        yield c


def call(client: TestClient, keys: dict[str, str], who: str, method: str, url: str, **kw):  # type: ignore[no-untyped-def]
    headers = {"X-API-Key": keys[who]} if who != "anonymous" else {}
    return client.request(method, url, headers=headers, **kw)


WHO = ["anonymous", "operator12", "manager12", "finance", "admin"]
MATRIX = [  # (method, url, json, statuses for WHO in order)
    ("GET", "/api/v1/health", None, [200, 200, 200, 200, 200]),
    ("POST", "/api/v1/ask", {"question": "Какой размен в кассе?"}, [401, 200, 200, 200, 200]),
    ("GET", "/api/v1/search?q=размен", None, [401, 200, 200, 200, 200]),
    ("GET", "/api/v1/documents", None, [401, 200, 200, 200, 200]),
    ("PUT", "/api/v1/jargon/зэтка", {"term": "зэтка", "canonical": "Z-отчёт"}, [401, 403, 403, 403, 200]),
    ("POST", "/api/v1/reports/ask", {"question": "сколько проливов всего?"}, [401, 403, 200, 403, 200]),
    ("GET", "/api/v1/incidents", None, [401, 403, 200, 403, 200]),
    ("POST", "/api/v1/incidents/sync", None, [401, 403, 403, 403, 422]),
    ("GET", "/api/v1/tickets", None, [401, 403, 200, 200, 200]),
    ("POST", "/api/v1/tickets/train", None, [401, 403, 403, 403, 202]),
    ("GET", "/api/v1/forms/inspections/records", None, [401, 200, 200, 403, 200]),
    ("GET", "/api/v1/audit", None, [401, 403, 403, 403, 200]),
    ("POST", "/api/v1/tickets", {"text": "Колонка 3 не работает"}, [401, 201, 201, 201, 201]),
    ("GET", "/complaint", None, [200, 200, 200, 200, 200]),
]


@pytest.mark.parametrize(("method", "url", "body", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, *_ in MATRIX])
def test_role_matrix(client, world, method, url, body, expected) -> None:  # type: ignore[no-untyped-def]
    _, keys = world
    got = [call(client, keys, who, method, url, json=body).status_code for who in WHO]
    assert got == expected


def test_reports_and_incidents_stay_within_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    _, keys = world
    mine = call(client, keys, "manager12", "POST", "/api/v1/reports/ask", json={"question": "сколько проливов всего?"})
    assert mine.json()["answer"] == 3  # the three at АЗС-012, not the five of the chain
    other = call(client, keys, "manager12", "POST", "/api/v1/reports/ask",
                 json={"question": "сколько проливов на АЗС-007?"})
    assert other.status_code == 403 and "АЗС-007" in other.json()["error"]["message"]
    south = call(client, keys, "managerSouth", "POST", "/api/v1/reports/ask",
                 json={"question": "сколько проливов всего?"})
    assert south.json()["answer"] == 2  # bound to a region, not a station
    listed = call(client, keys, "manager12", "GET", "/api/v1/incidents").json()
    assert {i["station_id"] for i in listed} == {"АЗС-012"}
    exported = call(client, keys, "manager12", "GET", "/api/v1/reports/export", params={"format": "csv",
                                                                                      "station": "АЗС-007"})
    assert exported.status_code == 403
    typed = call(client, keys, "manager12", "POST", "/api/v1/reports/run",
                 json={"query": {"metric": "count", "group_by": "station"}}).json()
    assert [row["station"] for row in typed["table"]] == ["АЗС-012"]


def test_tickets_stay_within_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    svc, keys = world
    manager = call(client, keys, "manager12", "GET", "/api/v1/tickets").json()["tickets"]
    assert {t["station"] for t in manager} == {"АЗС-012"}
    finance = call(client, keys, "finance", "GET", "/api/v1/tickets").json()["tickets"]
    assert {t["department"] for t in finance} == {"finance"}
    foreign = next(t for t in finance if t["station"] == "АЗС-007")["number"]
    assert call(client, keys, "manager12", "GET", f"/api/v1/tickets/{foreign}").status_code == 404  # not theirs
    moved = call(client, keys, "manager12", "POST", f"/api/v1/tickets/{foreign}/status", json={"status": "closed"})
    assert moved.status_code == 404 and svc.tickets.get(foreign).status == "new"
    ok = call(client, keys, "finance", "POST", f"/api/v1/tickets/{foreign}/comments", json={"text": "разбираемся"})
    assert ok.status_code == 201 and svc.tickets.history(foreign)[-1].actor == "key:finance"


def test_search_and_citations_hide_restricted_documents(client, world) -> None:  # type: ignore[no-untyped-def]
    _, keys = world
    question = {"question": "Какая премия управляющего за квартал?"}
    manager = call(client, keys, "manager12", "POST", "/api/v1/ask", json=question).json()
    assert not manager["abstained"] and "150 000" in manager["answer"]
    operator = call(client, keys, "operator12", "POST", "/api/v1/ask", json=question).json()
    assert "150 000" not in operator["answer"]
    assert all(c["source"] != "uploads/premii.md" for c in operator["citations"] + operator["retrieved"])
    found = call(client, keys, "operator12", "GET", "/api/v1/search", params={"q": "премия управляющего"}).json()
    assert all(r["source"] != "uploads/premii.md" for r in found["results"])
    docs = call(client, keys, "operator12", "GET", "/api/v1/documents").json()
    assert [d["source"] for d in docs["items"]] == ["uploads/smena.md"]


def test_history_in_chat_is_limited_to_own_stations(client, world) -> None:  # type: ignore[no-untyped-def]
    _, keys = world
    body = call(client, keys, "operator12", "POST", "/api/v1/ask",
                json={"question": "как в прошлый раз убирали пролив?"}).json()
    assert body["citations"] and all("АЗС-012" in c["location"] for c in body["citations"])
    refused = call(client, keys, "operator12", "POST", "/api/v1/ask",
                   json={"question": "инцидент: АЗС-007, пролив у ТРК 1"}).json()
    assert refused["abstained"] and "не записан" in refused["answer"]


def test_revoked_key_and_garbage_keys_are_refused(client, world) -> None:  # type: ignore[no-untyped-def]
    svc, _ = world
    key, row = svc.access.create_key("temp", ["operator"], stations=["АЗС-012"])
    assert client.get("/api/v1/documents", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    svc.access.revoke_key(row.prefix)
    for bad in (key, "azs_nope_nope", "x" * 500):
        resp = client.get("/api/v1/documents", headers={"X-API-Key": bad})
        assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"


def test_web_login_session_csrf_and_lockout(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc, keys = world
    svc.access.add_user("aigerim", "очень-длинный-пароль", ["operator"], stations=["АЗС-012"])
    with TestClient(create_app(svc, background=False)) as web:
        first = web.get("/", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"].startswith("/login")
        bad = web.post("/login", data={"username": "aigerim", "password": "не тот"})
        assert bad.status_code == 401 and "Неверный логин или пароль" in bad.text
        ok = web.post("/login", data={"username": "aigerim", "password": "очень-длинный-пароль", "next": "/"},
                      follow_redirects=False)
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        page = web.get("/")
        assert page.status_code == 200 and 'name="csrf-token"' in page.text
        csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
        assert web.post("/api/v1/ask", json={"question": "Какой размен?"}).status_code == 403  # no CSRF token
        assert web.post("/api/v1/ask", json={"question": "Какой размен?"},
                        headers={"X-CSRF-Token": csrf}).status_code == 200
        assert web.get("/reports").status_code == 403  # an operator is not a manager
        assert web.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
        assert web.get("/", follow_redirects=False).status_code == 303

        for _ in range(5):
            web.post("/login", data={"username": "aigerim", "password": "неверный-пароль"})
        locked = web.post("/login", data={"username": "aigerim", "password": "очень-длинный-пароль"})
        assert locked.status_code == 401 and "заблокирован" not in locked.text and "закрыт" in locked.text

    events = svc.access.audit_search(limit=1000)
    actions = {e.action for e in events}
    assert {"login", "login.failed", "ask", "report.view", "logout"} <= actions
    dumped = " ".join(f"{e.target} {e.details}" for e in events)
    assert "очень-длинный-пароль" not in dumped and keys["admin"] not in dumped


def test_feedback_and_corrections_are_stored_with_the_answer(client, world) -> None:  # type: ignore[no-untyped-def]
    svc, keys = world
    asked = call(client, keys, "operator12", "POST", "/api/v1/ask", json={"question": "Какой размен в кассе?"}).json()
    answer_id = asked["answer_id"]
    up = call(client, keys, "operator12", "POST", f"/api/v1/answers/{answer_id}/feedback",
              json={"rating": "down", "comment": "нужно про Z-отчёт"})
    assert up.status_code == 201
    assert call(client, keys, "finance", "POST", f"/api/v1/answers/{answer_id}/feedback",
                json={"rating": "up"}).status_code == 404  # someone else's answer
    assert call(client, keys, "operator12", "POST", f"/api/v1/answers/{answer_id}/correction",
                json={"corrected_answer": "Размен 40 000 тенге."}).status_code == 403  # supervisors only
    elsewhere = call(client, keys, "managerSouth", "POST", f"/api/v1/answers/{answer_id}/correction",
                     json={"corrected_answer": "Размен 10 тенге."})
    assert elsewhere.status_code == 404  # a manager of another region does not supervise this operator
    fixed = call(client, keys, "manager12", "POST", f"/api/v1/answers/{answer_id}/correction",
                 json={"corrected_answer": "На начало смены в кассе оставляют 40 000 тенге размена."})
    assert fixed.status_code == 201
    rows = svc.learning.feedback_for(answer_id)
    assert [(r.actor, r.rating, r.comment, r.corrected_answer is not None) for r in rows] == [
        ("key:operator12", -1, "нужно про Z-отчёт", False), ("key:manager12", 0, None, True)]
    assert call(client, keys, "operator12", "POST", f"/api/v1/answers/{answer_id}/feedback",
                json={"rating": "meh"}).status_code == 422


ERRORS = [  # (who, method, url, kwargs, status): every kind of failure, across the routers
    ("anonymous", "GET", "/api/v1/documents", {}, 401),
    ("operator12", "GET", "/api/v1/audit", {}, 403),
    ("admin", "GET", "/api/v1/documents/999999", {}, 404),
    ("admin", "GET", "/api/v1/tickets/T-999999", {}, 404),
    ("admin", "DELETE", "/api/v1/health", {}, 405),
    ("admin", "POST", "/api/v1/ask", {"json": {"question": ""}}, 422),
    ("admin", "POST", "/api/v1/reports/ask", {"json": {"question": "Кто лидирует?"}}, 422),
    ("admin", "POST", "/api/v1/tickets", {"content": b"x" * (1024 * 1024 + 10),
                                          "headers": {"content-type": "application/json"}}, 413),
    ("admin", "POST", "/api/v1/ocr", {"files": {"file": ("a.txt", b"hello", "text/plain")}}, 415),
    ("admin", "PUT", "/api/v1/documents/1/audience", {"json": {"roles": ["pilot"]}}, 422),
    ("manager12", "POST", "/api/v1/reports/ask", {"json": {"question": "сколько проливов на АЗС-007?"}}, 403),
]


@pytest.mark.parametrize(("who", "method", "url", "kwargs", "status"), ERRORS,
                         ids=[f"{s} {m} {u}" for _, m, u, _, s in ERRORS])
def test_every_error_has_one_shape(client, world, who, method, url, kwargs, status) -> None:  # type: ignore[no-untyped-def]
    _, keys = world
    headers = {**kwargs.pop("headers", {}), **({"X-API-Key": keys[who]} if who != "anonymous" else {})}
    resp = client.request(method, url, headers=headers, **kwargs)
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "message_kk", "message_en", "details"}
    assert body["error"]["code"] and body["error"]["message"]
    assert any("а" <= ch <= "я" for ch in body["error"]["message"].lower())  # said in Russian
    assert body["error"]["message_kk"] and body["error"]["message_en"] != body["error"]["message"]  # kk and en too


def test_admin_pages_manage_users_and_keys(world) -> None:  # type: ignore[no-untyped-def]
    svc, _ = world
    svc.access.add_user("boss", "пароль-админа-2026", ["admin"], stations=["*"])
    with TestClient(create_app(svc, background=False)) as web:
        web.post("/login", data={"username": "boss", "password": "пароль-админа-2026"})
        page = web.get("/admin/users")
        csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
        added = web.post("/admin/users", data={"csrf_token": csrf, "username": "dana", "password": "длинный-пароль-1",
                                               "roles": "manager", "stations": "12, 7"}, follow_redirects=False)
        assert added.status_code == 303
        assert "Пользователь dana добавлен." in web.get(added.headers["location"]).text  # and says so
        dana = svc.access.get_user("dana")
        assert (dana.roles, dana.stations) == (["manager"], ["АЗС-012", "АЗС-007"])
        # a department is picked by its name from the routing file, and the list names it (not «hse»)
        svc.access.add_user("anna", "длинный-пароль-1", ["support"], department="hse")
        listed = web.get("/admin/users").text
        assert '<option value="hse">Охрана труда и промышленная безопасность</option>' in listed
        row = listed.split('data-user="anna"')[1].split("</tr>")[0]
        assert ">Охрана труда и промышленная безопасность</td>" in row
        assert '<option value="hse" selected>' in row
        bad = web.post("/admin/users", data={"csrf_token": csrf, "username": "x", "password": "длинный-пароль-1",
                                             "roles": "pilot"})
        assert bad.status_code == 422 and "Неизвестная роль" in bad.text
        forged = web.post("/admin/users", data={"csrf_token": "forged", "username": "y", "password": "длинный-пароль-1",
                                                "roles": "admin"})
        assert forged.status_code == 403
        made = web.post("/admin/keys", data={"csrf_token": csrf, "name": "call centre", "roles": "support",
                                             "department": "customer_service"}, follow_redirects=False)
        assert made.status_code == 303  # a reload of the page that shows the key makes no second key
        key_page = web.get(made.headers["location"])
        key = key_page.text.split('<code class="secret">')[1].split("</code>")[0]
        assert key.startswith("azs_") and web.get("/admin/users").text.count(key) == 0  # shown once
        assert "Authorization: Bearer" in key_page.text  # and how a system sends it
        assert [k.name for k in svc.access.list_keys()].count("call centre") == 1
        # the one-time cookie shows the key only in the session that made it
        again = web.post("/admin/keys", data={"csrf_token": csrf, "name": "site", "roles": "support"},
                         follow_redirects=False)
        flash = again.cookies.get("azs_new_key") or web.cookies.get("azs_new_key")
        with TestClient(create_app(svc, background=False)) as other:
            other.post("/login", data={"username": "boss", "password": "пароль-админа-2026"})
            other.cookies.set("azs_new_key", flash, path="/admin/users")
            assert '<code class="secret">' not in other.get("/admin/users").text
        # roles ticked one box each; an admin edits a person's roles, stations and password
        edited = web.post("/admin/users/dana/edit", data={"csrf_token": csrf, "roles": ["operator", "support"],
                                                          "stations": "12", "regions": "", "department": "",
                                                          "password": "новый-пароль-дана"})
        assert edited.status_code == 200 and "Изменения пользователя dana сохранены" in edited.text
        assert [r.status_code for r in edited.history] == [303]  # a reload does not send the form again
        assert svc.access.audit_search(action="user.update", exact=True)[0].ip  # audited with the address, as all
        dana = svc.access.get_user("dana")
        assert (dana.roles, dana.stations) == (["operator", "support"], ["АЗС-012"])
        assert svc.access.login("dana", "новый-пароль-дана")[1].name == "dana"
        unchanged = web.post("/admin/users/dana/edit", data={"csrf_token": csrf, "roles": "operator",
                                                             "stations": "12"})
        assert unchanged.status_code == 200 and svc.access.login("dana", "новый-пароль-дана")
        refused = web.post("/admin/users/dana/edit", data={"csrf_token": csrf, "stations": "12, 7",
                                                           "department": "Сервис"})
        assert refused.status_code == 422  # no role ticked: the form comes back open, as typed
        row = refused.text.split('data-user="dana"')[1].split("</tr>")[0]
        assert '<details class="edit" open>' in row and 'value="12, 7"' in row and 'value="Сервис"' in row
        # an admin neither disables themselves nor takes away their own admin role (however the name is written),
        # told in the page's language; the page offers no «disable» on their row
        own = web.post("/admin/users/boss/disable", data={"csrf_token": csrf}, headers={"Accept-Language": "kk"})
        assert own.status_code == 409 and "Өзіңізді өшіруге" in own.text
        own = web.post("/admin/users/BOSS/edit", data={"csrf_token": csrf, "roles": "manager", "stations": "*"})
        assert own.status_code == 409 and svc.access.get_user("boss").roles == ["admin"]
        assert web.post("/admin/users/%20Boss/disable", data={"csrf_token": csrf}).status_code == 409
        assert svc.access.get_user("boss").disabled == 0
        disabled = web.post("/admin/users/dana/disable", data={"csrf_token": csrf}, follow_redirects=False)
        assert disabled.status_code == 303
        assert svc.access.get_user("dana").disabled == 1
    svc.access.add_user("olzhas", "пароль-оператора-1", ["operator"], stations=["АЗС-012"])
    with TestClient(create_app(svc, background=False)) as other:
        assert other.post("/login", data={"username": "olzhas", "password": "пароль-оператора-1"},
                          follow_redirects=False).status_code == 303
        assert other.get("/admin/users", follow_redirects=False).status_code == 403


def test_a_person_changes_their_own_password_and_their_other_sessions_end(world) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an operator signed in on two browsers WHEN they change their password on /profile THEN the current one
    is asked first (a wrong one, or a repeat that differs, changes nothing and says why in the page's language),
    the new one signs in, the other browser is signed out and this one stays; the profile names their station by
    name and address."""
    from azs_assistant.errors import Unauthorized

    svc, _ = world
    svc.access.add_user("aigul", "старый-пароль-1", ["operator"], stations=["АЗС-012"])
    with TestClient(create_app(svc, background=False)) as here, \
            TestClient(create_app(svc, background=False)) as there:
        for browser in (here, there):
            assert browser.post("/login", data={"username": "aigul", "password": "старый-пароль-1"},
                                follow_redirects=False).status_code == 303
        page = here.get("/profile").text
        assert "АЗС-012" in page and 'id="my-stations"' in page and "оператор" in page
        csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
        wrong = here.post("/profile/password", data={"csrf_token": csrf, "current": "не-тот-пароль",
                                                     "new": "новый-пароль-22", "repeat": "новый-пароль-22"},
                          headers={"Accept-Language": "kk"})
        assert wrong.status_code == 422 and "Қазіргі құпиясөз қате" in wrong.text
        differ = here.post("/profile/password", data={"csrf_token": csrf, "current": "старый-пароль-1",
                                                      "new": "новый-пароль-22", "repeat": "новый-пароль-23"})
        assert differ.status_code == 400 and "не совпадают" in differ.text
        assert svc.access.login("aigul", "старый-пароль-1")
        done = here.post("/profile/password", data={"csrf_token": csrf, "current": "старый-пароль-1",
                                                    "new": "новый-пароль-22", "repeat": "новый-пароль-22"})
        assert done.status_code == 200 and 'id="password-done"' in done.text
        assert [r.status_code for r in done.history] == [303] and done.url.path == "/profile"  # F5 sends nothing
        assert 'id="password-done"' not in here.get("/profile").text
        assert here.get("/profile", follow_redirects=False).status_code == 200  # this browser stays
        assert there.get("/profile", follow_redirects=False).status_code in (302, 303, 307)  # the other is out
    assert svc.access.login("aigul", "новый-пароль-22")
    with pytest.raises(Unauthorized):
        svc.access.login("aigul", "старый-пароль-1")


def test_operator_records_forms_of_own_stations_only(client, world) -> None:  # type: ignore[no-untyped-def]
    _, keys = world
    own = call(client, keys, "operator12", "POST", "/api/v1/forms/inspections/records",
               json={"source": "act.jpg", "fields": {"station_id": "12", "act_number": "7",
                                                 "inspection_date": "2026-11-20", "dispenser": "3"}})
    assert own.status_code == 201, own.text
    foreign = call(client, keys, "operator12", "POST", "/api/v1/forms/inspections/records",
                   json={"source": "act.jpg", "fields": {"station_id": "7", "act_number": "8",
                                                     "inspection_date": "2026-11-20", "dispenser": "3"}})
    assert foreign.status_code == 403 and "АЗС-007" in foreign.json()["error"]["message"]


def test_form_records_are_read_exported_and_corrected_within_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    """GIVEN inspection acts of АЗС-012 and АЗС-007 and one whose station could not be read
    WHEN the operator of АЗС-012 lists, exports and corrects records
    THEN only АЗС-012's acts (and the unreadable one they made) are theirs; another station's record
    cannot be read or moved, and it stays as it was."""
    svc, keys = world
    from azs_assistant.auth.principal import SYSTEM

    foreign = form_record(svc, "7", source="act17.jpg")
    mine = form_record(svc, "12")
    operator = svc.access.key_principal(keys["operator12"])[0]
    made = svc.records.save_recognised(operator, {"form": "inspections", "fields": {"act_number": "3"},
                                                  "field_confidence": {}, "problems": [], "defects": []}, "blur.jpg")[0]
    listed = call(client, keys, "operator12", "GET", "/api/v1/forms/inspections/records").json()
    ids = {r["id"] for r in listed}
    assert mine.id in ids and foreign.id not in ids
    assert made.id in ids and made.station_id == "АЗС-012"  # no station read: the uploader's only station
    exported = call(client, keys, "operator12", "GET", "/api/v1/forms/inspections/export", params={"format": "csv"})
    assert "act12.jpg" in exported.text and "act17.jpg" not in exported.text
    moved = call(client, keys, "operator12", "PUT", f"/api/v1/records/{foreign.id}",
                 json={"fields": {"station_id": "12"}})
    assert moved.status_code == 404
    kept = svc.records.get(SYSTEM, foreign.id)
    assert (kept.station_id, kept.fields["station_id"], kept.status) == ("АЗС-007", 7, "confirmed")
    south = call(client, keys, "managerSouth", "GET", "/api/v1/forms/inspections/records").json()
    assert {r["station"] for r in south} == {"АЗС-007"}  # a region's manager sees its stations' acts


def test_record_without_a_station_is_seen_by_its_creator_and_admins_only(world) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a recognised act with no readable station, kept by a user bound to two stations
    WHEN others list the records THEN only its creator and admins see it."""
    svc, _ = world
    from azs_assistant.auth.principal import SYSTEM

    two = principal("manager", name="dana", stations=["АЗС-012", "АЗС-007"])
    other = principal("manager", name="erlan", stations=["АЗС-012", "АЗС-007"])
    result = {"form": "inspections", "fields": {"act_number": "5"}, "field_confidence": {}, "problems": [],
              "defects": []}
    record = svc.records.save_recognised(two, result, "blurred.jpg")[0]
    assert record.station_id is None
    assert record.id in {r.id for r in svc.records.visible(two, "inspections")}
    assert record.id not in {r.id for r in svc.records.visible(other, "inspections")}
    assert record.id in {r.id for r in svc.records.visible(SYSTEM, "inspections")}
