"""Telegram updates by webhook (when AZS_TELEGRAM_WEBHOOK_SECRET is set; otherwise `azs telegram run`
polls). Telegram signs each request with the secret in X-Telegram-Bot-Api-Secret-Token."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from fastapi import APIRouter, Request

from azs_assistant.errors import Forbidden, NotFound
from azs_assistant.http.deps import ServicesDep
from azs_assistant.secrets import resolve_secret

router = APIRouter(tags=["telegram"], include_in_schema=False)
_lock = asyncio.Lock()


@router.post("/telegram/webhook")
async def webhook(request: Request, svc: ServicesDep) -> dict[str, Any]:
    ref = svc.settings.telegram_webhook_secret
    secret = resolve_secret(ref.get_secret_value()) if ref else None
    if not secret:
        raise NotFound("Вебхук Telegram не включён.", "Telegram webhook is off.")
    sent = request.headers.get("x-telegram-bot-api-secret-token", "")
    if not secrets.compare_digest(sent, secret):
        raise Forbidden("Неверная подпись запроса Telegram.", "Bad Telegram secret token.")
    from telegram import Update

    async with _lock:
        application = getattr(request.app.state, "telegram", None)
        if application is None:
            from azs_assistant.telegram.bot import AzsBot

            application = AzsBot(svc).application()
            await application.initialize()
            request.app.state.telegram = application
    update = Update.de_json(await request.json(), application.bot)
    await application.process_update(update)
    return {"ok": True}
