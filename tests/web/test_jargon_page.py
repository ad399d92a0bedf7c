"""The admin's jargon-dictionary page (/admin/jargon): find, add or change, remove; audited as the API's edits,
in the admin's language, and closed to everyone else."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import make_settings


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_an_admin_finds_adds_changes_and_removes_a_term_on_the_page(tmp_path: Path) -> None:
    svc = Services(make_settings(tmp_path, embeddings="none"))
    svc.access.add_user("boss", "пароль-админа-1", ["admin"])
    svc.access.add_user("aigerim", "пароль-оператора-1", ["operator"], stations=["АЗС-012"])
    try:
        with TestClient(create_app(svc, background=False)) as web:
            web.post("/login", data={"username": "boss", "password": "пароль-админа-1"})
            page = web.get("/")
            assert 'href="/admin/jargon"' in page.text  # in the admin's menu
            found = web.get("/admin/jargon", params={"q": "солярк"})
            assert found.status_code == 200 and "<td data-label=\"Термин\">солярка</td>" in found.text
            assert re.search(r"Термины 1–\d+ из \d+ найденных \(всего в словаре 2[\d]{3}\)", found.text)
            # the whole dictionary in pages of 200: the last terms are reached by «следующие», not only by a search
            whole = web.get("/admin/jargon").text
            pages = int(re.search(r"Страница 1 из (\d+)", whole).group(1))
            assert pages > 10 and 'href="/admin/jargon?page=2" rel="next"' in whole and 'rel="prev"' not in whole
            last = web.get("/admin/jargon", params={"page": pages}).text
            total = len(svc.jargon.entries())
            assert f"–{total} из {total} найденных" in last and 'rel="next"' not in last
            assert svc.jargon.entries()[-1].term in last and svc.jargon.entries()[-1].term not in whole
            assert f"Страница {pages} из {pages}" in web.get("/admin/jargon", params={"page": 9999}).text
            token = _csrf(found.text)

            added = web.post("/admin/jargon", data={"csrf_token": token, "term": "Зюзя", "canonical": "огнетушитель",
                                                    "note": "свой"}, follow_redirects=True)
            assert "Термин «зюзя» сохранён." in added.text and ">огнетушитель</td>" in added.text
            assert "зюзя" in {e.term for e in svc.jargon.entries()}
            changed = web.post("/admin/jargon", data={"csrf_token": token, "term": "зюзя",
                                                      "canonical": "огнетушитель ОП-5"}, follow_redirects=True)
            assert ">огнетушитель ОП-5</td>" in changed.text
            bad = web.post("/admin/jargon", data={"csrf_token": token, "term": "зюзя", "canonical": " "})
            assert bad.status_code == 422 and 'id="jargon-error"' in bad.text
            assert 'value="зюзя"' in bad.text  # the form keeps what was typed

            removed = web.post("/admin/jargon/remove", data={"csrf_token": token, "term": "зюзя"},
                               follow_redirects=True)
            assert "Термин «зюзя» удалён." in removed.text
            assert "зюзя" not in {e.term for e in svc.jargon.entries()}
            # removed from page 3 of a filtered list: the admin is back on that page of that list
            third = web.get("/admin/jargon", params={"page": 3}).text
            term = re.search(r'<td data-label="Термин">([^<]+)</td>', third).group(1)  # type: ignore[union-attr]
            assert 'name="page" value="3"' in third
            back = web.post("/admin/jargon/remove", data={"csrf_token": token, "term": term, "q": "", "page": "3"},
                            follow_redirects=False)
            assert back.status_code == 303 and "page=3" in back.headers["location"]
            assert "Страница 3 из" in web.get(back.headers["location"]).text
            back = web.post("/admin/jargon/remove", data={"csrf_token": token, "term": "солярка", "q": "солярк",
                                                          "page": "1"}, follow_redirects=True)
            assert "Термин «солярка» удалён." in back.text and 'name="q" value="солярк"' in back.text
            again = web.post("/admin/jargon/remove", data={"csrf_token": token, "term": "зюзя"})
            assert again.status_code == 404 and "не найден в словаре" in again.text
            refused = web.post("/admin/jargon/remove", data={"term": "соляра"})  # no CSRF token
            assert refused.status_code == 403 and "соляра" in {e.term for e in svc.jargon.entries()}

            actions = [(e.action, e.target) for e in svc.access.audit_search(action="jargon.")]
            assert {("jargon.put", "зюзя"), ("jargon.delete", "зюзя")} <= set(actions)

            web.get("/lang/kk", follow_redirects=False)
            missing = web.post("/admin/jargon/remove", data={"csrf_token": token, "term": "жоқ-термин", "q": "соляр",
                                                             "page": "1"})
            assert "«жоқ-термин» термині сөздікте табылмады." in missing.text and "не найден" not in missing.text
            assert 'name="q" value="соляр"' in missing.text  # the refusal keeps the list it came from
            kazakh = web.get("/admin/jargon?lang=kk")
            assert "Жаргон сөздігі" in kazakh.text and "сөздікте барлығы" in kazakh.text and "Іздеу" in kazakh.text

            web.post("/logout", data={"csrf_token": token})
            web.post("/login", data={"username": "aigerim", "password": "пароль-оператора-1"})
            assert 'href="/admin/jargon"' not in web.get("/").text
            assert web.get("/admin/jargon", follow_redirects=False).status_code in (303, 403)
    finally:
        svc.close()
