"""With a language model configured, a report question the parser does not understand may be
filled into the typed query by the model; the query is validated and checked against the log, and
anything doubtful keeps the «уточните» answer. The real HTTP client talks to a scripted server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from azs_assistant.incidents.records import store
from azs_assistant.reports.parse import ReportUnclear
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.fake_llm import Reply, ScriptedLLM, running
from tests.incidents.incident_log import make_log

ODD = "Сколько раз у нас проливали топливо на той шымкентской станции?"


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with running() as fake:
        yield fake


@pytest.fixture
def svc(llm: ScriptedLLM, tmp_path) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    services = Services(make_settings(tmp_path, llm_base_url=llm.url, llm_timeout_s=2, embeddings="none"))
    with services.db.session() as s:
        store(s, [(r["incident_id"], {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()})
                  for r in make_log()], origin="test")
    yield services
    services.close()


def test_model_fills_the_typed_query(llm: ScriptedLLM, svc: Services) -> None:
    with pytest.raises(ReportUnclear):
        svc.reports.parse(ODD)  # the parser alone does not know «шымкентская станция»
    query = {"metric": "count", "filters": {"stations": ["АЗС-012"], "categories": ["fuel_spill"]}}
    llm.script(Reply("Вот запрос:\n```json\n" + json.dumps(query) + "\n```"))
    report = svc.reports.ask(ODD)
    expected = sum(1 for r in make_log() if r["station_id"] == "АЗС-012" and r["category"] == "fuel_spill")
    assert report.result.answer == expected
    assert any("языковой моделью" in n for n in report.query.notes)
    prompt = llm.requests[-1]["messages"][0]["content"]
    assert "АЗС-012" in prompt and "fuel_spill" in prompt and '"metric"' in prompt


@pytest.mark.parametrize("reply", [
    Reply('{"metric": "count", "filters": {"stations": ["АЗС-999"]}}'),  # a station that does not exist
    Reply('{"metric": "count", "filters": {"categories": ["alien_invasion"]}}'),
    Reply('{"metric": "count", "sql": "DROP TABLE incidents"}'),  # not part of the schema
    Reply('{"unclear": "не понял станцию"}'),
    Reply("не знаю"),
    Reply(status=500),
])
def test_doubtful_model_output_keeps_the_refine_answer(llm: ScriptedLLM, svc: Services, reply: Reply) -> None:
    llm.script(reply)
    with pytest.raises(ReportUnclear):
        svc.reports.ask(ODD)
