"""The assistant's own texts follow the asker's language: the interface's when the front end knows it,
else the question's; quoted passages stay in their document's language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.assistant.model import Answer
from azs_assistant.assistant.notices import answer_language, localise, translate
from azs_assistant.i18n import catalogue
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.conftest import authorize
from tests.fake_llm import Reply, running

GUIDE = "# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n".encode()
TEXTS = "azs_assistant.assistant"
ABSTAIN = {lang: catalogue(TEXTS, lang)["abstain"] for lang in ("ru", "kk", "en")}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    svc = Services(Settings(data_dir=tmp_path))
    with TestClient(create_app(svc)) as c:
        authorize(c, svc)
        yield c
    svc.close()


def ask(client: TestClient, question: str, lang: str | None = None) -> dict:
    body = {"question": question, **({"lang": lang} if lang else {})}
    resp = client.post("/api/v1/ask", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def test_no_answer_is_said_in_the_language_of_the_question(client: TestClient) -> None:
    """GIVEN a knowledge base about the shift WHEN asked what it does not hold, in ru, kk and en, through the API
    without an interface language THEN «нет ответа» comes in the question's language."""
    client.post("/api/v1/documents?wait=true", files=[("files", ("smena.md", GUIDE, "text/markdown"))])
    for lang, question in (("ru", "что делать при землетрясении"), ("kk", "жер сілкінісі кезінде не істеу керек?"),
                           ("en", "what to do in an earthquake?")):
        body = ask(client, question)
        assert body["abstained"] and body["answer"] == ABSTAIN[lang], (lang, body["answer"])


def test_the_interface_language_wins_and_quotes_stay_in_the_document_language(client: TestClient) -> None:
    """GIVEN the Kazakh or English interface WHEN a Russian question has no answer THEN the notice is in the
    interface's language; WHEN it has one THEN the quoted passage is the document's Russian text."""
    empty = ask(client, "размен", "en")
    assert empty["abstained"] and empty["answer"] == catalogue(TEXTS, "en")["empty_kb"]
    client.post("/api/v1/documents?wait=true", files=[("files", ("smena.md", GUIDE, "text/markdown"))])
    assert ask(client, "что делать при землетрясении", "kk")["answer"] == ABSTAIN["kk"]
    again = ask(client, "что делать при землетрясении", "en")  # the cache keeps the answer, not its language
    assert again["answer"] == ABSTAIN["en"] and again.get("cached")
    assert ask(client, "what to do in an earthquake?", "ru")["answer"] == ABSTAIN["ru"]
    found = ask(client, "скока размена оставлять в кассе", "kk")
    assert not found["abstained"] and "оставляют размен 40 000 тенге" in found["answer"]


def test_the_stream_says_no_answer_in_the_interface_language(client: TestClient) -> None:
    """GIVEN the web chat's stream with the Kazakh interface WHEN there is no answer THEN both the streamed
    text and the final answer are Kazakh."""
    client.post("/api/v1/documents?wait=true", files=[("files", ("smena.md", GUIDE, "text/markdown"))])
    with client.stream("POST", "/api/v1/ask/stream", json={"question": "что делать при землетрясении",
                                                           "lang": "kk"}) as resp:
        raw = "".join(resp.iter_text())
    datas = [json.loads(line.split(":", 1)[1]) for line in raw.replace("\r\n", "\n").split("\n")
             if line.startswith("data:")]
    assert datas[0]["text"] == ABSTAIN["kk"] and datas[-1]["answer"]["answer"] == ABSTAIN["kk"]


def test_an_unknown_interface_language_is_ignored_by_the_api(client: TestClient) -> None:
    resp = client.post("/api/v1/ask", json={"question": "размен", "lang": "de"})
    assert resp.status_code == 422


def test_the_model_being_away_is_said_in_the_interface_language(tmp_path: Path) -> None:
    """GIVEN an LLM server that fails WHEN a Russian question is asked in the English interface THEN the
    fallback notice is English and the extracted answer quotes the Russian document."""
    with running() as llm:
        svc = Services(Settings(data_dir=tmp_path, llm_base_url=llm.url, answer_cache=False, llm_timeout_s=1.5))
        try:
            svc.ingestor.ingest_bytes(GUIDE, "uploads/smena.md")
            llm.script(Reply(status=500))
            answer = svc.assistant.ask("сколько размена оставлять в кассе на начало смены", lang="en")
        finally:
            svc.close()
    assert answer.notice == catalogue(TEXTS, "en")["llm_fallback"]
    assert "40 000 тенге" in answer.answer and answer.mode == "extractive"


def test_a_filled_in_text_keeps_its_values_and_other_texts_are_left_alone() -> None:
    said = catalogue(TEXTS, "ru")["no_document"].format(number="№47")
    assert translate(said, "kk") == catalogue(TEXTS, "kk")["no_document"].format(number="№47")
    quote = "На начало смены в кассе оставляют размен 40 000 тенге."
    assert translate(quote, "en") == quote
    answer = Answer("q", ABSTAIN["ru"], True)
    assert localise(answer, "en").answer == ABSTAIN["en"] and answer.answer == ABSTAIN["ru"]  # a copy, not changed


def test_the_rule_interface_first_then_the_question() -> None:
    assert answer_language("en", "сколько размена") == "en"
    assert answer_language(None, "қанша ақша қалдыру керек") == "kk"
    assert answer_language(None, "how much change") == "en"
    assert answer_language("de", "сколько размена") == "ru"
