"""The web UI end to end in a real headless Chromium (Debian's package, driven by Playwright):
sign in, ask and see a citation, upload a document, be refused another station's report.
Screenshots go to test-artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azs_assistant.auth.principal import SYSTEM
from azs_assistant.incidents.records import store
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.web.browser import PASSWORD, Person, served

pytestmark = pytest.mark.browser
GUIDE = ("# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n\n"
         "## Z-отчёт\nZ-отчёт снимают в конце смены до 23:00.\n")
PHONE = {"viewport": {"width": 412, "height": 915}}  # a phone-sized window


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, Services]]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("web")
    svc = Services(make_settings(tmp, embeddings="none"))
    svc.ingestor.ingest_bytes(GUIDE.encode(), "uploads/smena.md")
    with svc.db.session() as s:
        store(s, [(str(i), {"incident_id": f"I-{i}", "station_id": st, "region": reg, "category": "fuel_spill",
                            "occurred_at": f"2026-0{1 + i}-05T10:00:00"})
                  for i, (st, reg) in enumerate([("АЗС-012", "Алматы"), ("АЗС-012", "Алматы"),
                                                 ("АЗС-007", "Шымкент")])], origin="test")
    svc.access.add_user("operator", PASSWORD, ["operator"], stations=["АЗС-012"])
    svc.access.add_user("manager", PASSWORD, ["manager"], stations=["АЗС-012"])
    svc.access.add_user("admin", PASSWORD, ["admin"], stations=["*"])
    svc.job_runner.start()  # uploads are ingested by the in-process pool (background=False starts nothing)
    with served(svc) as base:
        yield base, svc
    svc.close()  # stops the job pool too


def test_operator_signs_in_asks_and_sees_a_citation(site, browser) -> None:  # type: ignore[no-untyped-def]
    base, svc = site
    op = Person(browser, base, "operator", PHONE)
    page = op.page
    # an operator's short menu wraps onto a second row: «Выйти» is on screen, not past the right edge
    logout = page.locator("#logout").bounding_box()
    assert logout is not None and logout["x"] + logout["width"] <= PHONE["viewport"]["width"], logout
    op.shot("01-chat-empty")
    page.fill("#ask textarea", "Какой размен оставляют в кассе на начало смены?")
    page.click("#ask button[type=submit]")
    citation = page.locator(".msg.bot .cites a").first
    citation.wait_for(timeout=15000)
    assert "40 000" in page.locator(".msg.bot .text").last.inner_text()
    assert "Приём смены" in citation.inner_text()
    page.click(".msg.bot .actions button.rate.up")
    page.locator(".msg.bot .actions .note").filter(has_text="сохранена").wait_for(timeout=5000)
    op.shot("02-chat-answer-with-citation")
    from sqlalchemy import select

    from azs_assistant.storage.models import AnswerLog, Feedback

    with svc.db.session() as s:
        given = s.scalars(select(AnswerLog)).all()
        rated = s.scalars(select(Feedback)).all()
    assert [a.actor for a in given] == ["operator"] and "40 000" in given[0].answer
    assert [(f.answer_id, f.rating) for f in rated] == [(given[0].id, 1)]
    page.goto(f"{base}/reports")
    assert "для ролей" in page.content()  # an operator has no reports page
    op.close()


def test_admin_uploads_a_document(site, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base, svc = site
    admin = Person(browser, base, "admin", PHONE)
    page = admin.page
    page.goto(f"{base}/documents")
    doc = tmp_path / "proliv.md"
    doc.write_text("# Пролив топлива\n\n## Малый пролив\nМалый пролив засыпают сорбентом и убирают в контейнер.\n",
                   encoding="utf-8")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 not really")
    page.click(".upload-box summary")  # the upload form is folded under the list's filters
    page.set_input_files("#upload input[type=file]", [str(doc), str(broken)])
    page.click("#upload button[type=submit]")
    # the job is followed without reloading: each file's line ends with its result, a failure with its reason
    page.locator('#upload-results li.added[data-file="proliv.md"]').wait_for(timeout=30000)
    failed = page.locator('#upload-results li.failed[data-file="broken.pdf"]')
    failed.wait_for(timeout=30000)
    assert "ошибка" in failed.inner_text() and "повреждён" in failed.inner_text()
    admin.shot("03-documents-uploaded")
    assert any(d.source == "uploads/proliv.md" for d in svc.documents.visible_to(SYSTEM, 0, 100).items)
    page.wait_for_selector('ul.doc-list >> text=Пролив топлива', timeout=10000)  # the list refreshes when done
    page.wait_for_timeout(2500)  # and the results stay to be read (the page reloaded itself, taking them away)
    assert "повреждён" in page.inner_text('#upload-results li.failed[data-file="broken.pdf"]')
    doc_id = svc.documents.find("uploads/proliv.md").id
    page.click(f'a[href="/documents/{doc_id}"]')
    page.wait_for_selector("article.document h1")
    assert "Пролив топлива" in page.inner_text("h1") and "сорбентом" in page.inner_text(".doc-summary")
    admin.shot("06-document-summary")
    page.goto(f"{base}/admin/jobs")
    assert "documents.upload" in page.inner_text("#jobs") and "выполнено" in page.inner_text("#jobs")
    admin.close()


def test_manager_is_refused_another_stations_report(site, browser) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    manager = Person(browser, base, "manager", PHONE)
    page = manager.page
    page.goto(f"{base}/reports")
    logout = page.locator("#logout").bounding_box()  # a manager's menu wraps too
    assert logout is not None and logout["x"] + logout["width"] <= PHONE["viewport"]["width"], logout
    page.fill("input[name=question]", "Сколько проливов на АЗС-012 в 2026 году?")
    page.click("form.report button[type=submit]")
    page.wait_for_load_state()
    assert "2" in page.locator("#report-text").inner_text()
    manager.shot("04-report-own-station")
    page.fill("input[name=question]", "Сколько проливов на АЗС-007 в 2026 году?")
    page.click("form.report button[type=submit]")
    page.wait_for_load_state()
    error = page.locator("#report-error")
    assert "Нет доступа" in error.inner_text() and "АЗС-007" in error.inner_text()
    manager.shot("05-report-other-station-refused")
    manager.close()


def test_api_docs_render_offline_under_the_csp(site, browser) -> None:  # type: ignore[no-untyped-def]
    """GIVEN no network and a CSP without inline scripts WHEN /docs opens THEN Swagger UI, served from the
    installed package, lists the API's operations."""
    base, _ = site
    reader = Person(browser, base, device={"viewport": {"width": 1280, "height": 900}})
    page = reader.page
    page.goto(f"{base}/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=20000)
    assert page.locator(".swagger-ui .opblock").count() > 30
    assert "azs-assistant API" in page.inner_text(".swagger-ui .info")
    reader.shot("07-api-docs")
    reader.close()


@pytest.mark.slow  # real OCR of a page: over 5 s
def test_operator_sees_a_doubtful_line_of_a_photographed_form_marked(site, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a form whose one line is no words (a smudge read as letters) WHEN the operator recognises
    its photo on /ocr THEN that line is marked doubtful with its reason and the others are not, and the page
    is said to be read in part, on a phone too; the operator types the line as the paper has it, saves the act,
    and the line is kept as a training pair with their text."""
    import json

    from azs_assistant.forms.corrections import corrections_dir
    from tests.forms.test_forms import ACT
    from tests.ocr.test_ocr import page as sheet

    base, svc = site
    photo = tmp_path / "akt.png"
    # (an act of its own: the module's other act test saves act 15/03, and one paper is saved once)
    sheet(["АКТ № 16/03", *ACT[1:4], "Жвщъ ыфкщ ъхзщ ьйъц гшщх", *ACT[4:]], size=30, height=760).save(photo)
    person = Person(browser, base, "operator", {"viewport": {"width": 1280, "height": 900}})
    page = person.page
    page.goto(f"{base}/ocr")
    page.set_input_files("#photo", str(photo))
    page.click("#recognise")
    doubtful = page.locator("#ocr-text .doubtful")
    doubtful.first.wait_for(state="attached", timeout=60000)
    page.click("#ocr-result details summary")
    # a form's doubtful line is an input holding what was read
    assert doubtful.count() == 1 and "Жвщъ" in doubtful.input_value()
    assert "словаря" in (doubtful.get_attribute("title") or "")
    assert page.locator("#ocr-doubtful").is_visible() and "исправьте" in page.inner_text("#ocr-doubtful")
    assert any("АЗС № 214" in t for t in page.locator("#ocr-text .line:not(.doubtful)").all_inner_texts())
    assert "не проиндексированы" in page.inner_text("#pages")  # the page is «partial», and says what to do
    person.shot("08-ocr-doubtful-line")
    page.set_viewport_size(PHONE["viewport"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    person.axe()
    doubtful.fill("Замечаний нет")
    assert "corrected" in (doubtful.get_attribute("class") or "")
    person.shot("08-ocr-doubtful-line-phone")
    confirm = page.locator("#fields .field .confirm:visible")  # as read, or empty on the paper
    while confirm.count():
        confirm.first.click()
    page.click("#save-record")
    page.locator("#save-status.saved").wait_for(timeout=15000)
    rows = [json.loads(x) for x in (corrections_dir(svc.settings.data_dir) / "pairs.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    assert [(r["text"], r["fields"]) for r in rows if "Жвщъ" in r["read"]] == [("Замечаний нет", [])]
    person.close()


@pytest.mark.slow  # real OCR of a page: over 5 s
def test_a_photo_of_no_known_form_shows_its_text_and_no_empty_record_form(site, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a photo of a page that is no form the system knows (a notice) WHEN the operator recognises it on
    /ocr THEN its text is shown and no empty record form with a «save» button (the stylesheet's grid once won
    over the form's ``hidden``)."""
    from tests.ocr.test_ocr import page as sheet

    base, _ = site
    photo = tmp_path / "notice.png"
    sheet(["Уважаемые клиенты!", "С 1 марта оплата по QR-коду принимается на всех колонках.",
           "Наличные принимаются только в кассе."], size=30, height=500).save(photo)
    person = Person(browser, base, "operator", {"viewport": {"width": 1280, "height": 900}})
    page = person.page
    page.goto(f"{base}/ocr")
    page.set_input_files("#photo", str(photo))
    page.click("#recognise")
    page.locator("#ocr-text .line").first.wait_for(state="attached", timeout=60000)
    page.click("#ocr-result details summary")
    assert "Наличные принимаются" in page.inner_text("#ocr-text")
    assert not page.locator("#record-form").is_visible() and not page.locator("#save-record").is_visible()
    person.shot("08-ocr-no-form")
    person.close()


@pytest.mark.slow  # real OCR of a page, read by both readers: over 5 s
def test_operator_sees_a_value_the_two_readers_read_apart_and_picks_one(site, browser, tmp_path,  # type: ignore[no-untyped-def]
                                                                      monkeypatch) -> None:
    """GIVEN an act photo whose line reader reads «ТРК № 8» where Tesseract reads «ТРК № 3» (the reader's own
    reading, one digit changed) WHEN the operator recognises it on /ocr THEN the dispenser shows 8, marked with
    the other reading named, «Подставить «3»» and «Верно» beside it; taking the suggestion puts 3 in the field
    and clears the mark, on a phone too."""
    from azs_assistant.ocr import lines
    from tests.forms.test_forms import ACT
    from tests.ocr.test_ocr import page as sheet

    real = lines.LineReader.read_page

    def misread(self, gray, lexicon=None, kazakh=None):  # type: ignore[no-untyped-def]
        read = real(self, gray, lexicon, kazakh)
        read.text = read.text.replace("ТРК № 3", "ТРК № 8")
        return read

    monkeypatch.setattr(lines.LineReader, "read_page", misread)
    base, _ = site
    photo = tmp_path / "akt.png"
    sheet(ACT, size=30, height=700).save(photo)
    person = Person(browser, base, "operator", {"viewport": {"width": 1280, "height": 900}})
    page = person.page
    page.goto(f"{base}/ocr")
    page.set_input_files("#photo", str(photo))
    page.click("#recognise")
    row = page.locator(".field[data-field=dispenser]")
    row.locator(".reason").wait_for(timeout=60000)
    assert page.input_value("#field-dispenser") == "8" and "doubtful" in (row.get_attribute("class") or "")
    assert "«3»" in row.locator(".reason").inner_text() and "расходятся" in row.locator(".reason").inner_text()
    assert row.locator(".confirm").is_visible() and row.locator(".suggest").inner_text().endswith("«3»")
    person.shot("08-ocr-disputed-value")
    page.set_viewport_size(PHONE["viewport"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    person.axe()
    person.shot("08-ocr-disputed-value-phone")
    row.locator(".suggest").click()
    assert page.input_value("#field-dispenser") == "3" and row.locator(".reason").count() == 0
    # the paper says 518205 where the photo was read 518204: the corrected line becomes a training pair
    confirm = page.locator("#record-form .confirm")
    while confirm.count():  # «На бланке пусто» under each field the photo did not have (each goes once clicked)
        confirm.first.click()
    page.fill("#field-meter_start", "518205")
    page.click("#save-record")
    page.locator("#save-status.saved").wait_for(timeout=20000)
    person.shot("08-ocr-disputed-value-saved-phone")
    from azs_assistant.forms.corrections import corrections_dir

    rows = (corrections_dir(site[1].settings.data_dir) / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    assert any('"text": "Показания счётчика на начало 518205"' in r for r in rows), rows
    person.close()
