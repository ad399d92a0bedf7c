"""Each invocation builds its services from its own options and closes them; a program that runs
commands in-process may hand in a State to keep them warm (it then closes them itself)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from azs_assistant import cli
from azs_assistant.cli import State


def test_each_invocation_reads_its_own_data_dir(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"AZS_EMBEDDINGS": "none"}
    a, b = tmp_path / "a", tmp_path / "b"
    assert runner.invoke(cli.app, ["--data-dir", str(a), "jargon", "add", "зюзя", "огнетушитель"], env=env) \
        .exit_code == 0
    assert "зюзя" not in runner.invoke(cli.app, ["--data-dir", str(b), "jargon", "export"], env=env).output
    assert "зюзя" in runner.invoke(cli.app, ["--data-dir", str(a), "jargon", "export"], env=env).output
    assert (a / "azs.db").is_file() and (b / "azs.db").is_file()


def test_a_state_handed_in_keeps_its_services_between_invocations(tmp_path: Path) -> None:
    runner = CliRunner()
    state = State(data_dir=tmp_path / "data")
    args = ["--data-dir", str(state.data_dir), "jargon", "list"]
    assert runner.invoke(cli.app, args, obj=state, env={"AZS_EMBEDDINGS": "none"}).exit_code == 0
    services = state.services
    assert runner.invoke(cli.app, args, obj=state).exit_code == 0
    assert state.services is services and services.jargon.entries()  # still open: the caller owns it
    state.close()


def test_a_state_for_another_data_dir_is_not_used(tmp_path: Path) -> None:
    state = State(data_dir=tmp_path / "other")
    out = CliRunner().invoke(cli.app, ["--data-dir", str(tmp_path / "data"), "jargon", "list"], obj=state,
                             env={"AZS_EMBEDDINGS": "none"})
    assert out.exit_code == 0 and state._services is None
