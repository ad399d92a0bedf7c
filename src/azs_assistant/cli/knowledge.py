"""The knowledge base: `azs ingest`, `azs search`, `azs ask`, `azs reindex`."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from azs_assistant.cli._common import cannot_read, cli_actor, print_json, services
from azs_assistant.errors import AzsError, InvalidInput

if TYPE_CHECKING:
    from azs_assistant.services import Services


def ingest(ctx: typer.Context,
           paths: Annotated[list[Path], typer.Argument(help="Файлы или папки (рекурсивно).")],
           quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Без индикатора и итогов: только ошибки.")]
           = False,
           as_json: Annotated[bool, typer.Option("--json", help="Результат по файлам и итоги одним JSON.")]
           = False) -> None:
    """Загрузить документы: Markdown, TXT, HTML, DOCX, PDF, XLSX, CSV; фото и сканы через OCR.

    Показывает ход работы: файлы, страницы OCR, фрагменты, скорость и оставшееся время."""
    import time

    from azs_assistant.documents.pipeline import walk

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InvalidInput(f"Путь не найден: {missing[0]}", f"Path not found: {missing[0]}")
    files = list(walk(paths))
    svc = services(ctx)
    started = time.monotonic()
    results = _ingest_with_progress(svc, files, show=not (quiet or as_json) and sys.stderr.isatty())
    counts = Counter(r.status for r in results)
    failed = counts["failed"]
    if as_json:
        print_json({"files": len(results), "seconds": round(time.monotonic() - started, 2), "counts": dict(counts),
                    "passages": sum(r.chunks for r in results),
                    "results": [{"source": r.source, "status": r.status, "message": r.message,
                                 "document_id": r.document_id, "chunks": r.chunks, "error_code": r.error_code}
                                for r in results]})
    else:
        _print_ingested(results, counts, quiet)
    if failed and failed == len(results):
        raise typer.Exit(3)


def _ingest_with_progress(svc: Services, files: list[tuple[Path, str]], show: bool) -> list[Any]:
    """Each file through the pipeline under a progress bar (on a terminal): files done of all, the current
    file's stage (OCR page 3/12), OCR pages and passages so far, files per second and the time left."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from azs_assistant.documents import pipeline

    totals = {"ocr_pages": 0, "passages": 0}
    results = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[stage]}"),
               TextColumn("OCR стр.: {task.fields[ocr]}, фрагментов: {task.fields[passages]}, "
                          "{task.fields[rate]} файл/с"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True, disable=not show) as progress:
        task = progress.add_task("Загрузка", total=len(files), stage="", ocr=0, passages=0, rate="—")

        def on_stage(stage: str, **details: Any) -> None:
            if stage == "ocr":
                totals["ocr_pages"] += 1
                label = f"OCR {details.get('page')}/{details.get('pages') or '?'}"
            else:
                label = {"reading": "чтение", "indexing": "индексация"}.get(stage, stage)
            progress.update(task, stage=label, ocr=totals["ocr_pages"])

        token = pipeline.progress.set(on_stage)
        try:
            for path, source in files:
                progress.update(task, description=f"{source[:40]}")
                result = svc.ingestor.ingest_path(path, source)
                svc.documents.record_upload(cli_actor(), result, path.stat().st_size, {"via": "cli"})
                results.append(result)
                totals["passages"] += result.chunks
                elapsed = progress.tasks[0].elapsed or 0.0
                rate = f"{len(results) / elapsed:.1f}" if elapsed > 0 else "—"
                progress.update(task, advance=1, passages=totals["passages"], rate=rate)
        finally:
            pipeline.progress.reset(token)
    return results


def _print_ingested(results: list[Any], counts: Counter[str], quiet: bool) -> None:
    for r in results:
        if r.status == "failed" or (not quiet and (r.status == "needs_ocr" or r.message)):
            colour = typer.colors.RED if r.status == "failed" else typer.colors.YELLOW
            typer.secho(f"  {r.status:9} {r.source}: {r.message}", fg=colour, err=quiet)
    if quiet:
        return
    typer.echo("Итого: добавлено {added}, обновлено {updated}, без изменений {unchanged}, ждут OCR {ocr}, "
               "ошибок {failed}.".format(added=counts["added"], updated=counts["updated"],
                                         unchanged=counts["unchanged"], ocr=counts["needs_ocr"],
                                         failed=counts["failed"]))


def search(ctx: typer.Context, query: str,
           k: Annotated[int, typer.Option("--k", "-k", help="Сколько фрагментов.")] = 10,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Найти фрагменты документов по запросу (с источником и оценкой)."""
    hits = services(ctx).assistant.search(query, k=k)
    if as_json:
        print_json([h.public() for h in hits])
        return
    if not hits:
        typer.echo("Ничего не найдено.")
    for n, h in enumerate(hits, start=1):
        where = " › ".join(x for x in (h.title, h.section) if x)
        extra = f", стр. {h.page}" if h.page else (f", {h.location}" if h.location else "")
        typer.secho(f"{n}. [{h.score:.3f}] {h.source}{extra}", bold=True)
        typer.echo(f"   {where}")
        typer.echo("   " + h.quote.replace("\n", " ")[:300])


def ask(ctx: typer.Context,
        question: Annotated[Optional[str], typer.Argument(help="Вопрос.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Ответ одним JSON-объектом.")] = False,
        plain: Annotated[bool, typer.Option("--plain", help="Ответ простым текстом, без разметки (для скриптов).")]
        = False,
        batch: Annotated[Optional[Path], typer.Option("--batch", help="JSONL с полями id, question.")] = None) -> None:
    """Задать вопрос: ответ с указанием источников или честное «не знаю»."""
    svc = services(ctx)
    if batch is not None:
        _ask_batch(svc, batch, as_json)
        return
    if not question:
        raise InvalidInput("Укажите вопрос или --batch ФАЙЛ.", "Give a question or --batch FILE.")
    answer = svc.assistant.ask(question)
    if as_json:
        print_json(answer.public())
        return
    if plain:
        typer.echo(answer.text)
    else:  # the answer's Markdown as rich text: numbered steps, bold lead-ins
        from rich.console import Console
        from rich.markdown import Markdown

        Console(soft_wrap=False).print(Markdown(answer.answer))
    if answer.notice:
        typer.secho(answer.notice, fg=None if plain else typer.colors.YELLOW)
    for n, c in enumerate(answer.citations, start=1):
        page = f", стр. {c.page}" if c.page else ""
        typer.secho(f"[{n}] {c.title} — {c.section or 'без раздела'} ({c.source}{page})",
                    fg=None if plain else typer.colors.CYAN)


def _ask_batch(svc: Services, batch: Path, as_json: bool) -> None:
    """One answer per JSONL line; a bad line or a failed question is reported in its place, not fatal."""
    try:
        lines = batch.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise cannot_read(batch, exc) from exc
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        out: dict[str, Any]
        try:
            item = json.loads(line)
            qid, question = item.get("id"), item["question"]
            out = {"id": qid, **svc.assistant.ask(question).public()}
        except (ValueError, KeyError, TypeError, AttributeError):
            message = f"Строка {lineno}: нужен JSON с полем question."
            out = {"id": None, "error": {"code": "invalid_input", "message": message}}
        except AzsError as exc:
            out = {"id": item.get("id"), "error": exc.to_dict()}
        if as_json:
            print_json(out)
        else:
            typer.echo(f"{out.get('id')}: {out.get('answer_text', out.get('error'))}")


def reindex(ctx: typer.Context) -> None:
    """Пересчитать эмбеддинги всех документов (после смены модели эмбеддингов)."""
    n = services(ctx).documents.reindex()
    typer.echo(f"Переиндексировано фрагментов: {n}")
