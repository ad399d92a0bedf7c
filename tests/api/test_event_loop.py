"""No request blocks the event loop: a slow database call in one request must not hold up the others.

Route handlers that only call the (synchronous) services are plain ``def`` (FastAPI runs them in its
thread pool); the few that must read a body asynchronously hand every service call to the pool.
"""

from __future__ import annotations

import ast
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.loopback import serve

SRC = Path(__file__).resolve().parents[2] / "src" / "azs_assistant"
# Handlers that read an upload or a form with ``await`` and pass every service call to the thread pool.
ASYNC_ON_PURPOSE = {"upload", "ocr", "import_incidents", "import_stations", "stations_import", "webhook",
                    "complaint_submit", "customer_reply", "login", "docs"}
SLOW = 1.5


def _route_handlers() -> Iterator[tuple[str, ast.AsyncFunctionDef]]:
    for path in [*(SRC / "api").rglob("*.py"), *(SRC / "web").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.AsyncFunctionDef) and any(
                    isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                    and d.func.attr in ("get", "post", "put", "delete", "patch") for d in node.decorator_list):
                yield f"{path.relative_to(SRC)}:{node.name}", node


def test_async_route_handlers_are_only_those_that_must_await_a_body() -> None:
    """A new ``async def`` route that calls the services directly would block every other user."""
    unexpected = [where for where, node in _route_handlers() if node.name not in ASYNC_ON_PURPOSE]
    assert not unexpected, f"make these plain def (or pass the work to the thread pool): {unexpected}"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Services, str]]:  # type: ignore[no-untyped-def]
    svc = Services(make_settings(tmp_path_factory.mktemp("loop"), embeddings="none"))
    key, _ = svc.access.create_key("loop", ["admin"], stations=["*"], rate_per_minute=0)
    instance, thread, port = serve(create_app(svc, background=False))
    yield f"http://127.0.0.1:{port}", svc, key
    instance.should_exit = True
    thread.join(10)
    svc.close()


def _slow(real):  # type: ignore[no-untyped-def]
    def call(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(SLOW)  # as a database under load would
        return real(*args, **kwargs)

    return call


@pytest.mark.parametrize(("target", "url"), [
    ("jargon.entries", "/api/v1/jargon"),
    ("documents.visible_to", "/api/v1/documents"),
    ("access.audit_search", "/api/v1/audit"),
    ("access.key_principal", "/api/v1/jargon"),  # the sign-in lookup every authenticated request makes
])
def test_a_slow_request_does_not_hold_up_health(server, monkeypatch, target, url) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a request whose service call takes 1.5 s WHEN health is asked meanwhile THEN it answers at once."""
    base, svc, key = server
    member, name = target.split(".")
    owner = getattr(svc, member)
    monkeypatch.setattr(owner, name, _slow(getattr(owner, name)))
    slow = threading.Thread(target=lambda: httpx.get(base + url, headers={"X-API-Key": key}, timeout=10))
    slow.start()
    time.sleep(0.3)  # the slow request is now inside its service call
    started = time.monotonic()
    health = httpx.get(base + "/api/v1/health", timeout=10)
    waited = time.monotonic() - started
    slow.join()
    assert health.status_code == 200
    assert waited < SLOW / 2, f"health waited {waited:.2f} s behind {url}: the event loop was blocked"
