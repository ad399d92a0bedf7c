"""The incident log: `azs incidents sync|import|sources`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from azs_assistant.cli._common import cli_actor, existing_file, parse_every, print_json, services
from azs_assistant.errors import InvalidInput

app = typer.Typer(help="Журнал инцидентов: синхронизация с базой компании, импорт CSV/XLSX.", no_args_is_help=True)


@app.command("sync")
def incidents_sync(
    ctx: typer.Context,
    source: Annotated[Optional[str], typer.Option("--source", help="Имя источника (по умолчанию все).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Перечитать всё, не только новое.")] = False,
    every: Annotated[Optional[str], typer.Option("--every", help="Сохранить расписание: синхронизировать каждые "
                                                 "15m, 1h, 1d (выполняют azs serve или azs worker).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Скопировать новые и изменённые инциденты из базы компании (Oracle, PostgreSQL, …)."""
    if every:
        schedule = services(ctx).incidents.schedule_sync(cli_actor(), parse_every(every), source, full=full)
        if as_json:
            print_json({"schedule": schedule.name, "kind": schedule.kind, "every_s": schedule.every_s})
        else:
            typer.echo(f"Расписание «{schedule.name}» сохранено: каждые {every}. Синхронизирует запущенный "
                       "azs serve или azs worker.")
        return
    for report in services(ctx).incidents.sync(source, full=full):
        data = report.to_dict()
        if as_json:
            print_json(data)
        else:
            _print_stored(f"{data['source']}: прочитано {data['read']}, ", data)


def _print_stored(prefix: str, data: dict[str, Any]) -> None:
    """The counts of a sync or an import, then the first bad rows with their reasons."""
    typer.echo(f"{prefix}новых {data['inserted']}, изменено {data['updated']}, без изменений {data['unchanged']}, "
               f"с ошибками {len(data['bad_rows'])}")
    for bad in data["bad_rows"][:20]:
        typer.secho(f"  ! {bad['row']}: {bad['reason']}", fg=typer.colors.YELLOW)


def _mapping(items: Optional[list[str]]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items or []:
        name, sep, column = item.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise InvalidInput(f"--map «{item}»: нужно поле=Столбец.", f"Bad --map {item!r}.")
        pairs[name.strip()] = column.strip()
    return pairs


@app.command("import")
def incidents_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV или XLSX с журналом инцидентов.")],
    mapping: Annotated[Optional[list[str]], typer.Option("--map", help="поле=Столбец, напр. station_id=АЗС.")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Кодировка CSV (иначе определяется).")] = None,
    date_format: Annotated[Optional[str], typer.Option("--date-format",
                                                      help="Формат дат, напр. %d.%m.%Y %H:%M.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Разово загрузить инциденты из файла (новые добавляются, изменённые обновляются)."""
    pairs = _mapping(mapping)
    result = services(ctx).incidents.import_file(existing_file(file), mapping=pairs, encoding=encoding,
                                                 date_format=date_format, actor=cli_actor(), name=str(file))
    data = result.to_dict()
    if as_json:
        print_json(data)
        return
    _print_stored("Загружено: ", data)


@app.command("sources")
def incidents_sources(ctx: typer.Context) -> None:
    """Показать настроенные источники и где остановилась синхронизация."""
    svc = services(ctx)
    sources = svc.incidents.sources()
    if not sources:
        typer.echo(f"Источники не настроены ({svc.settings.incident_sources_file}).")
    runs = svc.incidents.runs(list(sources))
    for name, source in sources.items():
        run = runs[name]
        where = source.table or "запрос"
        last = f"{run.at:%d.%m.%Y %H:%M} UTC, всего строк {run.rows_total}" if run and run.at else "ещё не запускалась"
        typer.echo(f"{name}: {where}; синхронизация: {last}")
