"""The docs stay true to the code, both ways: every command and setting named in README.md and docs/*.md
exists, and every command, group and setting is documented there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from azs_assistant import cli
from azs_assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_commands_and_ci_runs_the_test_one() -> None:
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


DOCS = {"README.md": README} | {f"docs/{p.name}": p.read_text(encoding="utf-8")
                                 for p in sorted((ROOT / "docs").glob("*.md"))}
SETTINGS = {f"AZS_{name.upper()}" for name in Settings.model_fields}
# `azs`, its options (a value after those that take one: all but -v/--verbose), then up to two words: a
# command and a subcommand.
_INVOCATION = re.compile(r"(?<![\w.-])azs((?:[ \t]+(?:-v|--verbose|--?[a-z][\w-]*(?:[ =][^\s`|-][^\s`|]*)?))*)"
                         r"[ \t]+([a-z][\w-]*)(?:[ \t]+([a-z][\w-]*))?")


def _commands() -> dict[str, bool]:
    """Every command path of the `azs` Typer app («tickets list»), True for a group; sub-groups too."""
    import typer.main

    found: dict[str, bool] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if path:
            found[" ".join(path)] = subcommands is not None
        for name, sub in (subcommands or {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(cli.app), ())
    return found


def _code(text: str) -> str:
    """What the docs show as code: inline code spans and fenced blocks, without shell comments (prose in
    them may say «azs» as a word)."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    lines = [re.sub(r"(^|\s)#.*", "", line) for block in blocks for line in block.splitlines()]
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", text, flags=re.S | re.M))
    return "\n".join(lines + spans)


def _invocations() -> dict[str, set[str]]:
    """Each `azs …` the docs show, as the longest command path it names, with the files naming it."""
    commands, named = _commands(), {}
    for file, text in DOCS.items():
        for _, first, second in _INVOCATION.findall(_code(text)):
            path = f"{first} {second}" if commands.get(first) and second else first
            named.setdefault(path, set()).add(file)
    return named


def test_every_azs_command_named_in_the_docs_exists() -> None:
    commands = _commands()
    for path, files in _invocations().items():
        assert path in commands, f"{', '.join(sorted(files))} name `azs {path}`, which is no command"


def test_every_azs_command_and_group_is_documented() -> None:
    named = _invocations()
    missing = [path for path in _commands()
               if not any(name == path or name.startswith(path + " ") for name in named)]
    assert not missing, f"no `azs …` line in README.md or docs/*.md for: {missing}"


def test_every_setting_named_in_the_docs_exists() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")  # its own variables, not settings
    for file, text in DOCS.items():
        text = re.sub(r"^```(yaml|sql)\n.*?^```", "", text, flags=re.S | re.M)  # data: AZS_CODE is a column
        for name in set(re.findall(r"AZS_[A-Z0-9_]+", text)):
            if name.startswith("AZS_TEST_") or re.search(rf"\b{name}\b", setup) or name.endswith("_"):
                continue  # a test's own variable, setup.sh's, or a family: `AZS_SMTP_*`
            assert name in SETTINGS, f"{file} documents {name}, which is not a setting"


def test_every_setting_is_documented() -> None:
    text = "\n".join(DOCS.values())
    missing = sorted(name for name in SETTINGS if not re.search(rf"\b{name}\b", text))
    assert not missing, f"settings with no word in README.md or docs/*.md: {missing}"


def test_security_doc_carries_the_policy_table_and_real_settings() -> None:
    """docs/security.md prints the route table of auth/policy.py as it is, and names only real settings."""
    from azs_assistant.auth.policy import markdown_table

    doc = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert markdown_table() in doc, "docs/security.md: paste azs_assistant.auth.policy.markdown_table() anew"
    fields = {f"AZS_{name.upper()}" for name in Settings.model_fields}
    for name in set(re.findall(r"AZS_[A-Z0-9_]+", doc)):
        assert name in fields, f"docs/security.md names {name}, which is not a setting"
