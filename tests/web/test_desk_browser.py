"""Issue 23's scenarios walked in a real headless Chromium, each as its person, on a desktop and on a
390 px phone: the customer's complaint (Kazakh, reload, language switch), the support desk (queue
search, «assign to me», a reply the customer sees, cards on a phone), the manager's reports (a bare
«за квартал» with its dates, the chart's values on hover, only their stations), the operator's
inspection act (every field, the doubtful and missing ones marked, the photo zoomed, saved), the
admin (an unknown station refused, the audit log as a list) and a 404 page. Every page is checked by
axe-core for serious accessibility faults. Screenshots go to AZS_SCREENSHOTS_DIR (docs/img for the docs)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from azs_assistant.auth.principal import SYSTEM
from azs_assistant.incidents.records import store
from azs_assistant.services import Services
from azs_assistant.stations import StationInput
from tests.conftest import make_settings
from tests.loopback import serve
from tests.web.test_browser import _chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("AZS_SCREENSHOTS_DIR", ROOT / "test-artifacts" / "screenshots"))
ACT_PHOTO = ROOT / "demo" / "knowledge_base" / "15_akt_proverki_trk_foto.jpg"
PASSWORD = "пароль-для-теста-2026"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CSP: list[str] = []
TODAY = date.today()


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Iterator[tuple[str, Services]]:  # type: ignore[no-untyped-def]
    from azs_assistant.api.app import create_app

    svc = Services(make_settings(tmp_path_factory.mktemp("desk"), embeddings="none"))
    for sid, region in [("АЗС-001", "Алматы"), ("АЗС-007", "Шымкент"), ("АЗС-012", "Атырау"), ("АЗС-017", "Алматы")]:
        svc.stations.add(SYSTEM, StationInput(sid, f"АЗС {sid[-3:]}", region))
    quarter_start = date(TODAY.year, 3 * ((TODAY.month - 1) // 3) + 1, 1)
    rows = [(f"Q-{i}", st, quarter_start) for i, st in enumerate(["АЗС-012", "АЗС-012", "АЗС-001"])]
    rows += [(f"OLD-{i}", "АЗС-007", date(TODAY.year - 2, 5, 1)) for i in range(5)]  # all-time leader
    with svc.db.session() as s:
        store(s, [(iid, {"incident_id": iid, "station_id": st, "region": "", "category": "fuel_spill",
                         "occurred_at": datetime(d.year, d.month, d.day, 10)}) for iid, st, d in rows], origin="test")
    svc.access.add_user("operator", PASSWORD, ["operator"], stations=["АЗС-017"])
    svc.access.add_user("manager", PASSWORD, ["manager"], stations=["АЗС-001", "АЗС-007", "АЗС-012"])
    svc.access.add_user("support", PASSWORD, ["support"], department="hse")
    svc.access.add_user("admin", PASSWORD, ["admin"], stations=["*"])
    server, thread, port = serve(create_app(svc, background=False))
    yield f"http://127.0.0.1:{port}", svc
    server.should_exit = True
    thread.join(10)
    svc.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage",
                                                                "--disable-gpu"])
        yield b
        b.close()
    assert not CSP, CSP


def _page(browser, viewport, locale="ru-RU"):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=viewport, locale=locale)
    page.on("console", lambda m: "Content Security Policy" in m.text and CSP.append(f"{page.url}: {m.text[:90]}"))
    return page


def _login(browser, base: str, user: str, viewport=DESKTOP):  # type: ignore[no-untyped-def]
    page = _page(browser, viewport)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login")
    page.wait_for_url(f"{base}/")
    return page


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _accessible(page) -> None:  # type: ignore[no-untyped-def]
    """axe-core finds no critical or serious fault on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("critical", "serious")]
    assert not bad, f"{page.url}: {bad}"


def _visible_cells(page, selector: str) -> int:  # type: ignore[no-untyped-def]
    shown = "cells => cells.filter(c => c.getBoundingClientRect().width > 0).length"
    return int(page.locator(f"{selector} tr:not(.head) >> nth=0 >> td").evaluate_all(shown))


def test_customer_complains_in_kazakh_on_a_phone(desk, browser) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the public form in Kazakh on a phone WHEN the customer sends a complaint, reloads and
    switches to Russian THEN the number stays, nothing is sent twice, the link is on this server."""
    base, svc = desk
    page = _page(browser, PHONE, "kk-KZ")
    page.goto(f"{base}/complaint?lang=kk")
    _accessible(page)
    page.fill("input[name=station]", "АЗС-012")
    page.fill("textarea[name=text]", "Колонка 2 жанармайды толық құймады, чек бар")
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#ticket-number")
    assert "Өтінішіңіз қабылданды" in page.inner_text("h1")
    number = page.inner_text("#ticket-number")
    assert page.inner_text("#status-link").startswith(f"{base}/t/{number}?k=")
    _accessible(page)
    _shot(page, "desk-01-complaint-accepted-kk-phone")
    page.reload()
    page.click("header a[hreflang=ru]")
    page.wait_for_selector("#ticket-number")
    assert page.inner_text("#ticket-number") == number and "принято" in page.inner_text("h1").lower()
    assert len(svc.tickets.queue(limit=50)) == 1
    _shot(page, "desk-02-complaint-accepted-ru-after-switch")
    page.close()


def test_support_works_the_queue_on_desktop_and_phone(desk, browser) -> None:  # type: ignore[no-untyped-def]
    """GIVEN two complaints for the safety department WHEN its support person searches the queue, takes
    one, replies to the customer and notes something internally THEN the page names everything in
    words, the customer sees only the reply, and on a phone the queue and history are cards with every
    column."""
    base, svc = desk
    _, token = svc.tickets.create("Сильный запах бензина у колонки 4, кассир не реагирует", station="АЗС-007",
                                  channel="web_form")
    svc.tickets.create("Курят прямо у колонки 2, никто не останавливает", station="АЗС-001", channel="web_form")
    page = _login(browser, base, "support")
    page.goto(f"{base}/tickets")
    page.fill("input[name=q]", "бензина")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#tickets-total") == "1"
    _accessible(page)
    page.click("#tickets a[href^='/tickets/T-']")
    page.wait_for_selector("#history")
    assert page.locator("#department").inner_text() != "hse" and "Направлено в отдел" in page.inner_text("#history")
    assert "model" not in page.inner_text("#history")
    page.click("#take")
    page.wait_for_selector("#assignee")
    assert page.inner_text("#assignee") == "support"
    page.fill("#comment-form textarea", "Выехала аварийная бригада, колонка 4 закрыта")
    page.check("#comment-public")
    page.click("#comment-form button[type=submit]")
    page.wait_for_load_state()
    page.fill("#comment-form textarea", "Проверить камеры за 12:00")
    page.click("#comment-form button[type=submit]")  # «only staff» is the default
    page.wait_for_load_state()
    history = page.inner_text("#history")
    assert "виден клиенту" in history and "внутренний" in history
    _accessible(page)
    _shot(page, "desk-03-ticket-desktop")
    number = page.url.rsplit("/", 1)[1]
    public = _page(browser, PHONE)
    public.goto(f"{base}/t/{number}?k={token}")
    assert "Выехала аварийная бригада" in public.inner_text("main") and "камеры" not in public.inner_text("main")
    public.close()
    phone = _login(browser, base, "support", PHONE)
    phone.goto(f"{base}/tickets")
    assert _visible_cells(phone, "#tickets") == 7  # every column, as a card
    _shot(phone, "desk-04-queue-phone-cards")
    phone.goto(f"{base}/tickets/{number}")
    assert phone.locator("#history td[data-label]").first.is_visible()
    _shot(phone, "desk-05-ticket-history-phone")
    page.close()
    phone.close()


def test_manager_asks_for_the_quarter(desk, browser) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a manager of three stations WHEN they ask «топ-3 станции по инцидентам за квартал» THEN the
    counts are this quarter's with its dates, the chart shows each value on hover, and the station
    filter offers only their stations; on a phone the table keeps its columns."""
    base, _ = desk
    page = _login(browser, base, "manager")
    page.goto(f"{base}/reports")
    options = page.locator("#f-station option").all_inner_texts()[1:]
    assert options == ["АЗС-001", "АЗС-007", "АЗС-012"]
    _accessible(page)
    page.click("#examples a >> nth=1")
    page.wait_for_selector("#report-text")
    text = page.inner_text("#report-text")
    quarter_start = date(TODAY.year, 3 * ((TODAY.month - 1) // 3) + 1, 1)
    assert f"{quarter_start:%d.%m.%Y}–{TODAY:%d.%m.%Y}" in text and "АЗС-012 — 2" in text and "АЗС-007" not in text
    assert page.locator(".chart-box svg g.bar title").first.text_content() == "АЗС-012: 2"
    assert page.get_attribute("#report-link", "href").startswith("/reports?question=")
    _accessible(page)
    _shot(page, "desk-06-report-quarter-desktop")
    phone = _login(browser, base, "manager", PHONE)
    phone.goto(f"{base}{page.get_attribute('#report-link', 'href')}&lang=kk")
    assert re.search(r"кезең: \d\d\.\d\d\.\d{4}", phone.inner_text("#report-text"))
    assert _visible_cells(phone, "#report-table") == 2
    # the headers come from reports/i18n/kk.yaml
    assert [h.strip().lower() for h in phone.locator("#report-table th").all_text_contents()] == ["жқс", "саны"]
    _shot(phone, "desk-07-report-quarter-kk-phone")
    page.close()
    phone.close()


def test_operator_checks_and_saves_the_inspection_act(desk, browser) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the demo act photo (АЗС-017, a demo station) WHEN the operator recognises it on a phone
    THEN every field has an input, the missing ones and the misread fuel are marked with a reason,
    the photo zooms, and after filling the gaps the act is saved for АЗС-017."""
    base, svc = desk
    page = _login(browser, base, "operator", PHONE)
    page.goto(f"{base}/ocr")
    page.set_input_files("#photo", str(ACT_PHOTO))
    page.click("#recognise")
    page.wait_for_selector("#fields .field", timeout=90000)
    names = page.locator("#fields .field").evaluate_all("rows => rows.map(r => r.dataset.field)")
    assert names == [f.name for f in svc.forms.template("inspection_act").fields]
    assert page.locator("#fields .field input").count() == len(names)
    fuel = page.locator('#fields .field[data-field="fuel"]')
    assert "doubtful" in (fuel.get_attribute("class") or "") and "АИ-92" in fuel.inner_text()
    missing = page.locator("#fields .field.missing").evaluate_all("rows => rows.map(r => r.dataset.field)")
    assert "meter_end" in missing and page.locator('#why-meter_end').is_visible()
    _accessible(page)
    _shot(page, "desk-08-act-fields-phone")
    page.click("#zoom")
    assert page.locator("figure.photo.zoomed").count() == 1
    page.click("#zoom")
    fuel.locator("button.suggest").click()
    assert page.input_value("#field-fuel") == "АИ-92"
    page.fill("#field-meter_end", "304611")
    page.fill("#field-error_percent", "0,2")
    page.click("#save-record")
    page.locator("#save-status.saved").wait_for(timeout=15000)
    assert "АЗС-017" in page.inner_text("#save-status")
    records = svc.records.visible(SYSTEM, "inspection_act")
    assert records[-1].fields["fuel"] == "АИ-92" and records[-1].fields["meter_end"] == 304611
    desktop = _login(browser, base, "operator")
    desktop.goto(f"{base}/ocr")
    desktop.set_input_files("#photo", str(ACT_PHOTO))
    desktop.click("#recognise")
    desktop.wait_for_selector("#fields .field", timeout=90000)
    box, fields = desktop.locator("figure.photo").bounding_box(), desktop.locator("#fields").bounding_box()
    assert box["x"] + box["width"] <= fields["x"] + 1  # the photo beside the fields
    _shot(desktop, "desk-09-act-beside-photo-desktop")
    page.close()
    desktop.close()


def test_admin_pages_and_a_missing_page(desk, browser) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the admin WHEN they add a user for АЗС-099 THEN it is refused in words; the audit log shows
    details as a list; an unknown URL is a page, not JSON."""
    base, _ = desk
    page = _login(browser, base, "admin")
    page.goto(f"{base}/admin/users")
    page.fill("#add-user input[name=username]", "novyi")
    page.fill("#add-user input[name=password]", PASSWORD)
    page.fill("#add-user input[name=roles]", "manager")
    page.fill("#add-user input[name=stations]", "АЗС-099")
    page.click("#add-user button[type=submit]")
    page.wait_for_selector("#admin-error")
    assert "АЗС-099 нет в справочнике" in page.inner_text("#admin-error")
    _accessible(page)
    page.goto(f"{base}/admin/audit")
    assert page.locator("#audit ul.lines li").count() > 0 and "{'" not in page.inner_text("#audit")
    _accessible(page)
    _shot(page, "desk-10-audit-desktop")
    phone = _login(browser, base, "admin", PHONE)
    phone.goto(f"{base}/admin/users")
    assert _visible_cells(phone, "#users") >= 5
    _shot(phone, "desk-11-users-phone-cards")
    phone.goto(f"{base}/admin/stations")
    assert _visible_cells(phone, "#stations") == 5
    _accessible(phone)
    phone.goto(f"{base}/no-such-page")
    assert phone.inner_text("h1") == "Страница не найдена"
    _accessible(phone)
    _shot(phone, "desk-12-not-found-phone")
    page.close()
    phone.close()
