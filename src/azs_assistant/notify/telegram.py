"""Telegram's Bot API behind one small module: the token (a secret reference), the API address,
timeouts, a retry when Telegram asks to slow down, and a startup check.

The notifier sends through ``TelegramClient`` (plain HTTPS calls, from its worker thread); the bot
builds its python-telegram-bot ``Application`` with ``TelegramClient.application_builder()``, so
both reach the same server with the same token and timeouts.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from azs_assistant.errors import ConfigError
from azs_assistant.notify.registry import DeliveryError, Message, register
from azs_assistant.secrets import resolve_secret
from azs_assistant.settings import Settings

if TYPE_CHECKING:
    from telegram.ext import ApplicationBuilder

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0
MAX_RETRY_AFTER_S = 5.0  # a longer «retry after» is left to the caller's own retry schedule
TEXT_LIMIT = 4000
CAPTION_LIMIT = 1000


class TelegramClient:
    """Calls to the Bot API; every failure is a ``DeliveryError`` that never shows the token."""

    def __init__(self, settings: Settings, http: httpx.Client | None = None) -> None:
        self.settings = settings
        self._http = http

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(timeout=httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S))
        return self._http

    @property
    def base(self) -> str:
        return self.settings.telegram_api_base.rstrip("/")

    def token(self) -> str | None:
        """The bot token, resolved from its secret reference at each call (so it may rotate)."""
        ref = self.settings.telegram_bot_token
        return resolve_secret(ref.get_secret_value()) if ref else None

    def _url(self, method: str) -> str:
        token = self.token()
        if not token:
            raise DeliveryError("Telegram не настроен (AZS_TELEGRAM_BOT_TOKEN)")
        return f"{self.base}/bot{token}/{method}"

    def call(self, method: str, *, json: dict[str, Any] | None = None, data: dict[str, Any] | None = None,
             files: dict[str, Any] | None = None) -> Any:
        """One Bot API method; a 429 with a short «retry_after» is waited out once."""
        for attempt in (1, 2):
            try:
                response = self.http.post(self._url(method), json=json, data=data, files=files)
                body = response.json() if response.headers.get("content-type", "").startswith("application/json") \
                    else {}
            except httpx.HTTPError as exc:
                raise DeliveryError(f"Telegram: {type(exc).__name__}") from exc  # the URL holds the token
            wait = (body.get("parameters") or {}).get("retry_after") if isinstance(body, dict) else None
            if response.status_code == 429 and attempt == 1 and isinstance(wait, int | float) \
                    and wait <= MAX_RETRY_AFTER_S:
                time.sleep(wait)
                continue
            if response.status_code != 200 or not body.get("ok"):
                raise DeliveryError(f"Telegram ответил {response.status_code}: "
                                    f"{str(body.get('description', ''))[:200]}")
            return body.get("result")
        raise AssertionError("unreachable")

    def send_message(self, chat_id: str, text: str, ack: str | None = None) -> None:
        payload: dict[str, Any] = {"chat_id": chat_id, "text": text[:TEXT_LIMIT], "disable_web_page_preview": True}
        if ack:  # the bot's «Принято» button acknowledges the ticket
            payload["reply_markup"] = {"inline_keyboard": [[{"text": "Принято", "callback_data": f"ack:{ack}"}]]}
        self.call("sendMessage", json=payload)

    def send_document(self, chat_id: str, path: Path, caption: str) -> None:
        self.call("sendDocument", data={"chat_id": chat_id, "caption": caption[:CAPTION_LIMIT]},
                  files={"document": (path.name, path.read_bytes())})

    def check(self) -> str:
        """Startup check: the token works and the server answers; returns the bot's @username."""
        me = self.call("getMe")
        return str(me.get("username", "")) if isinstance(me, dict) else ""

    def application_builder(self) -> ApplicationBuilder:  # type: ignore[type-arg]
        """A python-telegram-bot builder for the bot, with this client's token, server and timeouts."""
        from telegram.ext import Application  # lazily: only the bot needs python-telegram-bot

        token = self.token()
        if not token:
            raise ConfigError("Бот не настроен: задайте AZS_TELEGRAM_BOT_TOKEN (ссылкой на секрет).",
                              "AZS_TELEGRAM_BOT_TOKEN is not set.")
        return (Application.builder().token(token).base_url(f"{self.base}/bot")
                .base_file_url(f"{self.base}/file/bot").connect_timeout(CONNECT_TIMEOUT_S)
                .read_timeout(READ_TIMEOUT_S))

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


@register("telegram")
class TelegramChannel:
    name = "telegram"

    def __init__(self, settings: Settings, http: httpx.Client | None = None) -> None:
        self.client = TelegramClient(settings, http)

    def send(self, target: str, message: Message) -> None:
        self.client.send_message(target, message.body, ack=message.ack)
        for path in message.files:
            self.client.send_document(target, path, path.name)
