"""Prometheus metrics (``GET /metrics`` with the ``AZS_METRICS_TOKEN`` bearer): every name starts with ``azs_``.

Events are counted where they happen (a request, an answer, an OCR page, a stored document); the state of
the system (tickets by status, SLA breaches, incident sync lag, jobs) is read when Prometheus scrapes,
from callables the composition root registers with :func:`register_state`, so this module imports
nothing above the foundation. All of it lives in one registry of our own: a test or a second app in
the process sees the same figures, and nothing of another library's default registry leaks out.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from azs_assistant.settings import Settings

log = logging.getLogger(__name__)
REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_SLOW = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0)

HTTP_REQUESTS = Counter("azs_http_requests", "HTTP requests by route template, method and status",
                        ["method", "route", "status"], registry=REGISTRY)
HTTP_DURATION = Histogram("azs_http_request_duration_seconds", "HTTP request latency by route template",
                          ["method", "route"], buckets=_FAST, registry=REGISTRY)
ANSWERS = Counter("azs_answers", "Answers by mode: extractive, llm, fallback (the LLM failed or its answer "
                  "failed the checks), declined (abstained), incident/incidents (reports)", ["mode"], registry=REGISTRY)
ANSWER_DURATION = Histogram("azs_answer_duration_seconds", "Time to answer a question, by mode", ["mode"],
                            buckets=_SLOW, registry=REGISTRY)
LLM_TTFT = Histogram("azs_llm_time_to_first_token_seconds", "Time from the LLM request to its first token",
                     buckets=_SLOW, registry=REGISTRY)
LLM_REQUESTS = Counter("azs_llm_requests", "Requests to the LLM server by kind (complete, stream)", ["kind"],
                       registry=REGISTRY)
LLM_ERRORS = Counter("azs_llm_errors", "Failed LLM requests by kind (complete, stream)", ["kind"], registry=REGISTRY)
OCR_PAGES = Counter("azs_ocr_pages", "Recognised pages by quality (ok, partial, retake)", ["quality"],
                    registry=REGISTRY)
OCR_STAGE = Histogram("azs_ocr_stage_duration_seconds", "Time per OCR preprocessing stage and recognition",
                      ["stage"], buckets=_FAST + (20.0, 30.0), registry=REGISTRY)
INGESTED = Counter("azs_ingested_documents", "Files through the ingestion pipeline by outcome", ["status"],
                   registry=REGISTRY)
INGESTED_BYTES = Counter("azs_ingested_bytes", "Bytes of files stored by the ingestion pipeline", registry=REGISTRY)
INGEST_DURATION = Histogram("azs_ingest_duration_seconds", "Time to ingest one file", buckets=_SLOW,
                            registry=REGISTRY)
JOB_RUNS = Counter("azs_job_runs", "Job attempts by kind and outcome: done, retry (failed, queued again), dead "
                   "(failed for good), lost (cancelled or taken over meanwhile)", ["kind", "outcome"],
                   registry=REGISTRY)
JOB_DURATION = Histogram("azs_job_duration_seconds", "Time of one job attempt, by kind", ["kind"],
                         buckets=_SLOW + (120.0, 300.0, 600.0, 1800.0), registry=REGISTRY)
NOTIFICATIONS = Counter("azs_notifications", "Ticket notifications tried, by channel and outcome (sent, retry, "
                        "failed: given up)", ["channel", "outcome"], registry=REGISTRY)
CACHE = Counter("azs_answer_cache_requests", "Answer cache lookups by result (hit, miss)", ["result"],
                registry=REGISTRY)


@dataclass(frozen=True)
class JobCount:
    """One row of the job queue's state, for ``azs_jobs`` and ``azs_jobs_oldest_queued_age_seconds``."""

    kind: str
    state: str  # the job status: queued | running | done | dead | cancelled
    count: int
    oldest_queued_age_s: float | None = None


@dataclass
class StateSources:
    """Callables that read the system's state at scrape time (the composition root supplies them)."""

    tickets_by_status: Callable[[], dict[str, int]] | None = None
    sla_breaches: Callable[[], dict[str, int]] | None = None  # open tickets past due, by urgency
    incident_sync: Callable[[], tuple[dict[str, float], dict[str, int]]] | None = None  # lag s, failing 0/1
    jobs: Callable[[], Iterable[JobCount]] | None = None


class StateCollector(Collector):
    """Gauges read from the database when Prometheus scrapes; a failing source drops its gauges for
    this scrape (``azs_state_errors`` counts it) rather than failing ``/metrics``."""

    def __init__(self, sources: StateSources) -> None:
        self.sources = sources

    def describe(self) -> list[Any]:
        return []  # nothing to read at registration: the database is asked at scrape time only

    def collect(self) -> Iterator[Any]:
        s = self.sources
        yield from self._gauge("azs_tickets", "Tickets by status", "status", s.tickets_by_status)
        yield from self._gauge("azs_tickets_sla_breached", "Open tickets past their SLA due time, by urgency",
                               "urgency", s.sla_breaches)
        if s.incident_sync is not None:
            sync = s.incident_sync
            yield from self._gauge("azs_incident_sync_lag_seconds", "Seconds since the last sync run, per source",
                                   "source", lambda: sync()[0])
            yield from self._gauge("azs_incident_sync_failing", "1 when the last sync run of a source failed",
                                   "source", lambda: sync()[1])
        if s.jobs is not None:
            yield from self._jobs(s.jobs)

    def _gauge(self, name: str, doc: str, label: str, source: Callable[[], dict[str, Any]] | None) -> Iterator[Any]:
        if source is None:
            return
        try:
            values = source()
        except Exception:
            log.exception("metrics: %s could not be read", name)
            STATE_ERRORS.labels(name).inc()
            return
        family = GaugeMetricFamily(name, doc, labels=[label])
        for key, value in sorted(values.items()):
            family.add_metric([str(key)], float(value))
        yield family

    def _jobs(self, source: Callable[[], Iterable[JobCount]]) -> Iterator[Any]:
        try:
            rows = list(source())
        except Exception:
            log.exception("metrics: azs_jobs could not be read")
            STATE_ERRORS.labels("azs_jobs").inc()
            return
        counts = GaugeMetricFamily("azs_jobs", "Jobs by kind and state (queued, running, failed)",
                                   labels=["kind", "state"])
        age = GaugeMetricFamily("azs_jobs_oldest_queued_age_seconds", "Age of the oldest queued job, by kind",
                                labels=["kind"])
        for row in rows:
            counts.add_metric([row.kind, row.state], row.count)
            if row.state == "queued" and row.oldest_queued_age_s is not None:
                age.add_metric([row.kind], row.oldest_queued_age_s)
        yield counts
        yield age


STATE_ERRORS = Counter("azs_state_errors", "Scrapes in which a state gauge could not be read", ["metric"],
                       registry=REGISTRY)
_state: StateCollector | None = None


def register_state(sources: StateSources) -> None:
    """Read these sources at every scrape (the latest registration wins: one app per process)."""
    global _state
    if _state is not None:
        REGISTRY.unregister(_state)
    _state = StateCollector(sources)
    REGISTRY.register(_state)


def exposition() -> bytes:
    """The text Prometheus scrapes."""
    return generate_latest(REGISTRY)


def names() -> set[str]:
    """Every metric name the app can export (as Prometheus sees them: counters end in ``_total``,
    histograms in ``_bucket``/``_sum``/``_count``), for the test that checks the dashboard and alerts."""
    exported: set[str] = set()
    for collector in (HTTP_REQUESTS, HTTP_DURATION, ANSWERS, ANSWER_DURATION, LLM_TTFT, LLM_REQUESTS, LLM_ERRORS,
                      OCR_PAGES, OCR_STAGE, INGESTED, INGESTED_BYTES, INGEST_DURATION, JOB_RUNS, JOB_DURATION,
                      NOTIFICATIONS, CACHE, STATE_ERRORS):
        for family in collector.describe():
            kind, base = family.type, family.name
            exported |= ({f"{base}_total", f"{base}_created"} if kind == "counter" else
                         {f"{base}_bucket", f"{base}_sum", f"{base}_count", f"{base}_created"} if kind == "histogram"
                         else {base})
    return exported | {"azs_tickets", "azs_tickets_sla_breached", "azs_incident_sync_lag_seconds",
                       "azs_incident_sync_failing", "azs_jobs",
                       "azs_jobs_oldest_queued_age_seconds"}


def answer_mode(mode: str, abstained: bool, notice: str | None, generator: bool) -> str:
    """The mode an answer is counted under."""
    if abstained:
        return "declined"
    if generator and mode == "extractive" and notice:
        return "fallback"
    return mode


def observe_answer(mode: str, started: float) -> None:
    ANSWERS.labels(mode).inc()
    ANSWER_DURATION.labels(mode).observe(time.perf_counter() - started)


def job_outcome(status: str | None) -> str:
    """The outcome a job attempt is counted under, from the status it left the job in."""
    return {"done": "done", "queued": "retry", "dead": "dead"}.get(status or "", "lost")


# -- the scrape endpoint of processes without the API: `azs worker --metrics-port` -------------------------
def configured_token(settings: Settings) -> str | None:
    """The bearer token ``AZS_METRICS_TOKEN`` resolves to (a literal or a secret reference); None when unset."""
    from azs_assistant.secrets import resolve_secret

    given = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    return resolve_secret(given) if given else None


def authorized(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries the token (compared in constant time)."""
    return hmac.compare_digest((header or "").encode(), f"Bearer {token}".encode())


class _Scrape(BaseHTTPRequestHandler):
    token = ""

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        if self.path.split("?")[0] != "/metrics":
            return self._answer(404, b"not found\n", "text/plain; charset=utf-8")
        if not authorized(self.headers.get("Authorization"), self.token):
            return self._answer(401, "Метрики доступны только с токеном AZS_METRICS_TOKEN (Authorization: Bearer …)."
                                "\n".encode(), "text/plain; charset=utf-8", {"WWW-Authenticate": "Bearer"})
        self._answer(200, exposition(), CONTENT_TYPE)

    def _answer(self, status: int, body: bytes, media: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": media, "Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the http.server signature)
        log.debug("metrics scrape: " + format, *args)


def serve(host: str, port: int, token: str) -> ThreadingHTTPServer:
    """Serve ``GET /metrics`` with the bearer ``token`` on a daemon thread (``port`` 0: any free port, see
    ``server.server_port``); ``shutdown()`` stops it. For processes that run no API: the worker's jobs,
    OCR pages, ingestion and notifications are counted in its own memory, so Prometheus scrapes it too."""
    handler = type("Scrape", (_Scrape,), {"token": token})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="azs-metrics", daemon=True).start()
    return server
