"""The ``azs`` command line: every command named in --help works on a real data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from azs_assistant import cli
from azs_assistant.services import Services
from azs_assistant.settings import Settings

runner = CliRunner()
GUIDE = "# Пролив\n\n## Крупный пролив\n- Нажать аварийную кнопку.\n- Позвонить 112.\n- Сообщить менеджеру.\n"


def azs(data: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli.app, ["--data-dir", str(data), *args])


def test_help_explains_every_command() -> None:
    out = runner.invoke(cli.app, ["--help"]).output
    for command in ("ingest", "search", "ask", "documents", "jargon", "serve", "reindex"):
        assert command in out
    for group, subs in (("documents", ("list", "show", "delete")),
                        ("jargon", ("list", "add", "remove", "import", "export"))):
        sub_help = runner.invoke(cli.app, [group, "--help"]).output
        assert all(s in sub_help for s in subs)


def test_ingest_search_ask_and_documents(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "proliv.md").write_text(GUIDE, encoding="utf-8")
    (kb / "bad.pdf").write_bytes(b"%PDF-broken")
    data = tmp_path / "data"
    result = azs(data, "ingest", str(kb))
    assert result.exit_code == 0
    assert "добавлено 1" in result.output and "ошибок 1" in result.output and "bad.pdf" in result.output

    assert "proliv.md" in azs(data, "search", "крупный пролив").output
    answer = json.loads(azs(data, "ask", "--json", "что делать при крупном проливе").output)
    assert set(answer) >= {"answer", "abstained", "citations", "retrieved"}
    assert answer["citations"][0]["source"] == "proliv.md" and "112" in answer["answer"]
    assert answer["citations"][0].keys() >= {"source", "title", "section", "page", "quote", "score"}

    listing = json.loads(azs(data, "documents", "list", "--json").output)
    assert [d["source"] for d in listing] == ["proliv.md"]
    assert "Позвонить 112" in azs(data, "documents", "show", "proliv.md").output
    assert azs(data, "documents", "delete", "proliv.md").exit_code == 0
    missing = azs(data, "documents", "show", "proliv.md")
    assert missing.exit_code == 4 and "не найден" in missing.output


def test_ask_batch_writes_one_json_object_per_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    doc = tmp_path / "proliv.md"
    doc.write_text(GUIDE, encoding="utf-8")
    azs(data, "ingest", str(doc))
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "question": "крупный пролив что делать"}\n'
                     '{"id": "b", "question": "сколько стоит мойка машины"}\nnot json\n', encoding="utf-8")
    lines = [json.loads(x) for x in azs(data, "ask", "--batch", str(batch), "--json").output.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", None]
    assert not lines[0]["abstained"] and lines[1]["abstained"] and lines[2]["error"]["code"] == "invalid_input"


def test_ask_prints_rich_text_or_plain_text_or_json(tmp_path: Path) -> None:
    """GIVEN steps under a lead-in WHEN asked THEN the terminal shows them as a rich list without
    Markdown marks, --plain prints the API's answer_text, --json carries both forms."""
    data = tmp_path / "data"
    doc = tmp_path / "proliv.md"
    doc.write_text(GUIDE.replace("## Крупный пролив\n", "## Крупный пролив\nПри крупном проливе оператор:\n"),
                   encoding="utf-8")
    azs(data, "ingest", str(doc))
    question = "что делать при крупном проливе"
    body = json.loads(azs(data, "ask", "--json", question).output)
    assert "**При крупном проливе оператор:**" in body["answer"] and "1. Нажать аварийную кнопку." in body["answer"]
    assert "**" not in body["answer_text"] and "При крупном проливе оператор:" in body["answer_text"]
    rich = azs(data, "ask", question)
    assert rich.exit_code == 0 and "**" not in rich.output
    lines = [line.strip() for line in rich.output.splitlines()]
    assert "1 Нажать аварийную кнопку." in lines and "2 Позвонить 112." in lines, rich.output
    plain = azs(data, "ask", "--plain", question).output
    assert plain.startswith(body["answer_text"] + "\n") and "[1] Пролив — Крупный пролив (proliv.md)" in plain


def test_jargon_commands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert "солярка" in azs(data, "jargon", "list").output
    assert azs(data, "jargon", "add", "Зюзя", "огнетушитель").exit_code == 0
    assert "зюзя\tогнетушитель" in azs(data, "jargon", "export").output
    tsv = tmp_path / "extra.tsv"
    tsv.write_text("term\tcanonical\tnote\nмуфточка\tразрывная муфта\tласкательное\n", encoding="utf-8")
    assert "Загружено терминов: 1" in azs(data, "jargon", "import", str(tsv)).output
    assert azs(data, "jargon", "remove", "зюзя").exit_code == 0
    assert azs(data, "jargon", "remove", "зюзя").exit_code == 4
    bad = tmp_path / "bad.tsv"
    bad.write_text("только термин\n", encoding="utf-8")
    result = azs(data, "jargon", "import", str(bad))
    assert result.exit_code == 2 and "Строка 1" in result.output


def test_missing_path_and_missing_question_are_clear_errors(tmp_path: Path) -> None:
    result = azs(tmp_path, "ingest", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "не найден" in result.output
    assert azs(tmp_path, "ask").exit_code == 2


@pytest.mark.slow  # over 5 s (--durations)
def test_tickets_list_pages_and_says_when_more_rows_exist(tmp_path: Path) -> None:
    """GIVEN 105 tickets WHEN `azs tickets list` runs THEN it shows 100 and says how to see the rest;
    --offset, --limit and --all page through them, and with --json the note stays off stdout."""
    assert azs(tmp_path, "tickets", "list").exit_code == 0
    svc = Services(Settings(data_dir=tmp_path))
    for n in range(105):
        svc.tickets.create(f"Колонка {n % 8 + 1} не выдаёт топливо, жалоба {n}", station="АЗС-012", actor="test")
    svc.close()

    def listed(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli.app, ["--data-dir", str(tmp_path), "tickets", "list", *args])

    first = listed()
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert len(lines) == 101 and lines[-1] == "Показаны 1–100 из 105; следующие: --offset 100 (или --all)."
    rest = listed("--offset", "100").output.splitlines()
    assert len(rest) == 5 and not {line.split()[0] for line in rest} & {line.split()[0] for line in lines[:100]}
    assert listed("--limit", "10", "--offset", "20").output.splitlines()[-1].startswith("Показаны 21–30 из 105;")
    assert len(listed("--all").output.splitlines()) == 105
    assert listed("--offset", "200").output.strip() == "Всего 105: после первых 200 строк нет."
    as_json = listed("--json", "--limit", "3")
    assert [json.loads(line)["number"] for line in as_json.stdout.splitlines()]
    assert "Показаны 1–3 из 105" in as_json.stderr


@pytest.mark.parametrize(("variable", "value"), [("AZS_TIMEZONE", "Mars/Base"), ("AZS_JOB_WORKERS", "x"),
                                                 ("AZS_LOG_LEVEL", "loud")])
def test_a_wrong_setting_is_named_with_its_value_and_exits_78(tmp_path: Path, variable: str, value: str) -> None:
    """An IT walk got «Непредвиденная ошибка: ValidationError: 1 validation error for Settings» (exit 1) for each:
    which variable was wrong only showed with --verbose, in a traceback."""
    out = runner.invoke(cli.app, ["--data-dir", str(tmp_path), "users", "list"], env={variable: value})
    assert out.exit_code == 78, out.output
    assert f"Ошибка настройки: {variable}='{value}'" in out.output and "Непредвиденная" not in out.output


def test_a_key_revoked_by_its_whole_text_is_revoked_and_not_printed_back(tmp_path: Path) -> None:
    """`apikeys revoke <whole key>` said «Ключ azs_68a6db63_yaS1… не найден», printing the secret into the terminal's
    history; a negative --rate was taken and meant no limit."""
    base = ["--data-dir", str(tmp_path)]
    made = runner.invoke(cli.app, [*base, "apikeys", "create", "erp", "--role", "admin"])
    key = made.stdout.strip().splitlines()[0]
    assert key.startswith("azs_")
    out = runner.invoke(cli.app, [*base, "apikeys", "revoke", key])
    assert out.exit_code == 0 and key not in out.output and "отозван" in out.output
    svc = Services(Settings(data_dir=tmp_path))
    try:
        assert svc.access.key_principal(key) is None
    finally:
        svc.close()
    negative = runner.invoke(cli.app, [*base, "apikeys", "create", "x", "--role", "admin", "--rate", "-5"])
    assert negative.exit_code == 2


def test_a_support_person_s_department_must_be_one_the_routing_rules_know(tmp_path: Path) -> None:
    """`users add sup2 --role support --department nosuchdept` was taken: nothing would ever reach that person."""
    base = ["--data-dir", str(tmp_path), "users", "add"]
    env = {"AZS_TEST_PW": "очень-длинный-пароль"}
    wrong = runner.invoke(cli.app, [*base, "sup2", "--role", "support", "--department", "nosuchdept",
                                    "--password-from", "env:AZS_TEST_PW"], env=env)
    assert wrong.exit_code == 2 and "nosuchdept" in wrong.output and "hse" in wrong.output
    right = runner.invoke(cli.app, [*base, "sup3", "--role", "support", "--department", "hse",
                                    "--password-from", "env:AZS_TEST_PW"], env=env)
    assert right.exit_code == 0 and "отдел hse" in right.output
    key = runner.invoke(cli.app, ["--data-dir", str(tmp_path), "apikeys", "create", "crm", "--role", "support",
                                  "--department", "customer_servce"])
    assert key.exit_code == 2 and "customer_service" in key.output  # a key of a mistyped department is refused too


def test_documents_and_incidents_loaded_from_the_terminal_are_audited(tmp_path: Path) -> None:
    """An IT walk found `azs ingest` and `azs incidents import` in no audit row, though the CLI's changes are
    documented as audited (as `cli:<os user>`), like an upload through the API."""
    from tests.incidents.incident_log import make_log
    from tests.incidents.test_reports_api import cp1251_csv

    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "rule.md").write_text("# Правило\n\nКурить на АЗС запрещается.\n", encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_bytes(cp1251_csv(make_log(5)))
    base = ["--data-dir", str(tmp_path / "data")]
    assert runner.invoke(cli.app, [*base, "ingest", str(tmp_path / "kb")]).exit_code == 0
    assert runner.invoke(cli.app, [*base, "incidents", "import", str(log)]).exit_code == 0
    svc = Services(Settings(data_dir=tmp_path / "data", embeddings="none"))
    try:
        rows = {e.action: e for e in svc.access.audit_search(action="")}
        upload, imported = rows["document.upload"], rows["incidents.import"]
        assert upload.actor.startswith("cli:") and upload.details["status"] == "added" and "rule.md" in upload.target
        assert imported.actor.startswith("cli:") and imported.details["inserted"] == 5
    finally:
        svc.close()


def test_a_new_data_dir_is_its_owner_s_alone(tmp_path: Path) -> None:
    """The database (password hashes, complaint contacts) sat in a directory every local user could read."""
    runner.invoke(cli.app, ["--data-dir", str(tmp_path / "new"), "users", "list"])
    assert (tmp_path / "new").stat().st_mode & 0o077 == 0



def test_a_list_piped_into_head_ends_quietly(capsys) -> None:  # type: ignore[no-untyped-def]
    """`azs documents list | head` said «Непредвиденная ошибка: BrokenPipeError» (exit 1) once head had its lines:
    the reader closing the pipe is no error."""
    import os
    import sys

    from azs_assistant.cli._common import PIPE_CLOSED_EXIT, report_error

    read, write = os.pipe()
    os.close(read)  # head has read its lines and gone
    saved = os.dup(1)
    os.dup2(write, 1)
    real = sys.stdout
    sys.stdout = os.fdopen(os.dup(1), "w")
    try:
        assert report_error(BrokenPipeError(32, "Broken pipe"), verbose=False) == PIPE_CLOSED_EXIT
    finally:
        sys.stdout = real
        os.dup2(saved, 1)
        os.close(saved)
        os.close(write)
    assert capsys.readouterr().err == ""
    # a pipe of its own that broke (a socket, a child process) is still an error to report
    assert report_error(BrokenPipeError(32, "Broken pipe"), verbose=False) == 1
    assert "BrokenPipeError" in capsys.readouterr().err
