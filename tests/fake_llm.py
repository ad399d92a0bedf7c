"""A scripted OpenAI-compatible server on loopback: a test double for the protocol only.

Each chat request takes the next scripted reply: text (whole or streamed), an HTTP error, a delay
longer than the client's timeout, or a broken stream. Requests are recorded for assertions.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    delay: float = 0.0
    break_stream: bool = False


@dataclass
class ScriptedLLM:
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    # answers by the request instead of in order (concurrent map calls of a summary)
    handler: Callable[[dict[str, Any]], Reply] | None = None

    def script(self, *replies: Reply) -> None:
        self.replies[:] = list(replies)
        self.handler = None

    async def chat(self, request: Request):  # type: ignore[no-untyped-def]
        body = await request.json()
        self.requests.append(body)
        if self.handler is not None:
            reply = self.handler(body)
        else:
            reply = self.replies.pop(0) if self.replies else Reply("В базе знаний нет ответа на этот вопрос.")
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            return JSONResponse({"error": {"message": "scripted failure"}}, status_code=reply.status)
        if not body.get("stream"):
            return JSONResponse({"id": "x", "object": "chat.completion", "model": body["model"],
                                 "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text},
                                              "finish_reason": "stop"}]})

        async def events():  # type: ignore[no-untyped-def]
            words = reply.text.split(" ")
            for i, word in enumerate(words):
                if reply.break_stream and i == len(words) // 2:
                    yield "data: {not json\n\n"
                    return
                chunk = {"choices": [{"index": 0, "delta": {"content": word + (" " if i < len(words) - 1 else "")}}]}
                yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")


def start(llm: ScriptedLLM, port: int = 0) -> tuple[uvicorn.Server, threading.Thread]:
    """Serve ``llm`` on ``port`` (0: a free one); stop it with ``server.should_exit = True`` and a join."""
    from tests.loopback import serve

    server, thread, port = serve(Starlette(routes=[Route("/v1/chat/completions", llm.chat, methods=["POST"])]),
                                 port)
    llm.url = f"http://127.0.0.1:{port}/v1"
    return server, thread


@contextmanager
def running(fake: ScriptedLLM | None = None) -> Iterator[ScriptedLLM]:
    """A scripted server for the duration of a ``with`` block (or a fixture that yields it)."""
    fake = fake or ScriptedLLM()
    server, thread = start(fake)
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(5)
