"""A loopback stand-in for Telegram's Bot API: answers the methods the bot calls with valid objects
and records every call, so python-telegram-bot's real HTTP client runs in the tests."""

from __future__ import annotations

import json
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


def start(api: BotAPI) -> tuple[uvicorn.Server, threading.Thread]:
    from tests.loopback import serve

    server, thread, port = serve(Starlette(routes=[
        Route("/bot{token}/{method}", api.method, methods=["POST", "GET"]),
        Route("/file/bot{token}/{path:path}", api.file, methods=["GET"])]))
    api.url = f"http://127.0.0.1:{port}"
    return server, thread
