"""The chat and the documents walked in a real headless Chromium as their people use them: an operator
on a 390 px phone (ask, read the steps as a list, rate, reload, regenerate, follow a citation to the
passage) and an admin on a desktop (filter, open, download, delete documents; rename and delete a
chat). axe-core, from the locked package.json that scripts/setup.sh installs with ``npm ci``, checks
every page on the way and fails on serious or critical violations. Screenshots of each step go to
``AZS_SCREENSHOTS_DIR`` (docs/img holds the ones docs/web.md shows)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from azs_assistant.storage.models import AuditEvent, ConversationTurn, Feedback
from tests.web.browser import DESKTOP, PASSWORD, PHONE, ROOT, Person, ask, page_width, served

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]
SHIFT = ("# Приём смены\n\n## Порядок приёма\n1. Пересчитайте наличные в кассе вместе с уходящим оператором.\n"
         "2. Проверьте размен: на начало смены в кассе оставляют 40 000 тенге.\n"
         "3. Снимите X-отчёт и распишитесь в журнале.\n\n## Размен по купюрам\n| Купюра | Количество |\n"
         "|---|---|\n| 1000 | 20 |\n| 500 | 40 |\n")
SPILL = "# Пролив топлива\n\n## Малый пролив\nМалый пролив засыпают сорбентом и убирают в контейнер.\n"
CONTACTS = "Служба,Телефон,Когда звонить\nДежурный энергетик,1400,отключение электроэнергии\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    from azs_assistant.services import Services
    from tests.conftest import make_settings

    svc = Services(make_settings(tmp_path_factory.mktemp("knowledge"), embeddings="none"))
    for name, text in (("smena.md", SHIFT), ("proliv.md", SPILL), ("10_kontakty_sluzhb.csv", CONTACTS)):
        svc.ingestor.ingest_bytes(text.encode(), f"uploads/{name}")
    svc.stations.import_csv("system", text="id,name,region,address,active\nАЗС-012,АЗС «Тест»,Алматы,,1\n")
    svc.access.add_user("operator", PASSWORD, ["operator"], stations=["АЗС-012"])
    svc.access.add_user("admin", PASSWORD, ["admin"], stations=["*"])
    with served(svc) as base:
        yield base, svc
    svc.close()


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
    assert page_width(page) <= 390  # nothing runs off the side
    _fits(page, "#send, .msg.bot .actions button, #history-toggle")
    up = box.get_by_role("button", name="Полезный ответ")
    assert up.locator("svg use").get_attribute("href") == "#i-up"  # an icon, not an emoji a font may lack
    up.tap()
    box.locator(".actions .note").filter(has_text="сохранена").wait_for()
    assert up.get_attribute("aria-pressed") == "true"
    box.get_by_role("button", name="Копировать ответ").tap()
    box.locator(".actions .note").filter(has_text="скопирован").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")  # plain text: pasted into a messenger,
    assert copied.startswith("Порядок приёма\n\n1. Пересчитайте наличные"), copied  # ** would show
    # with its sources, so the pasted [1] points at something; the note goes once read
    assert "\n\nИсточники:\n[1] " in copied and "Приём смены" in copied.split("Источники:")[1], copied
    box.locator(".actions .note").filter(has_text="скопирован").wait_for(state="detached", timeout=8000)
    op.axe()
    op.shot("11-phone-answer-steps")

    second = ask(page, "Какой размен оставляют на начало смены?")
    assert "40 000" in second.locator(".text").inner_text()
    second.get_by_role("button", name="Ответ не помог").tap()
    comment = second.get_by_label("Что не так с ответом? (необязательно)")
    # the whole form is brought into view above the fixed question bar, without the person scrolling
    send = second.get_by_role("button", name="Отправить оценку")
    page.wait_for_function("""([b, bar]) => { const r = b.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= bar.getBoundingClientRect().top; }""",
                           arg=[send.element_handle(), page.locator("form.ask").element_handle()])
    comment.fill("Нужно по купюрам")
    # the form above the fixed ask bar, as the person sees it once scrolled down (a wheel scroll left an
    # unpainted band at the top of the screenshot)
    page.evaluate("() => window.scrollTo(0, document.scrollingElement.scrollHeight)")
    page.wait_for_function("() => innerHeight + scrollY >= document.scrollingElement.scrollHeight - 1")
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
    # a reloaded answer copies as plain text too
    assert page.locator(".msg.bot").first.get_attribute("data-plain").startswith("Порядок приёма\n\n1. ")
    assert page.locator("#history").is_hidden()  # on a phone the history is one tap away
    first_up = page.locator(".msg.bot").first.get_by_role("button", name="Полезный ответ")
    assert first_up.get_attribute("aria-pressed") == "true" and first_up.is_disabled()  # the rating is kept
    assert page.locator("#rename-form").is_hidden()
    page.locator("#history-toggle").tap()
    assert page.locator("#conversations a[aria-current=page]").inner_text() == "Как принять смену?"
    op.axe()
    op.shot("13-phone-history-open", full=False)  # a whole-page shot draws the fixed ask bar mid-answer
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
    assert "«Пролив у колонки 3»" in page.inner_text("#delete-text")  # the question names its new title
    page.click("#delete-ok")
    page.wait_for_url(f"{base}/")
    assert page.locator("#no-conversations").is_visible()
    page.goto(f"{base}/lang/kk")  # the same pages in Kazakh
    page.goto(f"{base}/documents")
    assert page.locator(".more-filters summary").inner_text() == "Сүзгілер мен реттеу"
    assert re.search(r"\d\d\.\d\d\.\d{4} жаңартылған", page.inner_text(".doc-list"))  # the verb last, in Kazakh
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
    op.shot("18-desktop-chat-no-answer-en", full=False)
    op.close()


def _chat_boxes(page: Any) -> dict[str, float]:
    """Where the latest question and answer start, the fixed ask bar and the message column, on the screen."""
    return dict(page.evaluate("""() => { const r = e => e.getBoundingClientRect();
        const last = s => [...document.querySelectorAll(s)].pop();
        const bar = r(document.getElementById('ask')), column = r(document.getElementById('chat'));
        return {question: r(last('.msg.user')).top, answer: r(last('.msg.bot')).top, bar: bar.top,
                bar_left: bar.left, bar_right: bar.right, column_left: column.left, column_right: column.right}; }"""))


def _overhang(box: Any) -> float:
    """How far the text of an answer card runs past the card's right edge (tables scroll in their own box)."""
    return float(box.evaluate("""card => { const edge = card.getBoundingClientRect().right; let most = -1e9;
        const walk = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          if (n.parentElement.closest('.table-wrap')) continue;
          const range = document.createRange(); range.selectNodeContents(n);
          for (const rect of range.getClientRects()) most = Math.max(most, rect.right - edge);
        }
        return most; }"""))


def test_a_new_answer_starts_above_the_ask_bar_which_lines_up_with_the_messages(site, browser) -> None:  # type: ignore
    """GIVEN an operator on a phone with answers on the screen WHEN they ask again THEN, without scrolling, the
    new question is on the screen and its answer starts above the fixed ask bar (it began under the bar);
    on a desktop the bar is as wide as the message column and no long path or code line of an answer runs
    out of its card, at any width."""
    base, _ = site
    op = Person(browser, base, "operator", PHONE)
    page = op.page
    for question in ("Как принять смену?", "Какой размен оставляют на начало смены?", "Что делать при малом проливе?"):
        ask(page, question)
        at = _chat_boxes(page)
        assert at["question"] >= 0 and at["answer"] + 40 <= at["bar"], (question, at)
    op.shot("19-phone-new-answer-above-the-bar", full=False)
    op.close()
    at_desk = Person(browser, base, "operator", {"viewport": {"width": 1280, "height": 800}})
    page = at_desk.page
    box = ask(page, "Как принять смену?")
    at = _chat_boxes(page)
    assert abs(at["bar_left"] - at["column_left"]) <= 1 and abs(at["bar_right"] - at["column_right"]) <= 1, at
    box.locator(".text").evaluate("""t => t.insertAdjacentHTML('beforeend', '<p>https://example.kz/'
        + 'x'.repeat(150) + '</p><p><code>' + 'inline_code_'.repeat(20) + '</code></p><pre><code>'
        + 'code_'.repeat(60) + '</code></pre>')""")
    for width in (1280, 800, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert _overhang(box) <= 0, width
        assert page_width(page) <= width
    at_desk.shot("20-desktop-ask-bar-under-the-column", full=False)
    at_desk.close()


ERROR_CODES = ROOT / "demo" / "knowledge_base" / "04_neispravnosti_trk.md"  # its «Коды ошибок на табло» table


@pytest.fixture(scope="module")
def model_site(tmp_path_factory) -> Iterator[tuple[str, Any]]:  # type: ignore[no-untyped-def]
    """The site with a (scripted) language model behind it, so answers stream in pieces."""
    from azs_assistant.services import Services
    from tests.conftest import make_settings
    from tests.fake_llm import running

    with running() as fake:
        svc = Services(make_settings(tmp_path_factory.mktemp("model"), embeddings="none", llm_base_url=fake.url,
                                     answer_cache=False))
        svc.ingestor.ingest_bytes(SHIFT.encode(), "uploads/smena.md")
        svc.ingestor.ingest_bytes(ERROR_CODES.read_bytes(), "uploads/04_neispravnosti_trk.md")
        svc.access.add_user("operator", PASSWORD, ["operator"], stations=["*"])
        with served(svc) as base:
            yield base, fake
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


# A model that answers with the document's table of error codes and a column of its own (four columns
# are wider than a phone), each cell citing the fragment of its row; one cell carries markup a hostile
# document could have planted (it must reach the page as text).
HOSTILE = "<img src=x onerror=alert(document.domain)>"
CODES = {"E01": ("Нет связи колонки с системой управления",
                 "Перезапустить программу на кассе; если повторяется — заявка"),
         "E02": ("Сбой датчика импульсов (счётчика) " + HOSTILE, "Заблокировать рукав, заявка в сервис"),
         "E04": ("Превышение заказанной дозы", "Заблокировать рукав, составить акт, заявка"),
         "E09": ("Низкое давление в гидравлике (воздух в системе)",
                 "Проверить уровень в резервуаре; при нормальном уровне — заявка")}


def _error_code_table(request: dict[str, Any]) -> Any:
    from tests.fake_llm import Reply

    prompt = request["messages"][-1]["content"]
    fragment = dict((code, n) for n, code in re.findall(r'<fragment id="(\d+)"[^>]*>\s*Код: (E\d\d);', prompt))
    rows = [f"| {code} | {meaning} [{n}] | {action} [{n}] | заявка в сервисную службу [{n}] |"
            for code, (meaning, action) in CODES.items() if (n := fragment.get(code))]
    return Reply("| Код | Что означает | Действие оператора | Куда сообщить |\n|---|---|---|---|\n" + "\n".join(rows))


def _table_geometry(box: Any) -> dict[str, float]:
    """How the answer's table sits in its bubble: widths of the bubble, the scrolling wrapper and the
    table, and the wrapper's scroll position."""
    return box.evaluate("""b => { const w = b.querySelector('.table-wrap'), t = w.querySelector('table');
        const bb = b.getBoundingClientRect(), wb = w.getBoundingClientRect();
        return {bubble_left: bb.left, bubble_right: bb.right, wrap_left: wb.left, wrap_right: wb.right,
                wrap: w.clientWidth, table: t.scrollWidth, scrolled: w.scrollLeft}; }""")


def test_a_table_in_an_answer_is_a_real_table_that_scrolls_inside_the_bubble_on_a_phone(model_site, browser) -> None:  # type: ignore
    """GIVEN a model that answers with a Markdown table of error codes, one cell holding an HTML tag
    WHEN the operator asks on a 390 px phone THEN the bubble shows a real table with its header and a
    row per code, the tag as plain text, and the table scrolls sideways inside the bubble while the page
    keeps the phone's width, and each of the four sources names its row; reloaded on a desktop, the same
    table is rendered whole without scrolling, its sources labelled the same."""
    base, fake = model_site
    fake.handler = _error_code_table
    op = Person(browser, base, "operator", PHONE)
    page = op.page
    box = ask(page, "Что означают коды ошибок E01, E02, E04 и E09 на табло колонки?")
    table = box.locator(".text.md .table-wrap > table")
    assert table.locator("thead th").all_inner_texts() == ["Код", "Что означает", "Действие оператора", "Куда сообщить"]
    assert table.locator("tbody td:first-child").all_inner_texts() == ["E01", "E02", "E04", "E09"]
    e02 = table.locator("tbody tr").nth(1)
    assert HOSTILE in e02.inner_text() and e02.locator("img").count() == 0  # the markup is shown, not obeyed
    assert box.locator("img, script, [onerror]").count() == 0 and "|" not in box.locator(".text").inner_text()
    sources = box.locator(".cites a").all_inner_texts()  # four rows of one table: each link names its row
    assert sorted(s.rsplit(" — ", 1)[-1] for s in sources) == [f"Код: {code}" for code in CODES], sources
    assert page_width(page) <= 390  # the page keeps the phone's width ...
    shape = _table_geometry(box)
    assert shape["table"] > shape["wrap"], shape  # ... the table is wider than the bubble ...
    assert shape["bubble_left"] <= shape["wrap_left"] and shape["wrap_right"] <= shape["bubble_right"] <= 390, shape
    op.axe()
    top = box.locator(".table-wrap").evaluate("w => w.getBoundingClientRect().top + scrollY - 160")
    page.evaluate("y => window.scrollTo(0, y)", top)  # the table under its question, as the person scrolls to it
    page.wait_for_function("y => Math.abs(scrollY - y) < 2", arg=top)
    op.shot("17-phone-answer-table", full=False)
    box.locator(".table-wrap").evaluate("w => w.scrollBy(200, 0)")  # ... and scrolls inside it
    assert _table_geometry(box)["scrolled"] > 0 and page_width(page) <= 390
    conversation = page.url
    op.close()

    desk = Person(browser, base, "operator", DESKTOP)
    desk.page.goto(conversation)  # the stored conversation, rendered by the server
    box = desk.page.locator(".msg.bot").last
    table = box.locator(".text.md .table-wrap > table")
    assert table.locator("tbody td:first-child").all_inner_texts() == ["E01", "E02", "E04", "E09"]
    assert HOSTILE in table.inner_text() and box.locator("img, script").count() == 0
    assert box.locator(".cites a").all_inner_texts() == sources  # the server labels them as the script did
    shape = _table_geometry(box)
    assert shape["table"] <= shape["wrap"], shape  # a desktop shows the table whole
    desk.axe()
    desk.shot("25-desktop-answer-table")
    desk.close()
    fake.handler = None
