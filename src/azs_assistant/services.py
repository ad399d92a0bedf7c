"""The composition root: builds every component from ``Settings`` and wires each to the collaborators it uses.

Front ends (CLI, REST API, web pages, Telegram bot) build one ``Services`` and call the use cases on its
members (``svc.documents.visible_to(...)``, ``svc.jargon.put(...)``, ``svc.assistant.answer_for(...)``);
no use case lives here.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from azs_assistant import metrics
from azs_assistant.assistant.answer import Assistant
from azs_assistant.assistant.ports import Answerer
from azs_assistant.documents.pipeline import Ingestor
from azs_assistant.documents.service import Documents
from azs_assistant.forms.ingest import FormStep
from azs_assistant.forms.recognise import Forms
from azs_assistant.incidents.service import Incidents
from azs_assistant.language.analyzer import get_analyzer
from azs_assistant.language.service import Jargon
from azs_assistant.llm.client import LLMClient
from azs_assistant.llm.generate import LLMAnswerer
from azs_assistant.search.embeddings import make_embedder
from azs_assistant.search.index import SearchIndex
from azs_assistant.search.query import QueryAnalyzer
from azs_assistant.search.service import Queries
from azs_assistant.secrets import resolve_secret
from azs_assistant.settings import Settings
from azs_assistant.stations import Stations
from azs_assistant.storage.db import Database
from azs_assistant.storage.originals import Originals, open_originals

if TYPE_CHECKING:  # the services' types, for the checker; each is built (and imported) on first use
    from azs_assistant.assistant.cache import AnswerCache
    from azs_assistant.assistant.conversation import Conversations
    from azs_assistant.auth.service import Access
    from azs_assistant.forms.service import FormRecords
    from azs_assistant.incidents.history import IncidentHistory
    from azs_assistant.jobs import Handler, JobContext, Jobs, LocalPool
    from azs_assistant.jobs.broker import BrokerQueue
    from azs_assistant.jobs.planning import SchedulePlanner
    from azs_assistant.jobs.schedule import StoredSchedules
    from azs_assistant.learning.feedback import Learning
    from azs_assistant.reports.schedule import ScheduledReports
    from azs_assistant.reports.service import Reports
    from azs_assistant.storage.moving import OriginalsMove
    from azs_assistant.summaries.service import Summaries
    from azs_assistant.tickets.notify import Notifier
    from azs_assistant.tickets.service import Tickets


NOTIFY_JOB = "tickets.notify"  # the periodic run of the notification outbox and critical reminders
SUMMARY_JOB = "summaries.document"  # a document's summary after ingestion (AZS_SUMMARIZE_ON_INGEST)


def _limit_blas_threads() -> None:
    """One BLAS thread. The embedding engine runs its own OpenMP threads on the same cores, and
    OpenBLAS threads that spin after each matrix-vector product starve it: measured on 2 cores at
    100,000 passages, search p95 fell from 151 ms to 58 ms with this limit."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class Services:
    """Wiring only: each member is a component built from ``settings`` with its collaborators passed in.

    A plain class with ``functools.cached_property`` rather than a dataclass: half the members are built
    on first use (reports, tickets, the answer cache, access…) so that ``azs --help`` and a command that
    needs none of them load no models, open no Redis connection and import no heavy library; a
    dataclass would need ``field(init=False)`` plus the same properties, which reads worse. The members
    built at once are those every request needs (storage, the index, ingestion, jargon, the assistant).
    Components built later are reached through callables (``lambda: self.reports``), so wiring one
    never builds the others.
    """

    def __init__(self, settings: Settings) -> None:
        _limit_blas_threads()
        self.settings = settings
        # a new data dir is its owner's alone: the database holds password hashes and customers' contacts (an IT walk
        # found it readable by every local user); one that exists keeps the mode its admin gave it
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.db = Database(settings.resolved_database_url)
        self.db.migrate()
        self.analyzer = get_analyzer()
        self.embedder = make_embedder(settings)
        self.index = SearchIndex(self.db, self.embedder)
        self.ingestor = Ingestor(self.db, self.analyzer, self.embedder, settings)
        # AZS_ORIGINALS_URL: uploaded originals in a directory or S3; None keeps them in the database
        self.originals: Originals | None = (open_originals(settings.originals_url, settings.s3_endpoint_url)
                                            if settings.originals_url else None)
        self.ingestor.originals = self.originals
        self.form_step = FormStep(settings.data_dir / "forms")
        self.ingestor.steps.append(self.form_step)
        self.ingestor.read_twice = self.form_step.is_form  # a form's OCR'd page: its values read by both readers
        self.jargon = Jargon(self.db, self.analyzer, audit=lambda *args: self.access.audit(*args))
        self.queries = Queries(self.db, self.index, QueryAnalyzer(self.analyzer), self.jargon)
        self.llm: LLMClient | None = None
        self.llm_answerer: LLMAnswerer | None = None
        if settings.llm_base_url:
            key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
            self.llm = LLMClient(settings.llm_base_url, settings.llm_model, resolve_secret(key),
                                 settings.llm_timeout_s, settings.llm_max_tokens)
            self.llm_answerer = LLMAnswerer(self.llm, self.analyzer)
        self.assistant = self.assistant_with(self.llm_answerer, cache=True)
        if settings.summarize_on_ingest:
            def summarise_stored(document_id: int) -> None:  # a job makes the summary of a stored document
                self.jobs.enqueue(SUMMARY_JOB, {"document_id": document_id}, created_by="ingestion")

            self.ingestor.on_stored = summarise_stored
        self.jargon.seed()

    def assistant_with(self, answerer: Answerer | None, cache: bool = False) -> Assistant:
        """An assistant wired to these services; ``answerer`` and ``cache`` chosen by the caller (the running
        one, or ``azs learning compare``'s assistant for another model, without the answer cache)."""
        return Assistant(db=self.db, index=self.index, analyzer=self.analyzer, queries=self.queries,
                         answerer=answerer, model=self.settings.llm_model,
                         audit=lambda *args: self.access.audit(*args),
                         conversations=lambda: self.conversations,
                         cache=(lambda: self.answer_cache) if cache else (lambda: None),
                         answer_log=lambda: self.learning, summaries=lambda: self.summaries,
                         reports=lambda: self.reports, incident_history=lambda: self.incident_history,
                         stations=lambda: self.stations)

    # -- incidents and reports --------------------------------------------------------------
    @cached_property
    def reports(self) -> Reports:
        from azs_assistant.reports.service import Reports

        return Reports(self.db, self.analyzer, self.settings.report_categories_file, llm=self.llm,
                       stations=self.stations, audit=lambda *args: self.access.audit(*args),
                       phrases_file=self.settings.report_phrases_file)

    @cached_property
    def scheduled_reports(self) -> ScheduledReports:
        """Registered report schedules and the job that writes and sends each period's files."""
        from azs_assistant.reports.schedule import ScheduledReports

        return ScheduledReports(self.reports, lambda: self.notifier, lambda: self.schedules,
                                self.settings.data_dir / "reports")

    @cached_property
    def conversations(self) -> Conversations:
        from azs_assistant.assistant.conversation import Conversations
        from azs_assistant.llm.rewrite import QuestionRewriter

        return Conversations(self.db, self.analyzer, QuestionRewriter(self.llm) if self.llm is not None else None)

    @cached_property
    def answer_cache(self) -> AnswerCache | None:
        """Redis when ``AZS_CACHE_URL`` is set, else in-process; None when turned off."""
        if not self.settings.answer_cache:
            return None
        from azs_assistant.assistant.cache import AnswerCache

        url = self.settings.cache_url.get_secret_value() if self.settings.cache_url else None
        return AnswerCache(resolve_secret(url), self.settings.answer_cache_ttl_s, self.settings.answer_cache_size,
                           namespace=self.installation_id)

    @property
    def shared_redis_url(self) -> str | None:
        """Redis shared by the replicas (answer cache, rate limits), or None."""
        url = self.settings.cache_url.get_secret_value() if self.settings.cache_url else None
        return resolve_secret(url)

    @cached_property
    def installation_id(self) -> str:
        """Tells installations sharing one Redis apart: a digest of the database they use."""
        import hashlib

        return hashlib.sha256(self.settings.resolved_database_url.encode()).hexdigest()[:12]

    @cached_property
    def summaries(self) -> Summaries:
        from azs_assistant.summaries.service import Summaries

        return Summaries(self.db, self.documents, self.index, self.queries, self.analyzer, self.llm,
                         self.settings.llm_model)

    # -- access ------------------------------------------------------------------------------
    @cached_property
    def stations(self) -> Stations:
        """The station registry every scope, complaint, form record and report checks against."""
        return Stations(self.db, audit=lambda *args: self.access.audit(*args))

    @cached_property
    def access(self) -> Access:
        from azs_assistant.auth.service import Access

        return Access(self.db, self.stations, departments=lambda: self.tickets.rules.departments)

    @cached_property
    def learning(self) -> Learning:
        from azs_assistant.learning.feedback import Learning
        from azs_assistant.llm.prompts import ANSWER

        return Learning(self.db, self.settings.llm_model if self.llm else None, ANSWER, self.stations.known,
                        lambda *args: self.access.audit(*args))

    # -- customer complaints ----------------------------------------------------------------
    @cached_property
    def tickets(self) -> Tickets:
        from azs_assistant.tickets.service import Tickets

        return Tickets(self.db, self.analyzer, self.settings, self.stations, lambda *args: self.access.audit(*args),
                       jobs=lambda: self.jobs, photos=self.originals)

    @cached_property
    def notifier(self) -> Notifier:
        from azs_assistant.tickets.notify import Notifier

        return Notifier(self.db, self.settings, lambda: self.tickets.rules)

    @cached_property
    def incident_history(self) -> IncidentHistory:
        from azs_assistant.incidents.history import IncidentHistory

        return IncidentHistory(self.db, self.analyzer)

    def metric_sources(self) -> metrics.StateSources:
        """What ``/metrics`` reads at each scrape."""
        def jobs() -> list[metrics.JobCount]:
            counts = self.jobs.counts()
            return [metrics.JobCount(kind, status, n, counts.oldest_by_kind.get(kind, 0.0) if status == "queued"
                                     else None) for (kind, status), n in counts.by_kind_status.items()]

        return metrics.StateSources(tickets_by_status=lambda: self.tickets.counts_by_status(),
                                    sla_breaches=lambda: self.tickets.sla_breaches(),
                                    incident_sync=lambda: self.incidents.sync_state(), jobs=jobs)

    @cached_property
    def incidents(self) -> Incidents:
        """Synchronising and importing the incident log; every change resets the reports' cache."""
        return Incidents(self.db, self.settings.incident_sources_file, lambda: self.reports.invalidate(),
                         jobs=lambda: self.jobs, schedules=lambda: self.schedules,
                         audit=lambda *args: self.access.audit(*args))

    # -- search and documents -------------------------------------------------------------
    @cached_property
    def documents(self) -> Documents:
        """Document use cases: what a person may see (in SQL), upload, delete, audience; audited."""
        return Documents(self.db, self.ingestor, self.settings, lambda *args: self.access.audit(*args),
                         jobs=lambda: self.jobs)

    @cached_property
    def originals_move(self) -> OriginalsMove:
        """Moving the originals kept before AZS_ORIGINALS_URL (database rows, data-directory photos) into it."""
        from azs_assistant.storage.moving import OriginalsMove

        return OriginalsMove(self.db, self.settings.data_dir, self.originals, lambda *args: self.access.audit(*args))

    # -- background jobs ------------------------------------------------------------------
    @cached_property
    def jobs(self) -> Jobs:
        """The jobs table; a stored job is handed to the runner (published to the broker, or the pool woken)."""
        from azs_assistant.jobs import Jobs

        s = self.settings
        jobs = Jobs(self.db, lease_s=s.job_lease_s, max_attempts=s.job_max_attempts, backoff_s=s.job_backoff_s,
                    audit=lambda *args: self.access.audit(*args))
        jobs.on_enqueued = lambda job_id: self.job_runner.submit(job_id)
        return jobs

    @cached_property
    def schedules(self) -> StoredSchedules:
        """The periodic jobs admins registered (scheduled reports, timed incident syncs); audited."""
        from azs_assistant.jobs.schedule import StoredSchedules

        return StoredSchedules(self.db, lambda *args: self.access.audit(*args))

    @cached_property
    def schedule_planner(self) -> SchedulePlanner:
        """Storing a schedule as an admin asks for one (the API, the jobs page): a report or an incident sync."""
        from azs_assistant.jobs.planning import SchedulePlanner

        return SchedulePlanner(lambda: self.scheduled_reports, lambda: self.incidents)

    @property
    def job_handlers(self) -> dict[str, Handler]:
        """Each kind of job and the service method that does it."""
        from azs_assistant.documents.service import UPLOAD_JOB
        from azs_assistant.incidents.service import SYNC_JOB
        from azs_assistant.reports.schedule import REPORT_JOB
        from azs_assistant.tickets.service import TRAIN_JOB

        def summarise(ctx: JobContext) -> dict[str, object]:
            summary = self.summaries.summary(int(ctx.payload["document_id"]), refresh=True)
            return {"document_id": ctx.payload["document_id"], "mode": summary.mode}

        return {UPLOAD_JOB: self.documents.run_upload, SYNC_JOB: self.incidents.run_sync_job,
                NOTIFY_JOB: lambda ctx: self.notifier.run_once(), SUMMARY_JOB: summarise,
                REPORT_JOB: lambda ctx: self.scheduled_reports.run_job(ctx),
                TRAIN_JOB: lambda ctx: self.tickets.run_training_job(ctx)}

    @cached_property
    def job_runner(self) -> LocalPool | BrokerQueue:
        """Dramatiq on RabbitMQ when ``AZS_BROKER_URL`` is set (``azs worker`` consumes), else the bounded
        in-process pool (``azs serve`` starts it). Either one queues the periodic jobs (notifications and
        critical reminders every ``AZS_NOTIFY_INTERVAL_S``, and the schedules admins stored) once per
        period across all replicas."""
        from azs_assistant.jobs.schedule import Schedule, Scheduler

        s = self.settings
        scheduler = Scheduler(self.jobs, [Schedule(NOTIFY_JOB, s.notify_interval_s)], stored=self.schedules)
        if s.broker_url is not None:
            from azs_assistant.jobs.broker import BrokerQueue

            url = resolve_secret(s.broker_url.get_secret_value())
            return BrokerQueue(url or "", self.jobs, self.job_handlers, threads=s.job_workers, sweep_s=s.job_sweep_s,
                               scheduler=scheduler)
        from azs_assistant.jobs import LocalPool

        return LocalPool(self.jobs, self.job_handlers, workers=s.job_workers, poll_s=min(s.job_sweep_s, 2.0),
                         scheduler=scheduler)

    # -- OCR and forms --------------------------------------------------------------------
    @cached_property
    def forms(self) -> Forms:
        """One upload recognised (text, quality, a known form's fields) and the form templates by name."""
        return Forms(self.settings, lambda: self.form_step.templates)

    @cached_property
    def records(self) -> FormRecords:
        """Form records, scoped to the caller's stations and audited (API, CLI and bot alike)."""
        from azs_assistant.forms.service import FormRecords

        return FormRecords(self.db, self.forms.template, self.stations.known, self.access.audit,
                           self.settings.data_dir)

    def close(self) -> None:
        if "notifier" in self.__dict__:
            self.notifier.stop()
        if "job_runner" in self.__dict__:
            self.job_runner.stop()
        if self.llm:
            self.llm.close()
        self.db.dispose()
