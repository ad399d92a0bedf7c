"""``azs stations``: the station registry from the terminal (import a CSV, list, add or change)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer

from azs_assistant.errors import AzsError

app = typer.Typer(help="Справочник станций: импорт CSV, список, добавление. По нему проверяются области "
                       "видимости пользователей, жалобы, акты и отчёты.", no_args_is_help=True)
T = TypeVar("T")


def _services() -> Any:
    from azs_assistant.cli import services  # the command's one Services (cli.py registers this group)

    return services()


def _actor() -> str:
    from azs_assistant.cli import _cli_actor

    return _cli_actor()


def _call(work: Callable[[], T]) -> T:
    """A typed error becomes its message and exit code (the trace only with ``azs --verbose``)."""
    from azs_assistant.cli import _fail

    try:
        return work()
    except AzsError as exc:
        _fail(exc)
        raise  # _fail always exits


@app.command("import")
def import_stations(file: Annotated[Path, typer.Argument(help="CSV: id,name,region,address,active («,» или «;»).")]
                    ) -> None:
    """Загрузить станции из CSV: новые добавляются, изменённые обновляются (повторный запуск ничего не меняет)."""
    svc = _services()
    result = _call(lambda: svc.stations.import_csv(_actor(), file))
    typer.echo(f"Станции: добавлено {result.added}, обновлено {result.updated}, без изменений {result.unchanged}.")


@app.command("list")
def list_stations(as_json: Annotated[bool, typer.Option("--json", help="Одна строка JSON на станцию.")] = False
                  ) -> None:
    """Все станции справочника (и неактивные)."""
    for s in _call(lambda: _services().stations.list()):
        row = {"id": s.id, "name": s.name, "region": s.region, "address": s.address, "active": bool(s.active)}
        typer.echo(json.dumps(row, ensure_ascii=False) if as_json else
                   f"{s.id:<10} {s.region or '—':<14} {s.name}{', ' + s.address if s.address else ''}"
                   f"{'' if s.active else '  НЕАКТИВНА'}")


@app.command("add")
def add_station(
    station: Annotated[str, typer.Argument(help="Номер: АЗС-012 или 12.")],
    name: Annotated[str, typer.Option("--name", help="Название станции.")],
    region: Annotated[str, typer.Option("--region", help="Регион (по нему дают доступ руководителям).")],
    address: Annotated[Optional[str], typer.Option("--address", help="Адрес.")] = None,
    inactive: Annotated[bool, typer.Option("--inactive", help="Станция закрыта: хранится для истории, "
                                                             "нигде не предлагается.")] = False,
    update: Annotated[bool, typer.Option("--update", help="Изменить станцию, которая уже есть.")] = False,
) -> None:
    """Добавить станцию (или изменить её с --update)."""
    from azs_assistant.stations import station_input

    svc = _services()

    def save() -> Any:
        given = station_input(station, name, region, address, not inactive)
        return (svc.stations.update if update else svc.stations.add)(_actor(), given)

    row = _call(save)
    typer.echo(f"{row.id}: {row.name}, {row.region}{'' if row.active else ' (неактивна)'}")
