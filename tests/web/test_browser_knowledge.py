"""The chat and the documents walked in a real headless Chromium as their people use them: an operator
on a 390 px phone (ask, read the steps as a list, rate, reload, regenerate, follow a citation to the
passage) and an admin on a desktop (filter, open, download, delete documents; rename and delete a
chat). axe-core, from the locked package.json that scripts/setup.sh installs with ``npm ci``, checks
every page on the way and fails on serious or critical violations. Screenshots of each step go to
``AZS_SCREENSHOTS_DIR`` (docs/img holds the ones docs/web.md shows)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from azs_assistant.storage.models import AuditEvent, ConversationTurn, Feedback
from tests.loopback import serve

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("AZS_SCREENSHOTS_DIR", ROOT / "test-artifacts" / "screenshots"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "пароль-для-теста-2026"
SHIFT = ("# Приём смены\n\n## Порядок приёма\n1. Пересчитайте наличные в кассе вместе с уходящим оператором.\n"
         "2. Проверьте размен: на начало смены в кассе оставляют 40 000 тенге.\n"
         "3. Снимите X-отчёт и распишитесь в журнале.\n\n## Размен по купюрам\n| Купюра | Количество |\n"
         "|---|---|\n| 1000 | 20 |\n| 500 | 40 |\n")
SPILL = "# Пролив топлива\n\n## Малый пролив\nМалый пролив засыпают сорбентом и убирают в контейнер.\n"
CONTACTS = "Служба,Телефон,Когда звонить\nДежурный энергетик,1400,отключение электроэнергии\n"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    from azs_assistant.api.app import create_app
    from azs_assistant.services import Services
    from tests.conftest import make_settings

    svc = Services(make_settings(tmp_path_factory.mktemp("knowledge"), embeddings="none"))
    for name, text in (("smena.md", SHIFT), ("proliv.md", SPILL), ("10_kontakty_sluzhb.csv", CONTACTS)):
        svc.ingestor.ingest_bytes(text.encode(), f"uploads/{name}")
    svc.stations.import_csv("system", text="id,name,region,address,active\nАЗС-012,АЗС «Тест»,Алматы,,1\n")
    svc.access.add_user("operator", PASSWORD, ["operator"], stations=["АЗС-012"])
    svc.access.add_user("admin", PASSWORD, ["admin"], stations=["*"])
    server, thread, port = serve(create_app(svc, background=False))
    yield f"http://127.0.0.1:{port}", svc
    server.should_exit = True
    thread.join(10)
    svc.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium is required (scripts/setup.sh installs it)")
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: scripts/setup.sh installs it with `npm ci` (package-lock.json)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


class Person:
    """One person's browser tab: signs in, remembers CSP breaches and dialogs, checks with axe."""

    def __init__(self, browser: Any, base: str, user: str, device: dict[str, Any]) -> None:
        self.base = base
        self.context = browser.new_context(locale="ru-RU", accept_downloads=True, **device)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        self.context.add_init_script(path=str(AXE))  # a DevTools script: the page's CSP stays strict
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.problems: list[str] = []
        self.page.on("console", lambda m: "Content Security Policy" in m.text and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"browser dialog: {d.message}"), d.dismiss()))
        self.page.goto(f"{base}/")
        self.page.fill("input[name=username]", user)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("#login")
        self.page.wait_for_url(f"{base}/")

    def axe(self) -> None:
        """No serious or critical axe-core violation on the page as it stands."""
        found = self.page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))""")
        assert found == [], f"{self.page.url}: {found}"

    def shot(self, name: str, full: bool = True) -> None:
        """The whole page, or (``full=False``) what the screen shows: a phone's fixed ask bar and an open
        dialog are drawn where the person sees them."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


def ask(page: Any, question: str) -> Any:
    """Ask and wait for the answer's rendering (the end of the stream); the new answer box."""
    count = page.locator(".msg.bot .actions").count()
    page.fill("#question", question)
    page.click("#send")
    page.locator(".msg.bot .actions").nth(count).wait_for()
    return page.locator(".msg.bot").last


def _fits(page: Any, selector: str) -> None:
    """Each match is at least 44 × 44 px (a thumb's target) and inside the viewport's width."""
    width = page.viewport_size["width"]
    for box in [e.bounding_box() for e in page.locator(selector).all() if e.is_visible()]:
        assert box is not None and box["height"] >= 44 and box["width"] >= 44, (selector, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (selector, box)


def test_operator_on_a_phone_reads_steps_rates_reloads_and_follows_a_citation(site, browser) -> None:  # type: ignore
    """GIVEN an operator on a 390 px phone WHEN they ask how to take over a shift THEN the steps show as a
    numbered list with sources; 👍 is saved, 👎 asks for a comment in the page; the chat survives a
    reload with its history; regenerate replaces the answer; a source opens the document at the passage."""
    base, svc = site
    op = Person(browser, base, "operator", PHONE)
    page = op.page
    assert page.locator(".chat-main .hint").is_visible()
    op.axe()
    op.shot("10-phone-chat-empty")

    box = ask(page, "Как принять смену?")
    steps = box.locator(".text.md ol > li")
    assert steps.count() == 3 and "Пересчитайте наличные" in steps.first.inner_text()
    assert "Приём смены" in box.locator(".cites a").first.inner_text()
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390  # nothing runs off the side
    _fits(page, "#send, .msg.bot .actions button, #history-toggle")
    up = box.get_by_role("button", name="Полезный ответ")
    assert up.locator("svg use").get_attribute("href") == "#i-up"  # an icon, not an emoji a font may lack
    up.tap()
    box.locator(".actions .note").filter(has_text="сохранена").wait_for()
    assert up.get_attribute("aria-pressed") == "true"
    box.get_by_role("button", name="Копировать ответ").tap()
    box.locator(".actions .note").filter(has_text="скопирован").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")  # the answer's Markdown: heading, then steps
    assert copied.startswith("**Порядок приёма**\n\n1. Пересчитайте наличные"), copied
    op.axe()
    op.shot("11-phone-answer-steps")

    second = ask(page, "Какой размен оставляют на начало смены?")
    assert "40 000" in second.locator(".text").inner_text()
    second.get_by_role("button", name="Ответ не помог").tap()
    comment = second.get_by_label("Что не так с ответом? (необязательно)")
    comment.fill("Нужно по купюрам")
    second.get_by_role("button", name="Отправить оценку").scroll_into_view_if_needed()
    page.mouse.wheel(0, 400)
    op.shot("12-phone-comment-form", full=False)
    second.get_by_role("button", name="Отправить оценку").tap()
    second.locator(".actions .note").filter(has_text="сохранена").wait_for()
    with svc.db.session() as s:
        rated = [(f.actor, f.rating, f.comment) for f in s.scalars(select(Feedback).order_by(Feedback.id))]
    assert rated == [("operator", 1, None), ("operator", -1, "Нужно по купюрам")]

    assert "?c=" in page.url
    page.reload()
    asked = ["Как принять смену?", "Какой размен оставляют на начало смены?"]
    assert page.locator(".msg.user").all_inner_texts() == asked
    assert page.locator(".msg.bot").first.locator(".text.md ol > li").count() == 3
    assert page.locator("#history").is_hidden()  # on a phone the history is one tap away
    first_up = page.locator(".msg.bot").first.get_by_role("button", name="Полезный ответ")
    assert first_up.get_attribute("aria-pressed") == "true" and first_up.is_disabled()  # the rating is kept
    assert page.locator("#rename-form").is_hidden()
    page.locator("#history-toggle").tap()
    assert page.locator("#conversations a[aria-current=page]").inner_text() == "Как принять смену?"
    op.axe()
    op.shot("13-phone-history-open")
    page.locator("#history-toggle").tap()

    conversation = page.url.split("?c=")[1]
    page.locator(".msg.bot").last.get_by_role("button", name="Ответить заново").tap()
    page.locator(".msg.bot").last.locator(".actions").wait_for()
    assert "40 000" in page.locator(".msg.bot").last.inner_text()
    with svc.db.session() as s:  # the regenerated answer replaced the turn instead of adding one
        turns = s.scalars(select(ConversationTurn).where(ConversationTurn.conversation_id == conversation)).all()
    assert [t.question for t in turns] == asked
    assert page.locator("button.regenerate:visible").count() == 1  # only the latest answer is regenerated

    page.locator(".msg.bot").last.locator(".cites a").first.tap()
    page.wait_for_url("**/documents/*?p=*#p*")
    cited = page.locator(".passage-text.cited")
    assert "40 000" in cited.inner_text() and "Фрагмент, на который ссылается ответ" in cited.inner_text()
    assert cited.evaluate("e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")
    assert page.locator("h1").inner_text() == "Приём смены"
    assert page.locator("#original").is_visible() and page.locator("#delete-doc").count() == 0
    op.axe()
    op.shot("14-phone-document-at-passage")

    page.goto(f"{base}/documents")
    assert page.locator("#upload").count() == 0  # an operator may not upload, so is not offered it
    assert "Служба, Телефон, Когда звонить" in page.locator(".doc-title").all_inner_texts()
    assert page.locator(".doc-title").first.bounding_box()["y"] < 844  # filters folded: the list is on screen
    op.axe()
    op.shot("15-phone-documents")
    op.close()


def test_admin_on_a_desktop_filters_downloads_and_deletes_documents_and_manages_chats(site, browser) -> None:  # type: ignore
    """GIVEN an admin at a desktop WHEN they search and filter the documents THEN only the matching ones
    are listed; the original downloads byte for byte; a delete asks first, can be cancelled, is audited;
    a chat is renamed and deleted in the page."""
    base, svc = site
    admin = Person(browser, base, "admin", DESKTOP)
    page = admin.page
    page.goto(f"{base}/documents")
    assert page.locator("#upload").count() == 1 and page.locator("#history-toggle").count() == 0
    assert page.locator(".doc-title").count() == 3
    admin.axe()
    admin.shot("20-desktop-documents")
    page.fill("input[name=q]", "пролив")
    page.click(".doc-filters button[type=submit]")
    assert page.locator(".doc-title").all_inner_texts() == ["Пролив топлива"]
    page.goto(f"{base}/documents?kind=csv&sort=-updated")
    assert page.locator(".doc-title").all_inner_texts() == ["Служба, Телефон, Когда звонить"]
    assert page.locator("select[name=kind]").input_value() == "csv"
    assert page.locator(".more-filters").get_attribute("open") is not None  # a set filter is shown, not folded
    admin.shot("24-desktop-documents-filtered")
    page.goto(f"{base}/documents?since=2020-01-01&until=2020-12-31")
    assert page.locator(".doc-title").count() == 0 and "Ничего не найдено" in page.inner_text(".doc-list")

    page.goto(f"{base}/documents?sort=title")
    page.get_by_role("link", name="Приём смены").click()
    assert page.locator(".doc-section h3").all_inner_texts() == ["Порядок приёма", "Размен по купюрам"]
    assert "40 000" in page.inner_text(".doc-summary")
    with page.expect_download() as download:
        page.click("#original")
    assert Path(download.value.path()).read_bytes() == SHIFT.encode()
    assert download.value.suggested_filename == "smena.md"
    admin.axe()
    admin.shot("21-desktop-document-view")

    page.click("#delete-doc")
    assert page.locator("#delete-dialog").is_visible()
    assert "Приём смены" in page.inner_text("#delete-text")
    admin.shot("22-desktop-delete-confirm", full=False)
    page.get_by_role("button", name="Отмена").click()
    assert page.locator("#delete-dialog").is_hidden() and svc.documents.find("uploads/smena.md")
    page.click("#delete-doc")
    page.click("#delete-ok")
    page.wait_for_url("**/documents?deleted=*")
    assert "Документ «Приём смены» удалён." in page.inner_text("#deleted-note")
    assert "Приём смены" not in page.locator(".doc-title").all_inner_texts()
    with svc.db.session() as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "document.delete")).all()
    assert [(a.actor, a.target) for a in audit] == [("admin", "uploads/smena.md")]

    page.goto(f"{base}/")
    box = ask(page, "Что делать при малом проливе?")
    assert "сорбентом" in box.inner_text()
    page.click("#new-chat")
    page.wait_for_url(f"{base}/")
    page.click("#conversations a")
    page.click("#rename")
    page.fill("#rename-input", "Пролив у колонки 3")
    page.click("#rename-form button[type=submit]")
    page.locator("#chat-title").filter(has_text="Пролив у колонки 3").wait_for()
    assert page.locator("#conversations a[aria-current=page]").inner_text() == "Пролив у колонки 3"
    admin.axe()
    admin.shot("23-desktop-chat-renamed")
    page.click("#delete-chat")
    page.click("#delete-ok")
    page.wait_for_url(f"{base}/")
    assert page.locator("#no-conversations").is_visible()
    page.goto(f"{base}/lang/kk")  # the same pages in Kazakh
    page.goto(f"{base}/documents")
    assert page.locator(".more-filters summary").inner_text() == "Сүзгілер мен реттеу"
    page.goto(f"{base}/")
    assert page.locator("#new-chat").inner_text() == "+ Жаңа сөйлесу"
    box = ask(page, "Что делать при малом проливе?")
    assert box.get_by_role("button", name="Пайдалы жауап").is_visible()
    admin.axe()
    admin.close()


def test_the_assistant_says_no_answer_in_the_interface_language(site, browser) -> None:  # type: ignore
    """GIVEN an operator whose chat is in Kazakh, then in English WHEN they ask, in Russian, what the
    knowledge base does not hold THEN «нет ответа» comes in the interface's language; WHEN they ask what it
    holds THEN the quote is the document's Russian text."""
    from azs_assistant.i18n import catalogue

    base, _ = site
    op = Person(browser, base, "operator", DESKTOP)
    page = op.page
    for lang in ("kk", "en"):
        page.goto(f"{base}/lang/{lang}")
        page.wait_for_url(f"{base}/")
        assert page.locator("html").get_attribute("lang") == lang
        box = ask(page, "что делать при землетрясении")
        assert box.locator(".text").inner_text().strip() == catalogue("azs_assistant.assistant", lang)["abstain"]
    box = ask(page, "Что делать при малом проливе?")
    assert "засыпают сорбентом" in box.locator(".text").inner_text()
    op.axe()
    op.shot("17-desktop-chat-no-answer-en", full=False)
    op.close()


@pytest.fixture(scope="module")
def model_site(tmp_path_factory) -> Iterator[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    """The site with a (scripted) language model behind it, so answers stream in pieces."""
    from azs_assistant.api.app import create_app
    from azs_assistant.services import Services
    from tests.conftest import make_settings
    from tests.fake_llm import running

    with running() as fake:
        svc = Services(make_settings(tmp_path_factory.mktemp("model"), embeddings="none", llm_base_url=fake.url,
                                     answer_cache=False))
        svc.ingestor.ingest_bytes(SHIFT.encode(), "uploads/smena.md")
        svc.access.add_user("operator", PASSWORD, ["operator"], stations=["*"])
        server, thread, port = serve(create_app(svc, background=False))
        yield f"http://127.0.0.1:{port}", fake
        server.should_exit = True
        thread.join(10)
        svc.close()


def test_a_streamed_model_answer_is_rendered_from_markdown_and_can_be_stopped(model_site, browser) -> None:  # type: ignore
    """GIVEN a language model that streams its answer WHEN the operator asks THEN the finished answer shows
    its bold lead-in; WHEN the model is slow THEN «Остановить» ends the wait and the chat is ready again."""
    from tests.fake_llm import Reply

    base, fake = model_site
    op = Person(browser, base, "operator", PHONE)
    page = op.page
    fake.script(Reply("**Размен.** На начало смены в кассе оставляют 40 000 тенге [1]."))
    box = ask(page, "Какой размен оставляют на начало смены?")
    assert box.locator(".text.md strong").inner_text() == "Размен."
    assert "40 000 тенге" in box.locator(".text.md").inner_text() and "**" not in box.inner_text()
    fake.script(Reply("Пересчитайте наличные [1].", delay=6))
    page.fill("#question", "Как принять смену?")
    page.click("#send")
    page.locator("#stop").tap()
    page.locator(".msg.bot .text").last.filter(has_text="Ответ остановлен.").wait_for()
    assert page.locator("#send").is_visible() and page.locator("#stop").is_hidden()
    assert page.locator("button.regenerate:visible").count() == 0  # the earlier answer is no longer the latest
    op.shot("16-phone-answer-stopped", full=False)
    op.close()
