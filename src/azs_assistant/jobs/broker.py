"""The real queue, used when ``AZS_BROKER_URL`` is set: Dramatiq on RabbitMQ (why: docs/jobs.md).

Only job ids travel through the broker; the job itself (payload, files, attempts, result) is a row of the
jobs table, stored first. So the broker may lose or repeat a message without losing or doubling work:

- a message is acknowledged after its job ran (Dramatiq acks late); a worker killed with ``kill -9``
  drops its connection and RabbitMQ hands its unacknowledged messages to another worker at once;
- that worker's claim fails while the dead worker's lease lasts; the sweeper (in every worker) puts the job
  back in the queue when the lease runs out and publishes it again, so the job runs again within
  ``AZS_JOB_LEASE_S`` + ``AZS_JOB_SWEEP_S`` of the kill, and its result is stored once (the lease token);
- a publish that fails (the broker down) leaves the job queued and undispatched in the table; the sweeper
  publishes it when the broker is back.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from azs_assistant.jobs.runner import Handler, execute, worker_name
from azs_assistant.jobs.schedule import Scheduler
from azs_assistant.jobs.store import Jobs

log = logging.getLogger("azs.jobs")
QUEUE = "azs_jobs"
# A message dispatched but still queued after this long was lost on the way (a publish confirmed, then
# the broker's disk lost): published again. Much longer than a backlog normally waits, so a long queue is
# not flooded with copies (a copy would only fail its claim).
REPUBLISH_AFTER_S = 900.0


def _url(url: str) -> str:
    """Fail fast when the broker is away (one try, 3 s), and notice a dead peer within 30 s."""
    extra = "connection_attempts=1&retry_delay=0&socket_timeout=3&blocked_connection_timeout=10&heartbeat=30"
    return url + ("&" if "?" in url else "?") + extra


class BrokerQueue:
    """Publishes job ids to RabbitMQ; in ``azs worker``, consumes them and runs the jobs."""

    def __init__(self, url: str, jobs: Jobs, handlers: dict[str, Handler], *, threads: int = 2,
                 sweep_s: float = 5.0, scheduler: Scheduler | None = None) -> None:
        import dramatiq
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        self.jobs, self.handlers, self.threads, self.sweep_s = jobs, handlers, threads, sweep_s
        self.scheduler = scheduler  # ticked by `azs worker` only: a publishing API process schedules nothing
        self.name = worker_name("worker")
        # No Dramatiq middleware: retries, back-off, time limits and dead letters live in the jobs table,
        # where admins see them; Dramatiq's own would retry behind the table's back.
        self.broker = RabbitmqBroker(url=_url(url), confirm_delivery=True, middleware=[])
        self.actor: Any = dramatiq.Actor(self._on_message, broker=self.broker, actor_name="azs_job",
                                         queue_name=QUEUE, priority=0, options={})
        self._lock = threading.Lock()  # pika's publishing connection is one per thread; keep it simple
        self._stop = threading.Event()
        self._running = False
        # the kind of failure while the broker is away (None: it answers): said once when it goes away and once
        # when it is back, not every 5 s
        self._down: str | None = None
        self._state_lock = threading.Lock()

    def _sent(self) -> None:
        with self._state_lock:
            back, self._down = self._down is not None, None
        if back:
            log.warning("брокер снова доступен, задания отправляются")

    def _unreachable(self, exc: Exception, job_id: str | None = None) -> None:
        """Said at WARNING when the broker goes away or fails otherwise than before; at DEBUG while it stays so."""
        waiting = f"задание {job_id} ждёт в базе" if job_id else "задания ждут в базе"
        with self._state_lock:
            again, self._down = self._down == type(exc).__name__, type(exc).__name__
        log.log(logging.DEBUG if again else logging.WARNING, "брокер недоступен, %s: %s", waiting, exc)

    # -- publishing (API processes and workers) --------------------------------------------------
    def submit(self, job_id: str) -> None:
        """Publish a stored job; when the broker is down the job stays queued for the sweeper."""
        try:
            with self._lock:
                self.actor.send(job_id)
        except Exception as exc:
            self._unreachable(exc, job_id)
            self.jobs.undispatch(job_id)
            return
        self._sent()
        self.jobs.mark_dispatched(job_id)

    def sweep(self) -> None:
        """Jobs of dead workers back to the queue; periodic jobs queued; due jobs not yet sent published."""
        self.jobs.reap()
        if self.scheduler is not None:
            self.scheduler.tick()
        for job_id in self.jobs.undispatched(REPUBLISH_AFTER_S):
            try:
                with self._lock:
                    self.actor.send(job_id)
            except Exception as exc:
                self.jobs.undispatch(job_id)
                self._unreachable(exc)
                return
            self._sent()

    # -- consuming (azs worker) ------------------------------------------------------------------
    def _on_message(self, job_id: str) -> None:
        status = execute(self.jobs, self.handlers, job_id, self.name)
        if status is None:
            log.info("задание %s пропущено: уже выполнено, выполняется или отменено", job_id)

    def run(self, install_signals: bool = True) -> None:
        """Consume until SIGTERM/SIGINT: the running jobs finish, then their messages are acknowledged."""
        from dramatiq import Worker

        worker = Worker(self.broker, worker_threads=self.threads, worker_timeout=500)
        if install_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self._stop.set())
        worker.start()
        self._running = True
        log.info("обработчик заданий запущен: %s, потоков %d", self.name, self.threads)
        try:
            while not self._stop.is_set():
                try:
                    self.sweep()
                except Exception:
                    log.warning("проход по очереди заданий не удался", exc_info=True)
                self._stop.wait(self.sweep_s)
        finally:
            worker.stop()
            self.broker.close()
            log.info("обработчик заданий остановлен")

    def start(self) -> None:
        """Publishing needs no thread of its own; ``run`` (``azs worker``) consumes."""

    def stop(self) -> None:
        """Ends ``run``; in a process that only publishes, closes its broker connections."""
        running = self._running
        self._stop.set()
        if not running:
            try:
                self.broker.close()
            except Exception:  # the broker already gone: nothing to close
                log.debug("закрытие соединения с брокером не удалось", exc_info=True)

    def ping(self) -> None:
        """Raises when the broker cannot be reached (readiness)."""
        import pika

        connection = pika.BlockingConnection(self.broker.parameters)
        connection.close()
