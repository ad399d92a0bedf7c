"""People who sign in: `azs users add|list|set-role|disable|password|bootstrap`."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from azs_assistant.cli._common import cli_actor, services, split
from azs_assistant.errors import InvalidInput

app = typer.Typer(help="Пользователи: роли operator, manager, support, admin и их станции/регионы.",
                  no_args_is_help=True)


def _password(ref: Optional[str], prompt: bool) -> Optional[str]:
    """A password from a secret reference (env:NAME, file:/path, aws:…) or typed at the prompt."""
    from azs_assistant.secrets import is_reference, resolve_secret

    if ref:
        if not is_reference(ref):
            raise InvalidInput("Пароль передаётся ссылкой на секрет: env:ИМЯ, file:/путь или aws:…, не текстом.",
                               "Password must be a secret reference.")
        return (resolve_secret(ref) or "").strip()
    if not prompt:
        return None
    while True:  # (typer's own confirmation says «Repeat for confirmation» and «The two entered values do not match»)
        password: str = typer.prompt("Пароль", hide_input=True)
        if typer.prompt("Повторите пароль", hide_input=True) == password:
            return password
        typer.secho("Пароли не совпадают, введите ещё раз.", fg=typer.colors.RED, err=True)


@app.command("add")
def users_add(
    ctx: typer.Context,
    username: str,
    role: Annotated[list[str], typer.Option("--role", help="operator, manager, support, admin (можно несколько)")],
    station: Annotated[Optional[list[str]], typer.Option("--station", help="АЗС-012 или * (все); можно несколько")]
    = None,
    region: Annotated[Optional[list[str]], typer.Option("--region", help="Регион (можно несколько)")] = None,
    department: Annotated[Optional[str], typer.Option("--department", help="Отдел для роли support")] = None,
    password_from: Annotated[Optional[str], typer.Option("--password-from", help="Секрет: env:ИМЯ или file:/путь; "
                                                           "без него пароль спросят")] = None,
) -> None:
    """Добавить пользователя."""
    password = _password(password_from, prompt=True)
    user = services(ctx).access.add_user(username, password, split(role) or [], stations=split(station),
                                         regions=split(region), department=department, actor=cli_actor())
    typer.echo(f"Пользователь {user.username}: роли {', '.join(user.roles)}; станции {', '.join(user.stations) or '—'};"
               f" регионы {', '.join(user.regions) or '—'}" + (f"; отдел {user.department}" if user.department else ""))


@app.command("list")
def users_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Все пользователи."""
    users = services(ctx).access.list_users()
    if not as_json:  # the columns named, as a person reads them; an empty list said nothing at all
        typer.echo(f"{'ЛОГИН':<20} {'РОЛИ':<24} {'СТАНЦИИ':<20} {'РЕГИОНЫ':<16} ОТДЕЛ" if users else
                   "Пользователей нет: первый администратор — azs users bootstrap.")
    for u in users:
        row = {"username": u.username, "roles": u.roles, "stations": u.stations, "regions": u.regions,
               "department": u.department, "disabled": bool(u.disabled), "telegram": bool(u.telegram_chat_id)}
        typer.echo(json.dumps(row, ensure_ascii=False) if as_json else
                   f"{u.username:<20} {','.join(u.roles):<24} {','.join(u.stations) or '—':<20} "
                   f"{','.join(u.regions) or '—':<16} {u.department or ''}{'  ОТКЛЮЧЁН' if u.disabled else ''}")


@app.command("set-role")
def users_set_role(
    ctx: typer.Context,
    username: str,
    role: Annotated[list[str], typer.Option("--role", help="Новый набор ролей")],
    station: Annotated[Optional[list[str]], typer.Option("--station")] = None,
    region: Annotated[Optional[list[str]], typer.Option("--region")] = None,
    department: Annotated[Optional[str], typer.Option("--department")] = None,
) -> None:
    """Сменить роли (и, если указаны, станции, регионы, отдел)."""
    user = services(ctx).access.update_user(username, actor=cli_actor(), roles=split(role) or [],
                                            stations=split(station), regions=split(region), department=department)
    typer.echo(f"{user.username}: роли {', '.join(user.roles)}")


@app.command("disable")
def users_disable(ctx: typer.Context, username: str,
                  enable: Annotated[bool, typer.Option("--enable", help="Снова включить.")] = False) -> None:
    """Отключить пользователя (его сеансы закрываются сразу)."""
    services(ctx).access.update_user(username, actor=cli_actor(), disabled=not enable)
    typer.echo(f"{username}: {'включён' if enable else 'отключён'}")


@app.command("password")
def users_password(ctx: typer.Context, username: str,
                   password_from: Annotated[Optional[str], typer.Option("--password-from")] = None) -> None:
    """Задать новый пароль (снимает блокировку)."""
    services(ctx).access.update_user(username, actor=cli_actor(), password=_password(password_from, prompt=True))
    typer.echo("Пароль изменён.")


@app.command("bootstrap")
def users_bootstrap(
    ctx: typer.Context,
    password_from: Annotated[Optional[str], typer.Option("--password-from",
                                                           help="Секрет с паролем первого администратора "
                                                                "(по умолчанию AZS_ADMIN_PASSWORD)")] = None,
    username: Annotated[str, typer.Option("--username")] = "admin",
) -> None:
    """Создать первого администратора, если пользователей ещё нет. Пароль — из секрета; без него
    генерируется случайный и записывается в <каталог данных>/admin-password (права 600)."""
    import secrets as pysecrets

    svc = services(ctx)
    if svc.access.count_users():
        typer.echo("Пользователи уже есть: ничего не создано.")
        return
    configured = svc.settings.admin_password.get_secret_value() if svc.settings.admin_password else None
    password = _password(password_from or configured, prompt=False)
    where = None
    if not password:
        password = pysecrets.token_urlsafe(15)
        where = svc.settings.data_dir / "admin-password"
        where.touch(mode=0o600, exist_ok=True)
        where.chmod(0o600)
        where.write_text(password + "\n", encoding="utf-8")
    svc.access.add_user(username, password, ["admin"], stations=["*"], actor=cli_actor())
    typer.echo(f"Создан администратор {username}." + (f" Пароль в файле {where} (смените его после входа)."
                                                      if where else ""))
