"""Metrics counted at the event, with the real components: the LLM client against a scripted server (time
to first token, errors, a fallback answer), an OCR page through Tesseract (quality, time per stage), and the
answer cache (hit, miss). The HTTP, answer, ingestion and state figures are in tests/api/test_metrics.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from azs_assistant import metrics
from azs_assistant.errors import LLMUnavailable
from azs_assistant.llm.client import LLMClient
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests import factories
from tests.fake_llm import Reply, ScriptedLLM, running

GUIDE = "# Колонка\n\nЕсли колонка не отвечает, перезагрузите контроллер ТРК кнопкой RESET."
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with running() as fake:
        yield fake


def test_llm_time_to_first_token_and_errors(llm: ScriptedLLM) -> None:
    client = LLMClient(llm.url, "test-model", timeout=5)
    ttft, errors = sample("azs_llm_time_to_first_token_seconds_count"), sample("azs_llm_errors_total", kind="stream")
    llm.script(Reply("первый кусок и второй"), Reply(status=500))
    assert "".join(client.stream([{"role": "user", "content": "?"}]))
    with pytest.raises(LLMUnavailable):
        list(client.stream([{"role": "user", "content": "?"}]))
    client.close()
    assert sample("azs_llm_time_to_first_token_seconds_count") == ttft + 1
    assert sample("azs_llm_errors_total", kind="stream") == errors + 1


def test_an_answer_the_llm_could_not_give_counts_as_fallback_and_repeats_hit_the_cache(
        llm: ScriptedLLM, tmp_path: Path) -> None:
    svc = Services(Settings(data_dir=tmp_path, embeddings="none", llm_base_url=llm.url, llm_timeout_s=5))
    try:
        factories.document(svc, GUIDE)
        fallback, hits, misses = (sample("azs_answers_total", mode="fallback"),
                                  sample("azs_answer_cache_requests_total", result="hit"),
                                  sample("azs_answer_cache_requests_total", result="miss"))
        llm.script(Reply(status=500))
        first = svc.assistant.ask("что делать если колонка не отвечает?")
        assert first.notice and first.mode == "extractive"
        assert sample("azs_answers_total", mode="fallback") == fallback + 1
        llm.script(Reply("Перезагрузите контроллер ТРК кнопкой RESET [1]."))
        svc.assistant.ask("как перезагрузить контроллер ТРК?")
        svc.assistant.ask("как перезагрузить контроллер ТРК?")
        assert sample("azs_answer_cache_requests_total", result="hit") == hits + 1
        assert sample("azs_answer_cache_requests_total", result="miss") == misses + 2
    finally:
        svc.close()


def test_an_ocr_page_is_counted_by_quality_with_its_stage_times() -> None:
    from azs_assistant.ocr.pipeline import ocr_page

    page = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    lines = ["АКТ ПРОВЕРКИ ТРК", "Станция АЗС-012, колонка 3", "Пломбы целы, утечек нет",
             "Проверку провёл оператор смены", "Замечаний по работе нет"]
    for row, line in enumerate(lines):
        draw.text((100, 150 + row * 70), line, fill=0, font=ImageFont.truetype(FONT, 40))
    ok, tesseract = sample("azs_ocr_pages_total", quality="ok"), sample("azs_ocr_stage_duration_seconds_count",
                                                                         stage="tesseract")
    result = ocr_page(np.array(page), languages="rus", second=None, line_reader=False)
    assert result.quality == "ok" and "ПРОВЕРКИ" in result.text
    assert sample("azs_ocr_pages_total", quality="ok") == ok + 1
    assert sample("azs_ocr_stage_duration_seconds_count", stage="tesseract") == tesseract + 1
