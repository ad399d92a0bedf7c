"""What every command group shares: the per-invocation state, the one error edge, output helpers."""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer
from typer._click import exceptions as click_errors
from typer.core import TyperGroup

from azs_assistant.errors import AzsError, ConfigError, InvalidInput

if TYPE_CHECKING:
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings

UNEXPECTED_EXIT = 1
PIPE_CLOSED_EXIT = 141  # 128 + SIGPIPE, as `yes | head` ends under `set -o pipefail`


@dataclass
class State:
    """One invocation's options and the services built from them (closed when the command ends)."""

    data_dir: Path = Path("var")
    verbose: bool = False
    _settings: Optional[Settings] = field(default=None, repr=False)
    _services: Optional[Services] = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from azs_assistant.settings import Settings

            self._settings = Settings(data_dir=self.data_dir)
        return self._settings

    @property
    def services(self) -> Services:
        if self._services is None:  # built on first use: `azs --help` and `tickets rules` need no database
            from azs_assistant.services import Services

            database = self.settings.sqlite_file
            fresh = database is not None and not database.exists()
            self._services = Services(self.settings)
            if fresh and interactive():
                # a mistyped --data-dir made an empty database without a word, and `users list` there said nobody
                # was there; a script (no terminal) is not told, as the first `azs ingest` of a new install is not
                typer.echo(f"Создана новая, пустая база данных: {database} (в каталоге данных её не было; если путь "
                           "указан с опечаткой, проверьте --data-dir или AZS_DATA_DIR).", err=True)
        return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.close()
            self._services = None


def interactive() -> bool:
    """A person reads the terminal (stderr is one), not a script or a test."""
    return sys.stderr.isatty()


def state(ctx: typer.Context) -> State:
    """This invocation's state, set by the root callback (defaults if a group is invoked on its own)."""
    return ctx.ensure_object(State)


def services(ctx: typer.Context) -> Services:
    """The services of this invocation, built from its --data-dir and the environment."""
    return state(ctx).services


class ErrorEdge(TyperGroup):
    """The root command group: the one place where errors become a message and an exit code.

    A typed error prints its Russian message and exits with its own code; anything else prints a
    short message and exits 1. The traceback is printed only with ``azs --verbose``."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        """Usage errors in Russian (``_usage``): the library's standalone mode prints them in English, so this
        one runs it in its other mode and prints and exits itself, as click's standalone mode would."""
        from azs_assistant.cli import _usage

        _usage.localise(self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except click_errors.ClickException as exc:
            _usage.show(exc)
            sys.exit(exc.exit_code)
        except typer.Abort:  # Ctrl+D at a prompt
            typer.secho("Прервано.", fg=typer.colors.RED, err=True)
            sys.exit(1)
        # a command's own `typer.Exit(n)` comes back as n; a value a command returns is no exit status
        sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)

    def invoke(self, ctx: Any) -> Any:  # Any: typer's vendored click.Context is private
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):  # usage errors, --help, explicit exit codes
            raise
        except Exception as exc:
            verbose = isinstance(ctx.obj, State) and ctx.obj.verbose
            raise typer.Exit(report_error(exc, verbose)) from exc


def report_error(exc: Exception, verbose: bool) -> int:
    """Say what went wrong on stderr; return the exit code."""
    if verbose:
        traceback.print_exception(exc)
    if isinstance(exc, AzsError):
        typer.secho(f"Ошибка: {exc.message_ru}", fg=typer.colors.RED, err=True)
        return exc.exit_code
    if isinstance(exc, BrokenPipeError) and _stdout_closed():
        return PIPE_CLOSED_EXIT  # «azs documents list | head»: the reader has all it wanted; said as a shell says it
    wrong = _settings_wrong(exc)
    if wrong:  # AZS_TIMEZONE=Mars/Base said «ValidationError: 1 validation error for Settings», naming no variable
        typer.secho(f"Ошибка настройки: {wrong}", fg=typer.colors.RED, err=True)
        return ConfigError.exit_code
    detail = (str(exc).splitlines() or [""])[0][:200]  # one line: the traceback is what --verbose is for
    hint = "" if verbose else " Подробности (трассировка): повторите команду с azs --verbose."
    typer.secho(f"Непредвиденная ошибка: {type(exc).__name__}: {detail}.{hint}", fg=typer.colors.RED, err=True)
    return UNEXPECTED_EXIT


def _stdout_closed() -> bool:
    """Whether our own output is the pipe its reader closed (not a socket or a child's pipe that broke): then
    nothing is left to write, and stdout goes to /dev/null so the interpreter's last flush says nothing either.
    A pipe with no reader left polls as an error."""
    import os
    import select
    import sys

    try:
        fd = sys.stdout.fileno()
        poll = select.poll()
        poll.register(fd, select.POLLOUT)
        if not any(event & select.POLLERR for _, event in poll.poll(0)):
            return False
        os.dup2(os.open(os.devnull, os.O_WRONLY), fd)
    except (OSError, ValueError, AttributeError):  # a stdout that is no file (a test's runner), no poll()
        return False
    return True


def _settings_wrong(exc: Exception) -> str:
    """For a setting the environment gives wrongly: each variable with its value and why (pydantic's words)."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or exc.title != "Settings":
        return ""
    return "; ".join(f"AZS_{str(e['loc'][0]).upper()}={str(e.get('input'))[:80]!r} — {e['msg']}"
                     for e in exc.errors() if e.get("loc"))


def local(ctx: typer.Context, value: Any) -> str:
    """A time the system keeps (UTC) on the chain's clock (AZS_TIMEZONE), as the pages show it."""
    return "—" if value is None else state(ctx).settings.local(value).strftime("%d.%m.%Y %H:%M")


def print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=str))


def cannot_read(path: Path, exc: OSError) -> InvalidInput:
    """A file the user named could not be read: say which and why, in words (not the system's English
    «No such file or directory»), with one exit code for every command (2, as a usage error)."""
    if isinstance(exc, FileNotFoundError):
        return InvalidInput(f"Файл не найден: {path}", f"File not found: {path}", message_kk=f"Файл табылмады: {path}")
    if isinstance(exc, IsADirectoryError):
        return InvalidInput(f"{path} — это папка, а нужен файл.", f"{path} is a folder, not a file.",
                            message_kk=f"{path} — бұл қалта, файл керек.")
    if isinstance(exc, PermissionError):
        return InvalidInput(f"Нет прав на чтение файла {path}.", f"No permission to read {path}.",
                            message_kk=f"{path} файлын оқуға рұқсат жоқ.")
    return InvalidInput(f"Файл {path} не прочитан: {exc.strerror}", f"Cannot read {path}: {exc.strerror}",
                        message_kk=f"{path} файлы оқылмады: {exc.strerror}")


def existing_file(path: Path) -> Path:
    """A file the user named, checked to open for reading, or the typed error :func:`cannot_read` gives (one
    message and exit code for every command: `stations import` said 4 where `incidents import` said 2)."""
    try:
        with path.open("rb"):
            return path
    except OSError as exc:
        raise cannot_read(path, exc) from exc


def read_input(path: Path) -> bytes:
    """The bytes of a file the user named, read once, or the typed error :func:`cannot_read` gives."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise cannot_read(path, exc) from exc


def parse_every(text: str) -> float:
    """An interval such as 30s, 15m, 1h, 1d, in seconds (the schedules' parser, imported when used)."""
    from azs_assistant.jobs.schedule import parse_every as parse

    return parse(text)


def rounds(interval: Optional[float]) -> Iterator[int]:
    """Rounds of a repeated command: one round without an interval, else forever with a pause between."""
    n = 0
    while True:
        n += 1
        yield n
        if interval is None:
            return
        time.sleep(interval)


def cli_actor() -> str:
    """Who acts from the terminal, for the audit log."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in a container
        return "cli"


def split(values: Optional[list[str]]) -> Optional[list[str]]:
    """Repeated options that may also carry comma-separated values: --station A,B --station C."""
    if values is None:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]
