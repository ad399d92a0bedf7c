"""Background jobs: `azs worker` runs them, `azs jobs list|show|retry|cancel` looks after them,
`azs jobs schedules|unschedule` shows and removes the stored periodic ones."""

from __future__ import annotations

import signal
import threading
from typing import Annotated, Any, Optional

import typer

from azs_assistant.cli._common import cli_actor, local, print_json, services

app = typer.Typer(help="Фоновые задания: список, повтор остановленных, отмена.", no_args_is_help=True)

_STATUS_RU = {"queued": "в очереди", "running": "выполняется", "done": "выполнено", "dead": "остановлено",
              "cancelled": "отменено"}


def worker(ctx: typer.Context,
           metrics_port: Annotated[Optional[int], typer.Option(
               "--metrics-port", min=0, max=65535,
               help="Отдавать метрики обработчика Prometheus на этом порту (или AZS_WORKER_METRICS_PORT): "
                    "GET /metrics с токеном AZS_METRICS_TOKEN (адрес — AZS_WORKER_METRICS_HOST, по умолчанию "
                    "0.0.0.0).")] = None) -> None:
    """Выполнять фоновые задания: из брокера (AZS_BROKER_URL) или, без него, прямо из базы."""
    from azs_assistant import logs

    svc = services(ctx)
    logs.configure_from(svc.settings)
    scrape = _serve_metrics(svc.settings, metrics_port)
    try:
        _work(svc)
    finally:
        if scrape is not None:
            scrape.shutdown()


def _serve_metrics(settings: Any, port: int | None) -> Any:
    """The worker's own /metrics (its jobs, OCR pages, ingestion, notifications), when a port is given."""
    from azs_assistant import metrics
    from azs_assistant.errors import ConfigError

    port = settings.worker_metrics_port if port is None else port
    if port is None:
        return None
    token = metrics.configured_token(settings)
    if not token:
        raise ConfigError("Метрики обработчика отдаются только с токеном: задайте AZS_METRICS_TOKEN (или ссылку на "
                          "секрет env:/file:/aws:) либо уберите --metrics-port / AZS_WORKER_METRICS_PORT.",
                          "Worker metrics need AZS_METRICS_TOKEN.")
    server = metrics.serve(settings.worker_metrics_host, port, token)
    typer.echo(f"Метрики: http://{settings.worker_metrics_host}:{server.server_port}/metrics (Bearer-токен).")
    return server


def _work(svc: Any) -> None:
    runner = svc.job_runner
    if svc.settings.broker_url is not None:
        typer.echo(f"Обработчик заданий: брокер, потоков {svc.settings.job_workers}. Остановка — Ctrl+C.")
        runner.run()  # type: ignore[union-attr]
        return
    typer.echo(f"Обработчик заданий: без брокера, из базы, потоков {svc.settings.job_workers}. Остановка — Ctrl+C.")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    runner.start()
    stop.wait()
    runner.stop()


def _public(job: Any) -> dict[str, Any]:
    from azs_assistant.http.schemas import iso_utc

    return {"id": job.id, "kind": job.kind, "status": job.status, "attempts": job.attempts,
            "max_attempts": job.max_attempts, "error": job.error, "progress": job.progress, "result": job.result,
            "created_by": job.created_by, "worker": job.worker, "created_at": iso_utc(job.created_at),
            "finished_at": iso_utc(job.finished_at)}


@app.command("list")
def list_jobs(ctx: typer.Context,
              status: Annotated[Optional[str], typer.Option(help="queued, running, done, dead, cancelled")] = None,
              kind: Annotated[Optional[str], typer.Option(help="Вид задания, например documents.upload")] = None,
              limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
              as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Последние задания, новые первыми (остановленные после ошибок: --status dead)."""
    from azs_assistant.services import NOTIFY_JOB

    # the notifier's runs that went well (one every 10 s) filled the 50 rows: left out unless asked for, as on the page
    routine = () if as_json or kind is not None or status not in (None, "done") else (NOTIFY_JOB,)
    total, items = services(ctx).jobs.list(status=status, kind=kind, limit=limit, routine=routine)
    if as_json:
        print_json({"total": total, "items": [_public(j) for j in items]})
        return
    if not items:
        typer.echo("Заданий нет.")
    for job in items:
        colour = {"dead": typer.colors.RED, "done": typer.colors.GREEN}.get(job.status)
        typer.secho(f"{job.id}  {job.kind:20} {_STATUS_RU.get(job.status, job.status):14} "
                    f"попыток {job.attempts}/{job.max_attempts}  {local(ctx, job.created_at)}", fg=colour)
        if job.error and job.status != "done":
            typer.echo(f"    {job.error}")
    typer.echo(f"Показано {len(items)} из {total}." + (f" Выполненные задания {NOTIFY_JOB} не показаны: --kind "
                                                        f"{NOTIFY_JOB}." if routine else ""))


@app.command("show")
def show(ctx: typer.Context, job_id: str) -> None:
    """Одно задание целиком (JSON): ход работы, ошибка, результат."""
    print_json(_public(services(ctx).jobs.get(job_id)))


@app.command("retry")
def retry(ctx: typer.Context, job_id: str) -> None:
    """Поставить остановленное или отменённое задание в очередь заново."""
    job = services(ctx).jobs.retry(cli_actor(), job_id)
    typer.echo(f"Задание {job.id} снова в очереди.")


@app.command("cancel")
def cancel(ctx: typer.Context, job_id: str) -> None:
    """Отменить задание в очереди или выполняющееся (остановится на следующем шаге)."""
    job = services(ctx).jobs.cancel(cli_actor(), job_id)
    typer.echo(f"Задание {job.id} отменено.")


@app.command("schedules")
def schedules(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Сохранённые расписания (отчёты, синхронизация инцидентов): их задания ставит в очередь azs serve или
    azs worker, один раз за период."""
    states = services(ctx).schedules.overview()
    if as_json:
        print_json([state.to_dict() for state in states])
        return
    if not states:
        typer.echo("Расписаний нет.")
    for state in states:
        item, job = state.schedule, state.last_job
        after = local(ctx, state.next_run) if state.next_run else "при ближайшем проходе"
        last = f"последнее: {_STATUS_RU.get(job.status, job.status)}" if job else "ещё не запускалось"
        typer.echo(f"{item.name}  {item.kind:20} каждые {_every(item.every_s)}; следующее: {after}; {last}")
        if job is not None and job.error and job.status != "done":
            typer.echo(f"    ошибка: {job.error}")


@app.command("unschedule")
def unschedule(ctx: typer.Context, name: str) -> None:
    """Удалить расписание (задание, уже поставленное в очередь, выполнится)."""
    services(ctx).schedules.remove(cli_actor(), name)
    typer.echo(f"Расписание «{name}» удалено.")


def _every(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
