"""``azs backup``: create, list, verify and restore backups (the use case is ``backup.Backups``)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from azs_assistant.cli._common import print_json, state

app = typer.Typer(help="Резервные копии: база данных, сохранённые оригиналы и файлы настройки, зашифрованные "
                       "ключом AZS_BACKUP_KEY, в каталоге или в S3 (s3://бакет/префикс).", no_args_is_help=True)

STORE_HELP = "Каталог или s3://бакет/префикс."


def _backups(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from azs_assistant.backup import Backups

    return Backups(state(ctx).settings)  # no Services: restore must not create a database first


@app.command("create")
def create(ctx: typer.Context,
           to: Annotated[str, typer.Option("--to", help=STORE_HELP)],
           no_encrypt: Annotated[bool, typer.Option("--no-encrypt", help="Не шифровать (только для хранилища, "
                                                                          "которое шифрует само).")] = False,
           keep: Annotated[Optional[int], typer.Option("--keep", min=0, help="Сколько последних копий оставить "
                                                                             "(по умолчанию AZS_BACKUP_KEEP; 0 — все).")
                           ] = None) -> None:
    """Сделать копию; последняя строка вывода — её идентификатор."""
    info = _backups(ctx).create(to, encrypt=not no_encrypt, keep=keep)
    typer.echo(f"Копия записана: {info.size} байт, {'зашифрована' if info.encrypted else 'НЕ зашифрована'}, "
               f"база {info.database}, файлов {info.files}, SHA-256 {info.sha256[:16]}…")
    typer.echo(f"Оригиналы из {info.originals} внутри копии: объектов {info.original_objects}." if info.originals
               else "Оригиналы: документы — в снимке базы, фото и шаблоны форм — из каталога данных.")
    typer.echo(info.id)


@app.command("list")
def list_backups(ctx: typer.Context,
                 source: Annotated[str, typer.Option("--from", help=STORE_HELP)],
                 as_json: Annotated[bool, typer.Option("--json", help="Одна строка JSON на копию.")] = False) -> None:
    """Копии в хранилище, от старых к новым."""
    from dataclasses import asdict

    found = _backups(ctx).list(source)
    if not found and not as_json:
        typer.echo(f"Копий в {source} нет.", err=True)
    for info in found:
        if as_json:
            print_json(asdict(info))
        else:
            typer.echo(f"{info.id}  {info.created_at}  {info.size:>12} байт  {info.database:<10} "
                       f"{'зашифрована' if info.encrypted else 'без шифрования'}")


@app.command("verify")
def verify(ctx: typer.Context,
           backup_id: Annotated[str, typer.Argument(help="Идентификатор копии (azs backup list).")],
           source: Annotated[str, typer.Option("--from", help=STORE_HELP)]) -> None:
    """Проверить контрольные суммы архива и (если есть ключ) каждого файла в нём."""
    result = _backups(ctx).verify(backup_id, source)
    if result.content_checked:
        typer.echo(f"{backup_id}: архив и {result.items} файлов в нём целы.")
    else:
        typer.echo(f"{backup_id}: контрольная сумма архива верна; содержимое не проверено — нет ключа AZS_BACKUP_KEY.")


@app.command("restore")
def restore(ctx: typer.Context,
            backup_id: Annotated[str, typer.Argument(help="Идентификатор копии (azs backup list).")],
            source: Annotated[str, typer.Option("--from", help=STORE_HELP)],
            force: Annotated[bool, typer.Option("--force", help="Заменить непустую базу и каталог данных.")] = False
            ) -> None:
    """Восстановить базу, оригиналы и настройки из копии (остановите сервер и обработчики заранее)."""
    info = _backups(ctx).restore(backup_id, source, force=force)
    typer.echo(f"Восстановлено из {info.id} ({info.created_at}).")
