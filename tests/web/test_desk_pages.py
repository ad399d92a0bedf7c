"""The complaint desk's staff pages in words (issue 23): department, category and status names
instead of codes, a readable history without the classifier's internals, the internal-or-public
choice for every comment, search and «assign to me» in the queue, the audit details as a list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import authorize, make_settings


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[TestClient, Services]]:
    svc = Services(make_settings(tmp_path, embeddings="none"))
    with TestClient(create_app(svc, background=False)) as c:
        authorize(c, svc)
        yield c, svc
    svc.close()


def _complain(client: TestClient, text: str) -> str:
    return str(client.post("/api/v1/tickets", json={"text": text, "station": "АЗС-012"}).json()["number"])


def test_ticket_page_speaks_words_not_codes(desk) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a complaint about a gas smell (routed to hse) WHEN staff open it in Russian and English
    THEN the department, category and history are named in words; no model hash, no «reasons: []»."""
    client, _ = desk
    number = _complain(client, "Сильный запах газа у колонки 3, люди курят рядом")
    page = client.get(f"/tickets/{number}").text
    department = re.search(r'id="department">([^<]+)<', page).group(1)
    assert department == "Охрана труда и промышленная безопасность"
    assert "Обращение получено" in page and "форма на сайте" not in page and "внешняя система (API)" in page
    assert "Направлено в отдел" in page and "model" not in page and "reasons:" not in page
    assert not re.search(r">\s*(hse|safety_hazard|classified|routed)\s*<", page)
    english = client.get(f"/tickets/{number}", params={"lang": "en"}).text
    assert re.search(r'id="department">Health, safety and environment<', english)
    assert "Complaint received" in english


def test_every_comment_offers_internal_or_public_and_internal_is_the_default(desk) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the ticket page WHEN a comment is added with a status change and alone THEN each form has
    the choice, «only staff» is preselected, and only the comment marked public reaches the customer."""
    client, _ = desk
    created = client.post("/api/v1/tickets", json={"text": "Недолив 5 литров на АЗС-012"}).json()
    number, token = created["number"], created["token"]
    page = client.get(f"/tickets/{number}").text
    for form in ("status", "comment"):
        assert re.search(rf'id="{form}-internal" checked', page) and f'id="{form}-public"' in page
    client.post(f"/tickets/{number}/status", data={"status": "in_progress", "comment": "проверить камеры",
                                                   "public": "false"})
    added = client.post(f"/tickets/{number}/comments", data={"text": "Вернём деньги сегодня", "public": "true"})
    assert 'id="ticket-done">Комментарий добавлен.' in added.text  # the page says it was saved
    public = client.get(f"/t/{number}", params={"k": token}).text
    assert "Вернём деньги сегодня" in public and "проверить камеры" not in public
    staff = client.get(f"/tickets/{number}").text
    assert "внутренний" in staff and "виден клиенту" in staff


def test_the_assign_form_suggests_the_staff_of_the_tickets_department_first(desk) -> None:  # type: ignore[no-untyped-def]
    """A walk-through typed a login that does not exist into «Исполнитель» and it was taken silently: the field
    now offers the active support staff and managers, the ticket's department first; a passed ticket says so."""
    client, svc = desk
    svc.access.add_user("dana", "пароль-поддержки-1", ["support"], department="finance")
    svc.access.add_user("erik", "пароль-поддержки-1", ["support"], department="hse")
    svc.access.add_user("gone", "пароль-поддержки-1", ["support"], department="hse")
    svc.access.update_user("gone", disabled=True)
    # managers: only those whose stations or regions hold the ticket's station (the others would not see it)
    svc.access.add_user("mara", "пароль-менеджера-1", ["manager"], stations=["АЗС-012"])
    svc.access.add_user("chief", "пароль-менеджера-1", ["manager"], regions=["*"])
    svc.access.add_user("other", "пароль-менеджера-1", ["manager"], stations=["АЗС-099"])
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.stations import StationInput

    svc.stations.add(SYSTEM, StationInput("АЗС-012", "АЗС 012", "Атырау"))
    svc.stations.add(SYSTEM, StationInput("АЗС-099", "АЗС 099", "Шымкент"))
    svc.access.add_user("atyrau", "пароль-менеджера-1", ["manager"], regions=["Атырау"])
    svc.access.add_user("shymkent", "пароль-менеджера-1", ["manager"], regions=["Шымкент"])
    number = _complain(client, "Сильный запах газа у колонки 3")  # routed to hse
    page = client.get(f"/tickets/{number}").text
    offered = re.findall(r'<option value="([^"]+)">', page.split('<datalist id="staff">')[1].split("</datalist>")[0])
    assert offered[0] == "erik" and "dana" in offered and "gone" not in offered
    assert {"mara", "chief", "atyrau"} <= set(offered) and not {"other", "shymkent"} & set(offered)
    passed = client.post(f"/tickets/{number}/assign", data={"department": "hse", "assignee": "erik"})
    assert 'id="ticket-done">Обращение передано.' in passed.text and 'id="assignee">erik<' in passed.text


def test_facts_and_reasons_read_as_words(desk) -> None:  # type: ignore[no-untyped-def]
    """The page showed «литры — [20.0]» and reasons with codes («срочность high»)."""
    client, _ = desk
    contact = {"contact": "+77010000009", "station": "АЗС-012"}
    first = client.post("/api/v1/tickets", json={"text": "Недолив 20 л на колонке 4, сумма 31000 тг", **contact})
    page = client.get(f"/tickets/{first.json()['number']}").text
    assert "литры: 20 л" in page and "колонка: 4" in page and "суммы: 31\u00a0000 тг" in page, page
    assert "[20.0]" not in page
    number = client.post("/api/v1/tickets", json={"text": "Грязно в туалете, нет бумаги", **contact}).json()["number"]
    page = client.get(f"/tickets/{number}").text
    assert "повторная жалоба от того же контакта: срочность «" in page
    assert not re.search(r"срочность (low|medium|high|critical)\b", page)


def test_a_tickets_reasons_are_said_in_the_pages_language_and_old_tickets_keep_theirs(desk) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a repeated complaint, one at an unknown station and one that smells of gas WHEN support opens them
    on the Kazakh and English pages THEN the reasons (and the danger sign in the history) are in that language,
    not Russian; the API's warnings and a classification follow Accept-Language; a ticket stored before reasons
    were kept as data shows its Russian sentence."""
    client, svc = desk
    contact = {"contact": "+77010000077", "station": "АЗС-012"}
    client.post("/api/v1/tickets", json={"text": "Недолив 20 л на колонке 4", **contact})
    again = client.post("/api/v1/tickets", json={"text": "Грязно в туалете, нет бумаги", **contact}).json()["number"]
    kk = client.get(f"/tickets/{again}", params={"lang": "kk"}).text
    reasons = re.search(r'id="ticket-reasons">([^<]+)<', kk).group(1)
    assert "дәл сол байланыстан қайта түскен шағым" in reasons and "повторная" not in reasons, reasons
    en = client.get(f"/tickets/{again}", params={"lang": "en"}).text
    assert "a repeated complaint from the same contact: urgency “medium”" in en and "повторная" not in en
    ru = client.get(f"/tickets/{again}").text
    assert "повторная жалоба от того же контакта: срочность «" in ru

    gas = client.post("/api/v1/tickets", json={"text": "Сильно пахнет газом у колонки 2", "station": "АЗС-012"})
    english = client.get(f"/tickets/{gas.json()['number']}", params={"lang": "en"}).text
    assert "critical: smell of gas" in english and "запах газа" not in english

    lost = client.post("/api/v1/tickets", json={"text": "Недолив 10 литров", "station": "Луна-7"},
                       headers={"Accept-Language": "kk"}).json()
    assert lost["warnings"] == ["«Луна-7» ЖҚС-ы танылмады: ЖҚС нөмірін нақтылаңыз"], lost
    classified = client.post("/api/v1/tickets/classify", json={"text": "Пахнет газом у третьей колонки"},
                             headers={"Accept-Language": "en"}).json()
    assert "critical: smell of gas" in classified["reasons"] and classified["danger_text"] == ["smell of gas"]
    assert classified["danger"] == ["запах газа"]  # as stored, whatever the language
    assert {"key": "danger", "params": {"signs": ["запах газа"]}} in classified["reason_codes"]

    from azs_assistant.storage.models import Ticket

    with svc.db.session() as s:  # as stored before revision 0018
        old = s.query(Ticket).filter_by(number=again).one()
        old.reasons, old.triage_reason = None, "срочность «высокая» по правилу старое"
    page = client.get(f"/tickets/{again}", params={"lang": "en"}).text
    assert re.search(r'id="ticket-reasons">срочность «высокая» по правилу старое<', page)
    with svc.db.session() as s:  # a reason stored with values this release cannot read shows its key, no error
        s.query(Ticket).filter_by(number=again).one().reasons = [{"key": "big_amount", "params": {"amount": None}}]
    broken = client.get(f"/tickets/{again}", params={"lang": "kk"})
    assert broken.status_code == 200 and 'id="ticket-reasons">big_amount<' in broken.text


def test_the_status_form_changes_nothing_until_a_status_is_chosen(desk) -> None:  # type: ignore[no-untyped-def]
    """A ticket in work offered «передано ответственным» first, so pressing the button to add a note took it back;
    offering the next step forward would resolve it instead. The form preselects no status: a choice is required."""
    client, _ = desk
    number = _complain(client, "Недолив 5 литров")
    client.post(f"/tickets/{number}/status", data={"status": "in_progress"})
    form = client.get(f"/tickets/{number}").text.split('id="status-form"', 1)[1].split("</form>", 1)[0]
    assert '<select name="status" required><option value="" selected disabled>' in form
    assert re.findall(r'<option value="(\w+)"', form) == ["assigned", "resolved", "closed"]
    assert " selected>" not in form.split("disabled>", 1)[1]
    client.post(f"/tickets/{number}/status", data={"status": "", "comment": "заметка"})  # a form sent without one
    assert client.get(f"/api/v1/tickets/{number}").json()["status"] == "in_progress"


def test_queue_search_and_assign_to_me(desk) -> None:  # type: ignore[no-untyped-def]
    """GIVEN two complaints WHEN staff search a word of one and take it THEN only it is listed, and it
    is theirs under «мои»."""
    client, _ = desk
    dirty = _complain(client, "Грязно в туалете, нет мыла")
    _complain(client, "Кассир нагрубил, не дал чек")
    found = client.get("/tickets", params={"q": "мыла"}).text
    assert re.search(r'id="tickets-total">1<', found) and dirty in found
    taken = client.post(f"/tickets/{dirty}/take", data={"back": "queue"}, follow_redirects=False)
    assert taken.status_code == 303 and taken.headers["location"] == "/tickets"
    mine = client.get("/tickets", params={"mine": "true"}).text
    assert re.search(r'id="tickets-total">1<', mine) and dirty in mine
    assert client.get(f"/api/v1/tickets/{dirty}").json()["assignee"].startswith("key:")


def test_audit_details_are_a_readable_list(desk) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a status change with a comment WHEN the admin opens the audit log THEN the action is named
    in words and its details are «key: value» lines, not a Python dict."""
    client, _ = desk
    number = _complain(client, "Грязно в туалете")
    client.post(f"/tickets/{number}/status", data={"status": "in_progress", "comment": "убрать"})
    page = client.get("/admin/audit").text
    assert "изменён статус обращения" in page
    assert "<li>Статус: в работе</li>" in page and "<li>Комментарий: убрать</li>" in page
    assert "{&#39;" not in page and "{'status'" not in page
    # the action is picked by its name, and an empty result says so
    assert '<option value="ticket.set_status">изменён статус обращения</option>' in page
    only = client.get("/admin/audit", params={"action": "ticket.set_status"}).text
    assert "<li>Комментарий: убрать</li>" in only and "обращение получено" not in only.split('id="audit"')[1]
    assert 'id="audit-none"' in client.get("/admin/audit", params={"actor": "никто"}).text
    # an action picked is that one action; a typed prefix still reads as one
    _, svc = desk
    svc.access.audit("x", "login", "x")
    svc.access.audit("x", "login.failed", "x")
    picked = client.get("/admin/audit", params={"action": "login"}).text.split('id="audit"')[1]
    assert "неудачный вход" not in picked and ">вход<" in picked.replace(" <span", "<")
    assert "неудачный вход" in client.get("/admin/audit", params={"action": "login."}).text.split('id="audit"')[1]
    assert 'id="audit-none"' not in page
    # a stored key reads as words, roles by their names, a stored state as a word, in the page's language
    svc.access.audit("boss", "user.update", "dana", {"roles": ["operator", "support"], "password": "changed",
                                                     "telegram": "unlinked", "sessions_ended": 2})
    changed = client.get("/admin/audit", params={"action": "user.update"}).text
    assert "<li>Роли: оператор, поддержка</li>" in changed and "<li>Пароль: изменён</li>" in changed
    assert "<li>Telegram: отвязан</li>" in changed and "<li>Завершено сеансов: 2</li>" in changed
    kk = client.get("/admin/audit", params={"action": "user.update"}, headers={"Accept-Language": "kk"}).text
    assert "<li>Рөлдер: " in kk
    # a department by its name from the routing file, «*» as «все», an action and a reason in words
    svc.access.audit("boss", "user.add", "anna", {"department": "hse", "stations": ["*"]})
    svc.access.audit("x", "login.failed", "x", {"reason": "password change"})
    svc.access.audit("boss", "audit.export", "", {"action": "ticket.assign"})
    page = client.get("/admin/audit").text
    assert "<li>Отдел: Охрана труда и промышленная безопасность</li>" in page and "<li>АЗС: все</li>" in page
    assert "<li>Причина: при смене пароля</li>" in page, re.findall(r"<li>[^<]*</li>", page)[:12]
    assert "<li>Действие: обращение передано</li>" in page


def test_reports_page_for_a_manager_of_one_station(tmp_path: Path) -> None:
    """GIVEN a manager of АЗС-007 only WHEN they open reports THEN the filter offers only their station,
    the examples are links that name it, a grouped answer has an inline chart with the value on hover,
    an English page says the sentence in English, and the report is a link to keep."""
    from datetime import datetime

    from azs_assistant.incidents.records import store

    svc = Services(make_settings(tmp_path, embeddings="none"))
    rows = [{"incident_id": f"I-{i}", "station_id": st, "region": reg, "category": "fuel_spill",
             "occurred_at": datetime(2026, 1 + i, 5, 10)} for i, (st, reg) in
            enumerate([("АЗС-012", "Атырау"), ("АЗС-012", "Атырау"), ("АЗС-007", "Шымкент")])]
    with svc.db.session() as s:
        store(s, [(r["incident_id"], r) for r in rows], origin="test")
    try:
        with TestClient(create_app(svc, background=False)) as web:
            authorize(web, svc, roles=("manager",), stations=("АЗС-007",))
            page = web.get("/reports").text
            options = re.search(r'<select name="station" id="f-station">(.*?)</select>', page, re.S).group(1)
            assert re.findall(r"<option[^>]*>([^<]+)</option>", options)[1:] == ["АЗС-007"]
            assert "АЗС-012" not in page
            assert re.search(r'<a href="/reports\?question=[^"]+">сколько проливов было на АЗС-007', page)
            report = web.get("/reports", params={"question": "сколько проливов по месяцам в 2026 году",
                                                 "lang": "en"}).text
            # months the log covers, zeros kept, named as a reader names them (not «2026-03»)
            assert "By month: January 2026 — 0; February 2026 — 0; March 2026 — 1." in report
            assert "<svg" in report and "<title>March 2026: 1</title>" in report and "<style" not in report
            russian = web.get("/reports", params={"question": "сколько проливов по месяцам в 2026 году"}).text
            assert '<td data-label="месяц">март 2026</td>' in russian and "2026-03" not in russian.split("<svg")[0]
            assert 'class="chart bars"' in report  # months as bars across too: a line was unreadable on a phone
            link = re.search(r'href="([^"]+)" id="report-link"', report).group(1)
            assert link.startswith("/reports?question=") and "2026" in link
            unclear = web.get("/reports", params={"question": "сколько стоит литр бензина"}).text
            error = re.search(r'id="report-error">([^<]+)<', unclear).group(1)
            assert "АЗС-007" in error and "АЗС-012" not in error
    finally:
        svc.close()


def test_a_chart_of_bars_on_the_page_lies_across_at_a_phones_width(tmp_path: Path) -> None:
    """GIVEN incidents at two stations WHEN a manager asks for them by station THEN the page's chart draws the bars
    across, about 280 pt wide (upright bars 12 inches wide, shrunk to a phone, had letters a few pixels high), each
    bar with its value on hover; the chart file to download keeps its upright bars."""
    from datetime import datetime

    from azs_assistant.incidents.records import store

    svc = Services(make_settings(tmp_path, embeddings="none"))
    rows = [{"incident_id": f"I-{i}", "station_id": st, "region": "Атырау", "category": "fuel_spill",
             "occurred_at": datetime(2026, 3, 1 + i, 10)} for i, st in enumerate(["АЗС-012", "АЗС-012", "АЗС-007"])]
    with svc.db.session() as s:
        store(s, [(r["incident_id"], r) for r in rows], origin="test")
    try:
        with TestClient(create_app(svc, background=False)) as web:
            authorize(web, svc, roles=("manager",), stations=("*",))
            page = web.get("/reports", params={"question": "сколько инцидентов по станциям"}).text
            svg = re.search(r"<svg role=\"img\"[^>]*>", page).group(0)
            assert 'class="chart bars"' in svg, svg
            width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
            assert 250 < width < 400 and "<title>АЗС-012: 2</title>" in page
            export = re.search(r'href="(/api/v1/reports/export\?format=svg&[^"]+)"', page).group(1)
            picture = web.get(export.replace("&amp;", "&")).text
            assert float(re.search(r'viewBox="0 0 ([\d.]+) ', picture).group(1)) > width
    finally:
        svc.close()


def test_report_dates_are_typed_dd_mm_yyyy_and_a_wrong_one_is_named_next_to_its_field(tmp_path: Path) -> None:
    """GIVEN fuel spills on 5 January, February and March 2026 WHEN a manager narrows the report with dates
    typed as 01.02.2026 and 1.3.26 THEN one spill is counted, the fields show dd.mm.yyyy and the links (the
    page's own, the export API's) carry ISO dates; a date the calendar lacks is named next to its field in
    the page's language, with no report and the other filters kept."""
    from datetime import datetime

    from azs_assistant.incidents.records import store

    svc = Services(make_settings(tmp_path, embeddings="none"))
    rows = [{"incident_id": f"I-{i}", "station_id": "АЗС-012", "region": "Атырау", "category": "fuel_spill",
             "occurred_at": datetime(2026, 1 + i, 5, 10)} for i in range(3)]
    with svc.db.session() as s:
        store(s, [(r["incident_id"], r) for r in rows], origin="test")
    try:
        with TestClient(create_app(svc, background=False)) as web:
            authorize(web, svc, roles=("manager",), stations=("АЗС-012",))
            asked = {"question": "сколько проливов", "date_from": "01.02.2026", "date_to": "1.3.26"}
            page = web.get("/reports", params=asked)
            assert page.status_code == 200, page.text
            assert 'id="report-text">Инцидентов: 1.<' in page.text
            assert 'name="date_from" value="01.02.2026"' in page.text
            assert 'name="date_to" value="01.03.2026"' in page.text
            assert "date_from=2026-02-01&amp;date_to=2026-03-01" in page.text
            export = re.search(r'href="(/api/v1/reports/export\?format=csv&[^"]+)"', page.text).group(1)
            csv = web.get(export.replace("&amp;", "&"))
            assert csv.status_code == 200, csv.text
            wrong = web.get("/reports", params={**asked, "date_to": "31.02.2026", "lang": "kk", "station": "АЗС-012"})
            assert wrong.status_code == 422 and 'id="report"' not in wrong.text
            assert ('<span class="field-error" id="f-date_to-error" role="alert">Күнтізбеде 31.02.2026 күні жоқ'
                    in wrong.text)
            assert 'name="date_from" value="01.02.2026"' in wrong.text
            assert "<option selected>АЗС-012</option>" in wrong.text
    finally:
        svc.close()


def test_times_the_system_keeps_are_shown_on_the_chains_clock(tmp_path: Path) -> None:
    """GIVEN a complaint received at 12:58 UTC WHEN staff open it, the audit log and the public status page
    THEN the times read 17:58 (Almaty, UTC+5, the default), and 12:58 with AZS_TIMEZONE=UTC; an unknown zone is
    refused when the settings are read. A walk-through read every time on the pages five hours early."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from azs_assistant.storage.models import AuditEvent, TicketEvent

    for zone, shown in (("Asia/Almaty", "17:58"), ("UTC", "12:58")):
        svc = Services(make_settings(tmp_path / zone.replace("/", "-"), embeddings="none", timezone=zone))
        with TestClient(create_app(svc, background=False)) as client:
            authorize(client, svc)
            number = _complain(client, "Грязный туалет на АЗС")
            at = datetime(2026, 12, 5, 12, 58, tzinfo=UTC)
            with svc.db.session() as s:
                s.execute(update(TicketEvent).values(at=at))
                s.execute(update(AuditEvent).values(at=at))
            assert f"05.12.2026 {shown}" in client.get(f"/tickets/{number}").text
            assert f"05.12.2026 {shown}:00" in client.get("/admin/audit").text
        svc.close()
    with pytest.raises(ValueError, match="time zone"):
        make_settings(tmp_path, timezone="Asia/Nowhere")
