"""Complaints through HTTP: the JSON intake for other systems, the public form with a photo, the
customer's status link, the staff pages, bad input, and the per-address rate limit."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.api.test_api import assert_error
from tests.conftest import authorize, make_settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    svc = Services(make_settings(tmp_path, ticket_rate_per_minute=5))
    with TestClient(create_app(svc, background=False)) as c:
        authorize(c, svc)
        yield c
    svc.close()


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buf, "JPEG")
    return buf.getvalue()


def test_intake_status_link_and_staff_changes(client: TestClient) -> None:
    resp = client.post("/api/v1/tickets", json={"text": "Списали деньги дважды за одну заправку, АЗС-007",
                                                "contact": "+7 777 000 11 22", "channel": "mobile_app"})
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert (created["category"], created["department"], created["status"]) == ("payment", "finance", "new")
    number, token = created["number"], created["token"]
    assert created["status_url"].endswith(f"/t/{number}?k={token}")

    public = client.get(f"/api/v1/tickets/{number}/public", params={"k": token}).json()
    assert public["status"] == "new" and "contact" not in public and "text" not in public
    assert_error(client.get(f"/api/v1/tickets/{number}/public", params={"k": "nope"}), 404, "not_found")

    moved = client.post(f"/api/v1/tickets/{number}/status", json={"status": "in_progress", "actor": "fin"})
    assert moved.status_code == 200
    assert client.post(f"/api/v1/tickets/{number}/comments",
                       json={"text": "Деньги вернём за 3 дня", "public": True, "actor": "fin"}).status_code == 201
    assert_error(client.post(f"/api/v1/tickets/{number}/assign", json={"department": "nowhere"}), 422,
                 "invalid_input")
    assert_error(client.post(f"/api/v1/tickets/{number}/status", json={"status": "in_progress"}), 409, "conflict")
    full = client.get(f"/api/v1/tickets/{number}").json()
    assert [h["kind"] for h in full["history"]] == ["created", "classified", "routed", "status", "comment"]
    page = client.get(f"/t/{number}", params={"k": token})
    assert page.status_code == 200 and "Деньги вернём за 3 дня" in page.text and "в работе" in page.text

    queue = client.get("/api/v1/tickets", params={"department": "finance"}).json()
    assert [t["number"] for t in queue["tickets"]] == [number]
    assert client.get("/tickets").status_code == 200
    staff = client.post(f"/tickets/{number}/status", data={"status": "resolved"}, follow_redirects=False)
    assert staff.status_code == 303
    assert client.get(f"/api/v1/tickets/{number}").json()["status"] == "resolved"


def test_public_form_in_kazakh_with_a_photo(client: TestClient) -> None:
    form = client.get("/complaint", params={"lang": "kk"})
    assert form.status_code == 200 and "Шағым немесе ұсыныс" in form.text
    resp = client.post("/complaint", data={"text": "Колонка 2 істемейді, неделю уже стоит", "station": "АЗС 3",
                                           "contact": "a@b.kz", "lang": "kk"},
                       files={"photo": ("chek.jpg", _jpeg(), "image/jpeg")})
    assert resp.status_code == 200 and resp.history[0].status_code == 303, resp.text  # post/redirect/get
    number = re.search(r'id="ticket-number">(T-\d+)<', resp.text).group(1)
    link = re.search(r'id="status-link" href="([^"]+)"', resp.text).group(1)
    assert "Өтінішіңіз қабылданды" in resp.text
    # what happens next: by when, and where the answer comes (the contact was given)
    assert re.search(r'id="ticket-next">Өтініш жауапты бөлімге жіберілді; \d\d\.\d\d\.\d{4} \d\d:\d\d дейін', resp.text)
    assert "сіз көрсеткен байланысқа" in resp.text
    ticket = client.get(f"/api/v1/tickets/{number}").json()
    assert ticket["has_photo"] and ticket["station"] == "АЗС-003" and ticket["language"] == "kk"
    assert client.get(f"/api/v1/tickets/{number}/photo").content[:2] == b"\xff\xd8"
    assert link.startswith("http://testserver/t/")  # AZS_PUBLIC_BASE_URL unset: the request's own address
    assert client.get(link.replace("http://testserver", "")).status_code == 200


def test_bad_input_gets_clear_answers_and_html_stays_text(client: TestClient) -> None:
    assert_error(client.post("/api/v1/tickets", json={"text": "   "}), 422, "invalid_input")
    big = client.post("/api/v1/tickets", content=json.dumps({"text": "я" * 1_000_000}),
                      headers={"content-type": "application/json"})
    assert_error(big, 413, "file_too_large")
    assert_error(client.post("/api/v1/tickets", json={"text": "x" * 6000}), 422, "invalid_input")
    assert_error(client.post("/api/v1/tickets", content=b"{not json", headers={"content-type": "application/json"}),
                 422, "invalid_input")
    not_photo = client.post("/complaint", data={"text": "грязно"},
                            files={"photo": ("a.jpg", b"MZ\x90\x00", "image/jpeg")})
    assert not_photo.status_code == 415 and "не похож на фото" in not_photo.text

    hostile = "<script>alert('x')</script> <img src=x onerror=alert(1)> недолив"
    number = client.post("/api/v1/tickets", json={"text": hostile}).json()["number"]
    page = client.get(f"/tickets/{number}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    assert "<img src=x" not in client.get("/tickets").text
    assert client.get("/api/v1/tickets").json()["count"] == 1  # the refused ones were not stored


def test_flood_from_one_address_is_limited(client: TestClient) -> None:
    codes = [client.post("/api/v1/tickets", json={"text": f"Грязно в туалете {i}"}).status_code for i in range(7)]
    assert codes == [201] * 5 + [429, 429]
    limited = client.post("/api/v1/tickets", json={"text": "ещё"})
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) > 0
    assert client.get("/api/v1/tickets").json()["count"] == 5


def test_classify_endpoint_and_rules(client: TestClient) -> None:
    result = client.post("/api/v1/tickets/classify", json={"text": "Пахнет газом у колонки 4!"}).json()
    assert (result["category"], result["urgency"], result["route_to"]) == ("safety_hazard", "critical", "hse")
    rules = client.get("/api/v1/tickets/rules").json()
    assert set(rules["departments"]) == {"quality_control", "station_manager", "finance", "loyalty", "maintenance",
                                         "hse", "customer_service"}


def test_status_note_reaches_the_customer_only_when_marked_public(client: TestClient) -> None:
    """GIVEN staff change a status through the API and through the ticket page, each with a note
    WHEN the customer opens their link THEN only the note marked «виден клиенту» is there."""
    created = client.post("/api/v1/tickets", json={"text": "Не выдали чек на АЗС-012"}).json()
    number, token = created["number"], created["token"]
    client.post(f"/api/v1/tickets/{number}/status", json={"status": "in_progress", "comment": "служебное: камера 3"})
    client.post(f"/tickets/{number}/status", data={"status": "resolved", "comment": "Чек выслан на e-mail",
                                                   "public": "true"}, follow_redirects=False)
    page = client.get(f"/t/{number}", params={"k": token}).text
    public = client.get(f"/api/v1/tickets/{number}/public", params={"k": token}).text
    for shown in (page, public):
        assert "камера 3" not in shown and "Чек выслан на e-mail" in shown
    staff = client.get(f"/api/v1/tickets/{number}").text
    assert "камера 3" in staff  # still in the staff history


def test_confirmation_survives_reload_and_language_switch(client: TestClient) -> None:
    """GIVEN a complaint sent from the form WHEN the customer reloads the confirmation or switches its
    language THEN the same number and link are shown and no second complaint is stored."""
    sent = client.post("/complaint", data={"text": "Недолив на колонке 4, чек есть", "station": "АЗС-012"},
                       follow_redirects=False)
    assert sent.status_code == 303
    confirmation = sent.headers["location"]
    assert confirmation.startswith("/t/T-") and "new=1" in confirmation
    first = client.get(confirmation)
    number = re.search(r'id="ticket-number">(T-\d+)<', first.text).group(1)
    assert client.get(confirmation).status_code == 200  # a reload is a GET: nothing is sent again
    assert client.get("/api/v1/tickets").json()["count"] == 1
    switch = re.search(r'href="([^"]*lang=kk[^"]*)"', first.text).group(1).replace("&amp;", "&")
    kazakh = client.get(f"/t/{number}{switch}")
    assert kazakh.status_code == 200 and "Өтінішіңіз қабылданды" in kazakh.text
    assert f'id="ticket-number">{number}<' in kazakh.text and 'id="status-link"' in kazakh.text
    later = client.get(confirmation.replace("&new=1", "").replace("new=1&", ""))
    assert "ticket-number" not in later.text  # the plain status page, not a second «accepted»


def test_status_link_uses_the_public_base_url_when_set(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN AZS_PUBLIC_BASE_URL WHEN a complaint is sent THEN its link is on that address whatever the
    Host header says; unset, the server warns at start."""
    svc = Services(make_settings(tmp_path, public_base_url="https://azs.example.kz"))
    with TestClient(create_app(svc, background=False), base_url="http://evil.example") as c:
        page = c.post("/complaint", data={"text": "Грязно в туалете", "station": "АЗС-012"})
        link = re.search(r'id="status-link" href="([^"]+)"', page.text).group(1)
        assert link.startswith("https://azs.example.kz/t/T-")
    svc.close()
    bare = Services(make_settings(tmp_path / "bare"))
    with caplog.at_level("WARNING"), TestClient(create_app(bare, background=False)):
        pass
    bare.close()
    assert any("AZS_PUBLIC_BASE_URL is not set" in r.getMessage() for r in caplog.records)


def test_a_bookmarked_confirmation_becomes_the_status_page_once_the_desk_answers(client: TestClient) -> None:
    """The page a customer lands on after sending («&new=1») said «Обращение принято» forever, with no reply form,
    when they bookmarked it."""
    created = client.post("/api/v1/tickets", json={"text": "Недолив 5 литров на АЗС-012"}).json()
    number, token = created["number"], created["token"]
    first = client.get(f"/t/{number}", params={"k": token, "new": 1}).text
    assert "Обращение принято" in first and 'id="reply-form"' not in first
    client.post(f"/api/v1/tickets/{number}/comments", json={"text": "Вернём деньги сегодня", "public": True})
    later = client.get(f"/t/{number}", params={"k": token, "new": 1}).text
    assert "Вернём деньги сегодня" in later and 'id="reply-form"' in later and "Обращение принято" not in later


def test_customer_replies_with_a_photo_through_the_status_link(client: TestClient) -> None:
    """GIVEN a resolved complaint WHEN the customer answers on their status page with a photo THEN the
    reply is in the public history, the ticket is reopened, staff can open the photo, a reload does
    not send it twice, and a bad photo is refused in Kazakh on a Kazakh page."""
    created = client.post("/api/v1/tickets", json={"text": "Недолив 5 литров на АЗС-012"}).json()
    number, token = created["number"], created["token"]
    client.post(f"/api/v1/tickets/{number}/status", json={"status": "resolved"})
    sent = client.post(f"/t/{number}/reply", data={"k": token, "text": "Не решено, вот чек", "lang": "ru"},
                       files={"photo": ("chek.jpg", _jpeg(), "image/jpeg")}, follow_redirects=False)
    assert sent.status_code == 303 and "sent=1" in sent.headers["location"]
    page = client.get(sent.headers["location"]).text
    assert "Вы: Не решено, вот чек (с фото)" in page and 'id="reply-sent"' in page
    ticket = client.get(f"/api/v1/tickets/{number}").json()
    assert ticket["status"] == "in_progress"
    reply = [h for h in ticket["history"] if h["kind"] == "customer_reply"][0]
    assert client.get(f"/tickets/{number}/photos/{reply['data']['photo']}").content[:2] == b"\xff\xd8"
    assert client.get(f"/tickets/{number}/photos/other.jpg").status_code == 404
    bad = client.post(f"/t/{number}/reply", data={"k": token, "text": "ещё", "lang": "kk"},
                      files={"photo": ("a.jpg", b"MZ\x90\x00", "image/jpeg")})
    assert bad.status_code == 415 and "Файл фотоға ұқсамайды" in bad.text
    stranger = client.post(f"/t/{number}/reply", data={"k": "wrong", "text": "взлом"})
    assert stranger.status_code == 404
    # a wrong or mistyped link is a customer's page: no staff menu, and the way back is the complaint form
    for lang, back in (("ru", "Написать обращение"), ("kk", "Өтініш жазу")):
        wrong = client.get(f"/t/{number}", params={"k": "wrong", "lang": lang}, headers={"accept": "text/html"})
        assert wrong.status_code == 404 and f'href="/complaint?lang={lang}" id="to-form">{back}<' in wrong.text
        assert 'href="/documents"' not in wrong.text and 'href="/login' not in wrong.text
    assert len([h for h in client.get(f"/api/v1/tickets/{number}").json()["history"]
                if h["kind"] == "customer_reply"]) == 1


def test_the_status_page_shows_the_customer_what_they_wrote_and_where(client: TestClient) -> None:
    """A walk-through found only a number, a status and a history on the customer's page: a customer with two
    complaints could not tell which is which. Their own text and station are shown, escaped, in any language."""
    created = client.post("/api/v1/tickets", json={"text": "Недолив 5 литров <b>снова</b>\nчек сохранил",
                                                   "station": "АЗС-012"}).json()
    for lang, heading in (("ru", "Ваше обращение"), ("kk", "Сіздің өтінішіңіз"), ("en", "Your request")):
        page = client.get(f"/t/{created['number']}", params={"k": created["token"], "lang": lang}).text
        assert heading in page and 'id="ticket-station"' in page and "АЗС-012" in page
        assert "Недолив 5 литров &lt;b&gt;снова&lt;/b&gt;\nчек сохранил" in page
