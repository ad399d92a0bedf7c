"""One error edge: typed errors become a message and their exit code, anything else a short message
and 1; the traceback appears only with `azs --verbose`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from azs_assistant import cli
from azs_assistant.language.service import Jargon
from tests.cli.conftest import Azs


def test_typed_error_prints_its_message_and_exit_code_without_traceback(azs: Azs) -> None:
    result = azs("documents", "show", "nope.md")
    assert result.exit_code == 4
    assert "Ошибка: Документ «nope.md» не найден." in result.stderr
    assert "Traceback" not in result.output


def test_verbose_shows_the_traceback_and_keeps_the_exit_code(azs: Azs) -> None:
    result = azs("--verbose", "documents", "show", "nope.md")
    assert result.exit_code == 4
    assert "Traceback (most recent call last)" in result.stderr and "NotFound" in result.stderr
    assert "Ошибка: Документ «nope.md» не найден." in result.stderr


def test_unexpected_error_is_a_short_message_and_exit_1(azs: Azs, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN a bug deep in a service WHEN a command hits it THEN the user reads one line naming
    --verbose, not a traceback; with -v the traceback is there."""
    def broken(self: Jargon) -> list[object]:
        raise RuntimeError("сломалось")

    monkeypatch.setattr(Jargon, "entries", broken)
    result = azs("jargon", "list")
    assert result.exit_code == 1
    assert "Непредвиденная ошибка: RuntimeError: сломалось." in result.stderr and "--verbose" in result.stderr
    assert "Traceback" not in result.output
    verbose = azs("-v", "jargon", "list")
    assert verbose.exit_code == 1 and "Traceback (most recent call last)" in verbose.stderr


@pytest.mark.parametrize(("args", "said"), [
    (("ask", "--bogus", "q"), "Ошибка: Нет такого параметра: --bogus."),
    (("--verbos", "ask", "q"), "Нет такого параметра: --verbos. Может быть, --verbose?"),
    (("documents", "show"), "Ошибка: Не указан аргумент ref."),
    (("tickets", "list", "--limit", "x"), "Неверное значение --limit: нужно целое число, а дано «x»."),
    (("tickets", "list", "--limit", "0"), "Неверное значение --limit: нужно не меньше 1, а дано «0»."),
    (("documents", "lst"), "Нет такой команды: «lst». Может быть, «list»?"),
    (("ask", "q", "extra"), "Лишний аргумент: extra."),
    (("ask", "q", "a", "b"), "Лишние аргументы: a b."),
    (("it's",), "Нет такой команды: «it's»."),
    (("ask", "--batch"), "После --batch нужно значение."),
    (("ask", "--json=yes", "q"), "Параметр --json не принимает значения."),
    ((), "Не указана команда."),
])
def test_usage_errors_are_said_in_russian_with_the_usage_line(azs: Azs, args: tuple[str, ...], said: str) -> None:
    """GIVEN a mistyped command line WHEN it runs THEN the operator reads what is wrong in Russian, the usage line
    and where the help is, exit 2 (typer said «No such option», «Missing argument 'ref'.», «Invalid value for
    '--limit': Input should be a valid integer…» in English)."""
    result = azs(*args)
    assert result.exit_code == 2, result.output
    assert said in result.stderr
    assert "Непредвиденная" not in result.output and "Usage" not in result.output and "Try '" not in result.output
    if "--json=" not in " ".join(args) and "--batch" not in args:  # click gives these two no context to show
        assert "Использование: " in result.stderr and "--help" in result.stderr


def test_help_pages_frame_is_russian(azs: Azs) -> None:
    """`azs --help` and a command's help: headings, the usage line, the --help line and the default are Russian."""
    top = azs("--help")
    assert top.exit_code == 0
    for russian in ("Использование: ", "Параметры", "Команды", "Показать эту справку и выйти.",
                    "[по умолчанию: var]", "[переменная окружения: AZS_DATA_DIR]"):
        assert russian in top.output, russian
    command = azs("backup", "create", "--help")
    assert "[обязательный]" in command.output and "Показать эту справку и выйти." in command.output
    for english in ("Usage:", "Options", "Commands", "Show this message", "default:", "required]"):
        assert english not in top.output + command.output, english


def test_help_pages_name_value_types_in_russian_and_flags_take_none(azs: Azs) -> None:
    """A value's type reads «<текст>», «<число>», «<путь>...» (typer showed «<str>», «<int range>», «<list[Path]>»),
    and a flag shows no type at all (typer showed «--json <bool>»)."""
    pages = "".join(azs(*command, "--help").output for command in
                    (("ask",), ("ingest",), ("search",), ("jobs", "list"), ("report", "ask"), ("users", "add")))
    shown = set(re.findall(r"<[^>\s]+>(?:\.\.\.)?", pages))
    assert {"<текст>", "<число>", "<путь>..."} <= shown, shown
    assert not {t for t in shown if re.search(r"[a-z]", t)}, shown  # no «<str>», «<bool>», «<list[Path]>»
    flag = next(line for line in azs("ask", "--help").output.splitlines() if "--json" in line)
    assert "<" not in flag


def test_console_script_exits_with_the_error_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`azs` as installed (`azs_assistant.cli:run`) goes through the same edge."""
    monkeypatch.setenv("AZS_EMBEDDINGS", "none")
    monkeypatch.setattr(sys, "argv", ["azs", "--data-dir", str(tmp_path), "tickets", "show", "Ж-0000"])
    with pytest.raises(SystemExit) as exit_:
        cli.run()
    assert exit_.value.code == 4
    err = capsys.readouterr().err
    assert "Ошибка:" in err and "Traceback" not in err
    monkeypatch.setattr(sys, "argv", ["azs", "--data-dir", str(tmp_path), "tickets", "lst"])
    with pytest.raises(SystemExit) as usage:
        cli.run()
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert "Нет такой команды: «lst»" in err and "Использование: azs tickets" in err
    assert "Справка: azs tickets --help" in err
    monkeypatch.setattr(sys, "argv", ["azs", "--data-dir", str(tmp_path), "tickets", "rules"])
    with pytest.raises(SystemExit) as fine:
        cli.run()
    assert fine.value.code == 0


@pytest.mark.parametrize("command", [
    ("stations", "import"), ("incidents", "import"), ("jargon", "import"), ("tickets", "classify", "--batch"),
    ("tickets", "rules"), ("ask", "--batch"), ("ocr",),
    ("learning", "compare", "--base-url", "http://127.0.0.1:9", "--candidate-url", "http://127.0.0.1:9",
     "--questions")])
def test_a_file_that_is_not_there_is_one_message_and_exit_2_in_every_command(azs: Azs, tmp_path: Path,
                                                                            command: tuple[str, ...]) -> None:
    """`stations import` said «Файл не найден» with exit 4, `incidents import` the same with 2, `ask --batch` and
    `ocr` «не прочитан: No such file or directory» in English; a folder named as the file is said so."""
    missing = tmp_path / "нет.csv"
    result = azs(*command, str(missing))
    assert result.exit_code == 2, result.output
    assert f"Ошибка: Файл не найден: {missing}" in result.stderr and "No such file" not in result.stderr
    folder = azs(*command, str(tmp_path))
    assert folder.exit_code == 2 and f"{tmp_path} — это папка, а нужен файл." in folder.stderr, folder.output


def test_a_person_is_told_when_a_command_makes_a_new_empty_database(azs: Azs, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """`azs --data-dir /srv/azs/dta users list` (a typo) made an empty database there and said nobody was there:
    at a terminal the command now says it made a new, empty database and where; a second run says nothing."""
    from azs_assistant.cli import _common

    monkeypatch.setattr(_common, "interactive", lambda: True)
    first = azs("users", "list")
    assert first.exit_code == 0 and "Создана новая, пустая база данных" in first.stderr, first.output
    assert str(tmp_path / "data") in first.stderr and "--data-dir" in first.stderr
    assert "Создана новая" not in azs("users", "list").stderr
