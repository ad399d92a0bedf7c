"""The Telegram bot: `azs telegram run|webhook`."""

from __future__ import annotations

from typing import Annotated

import typer

from azs_assistant.cli._common import services
from azs_assistant.errors import InvalidInput

app = typer.Typer(help="Telegram-бот: вопросы, фото бланков, подтверждение жалоб, отчёты.", no_args_is_help=True)


@app.command("run")
def telegram_run(ctx: typer.Context) -> None:
    """Запустить бота (long polling; нужен AZS_TELEGRAM_BOT_TOKEN)."""
    from azs_assistant.telegram.bot import AzsBot

    application = AzsBot(services(ctx)).application()
    typer.echo("Бот запущен (long polling). Остановка: Ctrl+C.")
    application.run_polling(drop_pending_updates=False)


@app.command("webhook")
def telegram_webhook(ctx: typer.Context,
                     url: Annotated[str, typer.Argument(help="Публичный адрес сервера, напр. https://azs.example.kz")],
                     remove: Annotated[bool, typer.Option("--remove", help="Снять вебхук (вернуться к polling).")]
                     = False) -> None:
    """Сказать Telegram, куда слать обновления: <URL>/telegram/webhook (нужен AZS_TELEGRAM_WEBHOOK_SECRET)."""
    import asyncio

    from azs_assistant.secrets import resolve_secret
    from azs_assistant.telegram.bot import AzsBot

    svc = services(ctx)
    application = AzsBot(svc).application()
    ref = svc.settings.telegram_webhook_secret
    secret = resolve_secret(ref.get_secret_value()) if ref else None
    if not remove and not secret:
        raise InvalidInput("Задайте AZS_TELEGRAM_WEBHOOK_SECRET: им Telegram подписывает запросы к вебхуку.",
                           "AZS_TELEGRAM_WEBHOOK_SECRET is not set.")
    hook = f"{url.rstrip('/')}/telegram/webhook"

    async def call() -> None:
        async with application:
            if remove:
                await application.bot.delete_webhook()
            else:
                await application.bot.set_webhook(hook, secret_token=secret)

    asyncio.run(call())
    typer.echo("Вебхук снят." if remove else f"Вебхук: {hook}")
