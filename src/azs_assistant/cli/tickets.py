"""Customer complaints: `azs tickets add|classify|train|list|show|status|comment|assign|relabel|ack|notify|rules`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from azs_assistant.cli._common import cli_actor, existing_file, parse_every, print_json, rounds, services, state
from azs_assistant.errors import AzsError, InvalidInput

if TYPE_CHECKING:
    from azs_assistant.tickets.service import Tickets

app = typer.Typer(help="Жалобы клиентов: приём, классификация, маршрутизация, уведомления, статусы.",
                  no_args_is_help=True)


def _ticket_line(t: Any) -> str:
    from azs_assistant.tickets.service import is_overdue

    flags = ("  ПРОСРОЧЕНО" if is_overdue(t) else "") + ("  [разбор]" if t.needs_triage else "")
    return (f"{t.number}  {t.status:<11} {t.urgency:<8} {t.category:<20} {t.department:<16} "
            f"{t.station_id or '—':<8} {t.text[:60]!r}{flags}")


@app.command("add")
def tickets_add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Текст жалобы.")],
    station: Annotated[Optional[str], typer.Option("--station", help="Станция: АЗС-012, 12…")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="Телефон или e-mail клиента.")] = None,
    channel: Annotated[str, typer.Option("--channel", help="Канал: cli, email, call_center_transcript…")] = "cli",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Принять жалобу: классифицировать, назначить отдел, поставить уведомления в очередь."""
    from azs_assistant.tickets.notify import ticket_json

    svc = services(ctx)
    ticket, token = svc.tickets.create(text, channel=channel, station=station, contact=contact, actor="cli")
    link = svc.tickets.status_link(ticket, token)
    if as_json:
        print_json({**ticket_json(ticket), "token": token, "status_url": link})
        return
    typer.echo(_ticket_line(ticket))
    if ticket.triage_reason:
        typer.echo(f"  почему: {ticket.triage_reason}")
    typer.echo(f"  ссылка для клиента: {link}")


@app.command("classify")
def tickets_classify(
    ctx: typer.Context,
    text: Annotated[Optional[str], typer.Argument(help="Текст (или --batch).")] = None,
    batch: Annotated[Optional[Path], typer.Option("--batch", help="JSONL: {\"id\", \"text\"[, \"channel\", "
                                                  "\"station\"]} в строке.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Классифицировать без сохранения: категория, срочность, отдел, уверенность."""
    tickets = services(ctx).tickets
    if batch is not None:
        _classify_batch(tickets, batch, as_json)
        return
    if not text:
        raise InvalidInput("Дайте текст или --batch FILE.jsonl.", "Text or --batch required.")
    result = tickets.classify(text, channel="cli")
    if as_json:
        print_json(result.to_dict())
        return
    typer.echo(f"{result.category} · {result.urgency} → {result.route_to} (уверенность {result.confidence:.2f})")
    for reason in result.reasons:
        typer.echo(f"  {reason.text()}")


def _classify_batch(tickets: Tickets, batch: Path, as_json: bool) -> None:
    """One line out per JSONL line in; a bad line is reported in its place, not fatal."""
    with existing_file(batch).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            out = _classify_line(tickets, n, line)
            if as_json:
                print_json(out)
            elif "error" in out:
                typer.echo(f"{out['id']}\tошибка: {out['error']}")
            else:
                typer.echo(f"{out['id']}\t{out['category']}\t{out['urgency']}\t{out['route_to']}\t{out['confidence']}")


def _classify_line(tickets: Tickets, n: int, line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValueError("нужен объект с полем text")
    except ValueError as exc:
        return {"id": None, "line": n, "error": f"строка {n}: {exc}"}
    try:
        r = tickets.classify(item["text"], channel=str(item.get("channel") or "api"), station=item.get("station"))
    except AzsError as exc:  # one bad line does not stop the batch
        return {"id": item.get("id"), "error": exc.message_ru}
    return {"id": item.get("id"), "category": r.category, "urgency": r.urgency, "route_to": r.route_to,
            "confidence": r.confidence, "needs_triage": r.needs_triage}


@app.command("train")
def tickets_train(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False,
                  background: Annotated[bool, typer.Option("--background", help="Поставить фоновое задание и не ждать "
                                                           "(выполнит azs serve или azs worker).")] = False) -> None:
    """Переобучить классификатор: встроенные примеры + файл компании + исправленные людьми обращения."""
    if background:
        job = services(ctx).tickets.submit_training(cli_actor())
        if as_json:
            print_json({"job_id": job.id, "status": job.status})
        else:
            typer.echo(f"Задание {job.id} в очереди; ход: azs jobs show {job.id}.")
        return
    stats = services(ctx).tickets.train()
    if as_json:
        print_json(stats)
    else:
        typer.echo(f"Обучено на {stats['total']} примерах (встроенных {stats['shipped']}, из файла компании "
                   f"{stats['company_file']}, исправленных обращений {stats['corrected_tickets']}); "
                   f"версия {stats['version']}.")


@app.command("list")
def tickets_list(
    ctx: typer.Context,
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
    tickets = services(ctx).tickets
    total = tickets.queue_size(**filters)
    shown = 0
    while shown < (total - offset if show_all else limit):
        rows = tickets.queue(**filters, limit=1000 if show_all else limit, offset=offset + shown)
        for t in rows:
            typer.echo(json.dumps(ticket_json(t), ensure_ascii=False) if as_json else _ticket_line(t))
        shown += len(rows)
        if not rows or not show_all:
            break
    if offset + shown < total:  # with --json the notes go to stderr, so stdout stays JSON lines
        typer.echo(f"Показаны {offset + 1}–{offset + shown} из {total}; следующие: --offset {offset + shown} "
                   "(или --all).", err=as_json)
    elif not shown and offset and total:
        typer.echo(f"Всего {total}: после первых {offset} строк нет.", err=as_json)


@app.command("show")
def tickets_show(ctx: typer.Context, number: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Обращение и вся его история."""
    from azs_assistant.tickets.notify import ticket_json

    tickets = services(ctx).tickets
    ticket = tickets.get(number)
    history = tickets.history(number)
    if as_json:
        print_json({**ticket_json(ticket), "history": [
            {"at": e.at, "actor": e.actor, "kind": e.kind, "data": e.data} for e in history]})
        return
    typer.echo(_ticket_line(ticket))
    typer.echo(ticket.text)
    for e in history:
        typer.echo(f"  {e.at:%d.%m.%Y %H:%M}  {e.actor:<12} {e.kind:<12} {json.dumps(e.data, ensure_ascii=False)}")


@app.command("status")
def tickets_status(ctx: typer.Context, number: str,
                   status: Annotated[str, typer.Argument(help="assigned, in_progress, resolved, "
                                                              "closed (или in_progress — переоткрыть)")],
                   comment: Annotated[Optional[str], typer.Option(
                       "--comment", help="Заметка к смене статуса (внутренняя, клиент её не видит).")] = None,
                   public: Annotated[bool, typer.Option("--public", help="Комментарий — ответ клиенту: "
                                                                          "виден по его ссылке.")] = False,
                   actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Сменить статус обращения."""
    ticket = services(ctx).tickets.set_status(number, status, actor=actor, comment=comment, public=public)
    typer.echo(_ticket_line(ticket))


@app.command("comment")
def tickets_comment(ctx: typer.Context, number: str, text: str,
                    public: Annotated[bool, typer.Option("--public", help="Видно клиенту.")] = False,
                    actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Добавить комментарий."""
    services(ctx).tickets.comment(number, text, actor=actor, public=public)
    typer.echo("Комментарий добавлен.")


@app.command("assign")
def tickets_assign(ctx: typer.Context, number: str,
                   department: Annotated[Optional[str], typer.Option("--department")] = None,
                   assignee: Annotated[Optional[str], typer.Option("--assignee")] = None,
                   actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Передать другому отделу и/или исполнителю."""
    ticket = services(ctx).tickets.assign(number, actor=actor, department=department, assignee=assignee)
    typer.echo(_ticket_line(ticket))


@app.command("relabel")
def tickets_relabel(ctx: typer.Context, number: str,
                    category: Annotated[Optional[str], typer.Option("--category")] = None,
                    urgency: Annotated[Optional[str], typer.Option("--urgency")] = None,
                    actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Исправить категорию или срочность (обращение станет примером для `azs tickets train`)."""
    ticket = services(ctx).tickets.relabel(number, actor=actor, category=category, urgency=urgency)
    typer.echo(_ticket_line(ticket))


@app.command("ack")
def tickets_ack(ctx: typer.Context, number: str, actor: Annotated[str, typer.Option("--actor")] = "cli") -> None:
    """Подтвердить получение критичного обращения: напоминания прекращаются."""
    ticket = services(ctx).tickets.acknowledge(number, actor=actor)
    typer.echo(_ticket_line(ticket))


@app.command("notify")
def tickets_notify(ctx: typer.Context,
                   every: Annotated[Optional[str], typer.Option("--every", help="Повторять: 30s, 1m…")] = None) -> None:
    """Отправить уведомления из очереди (e-mail, Telegram, webhook) и напоминания по критичным."""
    for _ in rounds(parse_every(every) if every else None):
        counts = services(ctx).notifier.run_once()
        typer.echo(f"отправлено {counts['sent']}, повтор позже {counts['retry']}, не доставлено "
                   f"{counts['failed']}, напоминаний поставлено {counts['repeats_queued']}")


@app.command("rules")
def tickets_rules(ctx: typer.Context,
                  file: Annotated[Optional[Path], typer.Argument(help="Файл правил (по умолчанию действующий).")]
                  = None) -> None:
    """Проверить файл правил маршрутизации и показать отделы и правила."""
    from azs_assistant.tickets.rules import load_rules

    rules = load_rules(existing_file(file) if file is not None else state(ctx).settings.ticket_rules_file)
    typer.echo(f"Правила: {rules.source}")
    for key, dep in rules.departments.items():
        typer.echo(f"  отдел {key}: {dep.name} (контактов: {len(dep.contacts)})")
    for i, rule in enumerate(rules.spec.rules, start=1):
        when = rule.when.model_dump(exclude_defaults=True)
        target = rule.route_to or "(только изменяет)"
        typer.echo(f"  {i}. {rule.name or ''} {json.dumps(when, ensure_ascii=False)} → {target}")
