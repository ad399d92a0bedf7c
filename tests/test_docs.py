"""The README stays true to the code: its commands exist and its settings are real."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from azs_assistant import cli
from azs_assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_commands_and_ci_runs_the_test_one() -> None:
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_azs_command_in_the_readme_exists() -> None:
    runner = CliRunner()
    for match in set(re.findall(r"azs ((?:documents|jargon|incidents|report|tickets) \w+|\w+)", README)):
        args = match.split() + ["--help"]
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0, f"README names `azs {match}`, which fails: {result.output}"


def test_every_setting_in_the_readme_exists() -> None:
    fields = {f"AZS_{name.upper()}" for name in Settings.model_fields}
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")  # its own variables, not settings
    for name in set(re.findall(r"AZS_[A-Z_]+", README)):
        if name.startswith("AZS_TEST_") or re.search(rf"\b{name}\b", setup):
            continue
        assert name in fields, f"README documents {name}, which is not a setting"


def test_security_doc_carries_the_policy_table_and_real_settings() -> None:
    """docs/security.md prints the route table of auth/policy.py as it is, and names only real settings."""
    from azs_assistant.auth.policy import markdown_table

    doc = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert markdown_table() in doc, "docs/security.md: paste azs_assistant.auth.policy.markdown_table() anew"
    fields = {f"AZS_{name.upper()}" for name in Settings.model_fields}
    for name in set(re.findall(r"AZS_[A-Z_]+", doc)):
        assert name in fields, f"docs/security.md names {name}, which is not a setting"
