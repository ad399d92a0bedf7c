"""Opt-in: the demo question set against a real OpenAI-compatible server (llama.cpp, Ollama, vLLM).

    AZS_LLM_BASE_URL=http://127.0.0.1:8080/v1 AZS_LLM_MODEL=llama-3-8b-instruct pytest -m live

Skipped unless AZS_LLM_BASE_URL is set. Every answer goes through the real path (retrieval, prompt,
checks); the bars are for a Llama 3 8B Instruct class model.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from azs_assistant.learning.compare import Endpoint, evaluate, load_questions
from azs_assistant.services import Services
from tests.conftest import DEMO_KB, ROOT, make_settings

pytestmark = pytest.mark.live
BASE_URL = os.environ.get("AZS_LLM_BASE_URL", "").strip()


@pytest.mark.skipif(not BASE_URL, reason="set AZS_LLM_BASE_URL to run against a real LLM server")
def test_demo_questions_against_a_real_server(tmp_path: Path) -> None:
    svc = Services(make_settings(tmp_path, answer_cache=False))
    svc.ingestor.ingest_paths([DEMO_KB])
    questions = load_questions(Path(os.environ.get("AZS_LIVE_QUESTIONS", ROOT / "bench/data/demo_questions.jsonl")))
    model = os.environ.get("AZS_LLM_MODEL", "llama-3-8b-instruct")
    endpoint = Endpoint("live", BASE_URL, model, os.environ.get("AZS_LLM_API_KEY"))
    scores = evaluate(svc.assistant_with, svc.settings, svc.analyzer, endpoint, questions)
    print(scores)
    assert scores.failures == 0, "the server did not answer some questions"
    assert scores.abstention == 1.0
    assert scores.answer_rate >= 0.8 and scores.fact_coverage >= 0.7
    assert scores.citation_validity >= 0.6  # below this the fine-tune or the prompt needs work
    svc.close()
