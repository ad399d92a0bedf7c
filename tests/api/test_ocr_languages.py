"""POST /ocr says what a person reads (the form's and fields' names, why a field or a page should be
checked) in the caller's language, by the error messages' rule: Accept-Language, or the web UI's
language cookie; the codes and the stored Russian reasons stay as they are (issue 23)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.i18n import catalogue
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.web.i18n import COOKIE
from tests.conftest import authorize

ROOT = Path(__file__).resolve().parents[2]
ACT_PHOTO = ROOT / "demo" / "knowledge_base" / "15_akt_proverki_trk_foto.jpg"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    svc = Services(Settings(data_dir=tmp_path_factory.mktemp("ocr-lang")))
    with TestClient(create_app(svc)) as c:
        authorize(c, svc)
        yield c
    svc.close()


def _blank_photo() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (800, 1100), "white").save(buf, "JPEG")
    return buf.getvalue()


def test_a_retake_reason_is_said_in_the_caller_s_language(client: TestClient) -> None:
    """GIVEN a photo with nothing on it WHEN a ru, kk or en caller (Accept-Language) sends it THEN the page
    asks for a retake with ``message`` from the OCR catalogue in that language, ``reason`` still Russian."""
    ru = catalogue("azs_assistant.ocr", "ru")["retake_empty"]
    for lang, accept in (("ru", None), ("kk", "kk-KZ,kk;q=0.9,ru;q=0.8"), ("en", "en-US,en;q=0.9")):
        headers = {"Accept-Language": accept} if accept else {}
        resp = client.post("/api/v1/ocr", files={"file": ("blank.jpg", _blank_photo(), "image/jpeg")}, headers=headers)
        assert resp.status_code == 200, resp.text
        page = resp.json()["pages"][0]
        assert page["quality"] == "retake" and page["reason"] == ru
        assert page["message"] == catalogue("azs_assistant.ocr", lang)["retake_empty"]
        assert (page["message"] == ru) == (lang == "ru")


@pytest.mark.slow  # one real OCR of the demo act photo per language (several seconds each)
def test_the_act_s_labels_and_field_reasons_are_kazakh_or_english(client: TestClient) -> None:
    """GIVEN the demo act photo WHEN a Kazakh caller (the web UI's language cookie) and an English one
    (Accept-Language) recognise it THEN the form's name, every field label and every flagged field's
    message are in their language, while codes, values and the Russian ``reason`` are unchanged."""
    photo = ACT_PHOTO.read_bytes()
    answers = {}
    for lang, cookies, headers in (("ru", {}, {}), ("kk", {COOKIE: "kk"}, {"Accept-Language": "ru"}),
                                   ("en", {}, {"Accept-Language": "en"})):
        client.cookies.clear()
        client.cookies.update(cookies)
        resp = client.post("/api/v1/ocr", files={"file": ("act.jpg", photo, "image/jpeg")}, headers=headers)
        assert resp.status_code == 200, resp.text
        answers[lang] = resp.json()
    client.cookies.clear()
    ru, kk, en = answers["ru"], answers["kk"], answers["en"]
    assert ru["form"] == kk["form"] == en["form"] == "inspection_act"
    assert kk["form_title"].startswith("Жанармай құю колонкасының") and en["form_title"] == \
        "Fuel dispenser technical inspection report"
    assert kk["field_labels"]["inspection_date"] == "Тексеру күні" and ru["field_labels"]["inspection_date"] == \
        "Дата проверки" and en["field_labels"]["inspector"] == "Inspected by"
    assert list(kk["field_labels"]) == list(ru["field_labels"]) == list(en["field_labels"])
    assert kk["fields"] == ru["fields"] == en["fields"]
    flagged = [n for n, s in ru["field_states"].items() if s["state"] != "ok"]
    assert "meter_end" in flagged and "fuel" in flagged  # missing, and a fuel grade not on the form's list
    forms = {lang: catalogue("azs_assistant.forms", lang) for lang in ("ru", "kk", "en")}
    for name in flagged:
        states = {lang: answers[lang]["field_states"][name] for lang in ("ru", "kk", "en")}
        assert states["ru"]["code"] == states["kk"]["code"] == states["en"]["code"]
        assert states["ru"]["reason"] == states["kk"]["reason"] == states["en"]["reason"]  # Russian, as before
        assert len({states[lang]["message"] for lang in states}) == 3, states
    assert kk["field_states"]["meter_end"]["message"] == forms["kk"]["fs_missing"]
    assert en["field_states"]["meter_end"]["message"] == forms["en"]["fs_missing"]
    fuel = kk["field_states"]["fuel"]
    assert fuel["code"] == "not_in_list" and fuel["message"].startswith("бланкте мұндай мән жоқ (АИ-80")
    assert "«АИ-92» болуы мүмкін" in fuel["message"] and "looks like «АИ-92»" in en["field_states"]["fuel"]["message"]
