"""Date filters in a real headless Chromium set to English (issue 26): on the documents and reports pages, in
Russian and Kazakh, on a desktop and a 390 px phone, a date field shows and takes dd.mm.yyyy (never the
browser's mm/dd/yyyy), its calendar button opens the browser's own picker at the typed day and writes the
chosen day back as dd.mm.yyyy, a typed date narrows the list and the report, and a wrong date is named next
to its field in the page's language with the other filters kept. axe-core checks each page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import update

from azs_assistant.incidents.records import store
from azs_assistant.services import Services
from azs_assistant.storage.models import Document
from tests.conftest import make_settings
from tests.factories import document
from tests.web.browser import DESKTOP, PASSWORD, PHONE, Person, page_width, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WORDS = {  # what each language's page says: the placeholder, a wrong date's message, the report's count
    "ru": ("дд.мм.гггг", "Даты 31.02.2026 нет в календаре: проверьте день и месяц.", "Инцидентов: {n}."),
    "kk": ("кк.аа.жжжж", "Күнтізбеде 31.02.2026 күні жоқ: күн мен айды тексеріңіз.", "Оқиғалар саны: {n}."),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    svc = Services(make_settings(tmp_path_factory.mktemp("dates"), embeddings="none"))
    svc.access.add_user("manager", PASSWORD, ["manager"], stations=["*"])
    old = document(svc, "# Приём смены\nПересчитайте наличные.", "uploads/smena.md").document_id
    document(svc, "# Инкассация\nИнкассатор приезжает в 10:00.", "uploads/inkass.md")
    with svc.db.session() as s:  # one document last changed in January, the other today
        s.execute(update(Document).where(Document.id == old).values(updated_at=datetime(2026, 1, 10, 9)))
        store(s, [(f"I-{i}", {"incident_id": f"I-{i}", "station_id": "АЗС-012", "region": "Атырау",
                              "category": "fuel_spill", "occurred_at": datetime(2026, 1 + i, 5, 10)})
                  for i in range(3)], origin="test")
    with served(svc) as base:
        yield base
    svc.close()


def _field(page: Any, name: str) -> Any:
    return page.locator(f"#f-{name}")


def _pick(page: Any, name: str, iso: str) -> str:
    """Press the field's calendar button (the browser's picker opens at the field's day: returned), then
    choose ``iso`` in it as the picker does: the hidden date input changes."""
    field = page.locator(f".date-field:has(#f-{name})")
    page.evaluate("""() => { const open = HTMLInputElement.prototype.showPicker;
        HTMLInputElement.prototype.showPicker = function () { window.pickedAt = this.value; return open.call(this); };
    }""")
    field.locator("button.date-pick").click()
    opened_at = str(page.evaluate("() => window.pickedAt"))
    page.keyboard.press("Escape")
    field.locator("input.date-native").evaluate(
        "(el, day) => { el.value = day; el.dispatchEvent(new Event('change', {bubbles: true})); }", iso)
    return opened_at


@pytest.mark.parametrize(("device", "lang"), [(DESKTOP, "ru"), (PHONE, "kk"), (PHONE, "ru"), (DESKTOP, "kk")],
                         ids=["desktop-ru", "phone-kk", "phone-ru", "desktop-kk"])
def test_date_filters_show_and_take_dd_mm_yyyy_in_an_english_browser(site: str, browser: Any,
                                                                      device: dict[str, Any], lang: str) -> None:
    placeholder, wrong_message, count = WORDS[lang]
    person = Person(browser, site, None, device, locale="en-US")
    page = person.page
    person.sign_in("manager")
    page.goto(f"{site}/lang/{lang}")  # the header's language switch: remembered for the pages that follow
    page.goto(f"{site}/documents")
    page.locator(".more-filters summary").click()
    since, until = _field(page, "since"), _field(page, "until")
    assert since.get_attribute("type") == "text" and since.get_attribute("inputmode") == "numeric"
    assert since.get_attribute("placeholder") == placeholder and until.get_attribute("placeholder") == placeholder
    assert page.locator(".date-field button.date-pick").first.is_visible()
    until.fill("31.01.2026")
    until.press("Enter")
    page.wait_for_url("**/documents?*until=31.01.2026*")
    assert until.input_value() == "31.01.2026"
    assert page.locator(".doc-card .doc-title").all_inner_texts() == ["Приём смены"]  # January's only

    since.fill("1.1.26")
    assert _pick(page, "since", "2026-01-05") == "2026-01-01"  # the picker opens at the typed day
    assert since.input_value() == "05.01.2026"
    page.locator(".doc-filters button[type=submit]").click()
    page.wait_for_url("**since=05.01.2026*")
    assert page.locator(".doc-card .doc-title").all_inner_texts() == ["Приём смены"]
    assert page_width(page) <= device["viewport"]["width"]
    person.axe()
    if device is DESKTOP and lang == "ru":
        person.shot("26-desktop-documents-dates")

    until.fill("31.02.2026")
    page.locator(".doc-filters button[type=submit]").click()
    page.wait_for_url("**until=31.02.2026*")
    assert page.locator("#f-until-error").inner_text() == wrong_message
    assert until.get_attribute("aria-invalid") == "true" and since.input_value() == "05.01.2026"
    assert page.locator(".more-filters").get_attribute("open") is not None
    person.axe()
    if device is PHONE:
        page.locator(".more-filters").scroll_into_view_if_needed()
        person.shot(f"27-phone-documents-wrong-date-{lang}")

    page.goto(f"{site}/reports")
    page.fill("input[name=question]", "сколько проливов")
    assert _field(page, "date_from").get_attribute("placeholder") == placeholder
    _field(page, "date_from").fill("01.02.2026")
    assert _pick(page, "date_to", "2026-03-01") == ""  # an empty field: the picker opens at today
    assert _field(page, "date_to").input_value() == "01.03.2026"
    page.locator("form.report button[type=submit]").click()
    page.wait_for_selector("#report-text")
    assert page.locator("#report-text").inner_text() == count.format(n=1)
    assert "date_from=2026-02-01" in (page.locator("#report-link").get_attribute("href") or "")
    assert _field(page, "date_from").input_value() == "01.02.2026"
    person.axe()
    if device is PHONE and lang == "kk":
        person.shot("28-phone-report-dates-kk")
    _field(page, "date_from").fill("")
    page.locator("form.report button[type=submit]").click()
    page.wait_for_selector("#report-text")
    assert page.locator("#report-text").inner_text() == count.format(n=2)  # January's spill counted again

    _field(page, "date_from").fill("31.02.2026")
    page.locator("form.report button[type=submit]").click()
    page.wait_for_selector("#f-date_from-error")
    assert page.locator("#f-date_from-error").inner_text() == wrong_message
    assert page.locator("#report").count() == 0 and _field(page, "date_to").input_value() == "01.03.2026"
    assert page.locator("input[name=question]").input_value() == "сколько проливов"
    person.axe()
    if device is DESKTOP and lang == "ru":
        person.shot("29-desktop-report-wrong-date")
    person.close()
