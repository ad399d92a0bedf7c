"""Untrusted files are parsed in a child process under resource limits, so a bomb that the format
checks miss costs one child, never the server's memory or CPU.

A warm parse server (``python -m azs_assistant.documents.sandbox``, started on first use with the
parser libraries already imported) forks one child per file. The child limits its address space
(RLIMIT_AS), CPU time (RLIMIT_CPU) and file output (RLIMIT_FSIZE), parses, and writes the document
back as JSON, never as a pickle. The server waits for it with ``wait4``, so every reply carries the
child's peak memory and CPU time, even when a limit killed it. Forking the preloaded server costs
milliseconds per file; the server's start (about a second) is paid once per slot of a small pool.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import pickle
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from azs_assistant import errors
from azs_assistant.documents.model import Block, ParsedDocument
from azs_assistant.errors import AzsError, CorruptDocument, DocumentTooComplex

log = logging.getLogger(__name__)
MiB = 1024 * 1024
POOL_SIZE = 2  # parse servers per process: uploads in parallel, each server idle at about 70 MB
_HEADER = struct.Struct("<Q")


@dataclass(frozen=True)
class ParseLimits:
    memory_mb: int  # address space a parse may add to the server's own (about 200 MB of it mapped)
    cpu_seconds: int
    output_mb: int

    @classmethod
    def from_settings(cls, settings: Any) -> ParseLimits:
        return cls(settings.parse_memory_mb, settings.parse_cpu_seconds, settings.parse_output_mb)

    @property
    def wall_seconds(self) -> float:
        """A child blocked without using CPU is stopped too; a loaded machine gets some slack."""
        return 3 * self.cpu_seconds + 5


def parse(parser: Any, name: str, data: bytes, limits: ParseLimits) -> ParsedDocument:
    """``parser.parse(Path(name), data)`` in a limited child; its typed errors come back as raised."""
    request = pickle.dumps({"parser": parser, "name": name, "data": data, "limits": limits},
                           protocol=pickle.HIGHEST_PROTOCOL)
    reply = _ask(request, limits.wall_seconds + 30)
    log.info("parsed %s in a child: %s, peak %.0f MB, %.2f s CPU, %.2f s", name, reply["status"],
             reply["peak_rss_mb"], reply["cpu_s"], reply["wall_s"],
             extra={"file": name, "parse_status": reply["status"], "peak_rss_mb": reply["peak_rss_mb"],
                    "cpu_s": reply["cpu_s"], "wall_s": reply["wall_s"]})
    if reply["status"] == "ok":
        return _document(reply["document"])
    if reply["status"] == "error":
        raise _error(reply["error"], name)
    if reply["status"] == "crash":
        log.warning("parser %s failed on %s:\n%s", getattr(parser, "name", "?"), name, reply.get("traceback", ""))
        raise CorruptDocument(f"Файл {name} повреждён или не читается.", f"{name}: the parser failed",
                              message_kk=f"{name} файлы бүлінген немесе оқылмайды.", file=name)
    raise _too_complex(name, reply["status"], limits)


def _too_complex(name: str, reason: str, limits: ParseLimits) -> DocumentTooComplex:
    what = {"memory": f"памяти (лимит {limits.memory_mb} МБ)", "cpu": f"времени (лимит {limits.cpu_seconds} с)",
            "output": f"объёма текста (лимит {limits.output_mb} МБ)",
            "nesting": "глубины вложенности"}.get(reason, "ресурсов")
    return DocumentTooComplex(
        f"Файл {name} слишком сложный или повреждён: его разбор потребовал больше {what}. "
        "Пересохраните файл или разбейте его на части.",
        f"{name} is too complex or corrupt: parsing exceeded its {reason} limit",
        message_kk=f"{name} файлы тым күрделі немесе бүлінген: оны талдауға шектен көп ресурс қажет болды. Файлды "
                   "қайта сақтаңыз немесе бөліктерге бөліңіз.", file=name, limit=reason)


def _document(data: dict[str, Any]) -> ParsedDocument:
    blocks = [Block(**b) for b in data.pop("blocks")]
    return ParsedDocument(blocks=blocks, **data)


def _error(data: dict[str, Any], name: str) -> AzsError:
    """The child's typed error, rebuilt from its class name (only classes of azs_assistant.errors)."""
    cls = getattr(errors, data["type"], None)
    if not (isinstance(cls, type) and issubclass(cls, AzsError)):
        cls = CorruptDocument
    return cls(data["message_ru"], data["message_en"], message_kk=data.get("message_kk"), **data["details"])


# --- the parent's pool of parse servers ---------------------------------------------------------
class _Server:
    """One ``python -m azs_assistant.documents.sandbox`` process, spoken to over its stdin/stdout."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.proc = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, close_fds=True)

    def ask(self, request: bytes, timeout: float) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(_HEADER.pack(len(request)) + request)
        self.proc.stdin.flush()
        fd, deadline = self.proc.stdout.fileno(), time.monotonic() + timeout
        size = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))[0]
        return json.loads(_read_exact(fd, size, deadline))  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def _read_exact(fd: int, size: int, deadline: float) -> bytes:
    parts: list[bytes] = []
    left = size
    while left:
        if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
            raise TimeoutError("parse server did not answer")
        piece = os.read(fd, min(left, MiB))
        if not piece:
            raise EOFError("parse server exited")
        parts.append(piece)
        left -= len(piece)
    return b"".join(parts)


_idle: queue.SimpleQueue[_Server] = queue.SimpleQueue()
_slots = threading.BoundedSemaphore(POOL_SIZE)
_all: list[_Server] = []


def _ask(request: bytes, timeout: float) -> dict[str, Any]:
    """Send a request to an idle server (started if none is); a server that fails is replaced."""
    with _slots:
        try:
            server = _idle.get_nowait()
        except queue.Empty:
            server = _Server()
            _all.append(server)
        try:
            reply = server.ask(request, timeout)
        except (OSError, EOFError, TimeoutError, ValueError) as exc:
            server.close()
            _all.remove(server)
            log.error("parse server failed: %s", exc)
            return {"status": "server", "peak_rss_mb": 0.0, "cpu_s": 0.0, "wall_s": 0.0}
        _idle.put(server)
        return reply


@atexit.register
def _close_all() -> None:
    for server in list(_all):
        server.close()


# --- the parse server and its children ----------------------------------------------------------
class _CpuTimeUp(BaseException):
    """Raised by SIGXCPU in the child; a BaseException, so parsers' ``except Exception`` let it pass."""


def serve() -> None:
    """Answer parse requests from stdin until it closes, one forked child per request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _preload()
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # a library that prints must not write into the replies
    with os.fdopen(requests, "rb") as inp, os.fdopen(replies, "wb") as out:
        while header := inp.read(_HEADER.size):
            request = pickle.loads(inp.read(_HEADER.unpack(header)[0]))
            body = json.dumps(_run_child(request, (requests, replies))).encode()
            out.write(_HEADER.pack(len(body)) + body)
            out.flush()


def _preload() -> None:
    """Import what parsers import lazily, once, so each forked child starts with it."""
    import azs_assistant.documents.parsers  # noqa: F401
    from azs_assistant.language.analyzer import get_analyzer

    get_analyzer()  # the dictionary a title from a file's name is read with (0.15 s a child, loaded once here)
    for module in ("docx", "openpyxl", "pypdf", "bs4", "lxml.html"):
        try:
            __import__(module)
        except ImportError:
            pass


def _run_child(request: dict[str, Any], private: tuple[int, int]) -> dict[str, Any]:
    limits: ParseLimits = request["limits"]
    started = time.monotonic()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child ends in os._exit
        os.close(r)
        for fd in private:
            os.close(fd)
        _child(w, request)
    os.close(w)
    body, killed = _collect(r, pid, limits, started)
    _, status, usage = os.wait4(pid, 0)
    reply: dict[str, Any] = {"status": killed} if killed else _reply(body, status)
    reply.update(peak_rss_mb=usage.ru_maxrss / 1024, cpu_s=usage.ru_utime + usage.ru_stime,
                 wall_s=time.monotonic() - started)
    return reply


def _reply(body: bytes, status: int) -> dict[str, Any]:
    """What the child wrote, or the limit that stopped it: SIGXCPU or SIGKILL after RLIMIT_CPU, and a
    crash or silence when memory ran out inside a library's C code."""
    if body and not os.WIFSIGNALED(status):
        try:
            return json.loads(body)  # type: ignore[no-any-return]
        except ValueError:
            pass
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    return {"status": "cpu" if sig in (signal.SIGXCPU, signal.SIGKILL) else "memory", "signal": sig}


def _collect(fd: int, pid: int, limits: ParseLimits, started: float) -> tuple[bytes, str | None]:
    """The child's reply, or why it was killed: over the wall-clock time or the output size."""
    parts: list[bytes] = []
    size = 0
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while True:
            left = started + limits.wall_seconds - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                return b"", "cpu"
            piece = pipe.read(MiB)
            if not piece:
                return b"".join(parts), None
            parts.append(piece)
            size += len(piece)
            if size > limits.output_mb * MiB + 4096:
                os.kill(pid, signal.SIGKILL)
                return b"", "output"


def _child(w: int, request: dict[str, Any]) -> None:  # pragma: no cover - runs in the forked child
    try:
        _limit(request["limits"])
        reply = _parse_here(request["parser"], request["name"], request["data"])
        body = json.dumps(reply, ensure_ascii=False, default=str).encode()
        if len(body) > request["limits"].output_mb * MiB:
            body = b'{"status": "output"}'
        with os.fdopen(w, "wb") as pipe:
            pipe.write(body)
    finally:
        os._exit(0)


def _limit(limits: ParseLimits) -> None:  # pragma: no cover - runs in the forked child
    import resource

    mapped = _vm_size()
    resource.setrlimit(resource.RLIMIT_AS, (mapped + limits.memory_mb * MiB,) * 2)
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 2))  # then SIGKILL
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.output_mb * MiB,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXCPU, _cpu_time_up)


def _cpu_time_up(signum: int, frame: object) -> None:  # pragma: no cover - runs in the forked child
    raise _CpuTimeUp


def _vm_size() -> int:
    """Bytes of address space mapped now (the limit is set on top of it); 0 without /proc."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _parse_here(parser: Any, name: str, data: bytes) -> dict[str, Any]:  # pragma: no cover - in the child
    try:
        return {"status": "ok", "document": asdict(parser.parse(Path(name), data))}
    except AzsError as exc:
        return {"status": "error", "error": {"type": type(exc).__name__, "message_ru": exc.message_ru,
                                             "message_en": exc.message_en, "message_kk": exc.message_kk,
                                             "details": exc.details}}
    except MemoryError:
        return {"status": "memory"}
    except _CpuTimeUp:
        return {"status": "cpu"}
    except RecursionError:
        return {"status": "nesting"}
    except Exception:  # noqa: BLE001 - a parser's bug on a strange file is reported, not raised in the server
        return {"status": "crash", "traceback": traceback.format_exc(limit=20)}


if __name__ == "__main__":
    serve()
