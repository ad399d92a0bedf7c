"""What every request passes through: security headers, client addresses behind proxies, body caps
that hold for chunked bodies, and the offline API docs. Each test reproduces an attack of the outside
probe (issue 19) and fails without its fix."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import authorize, make_settings
from tests.loopback import serve


@pytest.fixture(scope="module")
def svc(tmp_path_factory) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    services = Services(make_settings(tmp_path_factory.mktemp("hardening"), embeddings="none",
                                      ticket_rate_per_minute=3, trusted_proxies="10.0.0.0/8"))
    yield services
    services.close()


def test_every_response_carries_the_security_headers(svc: Services) -> None:
    """GIVEN a page, an API answer, an error and a static file WHEN fetched THEN each has a strict CSP
    (no inline script), no framing, nosniff and a referrer policy; HSTS only over https."""
    with TestClient(create_app(svc, background=False)) as client:
        for url in ("/login", "/api/v1/health", "/api/v1/documents", "/static/app.css", "/docs", "/complaint"):
            headers = client.get(url).headers
            csp = headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
            assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "same-origin"
            assert "strict-transport-security" not in headers
        proxied = client.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in proxied.headers  # only a trusted proxy may say https
    with TestClient(create_app(svc, background=False), client=("10.1.2.3", 4000)) as behind_proxy:
        secure = behind_proxy.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert secure.headers["strict-transport-security"].startswith("max-age=")


def test_api_docs_are_served_from_the_package(svc: Services) -> None:
    """GIVEN no network WHEN /docs is opened THEN its page and Swagger UI's assets come from this server,
    with no inline script to break under the CSP."""
    with TestClient(create_app(svc, background=False)) as client:
        page = client.get("/docs").text
        assert "cdn" not in page.lower() and "<script>" not in page
        assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
        assert client.get("/static/swagger-init.js").status_code == 200


def _complain(client: TestClient, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    form = {"text": "На колонке 3 не работает терминал", "station": "АЗС-012"}
    return client.post("/complaint", data=form, headers=headers, follow_redirects=False).status_code


def test_spoofed_forwarded_header_does_not_escape_the_rate_limit(svc: Services) -> None:
    """GIVEN a client that is not a trusted proxy WHEN it rotates X-Forwarded-For THEN its own address
    is still counted: the fourth complaint in a minute is refused."""
    with TestClient(create_app(svc, background=False), client=("198.51.100.9", 5000)) as client:
        statuses = [_complain(client, f"203.0.113.{i}") for i in range(4)]
    assert statuses[:3] == [303, 303, 303] and statuses[3] == 429


def test_customers_behind_a_trusted_proxy_are_limited_one_by_one(svc: Services) -> None:
    """GIVEN the load balancer 10.0.0.7 (AZS_TRUSTED_PROXIES=10.0.0.0/8) WHEN many customers complain
    through it THEN each is limited by their own address, not all together by the balancer's."""
    with TestClient(create_app(svc, background=False), client=("10.0.0.7", 6000)) as proxy:
        many = [_complain(proxy, f"192.0.2.{i}, 10.0.0.8") for i in range(6)]  # two proxies in the chain
        same = [_complain(proxy, "192.0.2.200") for _ in range(4)]
    assert many == [303] * 6
    assert same[:3] == [303, 303, 303] and same[3] == 429


@pytest.fixture(scope="module")
def server(svc: Services) -> Iterator[int]:
    instance, thread, port = serve(create_app(svc, background=False), proxy_headers=False)  # as `azs serve`
    yield port
    instance.should_exit = True
    thread.join(10)


def test_chunked_body_is_cut_off_at_the_limit(svc: Services, server: int) -> None:
    """GIVEN a JSON body sent chunked, with no Content-Length, of 64 MB WHEN posted to /api/v1/ask
    THEN the server answers 413 after about a megabyte instead of reading it all."""
    key, _ = svc.access.create_key("chunky", ["operator"], stations=["АЗС-012"], rate_per_minute=0)
    chunk = b'{"question": "' + b"a" * 65_000
    sent, answer = 0, b""
    with socket.create_connection(("127.0.0.1", server), timeout=10) as conn:
        conn.sendall((f"POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {key}\r\n"
                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
        try:
            for _ in range(1000):
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
                if select.select([conn], [], [], 0)[0]:
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        deadline = time.monotonic() + 10
        while b"\r\n\r\n" not in answer and time.monotonic() < deadline:
            part = conn.recv(65536)
            if not part:
                break
            answer += part
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 16 * 1024 * 1024  # refused long before the 64 MB were sent


def test_chunked_upload_through_the_test_client_gets_the_json_error(svc: Services) -> None:
    """GIVEN a streamed body over the JSON limit WHEN posted THEN the error is the usual JSON shape."""
    def body() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 65536

    with TestClient(create_app(svc, background=False)) as client:
        authorize(client, svc, roles=("admin",))
        resp = client.post("/api/v1/ask", content=body(), headers={"Content-Type": "application/json"})
    assert resp.status_code == 413 and resp.json()["error"]["code"] == "file_too_large"
    assert "слишком большой" in resp.json()["error"]["message"]


def test_a_credential_that_cannot_be_checked_is_refused_not_skipped(svc: Services) -> None:
    """GIVEN a valid X-API-Key and, beside it, an Authorization header of another scheme or a wrong
    bearer key WHEN calling THEN 401: a bad credential is never ignored in favour of a good one."""
    key, _ = svc.access.create_key("pair", ["operator"], stations=["АЗС-012"], rate_per_minute=0)
    with TestClient(create_app(svc, background=False)) as client:
        assert client.get("/api/v1/documents", headers={"X-API-Key": key}).status_code == 200
        for bad in ("Basic YWRtaW46YWRtaW4=", "Bearer azs_nope_nope"):
            resp = client.get("/api/v1/documents", headers={"X-API-Key": key, "Authorization": bad})
            assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"
