"""The Telegram bot (python-telegram-bot). An operator links the chat to their account with a
one-time code from the web UI, then asks questions (answers with sources), sends a photo of a form
(the recognised fields come back with a «Сохранить» button), acknowledges ticket notifications with
«Принято», and — as a manager — asks `/report вопрос` and gets the text and the chart.

Long polling by default (`azs telegram run`); a webhook when `AZS_TELEGRAM_WEBHOOK_SECRET` is set and
`azs telegram webhook URL` has told Telegram where to send updates (`POST /telegram/webhook`).
Everything the bot does goes through the same services, roles and scopes as the web UI.
"""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
import time
from typing import Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from azs_assistant.auth.principal import Principal
from azs_assistant.errors import AzsError
from azs_assistant.notify.telegram import TelegramClient
from azs_assistant.reports import render
from azs_assistant.telegram.format import MAX_TEXT, to_message
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

log = logging.getLogger("azs.telegram")
LINK_HELP = ("Привяжите аккаунт: в веб-интерфейсе откройте «Профиль» → «Привязать Telegram» и пришлите сюда "
             "/link КОД.")
CONVERSATION_IDLE_S = 30 * 60  # after this pause a question starts a new conversation


def _sources_html(citations: list[Any]) -> str:
    """«Источники:» and one numbered line per citation, escaped for HTML parse mode."""
    if not citations:
        return ""
    lines = [html.escape(f"{n}. {c.title}" + (f" › {c.section}" if c.section else "")
                         + (f", стр. {c.page}" if c.page else ""), quote=False)
             for n, c in enumerate(citations, start=1)]
    return "\n\n<b>Источники:</b>\n" + "\n".join(lines)


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

    async def _reply(self, update: Update, text: str, **kw: Any) -> None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(_cut(text), **kw)

    # -- handlers -------------------------------------------------------------------------
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who(update)
        if who is None:
            await self._reply(update, "Ассистент АЗС. " + LINK_HELP)
            return
        await self._reply(update, f"Здравствуйте, {who.name}! Напишите вопрос — отвечу по базе знаний с источниками. "
                                  "Пришлите фото бланка — распознаю. Руководителям: /report вопрос.")

    async def link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        code = (context.args or [""])[0]
        chat = update.effective_chat
        if not code or chat is None:
            await self._reply(update, "Пришлите /link КОД (код — в веб-интерфейсе, «Профиль»).")
            return
        try:
            user = await asyncio.to_thread(self.s.access.link_telegram, code, str(chat.id))
        except AzsError as exc:
            await self._reply(update, exc.message_ru)
            return
        await self._reply(update, f"Готово: чат привязан к пользователю {user.username}.")

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
            await self._reply(update, LINK_HELP)
            return
        text = (update.effective_message.text or "") if update.effective_message else ""
        try:
            # the user's own language setting, when they chose one (Russian is everyone's default, as on the
            # web); otherwise the assistant's notices follow the question's language
            lang = who.language if who.language != "ru" else None
            answer, answer_id = await asyncio.to_thread(self.s.assistant.answer_for, who, text,
                                                        self._conversation(update), None, "telegram", lang)
        except AzsError as exc:
            await self._reply(update, exc.message_ru)
            return
        if update.effective_chat is not None and answer.conversation_id:
            self._conversations[update.effective_chat.id] = (answer.conversation_id, time.monotonic())
        buttons = InlineKeyboardMarkup([[InlineKeyboardButton("👍", callback_data=f"rate:up:{answer_id}"),
                                         InlineKeyboardButton("👎", callback_data=f"rate:down:{answer_id}")]])
        if update.effective_message is not None:  # the answer's Markdown as Telegram HTML (telegram/format.py)
            await update.effective_message.reply_text(to_message(answer.answer, _sources_html(answer.citations)),
                                                      parse_mode="HTML", reply_markup=buttons)

    async def photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who(update)
        message = update.effective_message
        if who is None or message is None:
            await self._reply(update, LINK_HELP)
            return
        if not who.has("operator"):
            await self._reply(update, "Распознавание бланков — для операторов.")
            return
        file_id = message.photo[-1].file_id if message.photo else message.document.file_id  # type: ignore[union-attr]
        data = bytes(await (await context.bot.get_file(file_id)).download_as_bytearray())
        try:
            result = await asyncio.to_thread(self.s.forms.recognise, data, "telegram-photo.jpg")
        except AzsError as exc:
            await self._reply(update, exc.message_ru)
            return
        retake = [p for p in result["pages"] if p["quality"] == "retake"]
        if retake and not result["text"]:
            await self._reply(update, f"Не получилось прочитать: {retake[0]['reason']}")
            return
        if not result.get("form"):
            await self._reply(update, "Распознанный текст:\n\n" + (result["text"] or "(пусто)"))
            return
        labels = result.get("field_labels", {})
        uncertain = {k for k, c in result.get("field_confidence", {}).items() if isinstance(c, int | float) and c < 70}
        lines = [f"{labels.get(k, k)}: {v}" + (" ⚠" if k in uncertain else "") for k, v in result["fields"].items()]
        problems = [p if isinstance(p, str) else str(p) for p in result.get("problems", [])]
        key = secrets.token_hex(6)
        self.pending[key] = (who.name, result)
        text = (f"{result.get('form_title', result['form'])}:\n" + "\n".join(lines)
                + ("\n\nПроверьте: " + "; ".join(problems) if problems else "")
                + "\n\nЕсли всё верно — «Сохранить»; если нет — исправьте в веб-интерфейсе («Фото бланка»).")
        await self._reply(update, text, reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Сохранить", callback_data=f"save:{key}")]]))

    async def report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who(update)
        if who is None:
            await self._reply(update, LINK_HELP)
            return
        if not who.has("manager"):
            await self._reply(update, "Отчёты — для руководителей.")
            return
        question = " ".join(context.args or []).strip()
        if not question:
            await self._reply(update, "Пример: /report сколько проливов было в прошлом месяце по станциям")
            return
        try:
            report = await asyncio.to_thread(self.s.reports.ask_for, who, question, None, None, "telegram")
        except AzsError as exc:
            await self._reply(update, exc.message_ru)
            return
        await self._reply(update, report.text)
        if render.has_chart(report.result) and update.effective_message is not None:
            image = await asyncio.to_thread(render.chart, report.result, "png", question)
            if image:
                await update.effective_message.reply_photo(image, caption=_cut(question)[:1000])

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        who = self.who(update)
        if who is None:
            await query.answer(LINK_HELP[:190], show_alert=True)
            return
        kind, _, rest = (query.data or "").partition(":")
        try:
            if kind == "ack":
                await asyncio.to_thread(self.s.tickets.acknowledge_by, who, rest, None, {"channel": "telegram"})
                await query.answer("Принято")
                await self._say(update, context, f"Обращение {rest}: принято в работу ({who.name}).")
            elif kind == "save":
                owner, result = self.pending.get(rest, ("", {}))
                if owner != who.name:
                    await query.answer("Эта запись уже сохранена или устарела.", show_alert=True)
                    return
                record = await asyncio.to_thread(self.s.records.create, who, result["form"], "telegram",
                                                 result["fields"], result.get("defects", []))
                del self.pending[rest]
                await query.answer("Сохранено")
                await self._say(update, context, f"Запись №{record.id} сохранена.")
            elif kind == "rate":
                rating, _, answer_id = rest.partition(":")
                await asyncio.to_thread(self.s.learning.rate, int(answer_id), who, 1 if rating == "up" else -1)
                await query.answer("Спасибо за оценку")
            else:
                await query.answer()
        except AzsError as exc:
            await query.answer(exc.message_ru[:190], show_alert=True)

    @staticmethod
    async def _say(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        if update.effective_chat is not None:
            await context.bot.send_message(chat_id=update.effective_chat.id, text=_cut(text))


    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.exception("telegram handler failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_message is not None:
            await update.effective_message.reply_text("Что-то пошло не так. Попробуйте ещё раз позже.")
