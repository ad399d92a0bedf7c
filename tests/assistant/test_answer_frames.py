"""The frame of longer answers (headings, labels, notes) is in the asker's language, through the API: the
incident history, a recorded incident, a document's summary and a table lookup's interpolation note. The
quoted text (the incident log's words, the document's sentences, the table's rows) stays as written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.i18n import catalogue
from azs_assistant.incidents.records import store
from azs_assistant.services import Services
from tests.conftest import authorize, make_settings
from tests.incidents.test_history import ROWS

TEXTS = "azs_assistant.assistant"
LANGS = ("ru", "kk", "en")
DEMO = Path(__file__).resolve().parents[2] / "demo" / "knowledge_base"
RULES = ("# Приём топлива\n\n## Подготовка\nДо слива бензовоз стоит не менее 15 минут. Оператор обязан проверить "
         "пломбы и документы. Курить на площадке запрещено.\n\n## Слив\nСлив ведут только при заземлённом "
         "бензовозе. Остаток в резервуаре проверяют не реже 1 раза в смену. Уровень записывают в журнал.\n").encode()


def text(key: str, lang: str, **params: Any) -> str:
    return catalogue(TEXTS, lang)[key].format(**params)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, Services]]:
    svc = Services(make_settings(tmp_path, embeddings="none"))
    with svc.db.session() as s:
        store(s, [(r["incident_id"], r) for r in ROWS], origin="test")
    with TestClient(create_app(svc, background=False)) as c:
        authorize(c, svc)
        yield c, svc
    svc.close()


def ask(client: TestClient, question: str, lang: str) -> dict[str, Any]:
    resp = client.post("/api/v1/ask", json={"question": question, "lang": lang})
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def test_incident_history_frame_follows_the_language_and_the_log_stays_as_written(client) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the incident log WHEN «как в прошлый раз решили…» is asked in the ru, kk and en interface THEN the
    heading, labels and citation title are in that language and the log's words are quoted as written."""
    c, _ = client
    for lang in LANGS:
        body = ask(c, "Как в прошлый раз решили проблему с ТРК 3 на АЗС-012?", lang)
        assert body["mode"] == "incidents", body
        answer = body["answer"]
        assert answer.startswith(text("incidents_found", lang)), (lang, answer)
        assert text("incident_done", lang, actions="перезагрузили контроллер ТРК, вызвали техника") in answer
        assert text("incident_resolved_in", lang, hours="2.5") in answer
        assert "«трк 3 не отпускает топливо, ошибка E21»" in answer
        assert body["citations"][0]["title"] == text("incident_title", lang, incident="I-1")
    kk = ask(c, "Как в прошлый раз решили проблему с ТРК 3 на АЗС-012?", "kk")["answer"]
    assert "Что сделали" not in kk and "Устранено" not in kk and "По журналу" not in kk


def test_a_recorded_incident_names_its_category_in_the_language(client) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an operator's report in Russian WHEN the interface is kk or en THEN «recorded» and the category's
    name are in that language; a report without a station is refused in that language."""
    c, svc = client
    names = svc.reports.categories["fuel_spill"]
    for lang in LANGS:
        body = ask(c, "Инцидент: АЗС-012, пролив топлива у ТРК 2, убрали сорбентом", lang)
        assert body["mode"] == "incident" and not body["abstained"], body
        incident = body["citations"][0]["source"].split("/")[-1]
        assert body["citations"][0]["title"] == text("incident_title", lang, incident=incident)
        head = text("incident_recorded", lang, incident=incident, station="АЗС-012", category=names.name_in(lang),
                    when="@").split("@")[0]
        assert body["answer"].startswith(head), (lang, body["answer"])
    assert names.name_in("kk") != names.name_in("ru") != names.name_in("en")
    refused = {lang: ask(c, "инцидент: пролив у ТРК 2", lang)["answer"] for lang in LANGS}
    assert refused["ru"].startswith("Укажите номер АЗС")
    assert refused["kk"].startswith("ЖҚС нөмірін көрсетіңіз")
    assert refused["en"].startswith("Name the station")


def test_summary_headings_follow_the_language_and_sentences_stay_russian(client) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a Russian regulation WHEN its summary is asked for in the ru, kk and en interface THEN the heading
    is in that language and the summarised sentences are the document's own."""
    c, svc = client
    svc.ingestor.ingest_bytes(RULES, "uploads/priem.md")
    bodies = {lang: ask(c, "кратко перескажи документ «Приём топлива»", lang) for lang in LANGS}
    for lang, body in bodies.items():
        assert body["mode"] == "summary_extractive", body
        first = body["answer"].split("\n")[0]
        assert first == text("summary_heading_sections", lang, title="Приём топлива", sections=2), (lang, first)
        assert "бензовоз" in body["answer"]
    def quoted(lang: str) -> list[str]:  # the lines after the heading, but the «key figures» label
        return [ln for ln in bodies[lang]["answer"].split("\n")[1:] if ln != text("summary_key_facts", lang)]

    assert quoted("kk") == quoted("ru") == quoted("en")
    assert "кратко" not in bodies["kk"]["answer"] and "кратко" not in bodies["en"]["answer"]


def test_table_interpolation_note_follows_the_language_even_from_the_cache(client) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the tank calibration table WHEN a level between two rows is asked in ru, then (from the cache) in kk
    and en THEN the interpolation note is in each language and the rows are quoted as written."""
    c, svc = client
    svc.ingestor.ingest_paths([DEMO / "09_ceny_i_rezervuar.xlsx"])
    question = "Уровень в резервуаре №1 — 87 см. Сколько это литров?"
    bodies = {lang: ask(c, question, lang) for lang in LANGS}
    low, high = (c_["quote"] for c_ in bodies["ru"]["citations"][:2])
    assert low.startswith("Уровень, см: 85") and high.startswith("Уровень, см: 90")
    for lang, body in bodies.items():
        note = text("table_interpolated", lang, below="@", above="@").split("@")[0]
        assert note in body["answer"] and "Объём, л:" in body["answer"], (lang, body["answer"])
    assert bodies["kk"].get("cached") and bodies["en"].get("cached")
    russian = text("table_interpolated", "ru", below="@", above="@").split("«")[0]
    assert russian in bodies["ru"]["answer"]
    assert russian not in bodies["kk"]["answer"] and russian not in bodies["en"]["answer"]


def test_what_changed_is_told_in_the_language_with_the_document_s_sentences(client) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a regulation replaced by a version with another figure WHEN «что изменилось» is asked in ru, kk and en
    THEN the account's frame is in that language and the old and new sentences are quoted as written."""
    c, svc = client
    svc.ingestor.ingest_bytes(RULES, "uploads/priem.md")
    svc.ingestor.ingest_bytes(RULES.replace("15 минут".encode(), "20 минут".encode()), "uploads/priem.md")
    edited = "До слива бензовоз стоит не менее 20 минут."
    for lang in LANGS:
        body = ask(c, "что изменилось в документе «Приём топлива»?", lang)
        assert body["mode"] == "changes", body
        said = body["answer"]
        assert said.startswith(catalogue("azs_assistant.documents", lang)["changes_head"].format(
            title="Приём топлива", old=1, new=2)), (lang, said)
        numbers = catalogue("azs_assistant.documents", lang)["changes_numbers"].format(old="15", new="20")
        assert numbers in said and f"«{edited}»" in said, (lang, said)
    assert "было" not in ask(c, "что изменилось в документе «Приём топлива»?", "en")["answer"]
