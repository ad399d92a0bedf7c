"""Typed errors in the user's language (issue 23): every error code has a summary in ru, kk and en; web
pages show the error in the page's language; the API's error body carries all three and picks
``message`` by Accept-Language."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.errors import SUMMARIES, AzsError, NotFound
from azs_assistant.services import Services
from tests.conftest import make_settings

# the modules that define AzsError subclasses beside their services
MODULES = ["azs_assistant.errors", "azs_assistant.incidents.sources", "azs_assistant.reports.parse",
           "azs_assistant.reports.schedule", "azs_assistant.ocr.engine"]
KAZAKH = re.compile(r"[әғқңөұүһі]")


def _all_error_classes() -> list[type[AzsError]]:
    for name in MODULES:
        importlib.import_module(name)
    found, todo = [], [AzsError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_error_code_has_a_summary_in_russian_kazakh_and_english() -> None:
    codes = {cls.code for cls in _all_error_classes() if cls.__module__.startswith("azs_assistant.")}
    assert len(codes) >= 27
    assert codes <= set(SUMMARIES), codes - set(SUMMARIES)
    for code, (ru, kk, en) in SUMMARIES.items():
        assert ru.strip() and kk.strip() and en.strip(), code
        assert re.search(r"[а-яё]", ru, re.I) and not re.search(r"[а-яё]", en, re.I), code
        assert not KAZAKH.search(ru.lower()), code
        assert kk != ru, code  # «Табылмады» has no letter of Kazakh's own: a copied Russian text would
    assert KAZAKH.search(" ".join(kk for _, kk, _ in SUMMARIES.values()).lower())


def test_a_kazakh_user_gets_the_kazakh_summary_and_the_russian_detail_where_no_kazakh_was_written() -> None:
    error = NotFound("Заявка T-9 не найдена.", "Ticket T-9 not found.")
    assert error.message("kk") == "Табылмады — Заявка T-9 не найдена."
    assert error.messages() == {"ru": "Заявка T-9 не найдена.", "kk": "Табылмады — Заявка T-9 не найдена.",
                                "en": "Ticket T-9 not found."}


@pytest.fixture
def web(tmp_path: Path) -> Iterator[TestClient]:
    svc = Services(make_settings(tmp_path, embeddings="none"))
    app = create_app(svc, background=False)

    @app.get("/api/v1/test-missing")
    def missing() -> None:
        raise NotFound("Документ не найден.", "Document not found.", message_kk="Құжат табылмады.", document="x")

    @app.get("/api/v1/test-number")
    def number(n: int) -> int:
        return n

    with TestClient(app) as client:
        yield client
    svc.close()


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "Документ не найден."), ("kk", "Құжат табылмады."), ("kk-KZ,kk;q=0.9,ru;q=0.8", "Құжат табылмады."),
    ("en-US,en;q=0.9", "Document not found."), ("de", "Документ не найден.")])
def test_api_error_message_follows_accept_language_and_carries_all_three(web: TestClient, accept: str | None,
                                                                          expected: str) -> None:
    headers = {"accept-language": accept} if accept else {}
    error = web.get("/api/v1/test-missing", headers=headers).json()["error"]
    assert error["code"] == "not_found" and error["message"] == expected
    assert error["message_kk"] == "Құжат табылмады." and error["message_en"] == "Document not found."
    # the fields of the clients written before message_kk/message_en
    assert error["details"] == {"document": "x", "message_en": "Document not found."}


def test_the_web_ui_s_own_api_calls_get_errors_in_the_page_language(web: TestClient) -> None:
    """The pages' scripts show ``error.message``: the language cookie wins over the browser's header."""
    web.cookies.set("azs_lang", "kk")
    error = web.get("/api/v1/test-missing", headers={"accept-language": "ru-RU,ru;q=0.9"}).json()["error"]
    assert error["message"] == "Құжат табылмады."


def test_api_errors_outside_the_typed_family_are_translated_too(web: TestClient) -> None:
    unknown = web.get("/api/v1/no-such-thing", headers={"accept-language": "kk"}).json()["error"]
    assert (unknown["message"], unknown["message_en"]) == ("Табылмады.", "Not found.")
    invalid = web.get("/api/v1/test-number", params={"n": "x"}, headers={"accept-language": "en"}).json()["error"]
    assert invalid["code"] == "invalid_input" and invalid["message"] == "Invalid request: field «n»: a whole number."
    assert invalid["message_kk"] == "Сұраныс қате: «n» өрісі — бүтін сан болуы керек." and invalid["details"]["fields"]
    big = web.post("/api/v1/tickets", content=b"{" + b" " * 3_000_000 + b"}",
                   headers={"content-type": "application/json", "accept-language": "kk"})
    assert big.status_code == 413 and big.json()["error"]["message"].startswith("Сұраныс тым үлкен: ең көбі")


@pytest.mark.parametrize(("lang", "expected"), [("ru", "Пустое обращение: опишите, что случилось."),
                                                ("kk", "Өтініш бос: не болғанын жазыңыз."),
                                                ("en", "The complaint is empty: describe what happened.")])
def test_the_complaint_form_says_its_error_in_the_form_language(web: TestClient, lang: str, expected: str) -> None:
    page = web.post("/complaint", data={"text": "  ", "lang": lang})
    assert page.status_code == 422 and expected in page.text


@pytest.mark.parametrize(("lang", "expected"), [("kk", "Өтініш табылмады: сілтемені тексеріңіз."),
                                                ("en", "Ticket not found: check the link.")])
def test_an_error_page_is_in_the_page_language(web: TestClient, lang: str, expected: str) -> None:
    page = web.get("/t/T-000999", params={"k": "wrong", "lang": lang}, headers={"accept": "text/html"})
    assert page.status_code == 404 and expected in page.text and "Обращение не найдено" not in page.text
