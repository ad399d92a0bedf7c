"""Readiness: can this process serve requests and run jobs now? It asks the database, the broker (when one
is configured) and Tesseract (when OCR is on), each within a few seconds, and says which failed and why.

Liveness is not here: a process that answers at all is alive, and restarting it for a database outage
would only add a restart to the outage. A load balancer takes a replica out while it is not ready.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import text

from azs_assistant.errors import AzsError

if TYPE_CHECKING:
    from azs_assistant.services import Services


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    ms: float
    error: str | None = None  # Russian, for the probe's answer
    errors: dict[str, str] = field(default_factory=dict, compare=False)  # the project's own errors in ru/kk/en

    def error_in(self, lang: str) -> str | None:
        """Why it failed, in the reader's language where the failure is the project's own (Tesseract missing);
        a driver's exception text as it was raised."""
        return self.errors.get(lang, self.error)


@dataclass(frozen=True)
class Readiness:
    checks: list[Check] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)

    def message(self) -> str:
        """In Russian, for the operator who reads the probe's answer."""
        failed = [c for c in self.checks if not c.ok]
        if not failed:
            return "Сервис готов к работе."
        return "Сервис не готов: " + "; ".join(f"{_NAMES_RU[c.name]} — {c.error}" for c in failed)


_NAMES_RU = {"database": "база данных", "broker": "брокер заданий", "ocr": "Tesseract OCR"}


def _timed(name: str, probe: Callable[[], object]) -> Check:
    started = time.monotonic()
    try:
        probe()
    except Exception as exc:
        errors = {lang: said[:300] for lang, said in exc.messages().items()} if isinstance(exc, AzsError) else {}
        # pika's AMQPConnectionError says nothing: «брокер заданий — AMQPConnectionError: » read as cut off
        text_ = errors.get("ru") or f"{type(exc).__name__}: {str(exc).strip() or 'нет соединения'}"
        return Check(name, False, (time.monotonic() - started) * 1000, str(text_)[:300], errors)
    return Check(name, True, (time.monotonic() - started) * 1000)


def check(svc: Services) -> Readiness:
    """The database always; the broker when ``AZS_BROKER_URL`` is set; Tesseract when OCR is on. Not the
    company's report phrase book: a typo in it turns reports off, not the chat and the complaint form, so it
    must not take every replica out of the load balancer (``azs serve`` refuses to start on it instead)."""

    def database() -> None:
        with svc.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    checks = [_timed("database", database)]
    if svc.settings.broker_url is not None:
        checks.append(_timed("broker", lambda: svc.job_runner.ping()))  # type: ignore[union-attr]
    if svc.settings.ocr:
        from azs_assistant.ocr.engine import check as tesseract

        checks.append(_timed("ocr", lambda: tesseract(svc.settings.ocr_languages)))
    return Readiness(checks)
