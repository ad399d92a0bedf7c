"""Serve an ASGI app on a free loopback port in a background thread (for test doubles)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


def serve(app: Any, port: int = 0, **config: Any) -> tuple[uvicorn.Server, threading.Thread, int]:
    """Start ``app`` (``config``: more uvicorn.Config options) on ``port`` (0: a free one; a port given again
    brings a stopped server back where its clients look for it); returns the server, its thread and port."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    return server, thread, port
