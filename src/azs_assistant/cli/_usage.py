"""The command line's own words in Russian: usage errors and the frame of ``--help``.

Typer (with the click it vendors) writes «No such option: --bogus», «Missing argument 'ref'.», «Invalid value
for '--limit': Input should be a valid integer…», «Usage:», «Try 'azs ask --help' for help.» and «Show this
message and exit.» in English, some as fixed f-strings that no translation catalogue reaches. So the root
command (``_common.ErrorEdge``) prints a usage error itself, from the exception's type and its fields (the
option, the parameter, the value's validation error), in the form every other error of ``azs`` has:

    Ошибка: Нет такого параметра: --jsn. Может быть, --json?
    Использование: azs ask [ПАРАМЕТРЫ] [question]
    Справка: azs ask --help

and :func:`localise` gives the help pages Russian headings, metavars and the ``--help`` line. A message this
module does not know is shown as the library wrote it, under the same frame.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import typer
from typer import rich_utils
from typer._click import Context
from typer._click import exceptions as errors
from typer._click.formatting import HelpFormatter

HELP_TEXT = "Показать эту справку и выйти."
OPTIONS_METAVAR = "[ПАРАМЕТРЫ]"
SUBCOMMAND_METAVAR = "КОМАНДА [АРГУМЕНТЫ]..."

# rich_utils reads these module constants each time it draws a help page or an error
rich_utils.ARGUMENTS_PANEL_TITLE = "Аргументы"
rich_utils.OPTIONS_PANEL_TITLE = "Параметры"
rich_utils.COMMANDS_PANEL_TITLE = "Команды"
rich_utils.ERRORS_PANEL_TITLE = "Ошибка"
rich_utils.DEFAULT_STRING = "[по умолчанию: {}]"
rich_utils.ENVVAR_STRING = "[переменная окружения: {}]"
rich_utils.REQUIRED_LONG_STRING = "[обязательный]"
rich_utils.DEPRECATED_STRING = "(устарело) "
rich_utils.ABORTED_TEXT = "Прервано."


class _Formatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Использование: " if prefix is None else prefix)


class _Context(Context):
    formatter_class = _Formatter


def _commands(command: Any) -> Iterator[Any]:
    yield command
    for sub in getattr(command, "commands", {}).values():
        yield from _commands(sub)


def localise(root: Any) -> None:
    """Russian usage lines and ``--help`` text for the root command and every command under it (once: a program
    that keeps the command tree, as the benchmarks do, calls it on every invocation)."""
    if root.context_class is _Context:
        return
    for command in _commands(root):
        command.context_class = _Context
        command.options_metavar = OPTIONS_METAVAR
        if hasattr(command, "subcommand_metavar"):  # a group
            command.subcommand_metavar = SUBCOMMAND_METAVAR
        option = command.get_help_option(_Context(command, help_option_names=["--help"]))
        if option is not None:
            option.help = HELP_TEXT
        for param in [*command.params, *([option] if option is not None else [])]:
            if hasattr(param, "display_type_rich"):
                param.display_type_rich = _russian_type(param.display_type_rich, param)


# Typer's value types as the help pages show them («<str>», «<int range>», «<list[Path]>») → Russian; a repeatable
# option's «<list[str]>» is «<текст>...». A flag shows none: it takes no value. Others (a choice's values, a bool
# argument's «<bool>», which takes true/false) are shown as typer shows them.
_TYPE_WORDS = {"str": "текст", "int": "число", "float": "число", "path": "путь", "Path": "путь", "file": "файл",
               "dir": "папка", "datetime": "дата", "date": "дата", "int range": "число", "float range": "число"}


def _russian_type(shown: Any, param: Any) -> Any:
    def display(ctx: Context) -> str | None:
        if getattr(param, "is_flag", False) and not getattr(param, "count", False):
            return None
        label = shown(ctx=ctx)
        if not label or param.metavar is not None:
            return label  # type: ignore[no-any-return]
        inner = re.fullmatch(r"<(list\[)?([^\]>]+)\]?>(\.\.\.)?", label)
        if inner is None or inner[2] not in _TYPE_WORDS:
            return label  # type: ignore[no-any-return]  # a choice's values, shown as they are typed
        return f"<{_TYPE_WORDS[inner[2]]}>" + ("..." if inner[1] or inner[3] else "")

    return display


def show(error: errors.ClickException) -> None:
    """Print a usage error (or click's other errors) on stderr as ``azs`` prints its own."""
    if isinstance(error, errors.NoArgsIsHelpError):
        return  # the help page is already printed
    typer.secho(f"Ошибка: {message(error)}", fg=typer.colors.RED, err=True)
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        typer.echo(f"Справка: {ctx.command_path} --help", err=True)


def message(error: errors.ClickException) -> str:
    """The error in Russian, read from its type and fields; the library's own words where nothing matches."""
    if isinstance(error, errors.NoSuchOption):
        said = f"Нет такого параметра: {error.option_name}."
        return f"{said} Может быть, {', '.join(sorted(error.possibilities))}?" if error.possibilities else said
    if isinstance(error, errors.MissingParameter):
        return f"Не указан {_named(error.param)}."
    if isinstance(error, errors.BadParameter):
        name = _named(error.param, of=True)
        return f"Неверное значение{' ' + name if name else ''}: {_why(error)}"
    if isinstance(error, errors.BadOptionUsage):
        if "requires" in error.message:
            return f"После {error.option_name} нужно значение."
        if "does not take" in error.message:
            return f"Параметр {error.option_name} не принимает значения."
    return _usage(error.format_message())


def _named(param: Any, of: bool = False) -> str:
    """«параметр --limit» / «аргумент QUESTION» (of=True: without the noun, «--limit»)."""
    if param is None:
        return "" if of else "параметр"
    if param.param_type_name == "option":
        name = " / ".join(param.opts)
        return name if of else f"параметр {name}"
    return param.name if of else f"аргумент {param.name}"


# pydantic's error types (Typer checks values with a TypeAdapter) → what the value should be; the options of `azs`
# are numbers, flags and text (a file or a date is checked by the command itself, in its own words)
_EXPECTED = {
    "int_parsing": "нужно целое число", "int_from_float": "нужно целое число", "int_type": "нужно целое число",
    "float_parsing": "нужно число (дробная часть через точку)", "float_type": "нужно число",
    "bool_parsing": "нужно true или false", "bool_type": "нужно true или false",
}
_BOUNDS = {"greater_than_equal": ("ge", "не меньше"), "greater_than": ("gt", "больше"),
           "less_than_equal": ("le", "не больше"), "less_than": ("lt", "меньше")}


def _why(error: Any) -> str:
    cause = error.__cause__
    errors = cause.errors() if cause is not None and hasattr(cause, "errors") else []
    if errors:
        first = errors[0]
        kind, given, context = first.get("type", ""), first.get("input"), first.get("ctx") or {}
        if kind in _EXPECTED:
            return f"{_EXPECTED[kind]}, а дано «{given}»."
        if kind in _BOUNDS:
            key, words = _BOUNDS[kind]
            return f"нужно {words} {context.get(key)}, а дано «{given}»."
    return error.message


_USAGE = (
    (re.compile(r"^No such command (?P<q>['\"])(?P<name>.+?)(?P=q)\.(?:\s*Did you mean (?P<guess>.+)\?)?$"),
     lambda m: f"Нет такой команды: «{m['name']}»." + (f" Может быть, {_quoted(m['guess'])}?" if m["guess"] else "")),
    (re.compile(r"^Missing command\.$"), lambda m: "Не указана команда."),
    (re.compile(r"^Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)$"),
     lambda m: f"Лишни{'е аргументы' if ' ' in m['args'] else 'й аргумент'}: {m['args']}."),
)


def _quoted(names: str) -> str:
    """click's «'list', 'show'» as «list», «show»."""
    return re.sub(r"'([^']*)'", r"«\1»", names)


def _usage(text: str) -> str:
    for pattern, say in _USAGE:
        found = pattern.match(text)
        if found:
            return say(found)
    return text
