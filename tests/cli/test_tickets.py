"""`azs tickets …`: a complaint taken at the terminal, worked through its statuses, listed, classified."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Azs

SPILL = "На АЗС-012 сильный запах газа у колонки 3, искрит пистолет"
UNDERFILL = "Залил 40 литров, а в бак вошло 35, недолив на колонке 2"


def test_ticket_lifecycle_from_the_terminal(azs: Azs) -> None:
    """GIVEN a complaint taken with `tickets add` WHEN staff assign, comment, relabel, acknowledge and
    close it THEN `tickets show` has every step and the customer's link carries the ticket number."""
    added = azs("tickets", "add", UNDERFILL, "--station", "АЗС-012", "--contact", "+77011234567", "--json")
    assert added.exit_code == 0, added.output
    ticket = json.loads(added.stdout)
    number = ticket["number"]
    assert ticket["station"] == "АЗС-012" and ticket["token"]
    assert ticket["status_url"].endswith(f"/t/{number}?k={ticket['token']}")

    plain = azs("tickets", "add", UNDERFILL, "--station", "12")
    assert plain.exit_code == 0 and "ссылка для клиента:" in plain.stdout and "/t/" in plain.stdout

    assert number in azs("tickets", "assign", number, "--department", "maintenance", "--actor", "ivan").stdout
    assert azs("tickets", "comment", number, "Проверим колонку", "--public").stdout.strip() == "Комментарий добавлен."
    assert "underfill" in azs("tickets", "relabel", number, "--category", "underfill").stdout
    assert number in azs("tickets", "ack", number).stdout
    closed = azs("tickets", "status", number, "resolved", "--comment", "Колонку откалибровали")
    assert closed.exit_code == 0 and "resolved" in closed.stdout

    shown = json.loads(azs("tickets", "show", number, "--json").stdout)
    kinds = [e["kind"] for e in shown["history"]]
    assert shown["status"] == "resolved"
    assert {"reassigned", "comment", "relabelled", "acknowledged", "status"} <= set(kinds)
    assert "Проверим колонку" in azs("tickets", "show", number).stdout

    listed = [json.loads(line) for line in azs("tickets", "list", "--json", "--all").stdout.splitlines()]
    assert {t["number"] for t in listed} >= {number}
    assert [t["number"] for t in map(json.loads, azs("tickets", "list", "--status", "resolved", "--json").stdout
                                      .splitlines())] == [number]


def test_ticket_errors_keep_their_codes(azs: Azs) -> None:
    number = json.loads(azs("tickets", "add", UNDERFILL, "--json").stdout)["number"]
    missing = azs("tickets", "show", "Ж-999999")
    assert missing.exit_code == 4 and "Ошибка:" in missing.stderr
    bad_status = azs("tickets", "status", number, "lost")
    assert bad_status.exit_code == 2 and "Неизвестный статус" in bad_status.stderr
    assert azs("tickets", "status", number, "closed").exit_code == 0
    wrong_move = azs("tickets", "status", number, "resolved")
    assert wrong_move.exit_code == 5 and "нельзя перейти" in wrong_move.stderr
    assert azs("tickets", "assign", number, "--department", "nowhere").exit_code == 2
    assert azs("tickets", "classify").exit_code == 2


def test_classify_one_text_and_a_batch(azs: Azs, tmp_path: Path) -> None:
    one = json.loads(azs("tickets", "classify", SPILL, "--json").stdout)
    assert one["category"] == "safety_hazard" and one["urgency"] == "critical"
    assert "→" in azs("tickets", "classify", UNDERFILL).stdout

    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "a", "text": UNDERFILL}, ensure_ascii=False) + "\nnot json\n\n"
                     + json.dumps({"id": "b", "text": SPILL}, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [json.loads(line) for line in azs("tickets", "classify", "--batch", str(batch), "--json").stdout
             .splitlines()]
    assert [x["id"] for x in lines] == ["a", None, "b"]
    assert lines[0]["category"] == "underfill" and "строка 2" in lines[1]["error"]
    assert azs("tickets", "classify", "--batch", str(tmp_path / "none.jsonl")).exit_code == 2


def test_train_notify_and_rules(azs: Azs, tmp_path: Path) -> None:
    stats = json.loads(azs("tickets", "train", "--json").stdout)
    assert stats["total"] >= stats["shipped"] > 0
    azs("tickets", "add", SPILL, "--station", "АЗС-012")
    notified = azs("tickets", "notify")
    assert notified.exit_code == 0 and notified.stdout.startswith("отправлено ")
    assert azs("tickets", "notify", "--every", "0").exit_code == 2

    rules = azs("tickets", "rules")
    assert rules.exit_code == 0 and "отдел maintenance" in rules.stdout
    assert azs("tickets", "rules", str(tmp_path / "none.yaml")).exit_code == 2
