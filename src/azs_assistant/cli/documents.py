"""Documents of the knowledge base: `azs documents list|show|delete` and `azs summarize`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from azs_assistant.auth.principal import SYSTEM
from azs_assistant.cli._common import print_json, services

app = typer.Typer(help="Документы базы знаний: список, просмотр, удаление.", no_args_is_help=True)


@app.command("list")
def documents_list(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Список документов со статусом."""
    docs = services(ctx).documents.visible_to(SYSTEM, 0, 100_000).items  # the CLI acts as the admin
    if as_json:
        print_json([_doc_public(d) for d in docs])
        return
    for d in docs:
        typer.echo(f"{d.id:4}  {d.status:9} {d.chunk_count:4} фрагм.  {d.source}  — {d.title}")
    typer.echo(f"Всего документов: {len(docs)}")


def _doc_public(d: Any) -> dict[str, Any]:
    return {"id": d.id, "source": d.source, "title": d.title, "format": d.format, "status": d.status,
            "status_message": d.status_message, "chunks": d.chunk_count, "pages": d.pages,
            "version": d.version, "size_bytes": d.size_bytes, "updated_at": d.updated_at.isoformat()}


@app.command("show")
def documents_show(ctx: typer.Context, ref: Annotated[str, typer.Argument(help="id или путь документа.")],
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Показать документ и его фрагменты."""
    svc = services(ctx)
    doc = svc.documents.find(ref)
    chunks = svc.documents.chunks(doc.id)
    if as_json:
        passages = [{"id": c.id, "section": c.section, "page": c.page, "location": c.location, "text": c.text}
                    for c in chunks]
        print_json({**_doc_public(doc), "passages": passages})
        return
    typer.secho(f"{doc.title} ({doc.source}), статус: {doc.status}, версия {doc.version}", bold=True)
    if doc.status_message:
        typer.secho(doc.status_message, fg=typer.colors.YELLOW)
    for c in chunks:
        typer.secho(f"— {c.section or '(без раздела)'}" + (f", стр. {c.page}" if c.page else ""), fg=typer.colors.CYAN)
        typer.echo(c.text)


def summarize(ctx: typer.Context, ref: Annotated[str, typer.Argument(help="id или путь документа.")],
              changes: Annotated[bool, typer.Option("--changes", help="Что изменилось между версиями.")] = False,
              refresh: Annotated[bool, typer.Option("--refresh", help="Пересоздать, не брать сохранённое.")] = False,
              as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Краткое содержание документа (с моделью — её пересказ, без модели — извлечённые предложения)."""
    svc = services(ctx)
    if changes:
        found = svc.summaries.changes(ref)
        if as_json:
            print_json([{**c, "created_at": c["created_at"].isoformat()} for c in found])
        elif not found:
            typer.echo("Других версий документа не загружали.")
        for c in found if not as_json else []:
            typer.echo(c["text"] + "\n")
        return
    summary = svc.summaries.summary(ref, refresh=refresh)
    if as_json:
        print_json(summary.public())
        return
    if summary.notice:
        typer.secho(summary.notice, fg=typer.colors.YELLOW, err=True)
    typer.echo(summary.text)


@app.command("delete")
def documents_delete(ctx: typer.Context, ref: Annotated[str, typer.Argument(help="id или путь документа.")]) -> None:
    """Удалить документ из базы знаний."""
    doc = services(ctx).documents.remove(ref)
    typer.echo(f"Удалён: {doc.source}")
