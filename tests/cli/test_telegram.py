"""`azs telegram webhook`: python-telegram-bot's real HTTP client against the loopback Bot API double
(tests/telegram/bot_api.py); `azs telegram run` is long polling and is exercised only for its refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cli.conftest import Azs
from tests.telegram.bot_api import BotAPI, start


@pytest.fixture(scope="module")
def api() -> Iterator[BotAPI]:
    fake = BotAPI()
    server, thread = start(fake)
    yield fake
    server.should_exit = True
    thread.join(5)


def test_webhook_is_set_with_the_secret_and_removed(azs: Azs, api: BotAPI) -> None:
    env = {"AZS_TELEGRAM_BOT_TOKEN": "123:TEST", "AZS_TELEGRAM_API_BASE": api.url,
           "AZS_TELEGRAM_WEBHOOK_SECRET": "env:HOOK_SECRET", "HOOK_SECRET": "hook-secret"}
    out = azs("telegram", "webhook", "https://azs.example.kz/", env=env)
    assert out.exit_code == 0, out.output
    assert out.stdout.strip() == "Вебхук: https://azs.example.kz/telegram/webhook"
    [params] = api.sent("setWebhook")
    assert params["url"] == "https://azs.example.kz/telegram/webhook" and params["secret_token"] == "hook-secret"

    removed = azs("telegram", "webhook", "https://azs.example.kz", "--remove", env=env)
    assert removed.exit_code == 0 and removed.stdout.strip() == "Вебхук снят."
    assert len(api.sent("deleteWebhook")) == 1


def test_webhook_without_a_secret_is_refused_before_telegram_is_called(azs: Azs, api: BotAPI) -> None:
    calls = len(api.calls)
    out = azs("telegram", "webhook", "https://azs.example.kz",
              env={"AZS_TELEGRAM_BOT_TOKEN": "123:TEST", "AZS_TELEGRAM_API_BASE": api.url})
    assert out.exit_code == 2 and "AZS_TELEGRAM_WEBHOOK_SECRET" in out.stderr
    assert len(api.calls) == calls


def test_bot_without_a_token_says_what_to_set(azs: Azs) -> None:
    for command in (("telegram", "run"), ("telegram", "webhook", "https://azs.example.kz")):
        out = azs(*command)
        assert out.exit_code == 78 and "AZS_TELEGRAM_BOT_TOKEN" in out.stderr and "Traceback" not in out.output
