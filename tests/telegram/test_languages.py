"""The bot speaks the user's language: their own setting when it is not the default Russian, else their
Telegram app's (``language_code``), else Russian; an answer's frame follows the answer. Real
python-telegram-bot code against the Bot API double, as in test_bot."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update as sql_update

from azs_assistant.auth.service import principal_of
from azs_assistant.i18n import catalogue
from azs_assistant.services import Services
from azs_assistant.storage.models import User
from tests.telegram.bot_api import BotAPI
from tests.telegram.test_bot import ACT, api, last_text, link, run, svc, update  # noqa: F401  (fixtures)

BOT = "azs_assistant.telegram"
ASSISTANT = "azs_assistant.assistant"
LANGS = ("ru", "kk", "en")


def said(key: str, lang: str, **params: Any) -> str:
    return catalogue(BOT, lang)[key].format(**params)


def toast(api: BotAPI) -> str:  # noqa: F811
    return str(api.sent("answerCallbackQuery")[-1]["text"])


def test_an_unlinked_user_is_told_how_to_link_in_their_app_s_language(svc: Services, api: BotAPI) -> None:  # noqa: F811
    """GIVEN a chat not linked yet WHEN /start and a bad /link code come from a ru, kk or en Telegram app THEN
    the bot's texts and the typed error are in that language."""
    for chat, lang in zip((601, 602, 603), LANGS, strict=True):
        run(svc, update(chat, text="/start", language=lang))
        assert last_text(api) == said("intro", lang) + " " + said("link_help", lang)
        run(svc, update(chat, text="/link WRONG123", language=lang))
        assert last_text(api).startswith({"ru": "Код не подходит", "kk": "Код жарамсыз",
                                          "en": "The code is wrong"}[lang]), last_text(api)
    run(svc, update(604, text="/start", language="de"))  # a language the bot does not speak: Russian
    assert last_text(api) == said("intro", "ru") + " " + said("link_help", "ru")
    assert "ЖҚС" in said("intro", "kk")  # the review: ЖҚС for АЗС


def test_a_linked_user_gets_answers_buttons_and_thanks_in_their_language(svc: Services, api: BotAPI) -> None:  # noqa: F811
    """GIVEN a linked operator WHEN they greet, ask and rate from a kk or en app THEN the greeting, the
    sources' label, the no-answer notice and the thanks are in that language; the quote stays Russian."""
    link(svc, api, 605)
    for lang in LANGS:
        run(svc, update(605, text="/start", language=lang))
        assert last_text(api) == said("hello", lang, name="aigerim")
        run(svc, update(605, text="Какой размен оставляют в кассе?", language=lang))
        reply = api.sent("sendMessage")[-1]
        assert "40 000" in reply["text"] and f"<b>{said('sources', lang)}</b>\n1. Приём смены" in reply["text"]
        button = reply["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        run(svc, update(605, callback=button, language=lang))
        assert toast(api) == said("thanks", lang)
        run(svc, update(605, text="что делать при землетрясении", language=lang))
        assert last_text(api) == catalogue(ASSISTANT, lang)["abstain"]


def test_without_an_app_language_the_answer_and_its_frame_follow_the_question(svc: Services, api: BotAPI) -> None:  # noqa: F811
    """GIVEN a linked user whose app says no kk or en WHEN they ask in Kazakh THEN the notice is Kazakh."""
    link(svc, api, 606)
    run(svc, update(606, text="жер сілкінісі кезінде не істеу керек?"))
    assert last_text(api) == catalogue(ASSISTANT, "kk")["abstain"]


def test_the_user_s_own_setting_wins_over_the_app(svc: Services, api: BotAPI) -> None:  # noqa: F811
    """GIVEN a user whose own language is English WHEN they write from a Kazakh Telegram app THEN English."""
    link(svc, api, 607)
    with svc.db.session() as s:
        s.execute(sql_update(User).where(User.username == "aigerim").values(language="en"))
    run(svc, update(607, text="/start", language="kk"))
    assert last_text(api) == said("hello", "en", name="aigerim")


def test_incident_history_reports_and_tickets_in_kazakh(svc: Services, api: BotAPI) -> None:  # noqa: F811
    """GIVEN a manager with a Kazakh app WHEN they ask about past spills, ask for reports and take a ticket THEN
    the answer's frame, the report's sentence, the refusal and the acknowledgement are Kazakh."""
    link(svc, api, 608)
    run(svc, update(608, text="что делали раньше при проливе на азс 12?", language="kk"))
    text = last_text(api)
    assert text.startswith(catalogue(ASSISTANT, "kk")["incidents_found"]), text
    assert "оқиғасы" in text.split(said("sources", "kk"))[1]  # the citation's title
    run(svc, update(608, text="/report", language="kk"))
    assert last_text(api) == said("report_example", "kk")
    run(svc, update(608, text="/report сколько проливов по месяцам в 2026 году", language="kk"))
    who = principal_of(svc.access.get_user("aigerim"))
    report = svc.reports.ask_for(who, "сколько проливов по месяцам в 2026 году")
    names = {c: spec.name_in("kk") for c, spec in svc.reports.categories.items()}
    assert last_text(api) == report.text_in("kk", names) != report.text
    run(svc, update(608, text="/report сколько проливов на АЗС-007", language="kk"))
    assert "рұқсатыңыз жоқ" in last_text(api)
    ticket, _ = svc.tickets.create("Пахнет газом у колонки 2!", station="АЗС-012")
    run(svc, update(608, callback=f"ack:{ticket.number}", language="kk"))
    assert toast(api) == said("acknowledged", "kk")
    assert last_text(api) == said("ticket_taken", "kk", number=ticket.number, name="aigerim")
    run(svc, update(608, callback="ack:T-NONE", language="en"))
    assert toast(api) == "Ticket T-NONE not found."


def test_a_typed_error_answering_a_question_is_in_the_user_s_language(svc: Services, api: BotAPI) -> None:  # noqa: F811
    """GIVEN a linked user with a Kazakh or English app WHEN the question is too long THEN the error is theirs."""
    link(svc, api, 609)
    for lang, start in (("kk", "Сұрақ тым ұзын"), ("en", "The question is too long"), ("ru", "Слишком длинный")):
        run(svc, update(609, text="размен " * 400, language=lang))
        assert last_text(api).startswith(start), last_text(api)


def _blank_photo() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (800, 1100), "white").save(buf, "JPEG")
    return buf.getvalue()


def test_a_photo_with_no_text_is_refused_with_the_retake_reason_in_the_user_s_language(
        svc: Services, api: BotAPI) -> None:  # noqa: F811
    """GIVEN a linked operator WHEN they send a photo with nothing on it from a ru, kk or en app THEN the bot
    asks for a retake and says why in that language (the stored reason is Russian)."""
    api.files["blank"] = _blank_photo()
    link(svc, api, 610)
    for lang in LANGS:
        run(svc, update(610, photo="blank", language=lang))
        reason = catalogue("azs_assistant.ocr", lang)["retake_empty"]
        assert last_text(api) == said("unreadable", lang, reason=reason), last_text(api)


@pytest.mark.slow  # one real OCR of the demo act photo (several seconds), shared by both languages
def test_a_recognised_form_is_named_in_kazakh_and_english(
        svc: Services, api: BotAPI, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """GIVEN a linked operator WHEN they send the photo of an inspection act from a kk or en app THEN the form's
    name and its field labels come from the template's title_kk / title_en, not the Russian titles, and the
    save button is in their language."""
    photo = next(ACT.glob("*.jpg"), None) or next(ACT.glob("*.png"))
    api.files["act"] = photo.read_bytes()
    recognise, seen = svc.forms.recognise, {}
    monkeypatch.setattr(svc.forms, "recognise",
                        lambda data, name, languages=None: seen.setdefault(data, recognise(data, name, languages)))
    template = svc.forms.template("inspection_act")
    link(svc, api, 611)
    for lang, title, label in (("kk", "техникалық жай-күйін тексеру актісі", "Тексеру күні"),
                               ("en", "Fuel dispenser technical inspection report", "Inspection date")):
        run(svc, update(611, photo="act", language=lang))
        reply = api.sent("sendMessage")[-1]
        text = reply["text"]
        assert text.splitlines()[0] == template.title_in(lang) + ":" and title in text, text
        assert f"{label}: " in text and "Дата проверки" not in text and "Проверку провёл" not in text, text
        assert reply["reply_markup"]["inline_keyboard"][0][0]["text"] == said("save_button", lang)
        assert said("save_hint", lang) in text
    assert len(seen) == 1


@pytest.mark.parametrize(("lang", "said"), [
    ("ru", "Дата проверки: значение не разобрано: сверьте с бланком (ожидалась дата ДД.ММ.ГГГГ, а не «1З.11.2О26»)"),
    ("kk", "Тексеру күні: мәні танылмады: бланкпен салыстырыңыз («1З.11.2О26»)"),
    ("en", "Inspection date: the value could not be read: check it against the form («1З.11.2О26»)"),
])
def test_an_unreadable_value_is_named_with_what_was_wrong(svc: Services, lang: str, said: str) -> None:  # noqa: F811
    """GIVEN a form whose date was read as «1З.11.2О26» WHEN the reply is written THEN it says what was wrong with
    that value (the parser's words in Russian, the value as read in Kazakh and English), not only «check it»."""
    from azs_assistant.forms.extract import extract, field_states
    from azs_assistant.telegram.bot import form_reply

    template = svc.forms.template("inspection_act")
    match = extract("Дата проверки: 1З.11.2О26", template)
    result = {"fields": match.fields,
              "field_states": {k: v.model_dump() for k, v in field_states(template, match).items()}}
    assert said in form_reply(template, result, lang)


@pytest.mark.parametrize(("lang", "said"), [
    ("ru", "ТРК №: два прочтения фото расходятся (другое: «2»): сверьте с бланком"),
    ("kk", "Колонка (ТРК) №: фотоны екі рет тану нәтижесі сәйкес келмейді (басқа нұсқа: «2»): бланкпен салыстырыңыз"),
    ("en", "Dispenser no.: the photo's two readings differ (the other: «2»): check it against the form"),
])
def test_a_value_the_two_readers_read_apart_is_named_with_the_other_reading(svc: Services, lang: str,  # noqa: F811
                                                                           said: str) -> None:
    """GIVEN an act Tesseract read «ТРК № 2» and the line reader «ТРК № 5» WHEN the reply is written THEN the
    dispenser is marked and listed to check, with the other reading named, in the operator's language."""
    from azs_assistant.forms.extract import cross_check, extract, field_states
    from azs_assistant.telegram.bot import form_reply

    template = svc.forms.template("inspection_act")
    match = cross_check(template, extract("Акт № 3\nТРК № 2", template),
                        extract("Акт № 3\nТРК № 5\nАЗС № 147", template))
    result = {"fields": match.fields, "field_confidence": match.confidence,
              "field_states": {k: v.model_dump() for k, v in field_states(template, match).items()}}
    reply = form_reply(template, result, lang)
    assert said in reply and ": 5 ⚠" in reply
    assert ": 147 ⚠" in reply  # only the line reader found the station: marked too
