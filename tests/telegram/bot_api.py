"""A loopback stand-in for Telegram's Bot API: answers the methods the bot calls with valid objects
and records every call, so python-telegram-bot's real HTTP client runs in the tests."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT = {"id": 4242, "is_bot": True, "first_name": "АЗС", "username": "azs_test_bot", "can_join_groups": False,
       "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass
class BotAPI:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    url: str = ""
    refused: list[str] = field(default_factory=list)  # messages Telegram would refuse to parse
    _ids: int = 100

    def sent(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        self._ids += 1
        chat = int(params.get("chat_id", 1))
        out = {"message_id": self._ids, "date": int(time.time()), "chat": {"id": chat, "type": "private"},
               "from": BOT}
        if "text" in params:
            out["text"] = params["text"]
        return out

    async def method(self, request: Request) -> Response:
        name = request.path_params["method"]
        content_type = request.headers.get("content-type", "")
        if "json" in content_type:
            params = await request.json()
        else:
            form = await request.form()
            params = {k: (v if isinstance(v, str) else f"<file {v.filename}>") for k, v in form.items()}
            for key in ("reply_markup",):
                if isinstance(params.get(key), str):
                    params[key] = json.loads(params[key])
        self.calls.append((name, params))
        problem = html_problem(str(params.get("text", ""))) if params.get("parse_mode") == "HTML" else None
        if problem:  # as Telegram does: the whole message is refused
            self.refused.append(problem)
            return JSONResponse({"ok": False, "error_code": 400,
                                 "description": f"Bad Request: can't parse entities: {problem}"}, status_code=400)
        if name == "getMe":
            result: Any = BOT
        elif name in ("sendMessage", "sendPhoto", "sendDocument"):
            result = self._message(params)
        elif name == "getFile":
            file_id = params["file_id"]
            result = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.files[file_id]),
                      "file_path": f"photos/{file_id}.jpg"}
        else:  # answerCallbackQuery, setWebhook, deleteWebhook…
            result = True
        return JSONResponse({"ok": True, "result": result})

    async def file(self, request: Request) -> Response:
        name = request.path_params["path"].rsplit("/", 1)[-1].removesuffix(".jpg")
        return Response(self.files[name], media_type="image/jpeg")


TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
                 "tg-spoiler", "span", "tg-emoji"}


def html_problem(text: str) -> str | None:
    """What Telegram's HTML parse mode would refuse in ``text``: a tag it does not support, a tag left
    open or closed out of order, a bare «<» or «&», or a message over 4096 characters."""
    from html.parser import HTMLParser

    if len(text) > 4096:
        return "message is too long"
    if re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        return "bare '&'"
    problems: list[str] = []
    stack: list[str] = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag not in TELEGRAM_TAGS:
                problems.append(f"unsupported start tag {tag!r}")
            stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if not stack or stack.pop() != tag:
                problems.append(f"can't find end tag corresponding to start tag {tag!r}")

    checker = Checker(convert_charrefs=True)
    checker.feed(text)
    checker.close()
    if re.search(r"<(?![a-zA-Z/])", text):
        problems.append("bare '<'")
    if stack:
        problems.append(f"unclosed tag {stack[-1]!r}")
    return problems[0] if problems else None


def start(api: BotAPI) -> tuple[uvicorn.Server, threading.Thread]:
    from tests.loopback import serve

    server, thread, port = serve(Starlette(routes=[
        Route("/bot{token}/{method}", api.method, methods=["POST", "GET"]),
        Route("/file/bot{token}/{path:path}", api.file, methods=["GET"])]))
    api.url = f"http://127.0.0.1:{port}"
    return server, thread
