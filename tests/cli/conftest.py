"""The `azs` command run in-process on a fresh data directory, as a user runs it (options and env only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from azs_assistant import cli

Azs = Callable[..., Result]


@pytest.fixture
def azs(tmp_path: Path) -> Azs:
    """``azs("tickets", "list", env={...})``: one invocation against ``tmp_path/data``."""
    runner = CliRunner()
    data = tmp_path / "data"

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        return runner.invoke(cli.app, ["--data-dir", str(data), *args], input=input,
                             env={"AZS_EMBEDDINGS": "none", **(env or {})})

    return invoke
