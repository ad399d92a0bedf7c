"""Logging, configured once per process: text lines by default, JSON lines with ``AZS_LOG_FORMAT=json``.

Every line carries the id of the request or job it belongs to (and the user, when known), taken from
context variables, so one request can be followed through the API, the services and the threads that
work for it (``run_in_threadpool`` copies the context). The HTTP middleware binds a request id, the
``azs`` command one per invocation, background workers one per job.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from azs_assistant.settings import Settings

request_id: ContextVar[str | None] = ContextVar("azs_request_id", default=None)
job_id: ContextVar[str | None] = ContextVar("azs_job_id", default=None)
# The user may be an object that names the user only when asked (str()): the HTTP middleware binds one
# before authentication has run, and it reads the principal the auth dependency found.
user: ContextVar[object | None] = ContextVar("azs_user", default=None)

# Our loggers are named «azs.*» or after their module («azs_assistant.*»). Other libraries stay at
# WARNING: httpx logs every request's URL at INFO, and a Telegram URL carries the bot token.
PROJECT_LOGGERS = ("azs", "azs_assistant")
_SANE_ID = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")
# Not copied into JSON lines: the record's own attributes, and uvicorn's copy of a message with ANSI colours.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "context",
                                                                           "color_message"}
_CONTEXT = ("request_id", "user", "job_id")


def new_id() -> str:
    """A fresh id for a request or job: 32 hex digits."""
    return uuid.uuid4().hex


def accept_id(raw: str | None) -> str:
    """The caller's id if it is a sane token (a load balancer's, a client's), else a fresh one: an id
    with newlines or a kilobyte of text would forge or flood log lines."""
    return raw if raw and _SANE_ID.fullmatch(raw) else new_id()


_VARIABLES: dict[str, ContextVar[Any]] = {"request_id": request_id, "job_id": job_id, "user": user}
Bindings = list[tuple[ContextVar[Any], Token[Any]]]


def bind(**values: object) -> Bindings:
    """Sets ``request_id``, ``job_id`` and/or ``user`` for what follows; :func:`unbind` undoes it."""
    return [(_VARIABLES[name], _VARIABLES[name].set(value)) for name, value in values.items()]


def unbind(bindings: Bindings) -> None:
    for variable, token in reversed(bindings):
        variable.reset(token)


@contextmanager
def bound(**values: object) -> Iterator[None]:
    """Binds ``request_id``, ``job_id`` and/or ``user`` for the lines logged inside the block."""
    bindings = bind(**values)
    try:
        yield
    finally:
        unbind(bindings)


def current() -> dict[str, str]:
    """The context of the line being logged now: only what is set."""
    values = {"request_id": request_id.get(), "user": user.get(), "job_id": job_id.get()}
    return {name: text for name, value in values.items() if value is not None and (text := str(value))}


class ContextFilter(logging.Filter):
    """Puts ``request_id``, ``user`` and ``job_id`` on every record (empty strings when unset)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current()
        for name in _CONTEXT:
            if not getattr(record, name, None):
                setattr(record, name, context.get(name, ""))
        return True


class TextFormatter(logging.Formatter):
    """``2026-12-01 10:00:00,123 INFO azs.access [req=… user=…] message``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(context)s%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        parts = [f"{label}={value}" for label, name in (("req", "request_id"), ("user", "user"), ("job", "job_id"))
                 if (value := getattr(record, name, ""))]
        record.context = f"[{' '.join(parts)}] " if parts else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context and any ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        data.update({name: value for name, value in vars(record).items()
                     if name not in _STANDARD and value not in ("", None)})
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is logged (test runners swap it)."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


class _Repeats(logging.Filter):
    """A library's line repeated while a service is down passes once a minute: with RabbitMQ stopped,
    Dramatiq's two consumers said «Consumer encountered a connection error» every 3 s each (40 lines a minute
    beside one of ours). The project's own lines always pass."""

    def __init__(self, every_s: float = 60.0) -> None:
        super().__init__()
        self.every_s, self._seen = every_s, dict[tuple[str, str], float]()

    def filter(self, record: logging.LogRecord) -> bool:
        # (a line with a traceback always passes: two errors of one message may differ in where they came from)
        if record.name.split(".")[0] in PROJECT_LOGGERS or record.levelno < logging.WARNING or record.exc_info:
            return True
        try:
            key, now = (record.name, record.getMessage()), time.monotonic()
        except Exception:  # a library's bad format arguments: the handler reports them as logging does
            return True
        if now - self._seen.get(key, -self.every_s) < self.every_s:
            return False
        if len(self._seen) > 1000:
            self._seen.clear()
        self._seen[key] = now
        return True


_handler: logging.Handler | None = None
_handler_config: tuple[str, str] | None = None


def configure(level: str = "INFO", fmt: str = "text") -> logging.Handler:
    """Installs the one handler on the root logger (replacing a previous call's), so every logger's
    lines, uvicorn's included, get the context and the format; the project's loggers log at ``level``."""
    global _handler, _handler_config
    root = logging.getLogger()
    if _handler is not None and _handler_config == (level, fmt) and _handler in root.handlers:
        return _handler  # a process that runs many commands (the benchmarks, the tests) configures once
    if _handler is not None:
        root.removeHandler(_handler)
    handler = _StderrHandler()
    handler.addFilter(ContextFilter())
    handler.addFilter(_Repeats())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.addHandler(handler)
    numeric = logging.getLevelName(level.upper())
    root.setLevel(max(numeric, logging.WARNING))
    for name in PROJECT_LOGGERS:
        logging.getLogger(name).setLevel(numeric)
    # pika logs each failed connection attempt as 7 ERROR lines and a traceback; Dramatiq and the project say
    # the same in one line each, so pika itself speaks only when it is critical (or at AZS_LOG_LEVEL=DEBUG, where
    # its details of a TLS or login failure are wanted)
    logging.getLogger("pika").setLevel(logging.CRITICAL if numeric > logging.DEBUG else logging.NOTSET)
    _handler, _handler_config = handler, (level, fmt)
    return handler


def reset() -> None:
    """Removes the handler :func:`configure` installed (tests undo their logging set-up with it)."""
    global _handler, _handler_config
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler, _handler_config = None, None
    logging.getLogger("pika").setLevel(logging.NOTSET)


def configure_from(settings: Settings, default_level: str = "INFO") -> logging.Handler:
    """:func:`configure` with ``AZS_LOG_LEVEL`` (else ``default_level``) and ``AZS_LOG_FORMAT``."""
    return configure(settings.log_level or default_level, settings.log_format)
