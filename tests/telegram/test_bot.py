"""The Telegram bot with real python-telegram-bot code against a Bot API double on loopback:
linking, questions with sources, feedback, form photos, ticket acknowledgement, reports, webhook."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from azs_assistant.incidents.records import store
from azs_assistant.services import Services
from azs_assistant.stations import station_input
from azs_assistant.telegram.bot import AzsBot
from tests.conftest import make_settings
from tests.telegram.bot_api import BotAPI, start

GUIDE = "# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n".encode()
ACT = Path(__file__).resolve().parents[2] / "demo" / "knowledge_base"
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def api() -> Iterator[BotAPI]:
    fake = BotAPI()
    server, thread = start(fake)
    yield fake
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def svc(api: BotAPI, tmp_path) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    services = Services(make_settings(tmp_path, embeddings="none", telegram_bot_token="123:TEST",
                                      telegram_api_base=api.url, telegram_webhook_secret="hook-secret"))
    services.ingestor.ingest_bytes(GUIDE, "uploads/smena.md")
    with services.db.session() as s:
        store(s, [(str(i), {"incident_id": f"I-{i}", "station_id": st, "region": "Алматы", "category": "fuel_spill",
                            "occurred_at": f"2026-0{1 + i}-05T10:00:00"})
                  for i, st in enumerate(["АЗС-012", "АЗС-012", "АЗС-007"])], origin="test")
    services.stations.known()  # the registry, seeded from the log, also has АЗС-017 (the act photo's station)
    services.stations.add("test", station_input("АЗС-017", "АЗС-017", "Алматы"))
    services.access.add_user("aigerim", "пароль-оператора-1", ["operator", "manager"], stations=["АЗС-012"])
    yield services
    services.close()


def update(chat: int, *, text: str | None = None, photo: str | None = None,
           callback: str | None = None, language: str | None = None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat, "is_bot": False, "first_name": "Айгерим"}
    if language is not None:  # the Telegram app's language, as Telegram sends it
        user["language_code"] = language
    message: dict[str, Any] = {"message_id": next(_ids), "date": int(time.time()),
                               "chat": {"id": chat, "type": "private"}, "from": user}
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if photo is not None:
        message["photo"] = [{"file_id": photo, "file_unique_id": f"u{photo}", "width": 800, "height": 1100}]
    if callback is not None:
        return {"update_id": next(_ids), "callback_query": {"id": str(next(_ids)), "from": user, "chat_instance": "1",
                                                            "data": callback, "message": message}}
    return {"update_id": next(_ids), "message": message}


def run(svc: Services, *updates: dict[str, Any]) -> None:
    from telegram import Update

    async def go() -> None:
        application = AzsBot(svc).application()
        async with application:
            for data in updates:
                await application.process_update(Update.de_json(data, application.bot))

    asyncio.run(go())


def last_text(api: BotAPI) -> str:
    return str(api.sent("sendMessage")[-1]["text"])


def link(svc: Services, api: BotAPI, chat: int) -> None:
    from azs_assistant.auth.service import principal_of

    code = svc.access.telegram_code(principal_of(svc.access.get_user("aigerim")))
    run(svc, update(chat, text=f"/link {code}"))
    assert "привязан к пользователю aigerim" in last_text(api)


def test_unlinked_chat_is_told_how_to_link_and_bad_codes_fail(svc: Services, api: BotAPI) -> None:
    run(svc, update(501, text="Какой размен в кассе?"))
    assert "/link КОД" in last_text(api)
    run(svc, update(501, text="/link WRONG123"))
    assert "не подходит или устарел" in last_text(api)


def test_linked_operator_asks_and_rates(svc: Services, api: BotAPI) -> None:
    link(svc, api, 502)
    run(svc, update(502, text="Какой размен оставляют в кассе?"))
    reply = api.sent("sendMessage")[-1]
    assert reply["parse_mode"] == "HTML" and not api.refused
    assert "40 000" in reply["text"] and "<b>Источники:</b>\n1. Приём смены" in reply["text"]
    buttons = reply["reply_markup"]["inline_keyboard"][0]
    run(svc, update(502, callback=buttons[0]["callback_data"]))
    answer_id = int(buttons[0]["callback_data"].split(":")[-1])
    assert [f.rating for f in svc.learning.feedback_for(answer_id)] == [1]


def test_ticket_notification_is_acknowledged_from_the_chat(svc: Services, api: BotAPI) -> None:
    link(svc, api, 503)
    ticket, _ = svc.tickets.create("Пахнет газом у колонки 2!", station="АЗС-012")
    run(svc, update(503, callback=f"ack:{ticket.number}"))
    assert svc.tickets.get(ticket.number).acknowledged_at is not None
    assert "принято в работу (aigerim)" in last_text(api)
    foreign, _ = svc.tickets.create("Пахнет газом у колонки 5!", station="АЗС-007")
    run(svc, update(503, callback=f"ack:{foreign.number}"))
    assert svc.tickets.get(foreign.number).acknowledged_at is None  # not their station
    assert "не найдено" in api.sent("answerCallbackQuery")[-1]["text"]


def test_manager_gets_a_report_with_its_chart(svc: Services, api: BotAPI) -> None:
    link(svc, api, 504)
    run(svc, update(504, text="/report сколько проливов по месяцам в 2026 году"))
    assert api.sent("sendPhoto"), "a chart should follow the text"
    run(svc, update(504, text="/report сколько проливов на АЗС-007"))
    assert "Нет доступа" in last_text(api)


@pytest.mark.slow  # over 5 s (--durations)
def test_form_photo_is_recognised_and_saved(svc: Services, api: BotAPI) -> None:
    photo = next(ACT.glob("*.jpg"), None) or next(ACT.glob("*.png"))
    api.files["act1"] = photo.read_bytes()
    link(svc, api, 505)
    run(svc, update(505, photo="act1"))
    reply = api.sent("sendMessage")[-1]
    assert "Сохранить" in str(reply.get("reply_markup")), reply["text"]
    save = reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    bot_state: dict[str, Any] = {}

    # the pending record lives in the bot object: run both updates through one application
    from telegram import Update

    async def go() -> None:
        bot = AzsBot(svc)
        application = bot.application()
        async with application:
            await application.process_update(Update.de_json(update(505, photo="act1"), application.bot))
            key = api.sent("sendMessage")[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            await application.process_update(Update.de_json(update(505, callback=key), application.bot))
            bot_state["refused"] = api.sent("answerCallbackQuery")[-1]["text"]  # the act is АЗС-017's
            svc.access.update_user("aigerim", stations=["АЗС-012", "АЗС-017"])
            await application.process_update(Update.de_json(update(505, callback=key), application.bot))
            bot_state["pending"] = dict(bot.pending)

    asyncio.run(go())
    assert save.startswith("save:") and bot_state["pending"] == {}
    assert "не закреплены за АЗС-017" in bot_state["refused"]
    assert "сохранена" in last_text(api)
    from sqlalchemy import func, select

    from azs_assistant.storage.models import FormRecord

    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(FormRecord).where(FormRecord.source == "telegram")) == 1


def test_a_reading_the_form_does_not_take_is_not_saved_and_the_chat_says_where_to_correct_it(
        svc: Services, api: BotAPI) -> None:
    """GIVEN a recognised act whose fuel was read as a grade the form's list lacks («АИ-93») WHEN «Сохранить» is
    pressed THEN nothing is saved, the pending reading is dropped (the button did nothing else, again and again) and
    the reply names the field and the web page where the value can be corrected."""
    photo = next(ACT.glob("*.jpg"), None) or next(ACT.glob("*.png"))
    api.files["act1"] = photo.read_bytes()
    link(svc, api, 506)
    svc.access.update_user("aigerim", stations=["АЗС-012", "АЗС-017"])
    from telegram import Update

    pending: dict[str, Any] = {}

    async def go() -> None:
        bot = AzsBot(svc)
        application = bot.application()
        async with application:
            await application.process_update(Update.de_json(update(506, photo="act1"), application.bot))
            key = api.sent("sendMessage")[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            owner, result = bot.pending[key.partition(":")[2]]
            result["fields"]["fuel"] = "АИ-93"
            await application.process_update(Update.de_json(update(506, callback=key), application.bot))
            pending.update(bot.pending)

    asyncio.run(go())
    assert pending == {}
    said = last_text(api)
    assert said.startswith("Не сохранено") and "Вид топлива" in said and "«Фото бланка»" in said, said
    from sqlalchemy import func, select

    from azs_assistant.storage.models import FormRecord

    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(FormRecord)) == 0


@pytest.mark.slow  # over 5 s (--durations)
def test_webhook_requires_the_secret(svc: Services, api: BotAPI) -> None:
    from azs_assistant.api.app import create_app

    with TestClient(create_app(svc, background=False)) as client:
        bad = client.post("/telegram/webhook", json=update(506, text="/start"),
                          headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
        assert bad.status_code == 403
        good = client.post("/telegram/webhook", json=update(506, text="/start"),
                           headers={"X-Telegram-Bot-Api-Secret-Token": "hook-secret"})
        assert good.status_code == 200
    assert "/link КОД" in last_text(api)


STEPS = """# Сбой связи с процессингом <R&D>

## Оплата картой недоступна

Если терминал пишет «Нет связи с банком», оператор действует так:

1. Перезагрузить терминал кнопкой <Power> и подождать 2 минуты.
2. Позвонить в процессинг «Kaspi & Halyk» по номеру 7700.
3. Предложить клиенту оплату наличными или QR.

## Запреты

При сбое связи запрещается:

- проводить оплату повторно без чека отмены;
- передавать *PIN* клиента по телефону.
"""


def test_answers_are_telegram_html_with_numbered_steps_and_bold_lead_ins(svc: Services, api: BotAPI) -> None:
    """GIVEN a document whose text has «<», «&» and «*» WHEN the bot answers from it THEN the message is
    HTML that Telegram accepts: the steps numbered, the lead-in bold, the document's characters escaped."""
    svc.ingestor.ingest_bytes(STEPS.encode(), "uploads/svyaz.md")
    link(svc, api, 503)
    run(svc, update(503, text="оплата картой недоступна: как действовать оператору по шагам?"))
    reply = api.sent("sendMessage")[-1]
    text = reply["text"]
    assert reply["parse_mode"] == "HTML" and not api.refused, (api.refused, text)
    assert "<b>Если терминал пишет «Нет связи с банком», оператор действует так:</b>" in text, text
    assert "1. Перезагрузить терминал кнопкой &lt;Power&gt;" in text
    assert "2. Позвонить в процессинг «Kaspi &amp; Halyk»" in text
    assert text.index("1. Перезагрузить") < text.index("2. Позвонить") < text.index("3. Предложить")
    run(svc, update(503, text="можно передавать PIN клиента по телефону при сбое связи?"))
    text = last_text(api)
    assert not api.refused, api.refused
    assert "<b>При сбое связи запрещается:</b>" in text and "*PIN*" in text, text


def test_a_long_answer_is_cut_between_lines_within_telegram_s_limit() -> None:
    from azs_assistant.telegram.format import MAX_TEXT, to_message
    from tests.telegram.bot_api import html_problem

    markdown = "**Шаги:**\n\n" + "\n".join(f"{n}. Проверить <клапан> & кран №{n}" for n in range(1, 400))
    message = to_message(markdown, "\n\n<b>Источники:</b>\n1. Регламент")
    assert len(message) <= MAX_TEXT and html_problem(message) is None
    assert message.endswith("<b>Источники:</b>\n1. Регламент") and "\n…\n" in message


def test_a_page_read_in_part_shows_its_doubtful_lines_marked_and_what_to_check() -> None:
    """GIVEN a photo whose pages are ``partial``, ``retake`` and ``ok`` from the line reader WHEN the chat shows
    the recognised text THEN what to check comes first, in the operator's language (a long text is cut at its
    end), the doubtful line carries «⚠» and the good ones do not, and the retaken page adds nothing."""
    from azs_assistant.ocr.pipeline import LINES_REASON, PARTIAL_REASON
    from azs_assistant.ocr.quality import REASONS
    from azs_assistant.telegram.bot import marked_text

    result = {"pages": [
        {"quality": "partial", "text": "Лимит 250 000 тенге\nЖвщъ ыфкщ", "reason": PARTIAL_REASON,
         "lines": [{"text": "Лимит 250 000 тенге", "doubtful": False}, {"text": "Жвщъ ыфкщ", "doubtful": True}]},
        {"quality": "retake", "text": "", "reason": REASONS["blur"], "lines": []},
        {"quality": "ok", "text": "Сейф открывает старший оператор.", "reason": LINES_REASON, "lines": []}]}
    shown = marked_text(result, "kk").split("\n\n")
    assert shown[0].startswith("⚠ кейбір жолдар") and shown[1].startswith("⚠ фото сапасы нашар")
    assert shown[2] == "Лимит 250 000 тенге\n⚠ Жвщъ ыфкщ" and shown[3] == "Сейф открывает старший оператор."
    assert REASONS["blur"] not in marked_text(result, "ru") and marked_text({"pages": []}, "ru") == ""


def test_a_form_read_from_a_page_read_in_part_says_so_before_its_fields(svc: Services) -> None:
    """GIVEN a form recognised on a ``partial`` page WHEN the bot replies with its fields THEN what to check on
    the page comes right under the form's name, in the operator's language."""
    from azs_assistant.ocr.pipeline import PARTIAL_REASON
    from azs_assistant.telegram.bot import form_reply

    template = svc.forms.template("inspection_act")
    result = {"fields": {"station_id": 214}, "field_states": {},
              "pages": [{"quality": "partial", "reason": PARTIAL_REASON, "text": "", "lines": []}]}
    reply = form_reply(template, result, "en").splitlines()
    assert reply[1].startswith("⚠ some lines may be misread") and any("214" in line for line in reply[2:])


def test_an_answer_whose_documents_disagree_says_so_under_the_quotes(svc: Services, api: BotAPI) -> None:
    svc.ingestor.ingest_bytes("# Инкассация\n\n## Лимит наличных\n\nОстаток наличных в кассе не должен превышать "
                              "250 000 тенге.\n".encode(), "uploads/inkassaciya.md")
    svc.ingestor.ingest_bytes("# Приказ № 45 о лимите наличных\n\nС 1 ноября остаток наличных в кассе не должен "
                              "превышать 850 000 тенге.\n".encode(), "uploads/prikaz_45.md")
    link(svc, api, 511)
    run(svc, update(511, text="какой лимит наличных в кассе?"))
    text = last_text(api)
    assert "\n\n⚠️ <i>Документы называют разные значения: «" in text and not api.refused
    assert text.index("⚠️") < text.index("<b>Источники:</b>")
    assert "250 000 тенге" in text.split("⚠️")[1] and "850 000 тенге" in text.split("⚠️")[1]
