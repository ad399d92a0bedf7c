"""``azs originals``: the uploaded originals' store (``AZS_ORIGINALS_URL``); the use case is
``storage.moving.OriginalsMove``."""

from __future__ import annotations

from typing import Annotated

import typer

from azs_assistant.cli._common import print_json, services

app = typer.Typer(help="Оригиналы загруженных файлов (документы, фото обращений) в хранилище AZS_ORIGINALS_URL.",
                  no_args_is_help=True)

STATUS = {"moved": "перенесён", "present": "уже в хранилище", "failed": "ОШИБКА", "pending": "будет перенесён",
          "missing": "файла нет, принято"}


@app.command("migrate")
def migrate(ctx: typer.Context,
            dry_run: Annotated[bool, typer.Option("--dry-run", help="Только показать, что будет перенесено.")] = False,
            delete_source: Annotated[bool, typer.Option(
                "--delete-source", help="После проверки копии удалить старую: байты в базе, файл в каталоге данных.")
            ] = False,
            accept_missing: Annotated[bool, typer.Option(
                "--accept-missing", help="Фото, файла которого больше нет в каталоге данных (source missing), "
                "не считать ошибкой: оно остаётся в отчёте как «missing».")] = False,
            as_json: Annotated[bool, typer.Option("--json", help="Итог и каждый оригинал одной строкой JSON.")
                               ] = False) -> None:
    """Перенести оригиналы, сохранённые до AZS_ORIGINALS_URL, в это хранилище (копия проверяется по размеру и
    SHA-256; повторный запуск продолжает с того же места). Код выхода 1, если что-то не перенесено."""
    from azs_assistant.auth.principal import SYSTEM

    report = services(ctx).originals_move.run(SYSTEM, dry_run=dry_run, delete_source=delete_source,
                                                 accept_missing=accept_missing)
    if as_json:
        print_json(report.as_dict())
    else:
        for item in report.items:
            if item.status != "present" or item.source_deleted:
                typer.echo(f"{item.kind:<8} {item.ref:<24} → {item.key}: {STATUS[item.status]}"
                           f"{' (старая копия удалена)' if item.source_deleted else ''}"
                           f"{f' — {item.reason}' if item.reason else ''}")
        verb = "будет перенесено" if dry_run else "перенесено"
        typer.echo(f"{report.store}: {verb} {report.pending if dry_run else report.moved}, уже в хранилище "
                   f"{report.present}, ошибок {report.failed}, старых копий удалено {report.sources_deleted}"
                   f"{f', файлов нет (принято) {report.missing}' if report.missing else ''}.")
    if report.failed:
        raise typer.Exit(1)
