"""``azs stations``: the station registry from the terminal (import a CSV, list, add or change)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from azs_assistant.cli._common import cli_actor, read_input, services
from azs_assistant.stations import decode_csv, station_input

app = typer.Typer(help="Справочник станций: импорт CSV, список, добавление. По нему проверяются области "
                       "видимости пользователей, жалобы, акты и отчёты.", no_args_is_help=True)


@app.command("import")
def import_stations(ctx: typer.Context,
                    file: Annotated[Path, typer.Argument(help="CSV: id,name,region,address,active («,» или «;»).")]
                    ) -> None:
    """Загрузить станции из CSV: новые добавляются, изменённые обновляются (повторный запуск ничего не меняет)."""
    text = decode_csv(read_input(file), file.name)
    result = services(ctx).stations.import_csv(cli_actor(), text, name=file.name)
    typer.echo(f"Станции: добавлено {result.added}, обновлено {result.updated}, без изменений {result.unchanged}.")


@app.command("list")
def list_stations(ctx: typer.Context,
                  as_json: Annotated[bool, typer.Option("--json", help="Одна строка JSON на станцию.")] = False
                  ) -> None:
    """Все станции справочника (и неактивные)."""
    for s in services(ctx).stations.list():
        row = {"id": s.id, "name": s.name, "region": s.region, "address": s.address, "active": bool(s.active)}
        typer.echo(json.dumps(row, ensure_ascii=False) if as_json else
                   f"{s.id:<10} {s.region or '—':<14} {s.name}{', ' + s.address if s.address else ''}"
                   f"{'' if s.active else '  НЕАКТИВНА'}")


@app.command("add")
def add_station(
    ctx: typer.Context,
    station: Annotated[str, typer.Argument(help="Номер: АЗС-012 или 12.")],
    name: Annotated[Optional[str], typer.Option("--name", help="Название станции (для новой — обязательно).")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="Регион (по нему дают доступ руководителям; для "
                                                                   "новой — обязательно).")] = None,
    address: Annotated[Optional[str], typer.Option("--address", help="Адрес.")] = None,
    inactive: Annotated[Optional[bool], typer.Option("--inactive/--active", help="Станция закрыта: хранится для "
                                                     "истории, нигде не предлагается (--active — снова в работе).")
                        ] = None,
    update: Annotated[bool, typer.Option("--update", help="Изменить станцию, которая уже есть: что не названо, "
                                                          "остаётся как было.")] = False,
) -> None:
    """Добавить станцию (или изменить её с --update)."""
    from azs_assistant.errors import InvalidInput

    registry: Any = services(ctx).stations
    if update:  # what is not named stays: «--inactive --update» took the station out of use and erased its address
        stored = registry.get(station)
        name, region = name or stored.name, region or stored.region
        address = stored.address if address is None else address
        active = bool(stored.active) if inactive is None else not inactive
    elif name is None or region is None:
        raise InvalidInput("Для новой станции нужны --name и --region.", "A new station needs --name and --region.",
                           message_kk="Жаңа станцияға --name және --region керек.")
    else:
        active = not inactive
    row = (registry.update if update else registry.add)(cli_actor(), station_input(station, name, region, address,
                                                                                   active))
    typer.echo(f"{row.id}: {row.name}, {row.region}{'' if row.active else ' (неактивна)'}")
