"""Keys for other systems: `azs apikeys create|list|revoke`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from azs_assistant.cli._common import cli_actor, services, split

app = typer.Typer(help="Ключи API для других систем: создаются один раз, хранятся хешем, отзываются.",
                  no_args_is_help=True)


@app.command("create")
def apikeys_create(
    ctx: typer.Context,
    name: str,
    role: Annotated[list[str], typer.Option("--role")],
    station: Annotated[Optional[list[str]], typer.Option("--station")] = None,
    region: Annotated[Optional[list[str]], typer.Option("--region")] = None,
    department: Annotated[Optional[str], typer.Option("--department")] = None,
    rate: Annotated[int, typer.Option("--rate", min=0, help="Запросов в минуту (0 — без лимита: для своей "
                                                            "системы, которой ограничение мешает)")] = 600,
) -> None:
    """Создать ключ API (показывается один раз)."""
    key, row = services(ctx).access.create_key(name, split(role) or [], stations=split(station),
                                               regions=split(region), department=department,
                                               rate_per_minute=rate, actor=cli_actor())
    typer.echo(key)
    typer.echo(f"Ключ «{row.name}» ({row.prefix}) создан. Сохраните его сейчас: показать ещё раз нельзя.", err=True)


@app.command("list")
def apikeys_list(ctx: typer.Context) -> None:
    """Ключи API (без самих ключей): префикс, имя, роли, станции или регионы, отдел, лимит, состояние."""
    keys = services(ctx).access.list_keys()
    if not keys:
        typer.echo("Ключей нет.", err=True)
    for k in keys:
        state = f"отозван {k.revoked_at:%d.%m.%Y}" if k.revoked_at else "действует"
        scope = ",".join([*k.stations, *k.regions]) or "—"
        rate = f"{k.rate_per_minute}/мин" if k.rate_per_minute else "без лимита"
        typer.echo(f"{k.prefix}  {k.name:<24} {','.join(k.roles):<20} {scope:<16} {k.department or '—':<16} "
                   f"{rate:<11} {state}")


@app.command("revoke")
def apikeys_revoke(ctx: typer.Context, prefix: str) -> None:
    """Отозвать ключ по его префиксу (или по самому ключу: он не выводится)."""
    row = services(ctx).access.revoke_key(prefix, actor=cli_actor())
    typer.echo(f"Ключ «{row.name}» ({row.prefix}) отозван.")
