"""Errors as a browser sees them (issue 23): an HTML page in the person's language for a page
request, the one JSON error shape for the API and for clients that do not ask for HTML."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import make_settings

CATALOGUES = Path(__file__).resolve().parents[2] / "src" / "azs_assistant" / "web" / "i18n"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_part_catalogues_have_the_same_keys_in_every_language() -> None:
    for part in (p for p in CATALOGUES.iterdir() if p.is_dir()):
        ru = yaml.safe_load((part / "ru.yaml").read_text("utf-8"))
        for code in ("kk", "en"):
            other = yaml.safe_load((part / f"{code}.yaml").read_text("utf-8"))
            assert set(other) == set(ru), (part.name, code, set(ru) ^ set(other))
            assert all(str(v).strip() for v in other.values())


def test_unknown_url_is_a_page_for_a_browser_and_json_for_the_api(tmp_path: Path) -> None:
    """GIVEN an unknown URL WHEN a browser opens it THEN it gets a 404 page in its language with a way
    home; an API client gets the JSON error."""
    svc = Services(make_settings(tmp_path, embeddings="none"))
    try:
        with TestClient(create_app(svc, background=False)) as web:
            page = web.get("/no-such-page", headers=BROWSER)
            assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
            assert "Страница не найдена" in page.text and 'href="/"' in page.text
            assert '"error"' not in page.text
            english = web.get("/no-such-page", headers={**BROWSER, "accept-language": "en"})
            assert "Page not found" in english.text
            kazakh = web.get("/no-such-page?lang=kk", headers=BROWSER)
            assert "Бет табылмады" in kazakh.text
            api = web.get("/api/v1/no-such-thing", headers=BROWSER)
            assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
            plain = web.get("/no-such-page")
            assert plain.json()["error"]["code"] == "not_found"
    finally:
        svc.close()


def test_a_page_not_found_keeps_the_signed_in_menu(tmp_path: Path) -> None:
    """GIVEN an admin signed in WHEN they open an address no page answers THEN the 404 page's menu is theirs
    (admin links, «Выйти»), not a signed-out one (a walk in the browser saw the signed-out menu)."""
    svc = Services(make_settings(tmp_path, embeddings="none"))
    svc.access.add_user("boss", "пароль-админа-1", ["admin"])
    try:
        with TestClient(create_app(svc, background=False)) as web:
            assert "/admin/users" not in web.get("/admin/no-such-page", headers=BROWSER).text  # signed out
            web.post("/login", data={"username": "boss", "password": "пароль-админа-1"})
            page = web.get("/admin/no-such-page", headers=BROWSER)
            assert page.status_code == 404 and "Страница не найдена" in page.text
            assert 'href="/admin/users"' in page.text and 'id="logout"' in page.text
    finally:
        svc.close()


def test_a_server_error_is_a_page_for_a_browser(tmp_path: Path) -> None:
    """GIVEN a page that fails inside WHEN a browser opens it THEN it gets a 500 page that says to retry,
    without the traceback; an API client gets the JSON error."""
    svc = Services(make_settings(tmp_path, embeddings="none"))
    app = create_app(svc, background=False)

    @app.get("/broken")
    def broken() -> None:
        raise RuntimeError("secret internals")

    try:
        with TestClient(app, raise_server_exceptions=False) as web:
            page = web.get("/broken", headers=BROWSER)
            assert page.status_code == 500 and "Внутренняя ошибка" in page.text
            assert "secret internals" not in page.text and "Traceback" not in page.text
            assert web.get("/broken").json()["error"]["code"] == "internal_error"
    finally:
        svc.close()


def test_every_page_names_its_icon_so_the_browser_asks_no_missing_favicon(tmp_path: Path) -> None:
    """GIVEN the login page WHEN a browser reads it THEN it names the site's icon, which is served (a
    browser asks /favicon.ico, a 404 in the log, only when a page names none)."""
    svc = Services(make_settings(tmp_path, embeddings="none"))
    try:
        with TestClient(create_app(svc, background=False)) as web:
            page = web.get("/login", headers=BROWSER)
            assert '<link rel="icon" href="/static/favicon.svg"' in page.text
            icon = web.get("/static/favicon.svg")
            assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    finally:
        svc.close()
