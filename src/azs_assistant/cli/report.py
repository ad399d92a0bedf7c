"""Reports over the incident log: `azs report ask|schedule`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from azs_assistant.cli._common import cli_actor, parse_every, print_json, services
from azs_assistant.errors import InvalidInput
from azs_assistant.i18n import check_language

app = typer.Typer(help="Отчёты по инцидентам для руководителей: вопрос по-русски → число, таблица, график.",
                  no_args_is_help=True)


def _today(value: Optional[str]) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"Дата «{value}» не в формате ГГГГ-ММ-ДД.", f"Bad date {value!r}.") from exc


@app.command("ask")
def report_ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="Вопрос, напр. «сколько проливов было на АЗС-012 в октябре».")],
    as_json: Annotated[bool, typer.Option("--json", help="question, query, answer, table, text.")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="Считать «сегодня» этой датой (ГГГГ-ММ-ДД).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o",
                                                   help="Сохранить отчёт: .csv .xlsx .pdf .png .svg .json")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Язык ответа и файла: ru, kk, en.")] = "ru",
) -> None:
    """Ответить на вопрос об инцидентах: число, таблица, файл с отчётом."""
    from azs_assistant.reports import render
    from azs_assistant.reports.parse import ReportUnclear

    check_language(lang)
    try:
        report = services(ctx).reports.ask(question, _today(today))
    except ReportUnclear as exc:
        if not as_json:
            raise
        # a script asked for JSON: it gets the same shape with the reason, and the error's exit code
        print_json({"question": question, "query": None, "answer": None, "table": [], "text": exc.message(lang),
                    "error": exc.code})
        raise typer.Exit(exc.exit_code) from exc
    if output is not None:
        output.write_bytes(report.export(output.suffix.lstrip(".").lower(), lang).body)
    if as_json:
        print_json({**report.to_dict(), "text": report.text_in(lang)})
        return
    typer.echo(report.text_in(lang))
    if report.result.table and len(report.result.columns) <= 4:
        # as the page's table: a category by its name, «январь 2026», a decimal comma in Russian and Kazakh
        names = services(ctx).reports.category_names(lang)
        for row in report.result.table[:50]:
            typer.echo("  " + " | ".join(str(render.cell_text(c, row.get(c), names, lang, report.result.query.group_by))
                                         for c in report.result.columns))
    if output is not None:
        typer.echo(f"Записано: {output}")


@app.command("schedule")
def report_schedule(
    ctx: typer.Context,
    questions: Annotated[list[str], typer.Argument(help="Вопросы, напр. «инциденты по регионам за прошлую неделю».")],
    every: Annotated[str, typer.Option("--every", help="Как часто: 1d, 7d, 12h.")] = "7d",
    name: Annotated[Optional[str], typer.Option("--name", help="Имя расписания (по умолчанию из первого вопроса); "
                                                "то же имя заменяет расписание.")] = None,
    out_dir: Annotated[Optional[Path], typer.Option(
        "--out-dir", help="Куда складывать файлы (по умолчанию: папка расписания в AZS_DATA_DIR/reports; "
                          "с --once: ./reports).")] = None,
    formats: Annotated[str, typer.Option("--formats", help="Форматы через запятую: pdf,xlsx,csv,png.")] = "pdf,xlsx",
    once: Annotated[bool, typer.Option("--once", help="Сделать отчёт сейчас, в этой команде, без расписания "
                                       "(для cron/systemd).")] = False,
    email: Annotated[Optional[list[str]], typer.Option("--email", help="Отправить файлы на этот адрес (можно "
                                                        "несколько раз); нужен AZS_SMTP_HOST.")] = None,
    telegram: Annotated[Optional[list[str]], typer.Option("--telegram", help="Отправить в этот чат Telegram (id); "
                                                           "нужен AZS_TELEGRAM_BOT_TOKEN.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Язык текста, файлов и письма: ru, kk, en.")] = "ru",
) -> None:
    """Регулярные отчёты: сохранить расписание (выполняют azs serve или azs worker) или сделать отчёт сейчас."""
    interval = parse_every(every)
    scheduled = services(ctx).scheduled_reports
    if not once:
        schedule = scheduled.register(cli_actor(), name, interval, questions, formats, out_dir,
                                      emails=email or [], telegrams=telegram or [], lang=lang)
        typer.echo(f"Расписание «{schedule.name}» сохранено: каждые {every}, файлы в {schedule.payload['out_dir']}. "
                   "Отчёты делает запущенный azs serve или azs worker.")
        return
    run = scheduled.build(questions, formats, out_dir or Path("reports"), emails=email or [],
                          telegrams=telegram or [], lang=lang).run_once()
    for path in run.written:
        typer.echo(f"Записано: {path}")
    for problem in run.failed:
        typer.secho(f"Не доставлено: {problem}", fg=typer.colors.RED, err=True)
    if run.delivered:
        typer.echo(f"Отправлено получателям: {run.sent}")
    if run.failed:
        raise typer.Exit(75)  # EX_TEMPFAIL: files are written, delivery may be retried
