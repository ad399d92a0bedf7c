"""The Telegram bot (python-telegram-bot). An operator links the chat to their account with a
one-time code from the web UI, then asks questions (answers with sources), sends a photo of a form
(the recognised fields come back with a «Сохранить» button), acknowledges ticket notifications with
«Принято», and — as a manager — asks `/report вопрос` and gets the text and the chart.

Long polling by default (`azs telegram run`); a webhook when `AZS_TELEGRAM_WEBHOOK_SECRET` is set and
`azs telegram webhook URL` has told Telegram where to send updates (`POST /telegram/webhook`).
Everything the bot does goes through the same services, roles and scopes as the web UI.

The bot speaks the user's language (``telegram/i18n``): their setting in the web UI when it is not the
default Russian, else their Telegram app's language, else Russian. An answer's frame follows the answer's
language, which the assistant decides (the same preference, else the question's language).
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from azs_assistant import i18n
from azs_assistant.assistant.notices import answer_language
from azs_assistant.auth.principal import Principal
from azs_assistant.errors import AzsError, InvalidInput
from azs_assistant.notify.telegram import TelegramClient
from azs_assistant.ocr import KEPT
from azs_assistant.reports import render
from azs_assistant.telegram.format import MAX_TEXT, to_message
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

if TYPE_CHECKING:
    from azs_assistant.forms.extract import FormTemplate

log = logging.getLogger("azs.telegram")
TEXTS = "azs_assistant.telegram"
CONVERSATION_IDLE_S = 30 * 60  # after this pause a question starts a new conversation


def say(lang: str, key: str, **params: object) -> str:
    """One of the bot's own texts in ``lang``."""
    return i18n.text(TEXTS, key, lang, **params)


def preferred_language(update: Update, who: Principal | None) -> str | None:
    """The user's language when known: their own setting (Russian is everyone's default, so it says nothing),
    else their Telegram app's; None when neither names kk or en."""
    if who is not None and who.language in i18n.LANGUAGES and who.language != "ru":
        return who.language
    user = update.effective_user
    code = (user.language_code or "").split("-")[0].lower() if user is not None else ""
    return code if code in ("kk", "en") else None


def _notice_html(notice: str | None) -> str:
    """The answer's notice (the documents disagree on the figure asked, the model was away), in italics after it."""
    return "".join(f"\n\n⚠️ <i>{html.escape(line, quote=False)}</i>" for line in notice.split("\n")) if notice else ""


def _sources_html(citations: list[Any], lang: str = "ru") -> str:
    """«Источники:» and one numbered line per citation, escaped for HTML parse mode."""
    if not citations:
        return ""
    lines = [html.escape(f"{n}. {c.title}" + (f" › {c.section}" if c.section else "")
                         + (", " + say(lang, "page", page=c.page) if c.page else ""), quote=False)
             for n, c in enumerate(citations, start=1)]
    return f"\n\n<b>{html.escape(say(lang, 'sources'), quote=False)}</b>\n" + "\n".join(lines)


CHECK_STATES = ("missing_required", "unreadable", "not_in_list", "disputed")  # what the reply asks to check on the form


def form_reply(template: FormTemplate, result: dict[str, Any], lang: str) -> str:
    """A recognised form as a user of ``lang`` reads it: the form's name, «field: value» lines (⚠ on a
    value read with low confidence), what to check and how to save; names from the template's
    ``title_kk``/``title_en``, what to check from the forms catalogue, the rest from the bot's."""
    from azs_assistant.forms.extract import FieldState

    labels = {spec.name: spec.caption_in(lang) for spec in template.fields}
    uncertain = {k for k, c in result.get("field_confidence", {}).items() if isinstance(c, int | float) and c < 70}
    lines = [f"{labels.get(k, k)}: {v}" + (" ⚠" if k in uncertain else "") for k, v in result["fields"].items()]
    problems = []
    for name, state in result.get("field_states", {}).items():
        if state.get("code") in CHECK_STATES:  # the problem's words from the forms catalogue (forms/i18n)
            said = _problem(FieldState(**state), result["fields"].get(name), lang)
            problems.append(f"{labels.get(name, name)}: {said}")
    warnings = "".join(f"{w}\n" for w in page_warnings(result, lang))  # a page read in part, a poor photo
    return (f"{template.title_in(lang)}:\n{warnings}" + "\n".join(lines)
            + (f"\n\n{say(lang, 'check')} " + "; ".join(problems) if problems else "")
            + "\n\n" + say(lang, "save_hint"))


def page_warnings(result: dict[str, Any], lang: str) -> list[str]:
    """What to check on the pages kept (read, or read in part), each said once, «⚠» first, in ``lang``."""
    from azs_assistant.ocr.quality import reason_in

    said = [f"⚠ {reason_in(p['reason'], lang)}" for p in result.get("pages", [])
            if p["quality"] in KEPT and p["reason"]]
    return list(dict.fromkeys(said))


def marked_text(result: dict[str, Any], lang: str) -> str:
    """The recognised text as the chat shows it: what to check first (a long text is cut at its end), then
    the pages kept, a page read in part (``partial``) line by line with its doubtful lines marked «⚠» (they
    are not indexed)."""
    texts = []
    for page in result["pages"]:
        if page["quality"] == "ok":
            texts.append(page["text"])
        elif page["quality"] == "partial":
            texts.append("\n".join(("⚠ " if line["doubtful"] else "") + line["text"] for line in page["lines"]))
    texts = [t for t in texts if t.strip()]
    return "\n\n".join([*page_warnings(result, lang), *texts]) if texts else ""


def _problem(state: Any, value: Any, lang: str) -> str:
    """What to check on one field; for a value that would not parse, what was wrong with it: the parser's
    own (Russian) words for a Russian reader («ожидалась дата ДД.ММ.ГГГГ, а не «1З.11.2О26»»), the value
    as read for the others."""
    said = state.message_in(lang) or ""
    if state.code != "unreadable":
        return str(said)
    if lang == "ru" and state.reason:
        return f"{said} ({state.reason.split('»: ', 1)[-1]})"
    return f"{said} («{value}»)" if value not in (None, "") else str(said)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


class AzsBot:
    def __init__(self, services: Any) -> None:
        self.s = services
        self.pending: dict[str, tuple[str, dict[str, Any]]] = {}  # form photos waiting for «Сохранить»
        self._conversations: dict[int, tuple[str, float]] = {}  # chat → (conversation, last question at)

    # -- wiring ---------------------------------------------------------------------------
    def application(self) -> Application:  # type: ignore[type-arg]
        app = TelegramClient(self.s.settings).application_builder().build()  # the one Bot API client
        app.add_handler(CommandHandler("start", self.start))
        app.add_handler(CommandHandler("help", self.start))
        app.add_handler(CommandHandler("link", self.link))
        app.add_handler(CommandHandler("report", self.report))
        app.add_handler(MessageHandler(filters.PHOTO | filters.Document.IMAGE, self.photo))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.question))
        app.add_handler(CallbackQueryHandler(self.button))
        app.add_error_handler(self.on_error)
        return app

    def who(self, update: Update) -> Principal | None:
        chat = update.effective_chat
        return self.s.access.telegram_principal(str(chat.id)) if chat else None

    def lang(self, update: Update, who: Principal | None = None) -> str:
        """The language of the bot's own replies to this user."""
        return preferred_language(update, who) or "ru"

    async def _reply(self, update: Update, text: str, **kw: Any) -> None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(_cut(text), **kw)

    # -- handlers -------------------------------------------------------------------------
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who(update)
        lang = self.lang(update, who)
        if who is None:
            await self._reply(update, say(lang, "intro") + " " + say(lang, "link_help"))
            return
        await self._reply(update, say(lang, "hello", name=who.name))

    async def link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        code = (context.args or [""])[0]
        chat = update.effective_chat
        lang = self.lang(update)
        if not code or chat is None:
            await self._reply(update, say(lang, "link_usage"))
            return
        try:
            user = await asyncio.to_thread(self.s.access.link_telegram, code, str(chat.id))
        except AzsError as exc:
            await self._reply(update, exc.message(lang))
            return
        await self._reply(update, say(self.lang(update, self.who(update)), "linked", user=user.username))

    def _conversation(self, update: Update) -> str | None:
        """The chat's conversation, while it is fresh: a question after a long pause starts anew."""
        if update.effective_chat is None:
            return None
        held = self._conversations.get(update.effective_chat.id)
        if held is None or time.monotonic() - held[1] > CONVERSATION_IDLE_S:
            return None
        return held[0]

    async def question(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who(update)
        if who is None:
            await self._reply(update, say(self.lang(update), "link_help"))
            return
        text = (update.effective_message.text or "") if update.effective_message else ""
        # the user's language when known; otherwise the answer (and the bot's frame around it) follows the question
        preferred = preferred_language(update, who)
        lang = answer_language(preferred, text)
        try:
            answer, answer_id = await asyncio.to_thread(self.s.assistant.answer_for, who, text,
                                                        self._conversation(update), None, "telegram", preferred)
        except AzsError as exc:
            await self._reply(update, exc.message(lang))
            return
        if update.effective_chat is not None and answer.conversation_id:
            self._conversations[update.effective_chat.id] = (answer.conversation_id, time.monotonic())
        buttons = InlineKeyboardMarkup([[InlineKeyboardButton("👍", callback_data=f"rate:up:{answer_id}"),
                                         InlineKeyboardButton("👎", callback_data=f"rate:down:{answer_id}")]])
        if update.effective_message is not None:  # the answer's Markdown as Telegram HTML (telegram/format.py)
            tail = _notice_html(answer.notice) + _sources_html(answer.citations, lang)
            await update.effective_message.reply_text(to_message(answer.answer, tail), parse_mode="HTML",
                                                      reply_markup=buttons)

    async def photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who(update)
        message = update.effective_message
        lang = self.lang(update, who)
        if who is None or message is None:
            await self._reply(update, say(lang, "link_help"))
            return
        if not who.has("operator"):
            await self._reply(update, say(lang, "forms_for_operators"))
            return
        file_id = message.photo[-1].file_id if message.photo else message.document.file_id  # type: ignore[union-attr]
        data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
        try:
            result = await asyncio.to_thread(self.s.forms.recognise, data, "telegram-photo.jpg")
        except AzsError as exc:
            await self._reply(update, exc.message(lang))
            return
        from azs_assistant.ocr.quality import reason_in  # numpy: only when a photo comes

        retake = [p for p in result["pages"] if p["quality"] == "retake"]
        if retake and not result["text"]:
            await self._reply(update, say(lang, "unreadable", reason=reason_in(retake[0]["reason"], lang)))
            return
        if not result.get("form"):
            await self._reply(update, say(lang, "recognised_text") + "\n\n" + (marked_text(result, lang)
                                                                               or say(lang, "empty")))
            return
        template = await asyncio.to_thread(self.s.forms.template, result["form"])
        key = secrets.token_hex(6)
        self.pending[key] = (who.name, result)
        await self._reply(update, form_reply(template, result, lang), reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(say(lang, "save_button"), callback_data=f"save:{key}")]]))

    async def report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who(update)
        lang = self.lang(update, who)
        if who is None:
            await self._reply(update, say(lang, "link_help"))
            return
        if not who.has("manager"):
            await self._reply(update, say(lang, "reports_for_managers"))
            return
        question = " ".join(context.args or []).strip()
        if not question:
            await self._reply(update, say(lang, "report_example"))
            return
        try:
            report = await asyncio.to_thread(self.s.reports.ask_for, who, question, None, None, "telegram")
        except AzsError as exc:
            await self._reply(update, exc.message(lang))
            return
        names = self.s.reports.category_names(lang)
        await self._reply(update, report.text_in(lang, names))
        if render.has_chart(report.result) and update.effective_message is not None:
            image = await asyncio.to_thread(render.chart, report.result, "png", question, names, lang)
            if image:
                await update.effective_message.reply_photo(image, caption=_cut(question)[:1000])

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        who = self.who(update)
        lang = self.lang(update, who)
        if who is None:
            await query.answer(say(lang, "link_help")[:190], show_alert=True)
            return
        kind, _, rest = (query.data or "").partition(":")
        try:
            if kind == "ack":
                await asyncio.to_thread(self.s.tickets.acknowledge_by, who, rest, None, {"channel": "telegram"})
                await query.answer(say(lang, "acknowledged"))
                await self._say(update, context, say(lang, "ticket_taken", number=rest, name=who.name))
            elif kind == "save":
                owner, result = self.pending.get(rest, ("", {}))
                if owner != who.name:
                    await query.answer(say(lang, "record_gone"), show_alert=True)
                    return
                try:
                    record = await asyncio.to_thread(self.s.records.create, who, result["form"], "telegram",
                                                     result["fields"], result.get("defects", []))
                except InvalidInput as refused:
                    # a value the form does not take as read (off its list, a letter in a number): the chat has no
                    # way to correct it, so nothing is saved and the person is sent where it can be corrected
                    del self.pending[rest]
                    await query.answer()
                    await self._say(update, context, say(lang, "record_to_correct", problem=refused.message(lang)))
                    return
                del self.pending[rest]
                await query.answer(say(lang, "saved"))
                await self._say(update, context, say(lang, "record_saved", record=record.id))
            elif kind == "rate":
                rating, _, answer_id = rest.partition(":")
                await asyncio.to_thread(self.s.learning.rate, int(answer_id), who, 1 if rating == "up" else -1)
                await query.answer(say(lang, "thanks"))
            else:
                await query.answer()
        except AzsError as exc:
            await query.answer(exc.message(lang)[:190], show_alert=True)

    @staticmethod
    async def _say(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        if update.effective_chat is not None:
            await context.bot.send_message(chat_id=update.effective_chat.id, text=_cut(text))


    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.exception("telegram handler failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_message is not None:
            await update.effective_message.reply_text(say(preferred_language(update, None) or "ru", "failed"))
