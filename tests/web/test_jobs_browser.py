"""The admin's jobs page on a 390 px phone in a real headless Chromium: the schedules are cards (each value
under its column's name, nothing scrolls sideways), and deleting one asks first, inside the page (no browser
dialog, no script), then says it is gone. axe-core checks the page with the confirmation open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.web.browser import PASSWORD, PHONE, Person, page_width, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(tmp_path) -> Iterator[tuple[str, Services]]:  # type: ignore[no-untyped-def]
    svc = Services(make_settings(tmp_path, embeddings="none"))
    svc.access.add_user("admin", PASSWORD, ["admin"], stations=["*"])
    svc.scheduled_reports.register("admin", "weekly", 7 * 86400, ["инциденты по регионам за прошлую неделю"],
                                   "pdf,xlsx", emails=["director.operations@dala-petroleum.kz"], telegrams=["-1001"])
    svc.schedules.put("admin", "incidents.sync:all", "incidents.sync", 3600, {"source": None, "full": False})
    with served(svc) as base:
        yield base, svc
    svc.close()


def test_an_admin_deletes_a_schedule_from_its_card_on_a_phone(site: tuple[str, Services], browser: Any) -> None:
    base, svc = site
    admin = Person(browser, base, "admin", PHONE)
    page = admin.page
    page.goto(f"{base}/admin/jobs")
    assert page.locator("#schedules tr.head").is_hidden()
    card = page.locator("#schedules tr[data-name='weekly']")
    cells = card.locator("td")
    assert cells.count() == 6 and all(cells.nth(i).bounding_box()["width"] > 300 for i in range(5))  # type: ignore[index]
    labels = cells.nth(2).evaluate("td => getComputedStyle(td, '::before').content")
    assert labels == '"Как часто"' and "раз в 7 дн." in cells.nth(2).inner_text()
    assert page_width(page) <= 390
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
