"""The admin's jobs page on a 390 px phone in a real headless Chromium: the schedules are cards (each value
under its column's name, nothing scrolls sideways), and deleting one asks first, inside the page (no browser
dialog, no script), then says it is gone. axe-core checks the page with the confirmation open. On a desktop and
a phone an admin stores a new report schedule with the page's form (issue 24) and sees it listed; a bad period
and an unclear question are refused next to their fields; a manager never sees the form."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.web.browser import DESKTOP, PASSWORD, PHONE, Person, page_width, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(tmp_path) -> Iterator[tuple[str, Services]]:  # type: ignore[no-untyped-def]
    svc = Services(make_settings(tmp_path, embeddings="none", smtp_host="127.0.0.1", telegram_bot_token="123:test"))
    svc.access.add_user("admin", PASSWORD, ["admin"], stations=["*"])
    svc.access.add_user("manager", PASSWORD, ["manager"], stations=["*"])
    svc.scheduled_reports.register("admin", "weekly", 7 * 86400, ["инциденты по регионам за прошлую неделю"],
                                   "pdf,xlsx", emails=["director.operations@dala-petroleum.kz"], telegrams=["-1001"])
    svc.schedules.put("admin", "incidents.sync:all", "incidents.sync", 3600, {"source": None, "full": False})
    with served(svc) as base:
        yield base, svc
    svc.close()


def test_an_admin_deletes_a_schedule_from_its_card_on_a_phone(site: tuple[str, Services], browser: Any) -> None:
    base, svc = site
    done = svc.jobs.enqueue("incidents.sync", {"source": None}, dispatch=False)
    claim = svc.jobs.claim(done.id, "w")
    assert claim is not None and svc.jobs.complete(claim, {"added": 0})
    admin = Person(browser, base, "admin", PHONE)
    page = admin.page
    page.goto(f"{base}/admin/jobs")
    # the admin's header is two rows, not five: the name and the languages, then the menu scrolled to «Задания»
    header, nav = page.locator("header.top").bounding_box(), page.locator("header.top nav")
    assert header is not None and header["height"] <= 110, header
    current, shown = nav.locator("a.on").bounding_box(), nav.bounding_box()
    assert current is not None and shown is not None
    assert shown["x"] <= current["x"] and current["x"] + current["width"] <= shown["x"] + shown["width"]
    # the items scrolled off the left edge are said by a fade there (and the right's, when more is that way)
    assert "more-left" in (nav.get_attribute("class") or "")
    mask = nav.evaluate("n => getComputedStyle(n).maskImage || getComputedStyle(n).webkitMaskImage")
    assert mask.startswith("linear-gradient(to right, rgba(0, 0, 0, 0)"), mask  # transparent at the left edge
    admin.shot("jobs-menu-scrolled-phone", full=False)
    nav.evaluate("n => { n.scrollLeft = 0; n.dispatchEvent(new Event('scroll')); }")
    assert "more-left" not in (nav.get_attribute("class") or "") and "more-right" in (nav.get_attribute("class") or "")
    assert page.locator("header.top .langs a").count() == 3 and page.locator("#logout").count() == 1
    assert page.locator("#schedules tr.head").is_hidden()
    card = page.locator("#schedules tr[data-name='weekly']")
    cells = card.locator("td")
    assert cells.count() == 6 and all(cells.nth(i).bounding_box()["width"] > 300 for i in range(5))  # type: ignore[index]
    labels = cells.nth(2).evaluate("td => getComputedStyle(td, '::before').content")
    assert labels == '"Как часто"' and "раз в 7 дн." in cells.nth(2).inner_text()
    assert page_width(page) <= 390
    # a job that went well has no error and no action: those cells take no room on its card
    job_cells = page.locator(f"#job-{done.id} td")
    assert job_cells.count() == 6 and job_cells.nth(4).is_hidden() and job_cells.nth(5).is_hidden()
    assert job_cells.nth(1).is_visible()
    confirm = card.locator("details.confirm form")
    assert confirm.is_hidden()
    card.locator("summary").click()
    assert confirm.is_visible() and "Удалить расписание «weekly»?" in confirm.inner_text()
    admin.axe()
    admin.shot("jobs-schedule-delete-phone", full=False)
    confirm.locator("button").click()
    page.wait_for_url("**/admin/jobs?deleted=weekly")
    assert page.locator("#schedule-deleted").inner_text() == "Расписание «weekly» удалено."
    assert page.locator("#schedules tr[data-name='weekly']").count() == 0
    assert [s.name for s in svc.schedules.list()] == ["incidents.sync:all"]
    admin.close()


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_admin_stores_a_report_schedule_with_the_form_and_a_manager_has_none(
        site: tuple[str, Services], browser: Any, device: dict[str, Any]) -> None:
    base, svc = site
    admin = Person(browser, base, "admin", device)
    page = admin.page
    page.goto(f"{base}/admin/jobs")
    form = page.locator("#schedule-form")
    assert form.locator("#report-fields").is_visible() and form.locator("#sync-fields").is_hidden()
    form.locator("#kind-sync").check()
    assert form.locator("#sync-fields").is_visible() and form.locator("#report-fields").is_hidden()
    form.locator("#kind-report").check()
    form.locator("#new-every").fill("400")
    form.locator("#new-questions").fill("сколько стоит литр бензина")
    form.locator("input[name=formats][value=csv]").check()
    form.locator("#new-emails").fill("manager@dala-petroleum.kz")
    form.locator("#new-name").fill("monthly")
    form.locator("#schedule-save").click()
    page.wait_for_selector("#new-every-error")
    assert page.locator("#new-every-error").inner_text() == "Расписание не реже раза в 366 дней."
    assert page.locator("#new-every").get_attribute("aria-invalid") == "true"
    assert form.locator("#new-emails").input_value() == "manager@dala-petroleum.kz"  # what was typed stays
    form.locator("#new-every").fill("30")
    form.locator("#schedule-save").click()
    page.wait_for_selector("#new-questions-error")
    assert "Не понял" in page.locator("#new-questions-error").inner_text()
    assert page.locator("#new-every-error").count() == 0 and form.locator("#new-every").input_value() == "30"
    assert page_width(page) <= device["viewport"]["width"]
    admin.axe()
    if device is PHONE:
        page.locator("#new-questions").scroll_into_view_if_needed()
        admin.shot("jobs-schedule-form-refused-phone", full=False)
    form.locator("#new-questions").fill("инциденты по станциям за прошлый месяц")
    form.locator("#schedule-save").click()
    page.wait_for_url("**/admin/jobs?created=monthly")
    assert page.locator("#schedule-created").inner_text() == "Расписание «monthly» сохранено."
    card = page.locator("#schedules tr[data-name='monthly']")
    assert "раз в 30 дн." in card.inner_text() and "«инциденты по станциям за прошлый месяц»" in card.inner_text()
    assert "форматы: pdf, xlsx, csv" in card.inner_text() and "manager@dala-petroleum.kz" in card.inner_text()
    stored = {s.name: s for s in svc.schedules.list()}["monthly"]
    assert stored.every_s == 30 * 86400 and stored.payload["emails"] == ["manager@dala-petroleum.kz"]
    assert ("admin", "monthly") in [(a.actor, a.target) for a in svc.access.audit_search(action="schedule.put")]
    admin.axe()
    if device is DESKTOP:
        admin.shot("jobs-schedule-created-desktop")
    admin.close()

    manager = Person(browser, base, "manager", device)
    assert manager.page.locator("a[href='/admin/jobs']").count() == 0
    refused = manager.page.goto(f"{base}/admin/jobs")
    assert refused is not None and refused.status == 403
    assert manager.page.locator("#schedule-form").count() == 0
    manager.close()
