"""Fine-tuning datasets from feedback: chat-messages SFT and prompt/chosen/rejected preferences,
schema-valid for TRL, without personal data, deduplicated, split by question."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from azs_assistant.cli import app
from azs_assistant.learning.datasets import export_preferences, export_sft, scrub
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.factories import principal

GUIDE = "# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n".encode()
OPERATOR = principal("operator", name="aigerim", stations=["АЗС-012"])
MANAGER = principal("manager", name="boss")


def _read(path: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in Path(path).read_text("utf-8").splitlines() if line.strip()]


def test_exports_from_ratings_and_corrections(tmp_path: Path) -> None:
    svc = Services(make_settings(tmp_path / "data", embeddings="none"))
    try:
        svc.ingestor.ingest_bytes(GUIDE, "uploads/smena.md")
        ids = []
        for question in ("Какой размен оставляют в кассе на начало смены?", "Какой размен в кассе?",
                         "Сколько оставлять размена на смену?", "Сколько оставлять размена на смену?"):
            ids.append(svc.learning.log_answer("aigerim", svc.assistant.ask(question, OPERATOR)))
        svc.learning.rate(ids[0], OPERATOR, 1)
        svc.learning.rate(ids[1], OPERATOR, -1, "коротко")
        svc.learning.correct(ids[1], MANAGER, "На начало смены в кассе оставляют 40 000 тенге размена [1]. "
                                              "Вопросы — старшему кассиру, +7 701 555 12 34.")
        svc.learning.rate(ids[2], OPERATOR, 1)
        svc.learning.rate(ids[3], OPERATOR, 1)  # the same question and answer again: a duplicate

        assert not any(svc.learning.feedback_for(i) == [] for i in ids)
        sft = export_sft(svc.db, tmp_path / "out", validation=0.0)
        assert (sft.train, sft.validation, sft.skipped_duplicates) == (3, 0, 1)
        rows = _read(sft.files[0])
        for row in rows:  # TRL's conversational format
            assert [m["role"] for m in row["messages"]] == ["system", "user", "assistant"]
            assert all(isinstance(m["content"], str) and m["content"] for m in row["messages"])
            assert "<fragment id=\"1\"" in row["messages"][1]["content"]
        dumped = json.dumps(rows, ensure_ascii=False)
        assert "555 12 34" not in dumped and "[ТЕЛЕФОН]" in dumped
        assert any("40 000 тенге размена [1]" in r["messages"][2]["content"] for r in rows)  # the correction

        from azs_assistant.assistant.answer import Answer

        good = svc.learning.log_answer("aigerim", Answer("Когда снимать Z-отчёт?", "В 08:00 [1].", False, mode="llm"))
        bad = svc.learning.log_answer("aigerim", Answer("Когда снимать Z-отчёт?", "Когда удобно.", False, mode="llm"))
        svc.learning.rate(good, OPERATOR, 1)
        svc.learning.rate(bad, OPERATOR, -1)
        prefs = export_preferences(svc.db, tmp_path / "out", validation=0.0)
        pairs = _read(prefs.files[0])
        assert prefs.train == len(pairs) >= 2
        assert all(set(p) == {"prompt", "chosen", "rejected"} and p["chosen"] != p["rejected"] for p in pairs)
        assert any(p["chosen"].startswith("На начало смены в кассе оставляют 40 000") for p in pairs)
        assert {"chosen": "В 08:00 [1].", "rejected": "Когда удобно."}.items() <= next(
            p for p in pairs if p["chosen"] == "В 08:00 [1].").items()

        split = export_sft(svc.db, tmp_path / "split", validation=0.5)
        train_q = {r["messages"][1]["content"] for r in _read(split.files[0])}
        val_q = {r["messages"][1]["content"] for r in _read(split.files[1])}
        assert not train_q & val_q and split.train + split.validation == 4  # with the liked Z-report answer
    finally:
        svc.close()


def test_cli_reports_counts(tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "d"), "learning", "export-sft", "--out",
                                   str(tmp_path / "ds")])
    assert out.exit_code == 0 and "обучающих 0" in out.output
    assert (tmp_path / "ds" / "sft_train.jsonl").exists()


def test_scrub_keeps_work_facts() -> None:
    text = "АЗС-012, колонка 3, 40 000 тенге, 95 литров, 20.11.2026. Звоните 8 777 123 45 67, e-mail a@b.kz"
    assert scrub(text) == "АЗС-012, колонка 3, 40 000 тенге, 95 литров, 20.11.2026. Звоните [ТЕЛЕФОН], e-mail [EMAIL]"
