"""`azs learning compare`: two endpoints on a question set with gold facts, through the real
assistant path (retrieval, prompt, checks), against two scripted OpenAI-compatible servers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from azs_assistant import cli
from tests.conftest import DEMO_KB
from tests.fake_llm import Reply, ScriptedLLM, running

QUESTIONS = [
    {"id": "q1", "question": "Какой лимит наличных в кассе?", "answer_facts": ["250 000"]},
    {"id": "q2", "question": "Во сколько приезжает инкассация?", "answer_facts": ["11:00", "21:00"]},
    {"id": "q3", "question": "Какая зарплата у оператора АЗС?", "answer_facts": [], "type": "unanswerable"},
]


def _grounded(body: dict) -> Reply:  # type: ignore[type-arg]
    """A model that quotes the first fragment's sentence holding a figure, with its citation."""
    user = body["messages"][1]["content"]
    first = user.split("<fragment id=\"1\"", 1)[1].split(">", 1)[1].split("</fragment>")[0]
    sentence = next((s for s in re.split(r"(?<=[.!?])\s+", first.strip()) if re.search(r"\d", s)), first.strip())
    return Reply(sentence.rstrip(".") + " [1].")


def _careless(body: dict) -> Reply:  # type: ignore[type-arg]
    return Reply("Лимит наличных — 500 000 тенге, инкассация в 10:00 [1].")  # numbers not in the passages


@pytest.fixture
def servers() -> Iterator[tuple[ScriptedLLM, ScriptedLLM]]:
    with running(ScriptedLLM(handler=_grounded)) as good, running(ScriptedLLM(handler=_careless)) as bad:
        yield good, bad


def test_compare_adopts_only_the_better_model(tmp_path: Path, servers, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    good, bad = servers
    monkeypatch.setenv("AZS_EMBEDDINGS", "none")
    data = tmp_path / "data"
    qfile = tmp_path / "qa.jsonl"
    qfile.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS), encoding="utf-8")
    runner = CliRunner()

    def azs(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli.app, ["--data-dir", str(data), *args])

    assert azs("ingest", str(DEMO_KB / "12_inkassaciya.html")).exit_code == 0
    out = tmp_path / "compare.json"
    result = azs("learning", "compare", "--questions", str(qfile), "--base-url", bad.url,
                 "--candidate-url", good.url, "--json", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text("utf-8"))
    base, cand = report["base"], report["candidate"]
    assert cand["citation_validity"] == 1.0 and base["citation_validity"] == 0.0
    assert cand["fact_coverage"] >= base["fact_coverage"] and cand["fact_coverage"] >= 0.66
    assert cand["abstention"] == base["abstention"] == 1.0  # «зарплата» is refused before any model is asked
    assert report["adopt"] is True and "принять новую модель" in result.output
    assert len(good.requests) == len(bad.requests) == 2  # one request per answerable question each

    reverse = azs("learning", "compare", "--questions", str(qfile), "--base-url", good.url,
                  "--candidate-url", bad.url)
    assert reverse.exit_code == 0 and "не принимать" in reverse.output and "citation_validity" in reverse.output


def test_bad_question_file_is_a_clear_error(tmp_path: Path) -> None:
    from azs_assistant.errors import InvalidInput
    from azs_assistant.learning.compare import load_questions

    path = tmp_path / "q.jsonl"
    path.write_text('{"q": 1}\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="question"):
        load_questions(path)
