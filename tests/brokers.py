"""Private servers for the fault tests: RabbitMQ nodes, PostgreSQL clusters and Redis servers started on spare loopback
ports with their own data directories, stopped and started again by the test (an outage), never the
machine's shared ones; and the `azs serve` / `azs worker` processes the multi-process tests start."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
BOOT_TIMEOUT_S = 90.0  # an Erlang node boots in 5-10 s on an idle 2-core machine, several times that under load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def accepts(url: str) -> bool:
    """Whether the node lets this URL's user in."""
    try:
        import pika

        pika.BlockingConnection(pika.URLParameters(f"{url}?socket_timeout=2")).close()
        return True
    except Exception:
        return False


class RabbitNode:
    """One private node: ``url`` for AZS_BROKER_URL; ``stop()`` and ``start()`` keep its durable queues.
    ``conf`` adds lines to its rabbitmq.conf (with ``user``/``password``: a ``default_user`` of its own)."""

    def __init__(self, home: Path, conf: str = "", user: str = "guest", password: str = "guest") -> None:
        self.home, self.port, self.dist_port = home, free_port(), free_port()
        self.url = f"amqp://{user}:{password}@127.0.0.1:{self.port}/%2F"
        self.process: subprocess.Popen[bytes] | None = None
        home.mkdir(parents=True, exist_ok=True)
        (home / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n{conf}", encoding="utf-8")

    def start(self) -> None:
        env = {**os.environ, "HOME": str(self.home), "RABBITMQ_NODENAME": f"azs_test_{self.port}@localhost",
               "RABBITMQ_CONFIG_FILE": str(self.home / "rabbitmq.conf"), "RABBITMQ_DIST_PORT": str(self.dist_port),
               "RABBITMQ_MNESIA_BASE": str(self.home / "mnesia"), "RABBITMQ_LOG_BASE": str(self.home / "log"),
               "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.home / "plugins"),
               "RABBITMQ_PID_FILE": str(self.home / "pid"), "ERL_CRASH_DUMP": "/dev/null"}
        log = (self.home / "server.log").open("ab")
        self.process = subprocess.Popen([str(SERVER)], env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while not accepts(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = (self.home / "server.log").read_text("utf-8", "replace")[-2000:]
                raise RuntimeError(f"private RabbitMQ did not start:\n{tail}")
            time.sleep(0.5)

    def stop(self) -> None:
        """The whole node goes (SIGTERM to its process group, SIGKILL after 30 s)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        self.process = None


@contextmanager
def private_rabbitmq(home: Path, conf: str = "", user: str = "guest", password: str = "guest"
                     ) -> Iterator[RabbitNode]:
    if not SERVER.exists() or shutil.which("erl") is None and not Path("/usr/lib/erlang").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("RabbitMQ is required in CI (Debian package rabbitmq-server)")
        pytest.skip("RabbitMQ is not installed (Debian package rabbitmq-server)")
    node = RabbitNode(home, conf, user, password)
    node.start()
    try:
        yield node
    finally:
        node.stop()


PG_BIN = Path("/usr/lib/postgresql")


class PrivatePostgres:
    """One throw-away PostgreSQL cluster (trust authentication on 127.0.0.1 only), run as the ``postgres``
    user because the server refuses to run as root."""

    def __init__(self) -> None:
        versions = sorted(PG_BIN.glob("*/bin/pg_ctl")) if PG_BIN.exists() else []
        if not versions:
            pytest.skip("PostgreSQL server binaries are not installed")
        # a folder of its own under /tmp: pytest's are root's alone, and the server user must reach it
        self.bin, self.home, self.port = versions[-1].parent, Path(tempfile.mkdtemp(prefix="azs-pg-")), free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.home, "postgres")
        self._run(self.bin / "initdb", "-D", self.home / "data", "-A", "trust", "-U", "postgres")

    def _run(self, *args: object) -> None:
        command = [str(a) for a in args]
        if self._as_postgres:
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in command)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{command}: {done.stdout}{done.stderr}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1"
        self._run(self.bin / "pg_ctl", "-D", self.home / "data", "-o", options, "-l", self.home / "server.log",
                  "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: connected sessions are cut, as in a restart by the operator."""
        self._run(self.bin / "pg_ctl", "-D", self.home / "data", "-m", "fast", "-w", "stop")


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        except RuntimeError:
            pass  # already stopped by the test
        shutil.rmtree(server.home, ignore_errors=True)


REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class PrivateRedis:
    """One throw-away Redis (no persistence) on a spare port; ``stop()`` kills it like an outage (its data
    goes with it, as with a restarted cache), ``start()`` brings it back on the same port."""

    def __init__(self, home: Path) -> None:
        self.home, self.port = home, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        home.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen([REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                                         "--appendonly", "no", "--dir", str(self.home)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        client = redis.Redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("private Redis did not start") from None
                time.sleep(0.1)
        client.close()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None


@contextmanager
def private_redis(home: Path) -> Iterator[PrivateRedis]:
    if not Path(REDIS_SERVER).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is required in CI (Debian package redis-server)")
        pytest.skip("Redis is not installed (Debian package redis-server)")
    server = PrivateRedis(home)
    server.start()
    try:
        yield server
    finally:
        server.stop()


WORKER_READY = "обработчик заданий запущен"  # the line `azs worker` logs once it takes jobs


class AzsProcesses:
    """`azs` processes (``serve``, ``worker``) a test starts, each under a name with its own data directory
    ``<tmp>/<name>`` and its output (JSON log lines with AZS_LOG_FORMAT=json) in ``<tmp>/<name>.log``;
    ``stop()`` ends them all: SIGTERM, SIGKILL after 30 s."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp, self.env = tmp, env
        self.procs: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}

    def start(self, name: str, *args: str) -> int:
        """``azs --data-dir <tmp>/<name> <args>``; its process id."""
        log = self.tmp / f"{name}.log"
        proc = subprocess.Popen([sys.executable, "-m", "azs_assistant.cli", "--data-dir", str(self.tmp / name), *args],
                                env=self.env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        self.procs[name] = (proc, log)
        return proc.pid

    def name_of(self, pid: int) -> str:
        return next(name for name, (proc, _) in self.procs.items() if proc.pid == pid)

    def alive(self) -> None:
        """Fail the test, with the end of its log, if a process has exited."""
        for name, (proc, log) in self.procs.items():
            if proc.poll() is not None:
                pytest.fail(f"{name} exited ({proc.returncode}):\n{log.read_text('utf-8', 'replace')[-3000:]}")

    def text(self, name: str) -> str:
        return self.procs[name][1].read_text("utf-8", "replace")

    def log_lines(self, name: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text(name).splitlines() if line.startswith("{")]

    def serving(self, port: int) -> bool:
        """Whether the `azs serve` on ``port`` answers its liveness probe (failing if a process died)."""
        self.alive()
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/v1/health/live", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def wait(self, ready: Callable[[], bool], timeout: float, what: str) -> None:
        """Poll ``ready`` (every process must stay up meanwhile) until it is true."""
        deadline = time.monotonic() + timeout
        while not ready():
            self.alive()
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.2)

    def wait_workers(self, *names: str, timeout: float = 120.0) -> None:
        for name in names:
            self.wait(lambda name=name: WORKER_READY in self.text(name), timeout, name)  # type: ignore[misc]

    def stop(self) -> None:
        for proc, _ in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@contextmanager
def azs_processes(tmp: Path, env: dict[str, str]) -> Iterator[AzsProcesses]:
    running = AzsProcesses(tmp, env)
    try:
        yield running
    finally:
        running.stop()
