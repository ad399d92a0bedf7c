"""Private RabbitMQ nodes for the job-queue and fault tests: started on spare loopback ports with their own
data directory, stopped and started again by the test (a broker outage), never the machine's shared node."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
BOOT_TIMEOUT_S = 90.0  # an Erlang node boots in 5-10 s on an idle 2-core machine, several times that under load


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        import pika

        pika.BlockingConnection(pika.URLParameters(f"amqp://guest:guest@127.0.0.1:{port}/%2F?socket_timeout=2")).close()
        return True
    except Exception:
        return False


class RabbitNode:
    """One private node: ``url`` for AZS_BROKER_URL; ``stop()`` and ``start()`` keep its durable queues."""

    def __init__(self, home: Path) -> None:
        self.home, self.port, self.dist_port = home, free_port(), free_port()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"
        self.process: subprocess.Popen[bytes] | None = None
        home.mkdir(parents=True, exist_ok=True)
        (home / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n", encoding="utf-8")

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
        while not _accepts(self.port):
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
def private_rabbitmq(home: Path) -> Iterator[RabbitNode]:
    if not SERVER.exists() or shutil.which("erl") is None and not Path("/usr/lib/erlang").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("RabbitMQ is required in CI (Debian package rabbitmq-server)")
        pytest.skip("RabbitMQ is not installed (Debian package rabbitmq-server)")
    node = RabbitNode(home)
    node.start()
    try:
        yield node
    finally:
        node.stop()
