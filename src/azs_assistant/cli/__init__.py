"""The ``azs`` command: ingest documents, search, ask, manage the jargon dictionary, serve the web UI.

One module per command group; this one builds the root command, its global options and the list of
groups. Errors become messages in one place (``_common.ErrorEdge``), whether ``azs`` runs from the shell
(``run``) or a test invokes ``app``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from azs_assistant.cli import (
    apikeys,
    backup,
    documents,
    forms,
    incidents,
    jargon,
    jobs,
    knowledge,
    learning,
    originals,
    report,
    serve,
    stations,
    telegram,
    tickets,
    users,
)
from azs_assistant.cli._common import ErrorEdge, State

__all__ = ["State", "app", "run"]

app = typer.Typer(help="azs-assistant: ассистент для сети АЗС (база знаний, поиск, ответы с источниками).",
                  cls=ErrorEdge, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Annotated[Path, typer.Option("--data-dir", envvar="AZS_DATA_DIR",
                                           help="Каталог данных (база SQLite, кэши).")] = Path("var"),
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Показывать трассировку ошибок.")] = False,
) -> None:
    """Ассистент для сети АЗС."""
    from azs_assistant import logs

    bindings = logs.bind(request_id=logs.new_id())  # this command's lines, whatever they pass through
    ctx.call_on_close(lambda: logs.unbind(bindings))
    given = ctx.obj
    if isinstance(given, State) and given.data_dir == data_dir:
        # A program that runs commands in-process (the benchmarks) passes its own State to keep the
        # services warm between invocations; it owns them and closes them itself.
        given.verbose = verbose
        current = given
    else:
        ctx.obj = current = State(data_dir=data_dir, verbose=verbose)
        ctx.call_on_close(current.close)
    logs.configure_from(current.settings, default_level="WARNING")  # `azs serve` logs at info


# Top-level commands, in the order `azs --help` lists them.
COMMANDS: list[tuple[str, Callable[..., None]]] = [
    ("ingest", knowledge.ingest),
    ("search", knowledge.search),
    ("ask", knowledge.ask),
    ("summarize", documents.summarize),
    ("ocr", forms.ocr),
    ("export", forms.export_records),
    ("reindex", knowledge.reindex),
    ("serve", serve.serve),
    ("worker", jobs.worker),
]

# Command groups: `azs <name> …`, one module each. A new group is one module with its own
# `app = typer.Typer(...)` and one line here.
GROUPS = [
    ("documents", documents.app),
    ("jargon", jargon.app),
    ("incidents", incidents.app),
    ("report", report.app),
    ("tickets", tickets.app),
    ("users", users.app),
    ("apikeys", apikeys.app),
    ("telegram", telegram.app),
    ("learning", learning.app),
    ("stations", stations.app),
    ("jobs", jobs.app),
    ("backup", backup.app),
    ("originals", originals.app),
]

for _name, _command in COMMANDS:
    app.command(_name)(_command)
for _name, _group in GROUPS:
    app.add_typer(_group, name=_name)


def run() -> None:
    """The console script ``azs`` (and ``python -m azs_assistant.cli``: its usage lines name ``azs`` too)."""
    app(prog_name="azs")


if __name__ == "__main__":
    run()
