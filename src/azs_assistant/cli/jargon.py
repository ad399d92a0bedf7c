"""The jargon dictionary: `azs jargon list|add|remove|import|export`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from azs_assistant.cli._common import cannot_read, services
from azs_assistant.errors import InvalidInput

app = typer.Typer(help="Словарь профессионального жаргона (солярка → дизельное топливо).", no_args_is_help=True)


@app.command("list")
def jargon_list(ctx: typer.Context) -> None:
    """Все термины словаря."""
    entries = services(ctx).jargon.entries()
    for e in entries:
        typer.echo(f"{e.term}\t{e.canonical}" + (f"\t{e.note}" if e.note else ""))
    typer.echo(f"Всего терминов: {len(entries)}", err=True)


@app.command("add")
def jargon_add(ctx: typer.Context, term: str, canonical: str,
               note: Annotated[Optional[str], typer.Option()] = None) -> None:
    """Добавить или изменить термин: azs jargon add "солярка" "дизельное топливо"."""
    e = services(ctx).jargon.upsert(term, canonical, note)
    typer.echo(f"Сохранено: {e.term} → {e.canonical}")


@app.command("remove")
def jargon_remove(ctx: typer.Context, term: str) -> None:
    """Удалить термин."""
    services(ctx).jargon.remove(term)
    typer.echo(f"Удалён термин: {term}")


@app.command("import")
def jargon_import(ctx: typer.Context, file: Annotated[Optional[Path], typer.Argument()] = None,
                  builtin: Annotated[bool, typer.Option("--builtin", help=(
                      "Свести словарь со встроенным (это делается и при запуске новой версии): добавить новые "
                      "термины, обновить и убрать неизменённые; правки и удаления администратора сохраняются."
                  ))] = False) -> None:
    """Загрузить термины из TSV: термин<TAB>каноническое название[<TAB>примечание]."""
    from azs_assistant.language.jargon import parse_tsv

    if builtin:
        merged = services(ctx).jargon.merge_builtin()
        typer.echo(f"Встроенный словарь: добавлено {merged.added}, обновлено {merged.changed}, "
                   f"убрано {merged.withdrawn}")
        if file is None:
            return
    if file is None:
        raise InvalidInput("Укажите файл TSV или --builtin.", "Give a TSV file or --builtin.")
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise cannot_read(file, exc) from exc
    n = services(ctx).jargon.import_entries(parse_tsv(text))
    typer.echo(f"Загружено терминов: {n}")


@app.command("export")
def jargon_export(ctx: typer.Context) -> None:
    """Выгрузить словарь в TSV (в стандартный вывод)."""
    typer.echo("term\tcanonical\tnote")
    for e in services(ctx).jargon.entries():
        typer.echo(f"{e.term}\t{e.canonical}\t{e.note or ''}")
