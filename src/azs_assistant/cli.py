"""The ``azs`` command: ingest documents, search, ask, manage the jargon dictionary, serve the web UI."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from azs_assistant.errors import AzsError, InvalidInput

app = typer.Typer(help="azs-assistant: ассистент для сети АЗС (база знаний, поиск, ответы с источниками).",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
documents_app = typer.Typer(help="Документы базы знаний: список, просмотр, удаление.", no_args_is_help=True)
jargon_app = typer.Typer(help="Словарь профессионального жаргона (солярка → дизельное топливо).",
                         no_args_is_help=True)
incidents_app = typer.Typer(help="Журнал инцидентов: синхронизация с базой компании, импорт CSV/XLSX.",
                            no_args_is_help=True)
report_app = typer.Typer(help="Отчёты по инцидентам для руководителей: вопрос по-русски → число, таблица, график.",
                         no_args_is_help=True)
app.add_typer(documents_app, name="documents")
app.add_typer(jargon_app, name="jargon")
app.add_typer(incidents_app, name="incidents")
tickets_app = typer.Typer(help="Жалобы клиентов: приём, классификация, маршрутизация, уведомления, статусы.",
                          no_args_is_help=True)
app.add_typer(report_app, name="report")
app.add_typer(tickets_app, name="tickets")
users_app = typer.Typer(help="Пользователи: роли operator, manager, support, admin и их станции/регионы.",
                        no_args_is_help=True)
apikeys_app = typer.Typer(help="Ключи API для других систем: создаются один раз, хранятся хешем, отзываются.",
                          no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(apikeys_app, name="apikeys")
telegram_app = typer.Typer(help="Telegram-бот: вопросы, фото бланков, подтверждение жалоб, отчёты.",
                           no_args_is_help=True)
app.add_typer(telegram_app, name="telegram")
learning_app = typer.Typer(help="Обучение на отзывах: наборы данных для дообучения модели.", no_args_is_help=True)
app.add_typer(learning_app, name="learning")

_state: dict[str, Any] = {"verbose": False, "services": None}


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Annotated[Path, typer.Option("--data-dir", envvar="AZS_DATA_DIR",
                                           help="Каталог данных (база SQLite, кэши).")] = Path("var"),
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Показывать трассировку ошибок.")] = False,
) -> None:
    """Ассистент для сети АЗС."""
    os.environ["AZS_DATA_DIR"] = str(data_dir)
    _state["verbose"] = verbose
    from azs_assistant import logs
    from azs_assistant.settings import Settings

    logs.configure_from(Settings(), default_level="WARNING")  # `azs serve` logs at info
    bindings = logs.bind(request_id=logs.new_id())  # this command's lines, whatever they pass through
    ctx.call_on_close(lambda: logs.unbind(bindings))
    current = _state["services"]
    if current is not None and current.settings.data_dir != data_dir:  # another data dir in one process
        current.close()
        _state["services"] = None


def services():  # type: ignore[no-untyped-def]
    if _state["services"] is None:
        from azs_assistant.services import Services
        from azs_assistant.settings import Settings

        _state["services"] = Services(Settings())
    return _state["services"]


def _fail(exc: AzsError) -> None:
    typer.secho(f"Ошибка: {exc.message_ru}", fg=typer.colors.RED, err=True)
    if _state["verbose"]:
        raise exc
    raise typer.Exit(exc.exit_code)


def _print_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=str))


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help="Файлы или папки (рекурсивно).")]) -> None:
    """Загрузить документы: Markdown, TXT, HTML, DOCX, PDF, XLSX, CSV; изображения ждут OCR."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from azs_assistant.documents.pipeline import walk

    missing = [p for p in paths if not p.exists()]
    if missing:
        _fail(InvalidInput(f"Путь не найден: {missing[0]}", f"Path not found: {missing[0]}"))
    files = list(walk(paths))
    svc = services()
    results = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("Загрузка", total=len(files))
        for path, source in files:
            progress.update(task, description=f"Загрузка {source[:40]}")
            results.append(svc.ingestor.ingest_path(path, source))
            progress.advance(task)
    counts = Counter(r.status for r in results)
    for r in results:
        if r.status in ("failed", "needs_ocr") or r.message:
            colour = typer.colors.RED if r.status == "failed" else typer.colors.YELLOW
            typer.secho(f"  {r.status:9} {r.source}: {r.message}", fg=colour)
    typer.echo("Итого: добавлено {added}, обновлено {updated}, без изменений {unchanged}, ждут OCR {ocr}, "
               "ошибок {failed}.".format(added=counts["added"], updated=counts["updated"],
                                         unchanged=counts["unchanged"], ocr=counts["needs_ocr"],
                                         failed=counts["failed"]))
    if counts["failed"] and counts["failed"] == len(results):
        raise typer.Exit(3)


@app.command()
def search(query: str, k: Annotated[int, typer.Option("--k", "-k", help="Сколько фрагментов.")] = 10,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Найти фрагменты документов по запросу (с источником и оценкой)."""
    try:
        hits = services().search(query, k=k)
    except AzsError as exc:
        _fail(exc)
    if as_json:
        _print_json([h.public() for h in hits])
        return
    if not hits:
        typer.echo("Ничего не найдено.")
    for n, h in enumerate(hits, start=1):
        where = " › ".join(x for x in (h.title, h.section) if x)
        extra = f", стр. {h.page}" if h.page else (f", {h.location}" if h.location else "")
        typer.secho(f"{n}. [{h.score:.3f}] {h.source}{extra}", bold=True)
        typer.echo(f"   {where}")
        typer.echo("   " + h.quote.replace("\n", " ")[:300])


@app.command()
def ask(question: Annotated[Optional[str], typer.Argument(help="Вопрос.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Ответ одним JSON-объектом.")] = False,
        batch: Annotated[Optional[Path], typer.Option("--batch", help="JSONL с полями id, question.")] = None) -> None:
    """Задать вопрос: ответ с указанием источников или честное «не знаю»."""
    svc = services()
    if batch is not None:
        _ask_batch(svc, batch, as_json)
        return
    if not question:
        _fail(InvalidInput("Укажите вопрос или --batch ФАЙЛ.", "Give a question or --batch FILE."))
    try:
        answer = svc.assistant.ask(question)
    except AzsError as exc:
        _fail(exc)
    if as_json:
        _print_json(answer.public())
        return
    typer.echo(answer.answer)
    if answer.notice:
        typer.secho(answer.notice, fg=typer.colors.YELLOW)
    for n, c in enumerate(answer.citations, start=1):
        page = f", стр. {c.page}" if c.page else ""
        typer.secho(f"[{n}] {c.title} — {c.section or 'без раздела'} ({c.source}{page})", fg=typer.colors.CYAN)


def _ask_batch(svc, batch: Path, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    try:
        lines = batch.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        _fail(InvalidInput(f"Файл {batch} не прочитан: {exc.strerror}", f"Cannot read {batch}"))
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
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
            _print_json(out)
        else:
            typer.echo(f"{out.get('id')}: {out.get('answer', out.get('error'))}")


@documents_app.command("list")
def documents_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Список документов со статусом."""
    docs = services().list_documents(limit=100000)
    if as_json:
        _print_json([_doc_public(d) for d in docs])
        return
    for d in docs:
        typer.echo(f"{d.id:4}  {d.status:9} {d.chunk_count:4} фрагм.  {d.source}  — {d.title}")
    typer.echo(f"Всего документов: {len(docs)}")


def _doc_public(d: Any) -> dict[str, Any]:
    return {"id": d.id, "source": d.source, "title": d.title, "format": d.format, "status": d.status,
            "status_message": d.status_message, "chunks": d.chunk_count, "pages": d.pages,
            "version": d.version, "size_bytes": d.size_bytes, "updated_at": d.updated_at.isoformat()}


@documents_app.command("show")
def documents_show(ref: Annotated[str, typer.Argument(help="id или путь документа.")],
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Показать документ и его фрагменты."""
    svc = services()
    try:
        doc = svc.get_document(ref)
    except AzsError as exc:
        _fail(exc)
    chunks = svc.document_chunks(doc.id)
    if as_json:
        passages = [{"id": c.id, "section": c.section, "page": c.page, "location": c.location, "text": c.text}
                    for c in chunks]
        _print_json({**_doc_public(doc), "passages": passages})
        return
    typer.secho(f"{doc.title} ({doc.source}), статус: {doc.status}, версия {doc.version}", bold=True)
    if doc.status_message:
        typer.secho(doc.status_message, fg=typer.colors.YELLOW)
    for c in chunks:
        typer.secho(f"— {c.section or '(без раздела)'}" + (f", стр. {c.page}" if c.page else ""), fg=typer.colors.CYAN)
        typer.echo(c.text)


@app.command("summarize")
def summarize(ref: Annotated[str, typer.Argument(help="id или путь документа.")],
              changes: Annotated[bool, typer.Option("--changes", help="Что изменилось между версиями.")] = False,
              refresh: Annotated[bool, typer.Option("--refresh", help="Пересоздать, не брать сохранённое.")] = False,
              as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Краткое содержание документа (с моделью — её пересказ, без модели — извлечённые предложения)."""
    svc = services()
    try:
        if changes:
            found = svc.summaries.changes(ref)
            if as_json:
                _print_json([{**c, "created_at": c["created_at"].isoformat()} for c in found])
            elif not found:
                typer.echo("Других версий документа не загружали.")
            for c in found if not as_json else []:
                typer.echo(c["text"] + "\n")
            return
        summary = svc.summaries.summary(ref, refresh=refresh)
    except AzsError as exc:
        _fail(exc)
    if as_json:
        _print_json(summary.public())
        return
    if summary.notice:
        typer.secho(summary.notice, fg=typer.colors.YELLOW, err=True)
    typer.echo(summary.text)


@documents_app.command("delete")
def documents_delete(ref: Annotated[str, typer.Argument(help="id или путь документа.")]) -> None:
    """Удалить документ из базы знаний."""
    try:
        doc = services().delete_document(ref)
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"Удалён: {doc.source}")


@jargon_app.command("list")
def jargon_list() -> None:
    """Все термины словаря."""
    entries = services().jargon_list()
    for e in entries:
        typer.echo(f"{e.term}\t{e.canonical}" + (f"\t{e.note}" if e.note else ""))
    typer.echo(f"Всего терминов: {len(entries)}", err=True)


@jargon_app.command("add")
def jargon_add(term: str, canonical: str, note: Annotated[Optional[str], typer.Option()] = None) -> None:
    """Добавить или изменить термин: azs jargon add "солярка" "дизельное топливо"."""
    try:
        e = services().jargon_upsert(term, canonical, note)
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"Сохранено: {e.term} → {e.canonical}")


@jargon_app.command("remove")
def jargon_remove(term: str) -> None:
    """Удалить термин."""
    try:
        services().jargon_remove(term)
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"Удалён термин: {term}")


@jargon_app.command("import")
def jargon_import(file: Path) -> None:
    """Загрузить термины из TSV: термин<TAB>каноническое название[<TAB>примечание]."""
    from azs_assistant.language.jargon import parse_tsv

    try:
        n = services().jargon_import(parse_tsv(file.read_text(encoding="utf-8")))
    except OSError as exc:
        _fail(InvalidInput(f"Файл {file} не прочитан: {exc.strerror}", f"Cannot read {file}"))
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"Загружено терминов: {n}")


@jargon_app.command("export")
def jargon_export() -> None:
    """Выгрузить словарь в TSV (в стандартный вывод)."""
    typer.echo("term\tcanonical\tnote")
    for e in services().jargon_list():
        typer.echo(f"{e.term}\t{e.canonical}\t{e.note or ''}")


@app.command()
def ocr(file: Annotated[Path, typer.Argument(help="Фото, скан (JPEG, PNG, TIFF, WebP) или PDF.")],
        lang: Annotated[str, typer.Option("--lang", help="Языки Tesseract.")] = "rus+kaz+eng",
        as_json: Annotated[bool, typer.Option("--json", help="Результат одним JSON-объектом.")] = False,
        save: Annotated[bool, typer.Option("--save", help="Сохранить распознанную форму как запись.")] = False) -> None:
    """Распознать текст фото или скана; для известных форм (акт проверки ТРК) — поля."""
    svc = services()
    try:
        data = file.read_bytes()
        result = svc.ocr_file(data, file.name, lang)
    except OSError as exc:
        _fail(InvalidInput(f"Файл {file} не прочитан: {exc.strerror}", f"Cannot read {file}"))
    except AzsError as exc:
        _fail(exc)
    if save and result["form"]:
        from azs_assistant.auth.principal import SYSTEM

        result["record_id"] = svc.records.save_recognised(SYSTEM, result, file.name).id
    if as_json:
        _print_json(result)
        return
    for page in result["pages"]:
        if page["quality"] == "retake":
            typer.secho(f"Стр. {page['page']}: не распознано — {page['reason']}", fg=typer.colors.RED)
        elif page["reason"]:
            typer.secho(f"Стр. {page['page']}: {page['reason']}", fg=typer.colors.YELLOW)
    typer.echo(result["text"])
    if result["form"]:
        typer.secho(f"\nФорма: {result['form']}", bold=True)
        for name, value in result["fields"].items():
            conf = result["field_confidence"].get(name, 100)
            mark = "  ← проверьте" if conf < 80 else ""
            typer.echo(f"  {name}: {value}{mark}")
        for problem in result["problems"]:
            typer.secho(f"  ! {problem}", fg=typer.colors.YELLOW)
        if "record_id" in result:
            typer.echo(f"Сохранена запись №{result['record_id']}.")


@app.command("export")
def export_records(form: Annotated[str, typer.Argument(help="Форма: inspections (акты проверки ТРК).")],
                   fmt: Annotated[str, typer.Option("--format", help="json, csv или xml.")] = "json",
                   output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Файл (иначе вывод).")] = None
                   ) -> None:
    """Выгрузить записи распознанных форм в JSON, CSV или XML."""
    from azs_assistant.auth.principal import SYSTEM

    svc = services()
    try:
        text, _ = svc.records.export(SYSTEM, form, fmt)
    except AzsError as exc:
        _fail(exc)
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Записано: {output}")
    else:
        typer.echo(text)


def _parse_every(text: str) -> float:
    import re

    m = re.fullmatch(r"(\d+)\s*([smhd]?)", text.strip().lower())
    if not m or int(m.group(1)) == 0:
        raise InvalidInput(f"Интервал «{text}» не понят: пишите 30s, 15m, 1h или 1d.", f"Bad interval {text!r}.")
    return int(m.group(1)) * {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


@incidents_app.command("sync")
def incidents_sync(
    source: Annotated[Optional[str], typer.Option("--source", help="Имя источника (по умолчанию все).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Перечитать всё, не только новое.")] = False,
    every: Annotated[Optional[str], typer.Option("--every", help="Повторять по расписанию: 15m, 1h, 1d.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Скопировать новые и изменённые инциденты из базы компании (Oracle, PostgreSQL, …)."""
    import time

    try:
        interval = _parse_every(every) if every else None
        while True:
            reports = services().sync_incidents(source, full=full)
            for report in reports:
                data = report.to_dict()
                if as_json:
                    _print_json(data)
                else:
                    _print_stored(f"{data['source']}: прочитано {data['read']}, ", data)
            if interval is None:
                return
            time.sleep(interval)
    except AzsError as exc:
        _fail(exc)


def _print_stored(prefix: str, data: dict[str, Any]) -> None:
    """The counts of a sync or an import, then the first bad rows with their reasons."""
    typer.echo(f"{prefix}новых {data['inserted']}, изменено {data['updated']}, без изменений {data['unchanged']}, "
               f"с ошибками {len(data['bad_rows'])}")
    for bad in data["bad_rows"][:20]:
        typer.secho(f"  ! {bad['row']}: {bad['reason']}", fg=typer.colors.YELLOW)


@incidents_app.command("import")
def incidents_import(
    file: Annotated[Path, typer.Argument(help="CSV или XLSX с журналом инцидентов.")],
    mapping: Annotated[Optional[list[str]], typer.Option("--map", help="поле=Столбец, напр. station_id=АЗС.")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Кодировка CSV (иначе определяется).")] = None,
    date_format: Annotated[Optional[str], typer.Option("--date-format",
                                                      help="Формат дат, напр. %d.%m.%Y %H:%M.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Разово загрузить инциденты из файла (новые добавляются, изменённые обновляются)."""
    pairs: dict[str, str] = {}
    try:
        for item in mapping or []:
            name, sep, column = item.partition("=")
            if not sep or not name.strip() or not column.strip():
                raise InvalidInput(f"--map «{item}»: нужно поле=Столбец.", f"Bad --map {item!r}.")
            pairs[name.strip()] = column.strip()
        if not file.is_file():
            raise InvalidInput(f"Файл не найден: {file}", f"File not found: {file}")
        result = services().import_incidents(file, mapping=pairs, encoding=encoding, date_format=date_format)
    except AzsError as exc:
        _fail(exc)
    data = result.to_dict()
    if as_json:
        _print_json(data)
        return
    _print_stored("Загружено: ", data)


@incidents_app.command("sources")
def incidents_sources() -> None:
    """Показать настроенные источники и где остановилась синхронизация."""
    from azs_assistant.storage.models import IncidentSync

    svc = services()
    try:
        sources = svc.incident_sources()
    except AzsError as exc:
        _fail(exc)
    if not sources:
        typer.echo(f"Источники не настроены ({svc.settings.incident_sources_file}).")
    with svc.db.session() as s:
        for name, source in sources.items():
            state = s.get(IncidentSync, name)
            where = source.table or "запрос"
            last = f"{state.last_run_at:%d.%m.%Y %H:%M} UTC, всего строк {state.rows_total}" if state and \
                state.last_run_at else "ещё не запускалась"
            typer.echo(f"{name}: {where}; синхронизация: {last}")


def _today(value: Optional[str]) -> Any:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"Дата «{value}» не в формате ГГГГ-ММ-ДД.", f"Bad date {value!r}.") from exc


@report_app.command("ask")
def report_ask(
    question: Annotated[str, typer.Argument(help="Вопрос, напр. «сколько проливов было на АЗС-012 в октябре».")],
    as_json: Annotated[bool, typer.Option("--json", help="question, query, answer, table, text.")] = False,
    today: Annotated[Optional[str], typer.Option("--today", help="Считать «сегодня» этой датой (ГГГГ-ММ-ДД).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o",
                                                   help="Сохранить отчёт: .csv .xlsx .pdf .png .svg .json")] = None,
) -> None:
    """Ответить на вопрос об инцидентах: число, таблица, файл с отчётом."""
    from azs_assistant.reports import render
    from azs_assistant.reports.parse import ReportUnclear

    try:
        report = services().reports.ask(question, _today(today))
    except ReportUnclear as exc:
        if as_json:
            _print_json({"question": question, "query": None, "answer": None, "table": [], "text": exc.message_ru,
                         "error": exc.code})
            raise typer.Exit(exc.exit_code) from exc
        _fail(exc)
    except AzsError as exc:
        _fail(exc)
    if output is not None:
        try:
            output.write_bytes(render.export(report.result, output.suffix.lstrip(".").lower(), question))
        except AzsError as exc:
            _fail(exc)
    if as_json:
        _print_json(report.to_dict())
        return
    typer.echo(report.text)
    if report.result.table and len(report.result.columns) <= 4:
        for row in report.result.table[:50]:
            typer.echo("  " + " | ".join(render.num(row.get(c)) if isinstance(row.get(c), float) else str(row.get(c))
                                         for c in report.result.columns))
    if output is not None:
        typer.echo(f"Записано: {output}")


@report_app.command("schedule")
def report_schedule(
    questions: Annotated[list[str], typer.Argument(help="Вопросы, напр. «инциденты по регионам за прошлую неделю».")],
    every: Annotated[str, typer.Option("--every", help="Как часто: 1d, 7d, 12h.")] = "7d",
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Куда складывать файлы.")] = Path("reports"),
    formats: Annotated[str, typer.Option("--formats", help="Форматы через запятую: pdf,xlsx,csv,png.")] = "pdf,xlsx",
    once: Annotated[bool, typer.Option("--once", help="Один раз, без повторов (для cron/systemd).")] = False,
    email: Annotated[Optional[list[str]], typer.Option("--email", help="Отправить файлы на этот адрес (можно "
                                                        "несколько раз); нужен AZS_SMTP_HOST.")] = None,
    telegram: Annotated[Optional[list[str]], typer.Option("--telegram", help="Отправить в этот чат Telegram (id); "
                                                           "нужен AZS_TELEGRAM_BOT_TOKEN.")] = None,
) -> None:
    """Регулярные отчёты: по расписанию сохранять файлы и, если указано, отправлять их почтой и в Telegram."""
    import re
    import time
    from datetime import datetime

    from azs_assistant.reports import render

    try:
        interval = _parse_every(every)
        kinds = [f.strip().lower() for f in formats.split(",") if f.strip()]
        bad = [f for f in kinds if f not in render.EXPORT_FORMATS]
        if bad or not kinds:
            raise InvalidInput(f"Форматы {', '.join(bad) or '—'} не поддерживаются.", f"Bad formats {bad}.")
        out_dir.mkdir(parents=True, exist_ok=True)
        while True:
            stamp = datetime.now().strftime("%Y%m%d-%H%M")
            written, texts = [], []
            for i, question in enumerate(questions, start=1):
                report = services().reports.ask(question)
                texts.append(f"{question}\n{report.text}")
                slug = re.sub(r"[^\w]+", "_", question.lower())[:50].strip("_") or f"report{i}"
                for kind in kinds:
                    if kind in ("png", "svg") and not render.has_chart(report.result):
                        continue
                    path = out_dir / f"{stamp}_{slug}.{kind}"
                    path.write_bytes(render.export(report.result, kind, question))
                    written.append(path)
                    typer.echo(f"Записано: {path}")
            failed = []
            if email or telegram:
                failed = services().notifier.send_files(
                    f"Отчёт по инцидентам {datetime.now():%d.%m.%Y}", "\n\n".join(texts), written,
                    emails=email or [], telegrams=telegram or [])
                for problem in failed:
                    typer.secho(f"Не доставлено: {problem}", fg=typer.colors.RED, err=True)
                sent = len(email or []) + len(telegram or []) - len({p.split(":")[0] for p in failed})
                typer.echo(f"Отправлено получателям: {sent}")
            if once:
                if failed:
                    raise typer.Exit(75)  # EX_TEMPFAIL: files are written, delivery may be retried
                return
            time.sleep(interval)
    except AzsError as exc:
        _fail(exc)


def _ticket_line(t: Any) -> str:
    from azs_assistant.tickets.service import is_overdue

    flags = ("  ПРОСРОЧЕНО" if is_overdue(t) else "") + ("  [разбор]" if t.needs_triage else "")
    return (f"{t.number}  {t.status:<11} {t.urgency:<8} {t.category:<20} {t.department:<16} "
            f"{t.station_id or '—':<8} {t.text[:60]!r}{flags}")


@tickets_app.command("add")
def tickets_add(
    text: Annotated[str, typer.Argument(help="Текст жалобы.")],
    station: Annotated[Optional[str], typer.Option("--station", help="Станция: АЗС-012, 12…")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="Телефон или e-mail клиента.")] = None,
    channel: Annotated[str, typer.Option("--channel", help="Канал: cli, email, call_center_transcript…")] = "cli",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Принять жалобу: классифицировать, назначить отдел, поставить уведомления в очередь."""
    from azs_assistant.tickets.notify import ticket_json

    try:
        ticket, token = services().tickets.create(text, channel=channel, station=station, contact=contact,
                                                  actor="cli")
    except AzsError as exc:
        _fail(exc)
    base = services().settings.public_base_url.rstrip("/")
    if as_json:
        _print_json({**ticket_json(ticket), "token": token, "status_url": f"{base}/t/{ticket.number}?k={token}"})
        return
    typer.echo(_ticket_line(ticket))
    if ticket.triage_reason:
        typer.echo(f"  почему: {ticket.triage_reason}")
    typer.echo(f"  ссылка для клиента: {base}/t/{ticket.number}?k={token}")


@tickets_app.command("classify")
def tickets_classify(
    text: Annotated[Optional[str], typer.Argument(help="Текст (или --batch).")] = None,
    batch: Annotated[Optional[Path], typer.Option("--batch", help="JSONL: {\"id\", \"text\"[, \"channel\", "
                                                  "\"station\"]} в строке.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Классифицировать без сохранения: категория, срочность, отдел, уверенность."""
    try:
        tickets = services().tickets
        if batch is None:
            if not text:
                raise InvalidInput("Дайте текст или --batch FILE.jsonl.", "Text or --batch required.")
            result = tickets.classify(text, channel="cli")
            if as_json:
                _print_json(result.to_dict())
            else:
                typer.echo(f"{result.category} · {result.urgency} → {result.route_to} "
                           f"(уверенность {result.confidence:.2f})")
                for reason in result.reasons:
                    typer.echo(f"  {reason}")
            return
        _classify_batch(tickets, batch, as_json)
    except AzsError as exc:
        _fail(exc)


def _classify_batch(tickets: Any, batch: Path, as_json: bool) -> None:
    if not batch.exists():
        raise InvalidInput(f"Файл {batch} не найден.", f"{batch} not found.")
    with batch.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError("нужен объект с полем text")
            except ValueError as exc:
                out: dict[str, Any] = {"id": None, "line": n, "error": f"строка {n}: {exc}"}
            else:
                try:
                    r = tickets.classify(item["text"], channel=str(item.get("channel") or "api"),
                                         station=item.get("station"))
                    out = {"id": item.get("id"), "category": r.category, "urgency": r.urgency, "route_to": r.route_to,
                           "confidence": r.confidence, "needs_triage": r.needs_triage}
                except AzsError as exc:
                    out = {"id": item.get("id"), "error": exc.message_ru}
            if as_json:
                _print_json(out)
            elif "error" in out:
                typer.echo(f"{out['id']}\tошибка: {out['error']}")
            else:
                typer.echo(f"{out['id']}\t{out['category']}\t{out['urgency']}\t{out['route_to']}\t{out['confidence']}")


@tickets_app.command("train")
def tickets_train(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Переобучить классификатор: встроенные примеры + файл компании + исправленные людьми обращения."""
    try:
        stats = services().tickets.train()
    except AzsError as exc:
        _fail(exc)
    if as_json:
        _print_json(stats)
    else:
        typer.echo(f"Обучено на {stats['total']} примерах (встроенных {stats['shipped']}, из файла компании "
                   f"{stats['company_file']}, исправленных обращений {stats['corrected_tickets']}); "
                   f"версия {stats['version']}.")


@tickets_app.command("list")
def tickets_list(
    department: Annotated[Optional[str], typer.Option("--department")] = None,
    status: Annotated[Optional[str], typer.Option("--status")] = None,
    station: Annotated[Optional[str], typer.Option("--station")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Только просроченные.")] = False,
    triage: Annotated[bool, typer.Option("--triage", help="Только ждущие разбора человеком.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Сколько строк показать.")] = 100,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Сколько первых строк пропустить.")] = 0,
    show_all: Annotated[bool, typer.Option("--all", help="Все строки (после --offset), без предела.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Очередь обращений, новые страницами по --limit: на странице сначала открытые и срочные."""
    from azs_assistant.tickets.notify import ticket_json

    filters: dict[str, Any] = {"department": department, "status": status, "station": station,
                               "overdue": overdue or None, "triage": True if triage else None}
    shown = 0
    try:
        tickets = services().tickets
        total = tickets.queue_size(**filters)
        while shown < (total - offset if show_all else limit):
            rows = tickets.queue(**filters, limit=1000 if show_all else limit, offset=offset + shown)
            for t in rows:
                typer.echo(json.dumps(ticket_json(t), ensure_ascii=False) if as_json else _ticket_line(t))
            shown += len(rows)
            if not rows or not show_all:
                break
    except AzsError as exc:
        _fail(exc)
    if offset + shown < total:  # with --json the notes go to stderr, so stdout stays JSON lines
        typer.echo(f"Показаны {offset + 1}–{offset + shown} из {total}; следующие: --offset {offset + shown} "
                   "(или --all).", err=as_json)
    elif not shown and offset and total:
        typer.echo(f"Всего {total}: после первых {offset} строк нет.", err=as_json)


@tickets_app.command("show")
def tickets_show(number: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Обращение и вся его история."""
    from azs_assistant.tickets.notify import ticket_json

    try:
        ticket = services().tickets.get(number)
        history = services().tickets.history(number)
    except AzsError as exc:
        _fail(exc)
    if as_json:
        _print_json({**ticket_json(ticket), "history": [
            {"at": e.at, "actor": e.actor, "kind": e.kind, "data": e.data} for e in history]})
        return
    typer.echo(_ticket_line(ticket))
    typer.echo(ticket.text)
    for e in history:
        typer.echo(f"  {e.at:%d.%m.%Y %H:%M}  {e.actor:<12} {e.kind:<12} {json.dumps(e.data, ensure_ascii=False)}")


@tickets_app.command("status")
def tickets_status(number: str, status: Annotated[str, typer.Argument(help="assigned, in_progress, resolved, "
                                                                           "closed (или in_progress — переоткрыть)")],
                   comment: Annotated[Optional[str], typer.Option(
                       "--comment", help="Заметка к смене статуса (внутренняя, клиент её не видит).")] = None,
                   public: Annotated[bool, typer.Option("--public", help="Комментарий — ответ клиенту: "
                                                                          "виден по его ссылке.")] = False,
                   actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Сменить статус обращения."""
    try:
        ticket = services().tickets.set_status(number, status, actor=actor, comment=comment, public=public)
    except AzsError as exc:
        _fail(exc)
    typer.echo(_ticket_line(ticket))


@tickets_app.command("comment")
def tickets_comment(number: str, text: str, public: Annotated[bool, typer.Option("--public", help="Видно клиенту.")]
                    = False, actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Добавить комментарий."""
    try:
        services().tickets.comment(number, text, actor=actor, public=public)
    except AzsError as exc:
        _fail(exc)
    typer.echo("Комментарий добавлен.")


@tickets_app.command("assign")
def tickets_assign(number: str, department: Annotated[Optional[str], typer.Option("--department")] = None,
                   assignee: Annotated[Optional[str], typer.Option("--assignee")] = None,
                   actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Передать другому отделу и/или исполнителю."""
    try:
        ticket = services().tickets.assign(number, actor=actor, department=department, assignee=assignee)
    except AzsError as exc:
        _fail(exc)
    typer.echo(_ticket_line(ticket))


@tickets_app.command("relabel")
def tickets_relabel(number: str, category: Annotated[Optional[str], typer.Option("--category")] = None,
                    urgency: Annotated[Optional[str], typer.Option("--urgency")] = None,
                    actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Исправить категорию или срочность (обращение станет примером для `azs tickets train`)."""
    try:
        ticket = services().tickets.relabel(number, actor=actor, category=category, urgency=urgency)
    except AzsError as exc:
        _fail(exc)
    typer.echo(_ticket_line(ticket))


@tickets_app.command("ack")
def tickets_ack(number: str, actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Подтвердить получение критичного обращения: напоминания прекращаются."""
    try:
        ticket = services().tickets.acknowledge(number, actor=actor)
    except AzsError as exc:
        _fail(exc)
    typer.echo(_ticket_line(ticket))


@tickets_app.command("notify")
def tickets_notify(every: Annotated[Optional[str], typer.Option("--every", help="Повторять: 30s, 1m…")] = None)\
        -> None:
    """Отправить уведомления из очереди (e-mail, Telegram, webhook) и напоминания по критичным."""
    import time

    try:
        interval = _parse_every(every) if every else None
        while True:
            counts = services().notifier.run_once()
            typer.echo(f"отправлено {counts['sent']}, повтор позже {counts['retry']}, не доставлено "
                       f"{counts['failed']}, напоминаний поставлено {counts['repeats_queued']}")
            if interval is None:
                return
            time.sleep(interval)
    except AzsError as exc:
        _fail(exc)


@tickets_app.command("rules")
def tickets_rules(file: Annotated[Optional[Path], typer.Argument(help="Файл правил (по умолчанию действующий).")]
                  = None) -> None:
    """Проверить файл правил маршрутизации и показать отделы и правила."""
    from azs_assistant.settings import Settings
    from azs_assistant.tickets.rules import load_rules

    try:
        if file is not None and not file.exists():
            raise InvalidInput(f"Файл {file} не найден.", f"{file} not found.")
        rules = load_rules(file or Settings().ticket_rules_file)
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"Правила: {rules.source}")
    for key, dep in rules.departments.items():
        typer.echo(f"  отдел {key}: {dep.name} (контактов: {len(dep.contacts)})")
    for i, rule in enumerate(rules.spec.rules, start=1):
        when = rule.when.model_dump(exclude_defaults=True)
        target = rule.route_to or "(только изменяет)"
        typer.echo(f"  {i}. {rule.name or ''} {json.dumps(when, ensure_ascii=False)} → {target}")


def _cli_actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in a container
        return "cli"


def _password(ref: Optional[str], prompt: bool) -> Optional[str]:
    """A password from a secret reference (env:NAME, file:/path, aws:…) or typed at the prompt."""
    from azs_assistant.secrets import is_reference, resolve_secret

    if ref:
        if not is_reference(ref):
            raise InvalidInput("Пароль передаётся ссылкой на секрет: env:ИМЯ, file:/путь или aws:…, не текстом.",
                               "Password must be a secret reference.")
        return (resolve_secret(ref) or "").strip()
    return typer.prompt("Пароль", hide_input=True, confirmation_prompt=True) if prompt else None


def _split(values: Optional[list[str]]) -> Optional[list[str]]:
    if values is None:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@users_app.command("add")
def users_add(
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
    try:
        password = _password(password_from, prompt=True)
        user = services().access.add_user(username, password, _split(role) or [], stations=_split(station),
                                          regions=_split(region), department=department, actor=_cli_actor())
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"Пользователь {user.username}: роли {', '.join(user.roles)}; станции {', '.join(user.stations) or '—'};"
               f" регионы {', '.join(user.regions) or '—'}")


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Все пользователи."""
    for u in services().access.list_users():
        row = {"username": u.username, "roles": u.roles, "stations": u.stations, "regions": u.regions,
               "department": u.department, "disabled": bool(u.disabled), "telegram": bool(u.telegram_chat_id)}
        typer.echo(json.dumps(row, ensure_ascii=False) if as_json else
                   f"{u.username:<20} {','.join(u.roles):<24} {','.join(u.stations) or '—':<20} "
                   f"{','.join(u.regions) or '—':<16} {u.department or ''}{'  ОТКЛЮЧЁН' if u.disabled else ''}")


@users_app.command("set-role")
def users_set_role(
    username: str,
    role: Annotated[list[str], typer.Option("--role", help="Новый набор ролей")],
    station: Annotated[Optional[list[str]], typer.Option("--station")] = None,
    region: Annotated[Optional[list[str]], typer.Option("--region")] = None,
    department: Annotated[Optional[str], typer.Option("--department")] = None,
) -> None:
    """Сменить роли (и, если указаны, станции, регионы, отдел)."""
    try:
        user = services().access.update_user(username, actor=_cli_actor(), roles=_split(role) or [],
                                             stations=_split(station), regions=_split(region), department=department)
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"{user.username}: роли {', '.join(user.roles)}")


@users_app.command("disable")
def users_disable(username: str, enable: Annotated[bool, typer.Option("--enable", help="Снова включить.")] = False)\
        -> None:
    """Отключить пользователя (его сеансы закрываются сразу)."""
    try:
        services().access.update_user(username, actor=_cli_actor(), disabled=not enable)
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"{username}: {'включён' if enable else 'отключён'}")


@users_app.command("password")
def users_password(username: str, password_from: Annotated[Optional[str], typer.Option("--password-from")] = None)\
        -> None:
    """Задать новый пароль (снимает блокировку)."""
    try:
        services().access.update_user(username, actor=_cli_actor(), password=_password(password_from, prompt=True))
    except AzsError as exc:
        _fail(exc)
    typer.echo("Пароль изменён.")


@users_app.command("bootstrap")
def users_bootstrap(
    password_from: Annotated[Optional[str], typer.Option("--password-from",
                                                           help="Секрет с паролем первого администратора "
                                                                "(по умолчанию AZS_ADMIN_PASSWORD)")] = None,
    username: Annotated[str, typer.Option("--username")] = "admin",
) -> None:
    """Создать первого администратора, если пользователей ещё нет. Пароль — из секрета; без него
    генерируется случайный и записывается в <каталог данных>/admin-password (права 600)."""
    import secrets as pysecrets

    try:
        svc = services()
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
        svc.access.add_user(username, password, ["admin"], stations=["*"], actor=_cli_actor())
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"Создан администратор {username}." + (f" Пароль в файле {where} (смените его после входа)."
                                                      if where else ""))


@apikeys_app.command("create")
def apikeys_create(
    name: str,
    role: Annotated[list[str], typer.Option("--role")],
    station: Annotated[Optional[list[str]], typer.Option("--station")] = None,
    region: Annotated[Optional[list[str]], typer.Option("--region")] = None,
    department: Annotated[Optional[str], typer.Option("--department")] = None,
    rate: Annotated[int, typer.Option("--rate", help="Запросов в минуту")] = 600,
) -> None:
    """Создать ключ API (показывается один раз)."""
    try:
        key, row = services().access.create_key(name, _split(role) or [], stations=_split(station),
                                                regions=_split(region), department=department,
                                                rate_per_minute=rate, actor=_cli_actor())
    except AzsError as exc:
        _fail(exc)
    typer.echo(key)
    typer.echo(f"Ключ «{row.name}» ({row.prefix}) создан. Сохраните его сейчас: показать ещё раз нельзя.", err=True)


@apikeys_app.command("list")
def apikeys_list() -> None:
    """Ключи API (без самих ключей)."""
    for k in services().access.list_keys():
        state = f"отозван {k.revoked_at:%d.%m.%Y}" if k.revoked_at else "действует"
        typer.echo(f"{k.prefix}  {k.name:<24} {','.join(k.roles):<20} {state}")


@apikeys_app.command("revoke")
def apikeys_revoke(prefix: str) -> None:
    """Отозвать ключ по его префиксу."""
    try:
        services().access.revoke_key(prefix, actor=_cli_actor())
    except AzsError as exc:
        _fail(exc)
    typer.echo(f"Ключ {prefix} отозван.")


@telegram_app.command("run")
def telegram_run() -> None:
    """Запустить бота (long polling; нужен AZS_TELEGRAM_BOT_TOKEN)."""
    from azs_assistant.telegram.bot import AzsBot

    try:
        application = AzsBot(services()).application()
    except AzsError as exc:
        _fail(exc)
    typer.echo("Бот запущен (long polling). Остановка: Ctrl+C.")
    application.run_polling(drop_pending_updates=False)


@telegram_app.command("webhook")
def telegram_webhook(url: Annotated[str, typer.Argument(help="Публичный адрес сервера, напр. https://azs.example.kz")],
                     remove: Annotated[bool, typer.Option("--remove", help="Снять вебхук (вернуться к polling).")]
                     = False) -> None:
    """Сказать Telegram, куда слать обновления: <URL>/telegram/webhook (нужен AZS_TELEGRAM_WEBHOOK_SECRET)."""
    import asyncio

    from azs_assistant.secrets import resolve_secret
    from azs_assistant.telegram.bot import AzsBot

    try:
        svc = services()
        application = AzsBot(svc).application()
        ref = svc.settings.telegram_webhook_secret
        secret = resolve_secret(ref.get_secret_value()) if ref else None
        if not remove and not secret:
            raise InvalidInput("Задайте AZS_TELEGRAM_WEBHOOK_SECRET: им Telegram подписывает запросы к вебхуку.",
                               "AZS_TELEGRAM_WEBHOOK_SECRET is not set.")

        async def call() -> None:
            async with application:
                if remove:
                    await application.bot.delete_webhook()
                else:
                    await application.bot.set_webhook(f"{url.rstrip('/')}/telegram/webhook", secret_token=secret)

        asyncio.run(call())
    except AzsError as exc:
        _fail(exc)
    typer.echo("Вебхук снят." if remove else f"Вебхук: {url.rstrip('/')}/telegram/webhook")


@learning_app.command("export-sft")
def learning_export_sft(out: Annotated[Path, typer.Option("--out", help="Каталог для train/validation JSONL")]
                        = Path("datasets"),
                        validation: Annotated[float, typer.Option("--validation", min=0.0, max=0.5)] = 0.1) -> None:
    """Набор для дообучения (SFT, chat messages JSONL): исправленные и одобренные ответы с контекстом."""
    from azs_assistant.learning.datasets import export_sft

    result = export_sft(services().db, out, validation)
    services().access.audit(_cli_actor(), "learning.export_sft", str(out), result.to_dict())
    typer.echo(f"SFT: обучающих {result.train}, проверочных {result.validation}, дублей пропущено "
               f"{result.skipped_duplicates}; файлы: {', '.join(result.files)}")


@learning_app.command("train")
def learning_train(
    base_model: Annotated[Path, typer.Option("--base-model", help="Папка модели Hugging Face (Llama 3 8B Instruct)")],
    train_file: Annotated[Path, typer.Option("--train", help="SFT JSONL из azs learning export-sft")]
    = Path("datasets/sft_train.jsonl"),
    validation_file: Annotated[Optional[Path], typer.Option("--validation")] = None,
    out: Annotated[Path, typer.Option("--out", help="Куда сохранить адаптер LoRA")] = Path("adapters/azs-lora"),
    epochs: Annotated[float, typer.Option("--epochs", min=0.01)] = 2.0,
    max_steps: Annotated[int, typer.Option("--max-steps", help="> 0 — столько шагов вместо эпох")] = -1,
    learning_rate: Annotated[float, typer.Option("--lr")] = 2e-4,
    rank: Annotated[int, typer.Option("--rank", min=1)] = 16,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 1,
    grad_accum: Annotated[int, typer.Option("--grad-accum", min=1)] = 8,
    max_length: Annotated[int, typer.Option("--max-length", min=64)] = 2048,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Дообучить модель (LoRA) на наборе SFT. Нужно дополнение [train]; для 8B — GPU."""
    from azs_assistant.learning.train import TrainOptions, train_lora

    options = TrainOptions(epochs=epochs, max_steps=max_steps, learning_rate=learning_rate, rank=rank,
                           alpha=2 * rank, batch_size=batch_size, grad_accum=grad_accum, max_length=max_length)
    try:
        if not train_file.is_file():
            raise InvalidInput(f"Нет файла {train_file}: выполните azs learning export-sft.", f"{train_file} missing")
        result = train_lora(base_model, train_file, out, validation_file, options)
    except AzsError as exc:
        _fail(exc)
    if as_json:
        _print_json(result.public())
        return
    first, last = (result.losses[0], result.losses[-1]) if result.losses else (None, None)
    checked = f", на проверке {result.eval_loss}" if result.eval_loss is not None else ""
    typer.echo(f"Адаптер LoRA: {result.adapter} ({result.steps} шагов на {result.device}, "
               f"примеров {result.train_rows}; loss {first} → {last}{checked})")


@learning_app.command("compare")
def learning_compare(
    questions: Annotated[Path, typer.Option("--questions", help="JSONL: question, answer_facts (как qa.jsonl)")],
    base_url: Annotated[str, typer.Option("--base-url", help="OpenAI-совместимый сервер базовой модели")],
    candidate_url: Annotated[str, typer.Option("--candidate-url", help="сервер новой модели (например, с LoRA)")],
    base_model: Annotated[str, typer.Option("--base-model")] = "llama-3-8b-instruct",
    candidate_model: Annotated[str, typer.Option("--candidate-model")] = "azs",
    api_key: Annotated[Optional[str], typer.Option("--api-key", help="ключ или ссылка env:/file:/aws:")] = None,
    out: Annotated[Optional[Path], typer.Option("--json", help="записать подробности по вопросам")] = None,
) -> None:
    """Сравнить две модели на вопросах с эталонными фактами: полнота фактов, верность ссылок, отказы."""
    from azs_assistant.learning.compare import MEASURES, Endpoint, compare, load_questions
    from azs_assistant.secrets import resolve_secret

    try:
        rows = load_questions(questions)
        key = resolve_secret(api_key)
        result = compare(services(), Endpoint("base", base_url, base_model, key),
                         Endpoint("candidate", candidate_url, candidate_model, key), rows)
    except AzsError as exc:
        _fail(exc)
    if out is not None:
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    typer.echo(f"{'мера':20} {'база':>8} {'новая':>8}")
    for m in (*MEASURES, "latency_p50_ms", "failures"):
        typer.echo(f"{m:20} {result['base'][m]:>8} {result['candidate'][m]:>8}")
    typer.echo("Вывод: принять новую модель." if result["adopt"] else
               "Вывод: не принимать — " + "; ".join(result["reasons"]))


@learning_app.command("export-preferences")
def learning_export_preferences(out: Annotated[Path, typer.Option("--out")] = Path("datasets"),
                                validation: Annotated[float, typer.Option("--validation", min=0.0, max=0.5)]
                                = 0.1) -> None:
    """Набор предпочтений (prompt, chosen, rejected) для DPO/ORPO из оценок и исправлений."""
    from azs_assistant.learning.datasets import export_preferences

    result = export_preferences(services().db, out, validation)
    services().access.audit(_cli_actor(), "learning.export_preferences", str(out), result.to_dict())
    typer.echo(f"Предпочтения: обучающих {result.train}, проверочных {result.validation}, дублей пропущено "
               f"{result.skipped_duplicates}; файлы: {', '.join(result.files)}")


@app.command()
def reindex() -> None:
    """Пересчитать эмбеддинги всех документов (после смены модели эмбеддингов)."""
    from azs_assistant.documents.reindex import reindex_all

    n = reindex_all(services())
    typer.echo(f"Переиндексировано фрагментов: {n}")


@app.command()
def serve(host: Annotated[str, typer.Option(help="Адрес.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Порт.")] = 8000) -> None:
    """Запустить веб-интерфейс и REST API (OpenAPI: /docs)."""
    import uvicorn

    from azs_assistant import logs
    from azs_assistant.api.app import create_app

    settings = services().settings
    logs.configure_from(settings)
    typer.echo(f"Веб-интерфейс: http://{host}:{port}/   API: http://{host}:{port}/docs")
    # proxy_headers off: forwarded headers are believed only from AZS_TRUSTED_PROXIES (the app decides).
    # Uvicorn's lines go through our handler (log_config=None); the app writes the access lines itself.
    uvicorn.run(create_app(services()), host=host, port=port, log_level=(settings.log_level or "info").lower(),
                proxy_headers=False, log_config=None, access_log=False)


def run() -> None:
    try:
        app()
    except AzsError as exc:  # errors raised outside command bodies (e.g. while wiring services)
        typer.secho(f"Ошибка: {exc.message_ru}", fg=typer.colors.RED, err=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    run()
