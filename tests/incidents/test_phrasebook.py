"""The report phrase book as data (issue 23): the built-in ``reports/data/phrasebook.yaml`` rewrites
Kazakh and English questions exactly as the Python rules it replaced did; a company adds its own phrases
in ``<data dir>/report_phrases.yaml``; a bad entry stops with an error naming the file and the line."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from azs_assistant.language.analyzer import normalise
from azs_assistant.reports.phrasebook import PhrasebookError, load_phrasebook, to_russian
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.incidents.incident_log import stored_log

# question → its Russian rewriting by the Python rules before they moved to YAML (the bench's kk/en and
# informal questions, this package's kk/en test questions, and probes of every rule, month and region)
GOLDEN = json.loads((Path(__file__).parent / "data" / "phrasebook_golden.json").read_text("utf-8"))
TODAY = date(2026, 11, 23)


def _prepared(question: str) -> str:
    return re.sub(r"\s+", " ", normalise(question).replace("—", "-"))  # as the parser prepares it


def test_the_built_in_file_rewrites_every_question_as_the_python_rules_did() -> None:
    assert len(GOLDEN) > 300 and sum(_prepared(q) != ru for q, ru in GOLDEN.items()) > 200
    # five Kazakh questions in letters Russian shares («биыл», «айлар бойынша») were left untranslated by
    # the Python rules; their golden rewriting is the corrected one (2026-12-04)
    changed = {q: to_russian(_prepared(q)) for q, ru in GOLDEN.items() if to_russian(_prepared(q)) != ru}
    assert not changed


def test_a_company_file_adds_a_phrase_and_a_region(tmp_path: Path) -> None:
    """GIVEN a company's report_phrases.yaml in the data directory with «fortnight» and a region's Latin name
    WHEN a manager asks with them THEN the question is answered as its Russian equivalent; without the
    file the same question is not understood."""
    plain = Services(make_settings(tmp_path / "plain"))
    try:
        stored_log(plain)
        question = "how many fuel spills in the last fortnight"
        before = plain.reports.ask(question, TODAY)
        assert [n for n in before.query.notes if n.startswith("не понял")], before.query.notes
    finally:
        plain.close()

    company = tmp_path / "company"
    company.mkdir()
    (company / "report_phrases.yaml").write_text(
        "regions:\n  chimkent: шымкент\n"
        "rewrites:\n  our_words:\n    - ['\\b(?:the )?last fortnight\\b', ' за последние 14 дней ']\n", "utf-8")
    svc = Services(make_settings(company))
    try:
        log = stored_log(svc)
        report = svc.reports.ask(question, TODAY)
        start = datetime(2026, 11, 24) - timedelta(days=14)
        assert report.result.answer == sum(1 for r in log if r["category"] == "fuel_spill"
                                           and start <= r["occurred_at"] < datetime(2026, 11, 24))
        assert not [n for n in report.query.notes if n.startswith("не понял")]
        own = svc.reports.ask("how many incidents in chimkent in 2026", TODAY)
        built = svc.reports.ask("how many incidents in shymkent in 2026", TODAY)
        assert own.query.filters.regions == built.query.filters.regions != []
        assert own.result.answer == built.result.answer
        assert svc.reports.ask("how many spills in 2026", TODAY).result.answer == sum(  # built-ins still apply
            1 for r in log if r["category"] == "fuel_spill" and r["occurred_at"].year == 2026)
    finally:
        svc.close()


@pytest.mark.parametrize(("text", "line", "says"), [
    ("rewrites:\n  mine:\n    - ['\\bok\\b', ' ок ']\n    - ['(unclosed', ' x ']\n", 4, "not a valid regular"),
    ("rewrites:\n  mine:\n    - ['\\bone\\b']\n", 3, "a pair of strings"),
    ("rewrites:\n  mine:\n    - ['\\bq([1-4])\\b', ' \\2 квартал ']\n", 3, "group the pattern does not have"),
    ("regions:\n  almaty: алматы\n  shym: [шымкент]\n", 3, "Russian name"),
    ("rewrites:\n  mine: [\n", 3, "not valid YAML"),
])
def test_a_bad_entry_is_a_typed_error_naming_the_file_and_the_line(tmp_path: Path, text: str, line: int,
                                                                    says: str) -> None:
    file = tmp_path / "report_phrases.yaml"
    file.write_text(text, "utf-8")
    with pytest.raises(PhrasebookError) as caught:
        load_phrasebook(file)
    error = caught.value
    assert error.code == "config_error" and error.details == {"file": "report_phrases.yaml", "line": line}
    assert error.message_en.startswith(f"report_phrases.yaml, line {line}: ") and says in error.message_en
    assert error.message_ru.startswith(f"report_phrases.yaml, строка {line}: ")
    assert error.message("kk").startswith(f"report_phrases.yaml, {line}-жол: ")
    assert str(tmp_path) not in str(error.messages()) + str(error.details)  # the path is in the log only


def test_a_bad_company_file_stops_reports_instead_of_being_ignored(tmp_path: Path) -> None:
    (tmp_path / "report_phrases.yaml").write_text("rewrites:\n  mine:\n    - ['(', ' x ']\n", "utf-8")
    svc = Services(make_settings(tmp_path))
    try:
        with pytest.raises(PhrasebookError, match="report_phrases.yaml, строка 3"):
            svc.reports.ask("how many spills in 2026", TODAY)
    finally:
        svc.close()


def test_a_bad_company_file_is_said_by_serve_and_reports_not_readiness_and_its_path_stays_in_the_log(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """GIVEN a typo in the company's report_phrases.yaml WHEN the replica is probed, `azs serve` starts, or a
    manager asks a report through the API THEN the replica stays ready (chat and complaints work), serve
    refuses to start naming the phrase book and the line, the API's error names the file but not the
    server's folders, and
    the log has the full path for the admin."""
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from azs_assistant import cli
    from azs_assistant.api.app import create_app
    from tests.conftest import authorize

    file = tmp_path / "report_phrases.yaml"
    file.write_text("rewrites:\n  mine:\n    - ['(', ' x ']\n", "utf-8")
    svc = Services(make_settings(tmp_path))
    try:
        with TestClient(create_app(svc, background=False), raise_server_exceptions=False) as client:
            ready = client.get("/api/v1/health/ready")
            assert ready.status_code == 200
            authorize(client, svc)
            asked = client.post("/api/v1/reports/ask", json={"question": "сколько проливов", "today": "2026-11-23"})
            details = asked.json()["error"]["details"]
            assert (details["file"], details["line"]) == ("report_phrases.yaml", 3)
            assert str(tmp_path) not in asked.text
    finally:
        svc.close()
    assert any(str(file) in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    started = CliRunner().invoke(cli.app, ["--data-dir", str(tmp_path), "serve", "--port", "1"])
    assert started.exit_code != 0 and "report_phrases.yaml, строка 3" in started.output, started.output
