"""Notification channels register by name; Telegram is reached through one client."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from azs_assistant.errors import ConfigError
from azs_assistant.notify import DeliveryError, Message, build_channels, channel_names
from azs_assistant.notify.telegram import TelegramClient
from azs_assistant.settings import Settings


def _settings(tmp_path: Path, **kw: object) -> Settings:
    return Settings(data_dir=tmp_path, telegram_api_base="http://telegram.test", **kw)  # type: ignore[arg-type]


def _client(tmp_path: Path, handler, **kw: object) -> TelegramClient:  # type: ignore[no-untyped-def]
    return TelegramClient(_settings(tmp_path, **kw), httpx.Client(transport=httpx.MockTransport(handler)))


def test_channels_are_registered_once_each(tmp_path: Path) -> None:
    assert channel_names() == ("email", "telegram", "webhook")
    with httpx.Client() as http:
        assert set(build_channels(_settings(tmp_path), http)) == {"email", "telegram", "webhook"}


def test_startup_check_names_the_bot_and_the_token_stays_out_of_errors(tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/getMe"):
            return httpx.Response(200, json={"ok": True, "result": {"id": 1, "username": "azs_bot"}})
        raise httpx.ConnectError("down")

    client = _client(tmp_path, handler, telegram_bot_token="123:SECRET")
    assert client.check() == "azs_bot"
    with pytest.raises(DeliveryError) as err:
        client.send_message("42", "текст")
    assert "SECRET" not in str(err.value)
    assert seen == ["/bot123:SECRET/getMe", "/bot123:SECRET/sendMessage"]


def test_a_short_retry_after_is_waited_out_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("azs_assistant.notify.telegram.time.sleep", lambda s: None)
    answers = [httpx.Response(429, json={"ok": False, "description": "Too Many Requests",
                                         "parameters": {"retry_after": 1}}),
               httpx.Response(200, json={"ok": True, "result": {"message_id": 1}})]
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return answers.pop(0)

    _client(tmp_path, handler, telegram_bot_token="t").send_message("42", "Жалоба", ack="Ж-1")
    assert len(bodies) == 2
    assert bodies[0]["reply_markup"] == {"inline_keyboard": [[{"text": "Принято", "callback_data": "ack:Ж-1"}]]}


def test_without_a_token_the_notifier_and_the_bot_say_what_to_set(tmp_path: Path) -> None:
    client = _client(tmp_path, lambda r: httpx.Response(500))
    with pytest.raises(DeliveryError, match="AZS_TELEGRAM_BOT_TOKEN"):
        client.send_message("42", "x")
    with pytest.raises(ConfigError):
        client.application_builder()


def test_webhook_posts_the_messages_json(tmp_path: Path) -> None:
    posted: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(request.content)
        return httpx.Response(204)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        hook = build_channels(_settings(tmp_path), http)["webhook"]
        hook.send("http://hook.test/x", Message("s", "b", payload={"event": "ticket.new"}))
    assert json.loads(posted[0]) == {"event": "ticket.new"}
