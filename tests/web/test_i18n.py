"""The web UI speaks Russian, Kazakh and English from message catalogues; the choice is remembered."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import make_settings

CATALOGUES = Path(__file__).resolve().parents[2] / "src" / "azs_assistant" / "web" / "i18n"


def test_catalogues_have_the_same_keys_and_no_empty_texts() -> None:
    ru = yaml.safe_load((CATALOGUES / "ru.yaml").read_text("utf-8"))
    for code in ("kk", "en"):
        other = yaml.safe_load((CATALOGUES / f"{code}.yaml").read_text("utf-8"))
        assert set(other) == set(ru), code
        assert all(str(v).strip() for v in other.values())


def test_language_switch_on_pages(tmp_path: Path) -> None:
    svc = Services(make_settings(tmp_path, embeddings="none"))
    svc.access.add_user("aigerim", "пароль-оператора-1", ["operator"], stations=["АЗС-012"])
    try:
        with TestClient(create_app(svc, background=False)) as web:
            assert "Войти" in web.get("/login").text
            assert "Sign in" in web.get("/login", headers={"accept-language": "en-US,en;q=0.9"}).text
            switched = web.get("/lang/kk", headers={"referer": "http://testserver/login"}, follow_redirects=False)
            assert switched.status_code == 303 and switched.headers["location"] == "/login"
            page = web.get("/login")
            assert "Құпиясөз" in page.text and '<html lang="kk">' in page.text
            web.post("/login", data={"username": "aigerim", "password": "пароль-оператора-1"})
            chat = web.get("/").text
            assert "Сұрақ" in chat and "Сұрау" in chat
            assert re.search(r'placeholder="Сұрағыңыз…"', chat)
            import json

            def script_texts(html: str) -> dict[str, str]:  # the scripts' texts travel with the page
                return json.loads(re.search(r'<script id="i18n" type="application/json">(.*?)</script>', html,
                                            re.S).group(1))

            assert script_texts(chat)["js_useful"] == "Пайдалы жауап"
            for path in ("/documents", "/profile"):
                page = web.get(path).text
                assert script_texts(page)["js_error"] == "Қате"
                assert not re.search(r">\s*(Документы базы знаний|Получить код)", page)
            assert "Send" in web.get("/complaint", params={"lang": "en"}).text
            # the language chosen on the site (its cookie, here Kazakh) holds on the customer form too; it followed
            # the browser's alone
            assert 'lang="kk"' in web.get("/complaint", headers={"Accept-Language": "en"}).text
    finally:
        svc.close()


def test_kk_customer_errors_on_the_complaint_pages_are_kazakh_only() -> None:
    """A Kazakh customer reads an error in Kazakh: the raise site's text, the desk's customer wording for
    the code, else the code's Kazakh summary alone, never the Russian detail staff see after it."""
    from azs_assistant.errors import AzsError, Busy, FileTooLarge, InvalidInput, summary
    from azs_assistant.web.tickets_views import customer_error

    assert customer_error(InvalidInput("Пусто.", message_kk="Бос."), "kk") == "Бос."
    assert customer_error(FileTooLarge("Запрос слишком большой."), "kk").startswith("Фото тым үлкен")
    assert customer_error(Busy("База данных занята, повторите."), "kk") == "Жүйе бос емес: сәлден соң қайталаңыз."
    assert customer_error(AzsError("Что-то пошло не так."), "kk") == "Қате."
    assert customer_error(Busy("База данных занята, повторите."), "ru") == "База данных занята, повторите."
    assert customer_error(Busy("База данных занята, повторите."), "en") == f"{summary('busy', 'en')}."
    assert customer_error(InvalidInput("Пусто.", "Empty."), "en") == "Empty."
