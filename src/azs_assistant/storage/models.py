"""The tables the assistant owns. One schema for every backend (SQLite, PostgreSQL, Oracle)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Document(Base):
    """One source file (or upload). ``source`` is its path relative to the ingested root."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1000), unique=True)
    title: Mapped[str] = mapped_column(String(1000))
    format: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))  # indexed | needs_ocr | partial
    status_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    pipeline_version: Mapped[int] = mapped_column(Integer, default=1)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    # who may see it: None = everyone; {"roles": [...], "regions": [...]} = only those (either list may be empty)
    audience: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    chunks: Mapped[list[Chunk]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Chunk.ordinal",
    )
    # the same audience, one row per role or region, so visibility is filtered in SQL on every backend
    audience_rows: Mapped[list[DocumentAudience]] = relationship(cascade="all, delete-orphan")


class DocumentOriginal(Base):
    """The file as it was ingested, so a reader can download the original of what they were cited.
    Replaced with each new version in the same transaction as its passages: its bytes here (the default),
    or, with ``AZS_ORIGINALS_URL``, its key in that store (storage/originals.py)."""

    __tablename__ = "document_originals"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    location: Mapped[str | None] = mapped_column(String(500), nullable=True)


class DocumentAudience(Base):
    """One role or region a document is meant for (``kind`` = role | region; regions lower-cased)."""

    __tablename__ = "document_audience"
    __table_args__ = (Index("ix_document_audience_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(200))


class Chunk(Base):
    """A passage of a document with its provenance and what retrieval needs."""

    __tablename__ = "chunks"
    __table_args__ = (Index("ix_chunks_document_ordinal", "document_id", "ordinal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # text | steps | table_row
    section: Mapped[str] = mapped_column(String(1000), default="")
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    lemmas: Mapped[str] = mapped_column(Text)
    context_lemmas: Mapped[str] = mapped_column(Text)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    document: Mapped[Document] = relationship(back_populates="chunks")


class JargonTerm(Base):
    """A workplace word or phrase and the canonical term it stands for."""

    __tablename__ = "jargon_terms"
    __table_args__ = (UniqueConstraint("term", name="uq_jargon_term"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String(200))
    canonical: Mapped[str] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the canonical the built-in dictionary gave this term (None: the admin's own term, or seeded before 0017);
    # an entry whose canonical still equals it was never edited, so an upgrade may change it
    shipped: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # a built-in term the admin removed: kept so an upgrade does not bring it back; not used for queries
    removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class IndexState(Base):
    """Bumped on every change of searchable data, so every process knows when to refresh."""

    __tablename__ = "index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    jargon_generation: Mapped[int] = mapped_column(Integer, default=0)
    # bumped by each retraining of the complaint classifier: the other processes retrain too
    classifier_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    embedding_model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # a digest of the built-in jargon files last merged into the dictionary: a new release's are merged at start
    jargon_builtin: Mapped[str | None] = mapped_column(String(64), nullable=True)


class IndexChange(Base):
    """Which document a move of the index generation was about (None: everything, rebuild). A process whose
    index is at generation g updates it in place from the changes after g instead of rebuilding it; rows
    far behind the current generation are pruned (a process that far behind rebuilds)."""

    __tablename__ = "index_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, index=True)
    document_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class FormRecord(Base):
    """A paper form turned into fields: extracted by OCR, then confirmed or corrected by a person."""

    __tablename__ = "form_records"
    __table_args__ = (Index("ix_form_records_form_created", "form_type", "created_at"),
                      Index("ix_form_records_station", "station_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_type: Mapped[str] = mapped_column(String(100))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"), nullable=True)
    source: Mapped[str] = mapped_column(String(1000))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    field_confidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    problems: Mapped[list[Any]] = mapped_column(JSON)
    defects: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))  # extracted | confirmed
    incident_ref: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # The station the act belongs to (its «АЗС №» field, else the uploader's only station); None: only
    # its creator and admins see it.
    station_id: Mapped[str | None] = mapped_column(String(50), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Station(Base):
    """A station of the chain: the registry every station and region identifier is checked against
    (user and key scopes, complaints, form records, report filters). Loaded from a CSV or the company
    database, edited by admins; an inactive station is kept for history but offered nowhere."""

    __tablename__ = "stations"

    id: Mapped[str] = mapped_column(String(50), primary_key=True)  # «АЗС-012»
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100), nullable=True)  # None: seeded from a log without one
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    active: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Incident(Base):
    """An incident at a station: copied from the company's database, imported from a file, or
    created here (an inspection act with a defect, an operator's report).

    Times are the station's local wall-clock time, as the source keeps them. The calendar columns
    (year … hour) and ``resolution_hours`` are derived once when a row is stored, so every backend
    groups by weekday or night the same way, with plain indexed columns instead of each dialect's
    date functions (Oracle's ``TO_CHAR(d, 'D')`` even depends on the session's territory).
    """

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_occurred", "occurred_at"),
        Index("ix_incidents_category_occurred", "category", "occurred_at"),
        Index("ix_incidents_station_occurred", "station_id", "occurred_at"),
        Index("ix_incidents_region_occurred", "region", "occurred_at"),
        Index("ix_incidents_open", "is_open", "severity"),
    )

    incident_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(50))
    region: Mapped[str | None] = mapped_column(String(100), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    category: Mapped[str] = mapped_column(String(100))
    equipment: Mapped[str | None] = mapped_column(String(300), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    actions_taken: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    severity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    origin: Mapped[str] = mapped_column(String(200))  # source name | import:<file> | ocr | chat
    # derived on store
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday
    hour: Mapped[int] = mapped_column(Integer)
    is_open: Mapped[int] = mapped_column(Integer)  # 1 while resolved_at is empty
    resolution_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IncidentSync(Base):
    """Where the incremental copy from one external source stopped: the last (watermark, key)."""

    __tablename__ = "incident_sync"

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    watermark: Mapped[str | None] = mapped_column(String(100), nullable=True)  # tagged: dt:/num:/str:
    last_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_status: Mapped[str | None] = mapped_column(Text, nullable=True)


class Ticket(Base):
    """A customer complaint: what was written, how it was classified and routed, where it stands.

    Tickets are never deleted. The customer's private status link carries a token whose SHA-256 is
    kept here; ``contact_key`` is a hash of the normalised contact, to notice repeated complaints
    without searching raw phone numbers.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_queue", "department", "status", "created_at"),
        Index("ix_tickets_station_created", "station_id", "created_at"),
        Index("ix_tickets_contact_created", "contact_key", "created_at"),
        Index("ix_tickets_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    station_text: Mapped[str | None] = mapped_column(String(200), nullable=True)
    station_id: Mapped[str | None] = mapped_column(String(50), nullable=True)
    region: Mapped[str | None] = mapped_column(String(100), nullable=True)
    photo_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    category: Mapped[str] = mapped_column(String(50))
    urgency: Mapped[str] = mapped_column(String(20))
    confidence: Mapped[float] = mapped_column(Float)
    needs_triage: Mapped[int] = mapped_column(Integer, default=0)
    triage_reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # the reasons in Russian, joined
    # the same reasons as data ({key, params}: tickets/reasons.py), said in the reader's language; None before 0018
    reasons: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    labels_by: Mapped[str] = mapped_column(String(20), default="model")  # model | person
    classifier_version: Mapped[str] = mapped_column(String(40))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    danger: Mapped[list[Any]] = mapped_column(JSON)
    department: Mapped[str] = mapped_column(String(100))
    assignee: Mapped[str | None] = mapped_column(String(200), nullable=True)
    rule: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TicketEvent(Base):
    """One change in a ticket's life, in order: created, classified, routed, status, comment…"""

    __tablename__ = "ticket_events"
    __table_args__ = (Index("ix_ticket_events_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    public: Mapped[int] = mapped_column(Integer, default=0)  # shown on the customer's status page
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class TicketNotification(Base):
    """An outbox row: a message to one person on one channel, sent by the notifier with retries.

    Written in the same transaction as the ticket change it reports, so a crash or a dead mail
    server delays a notification but never loses it or the ticket."""

    __tablename__ = "ticket_notifications"
    __table_args__ = (Index("ix_ticket_notifications_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    channel: Mapped[str] = mapped_column(String(20))  # email | telegram | webhook
    target: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(30))  # new | repeat | reassigned | status
    status: Mapped[str] = mapped_column(String(20))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class User(Base):
    """A person who signs in: roles (operator, manager, support, admin) and the stations and/or
    regions they may see (``["*"]`` = all). Passwords are kept as argon2id hashes only."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    roles: Mapped[list[Any]] = mapped_column(JSON)
    stations: Mapped[list[Any]] = mapped_column(JSON)
    regions: Mapped[list[Any]] = mapped_column(JSON)
    department: Mapped[str | None] = mapped_column(String(100), nullable=True)
    language: Mapped[str] = mapped_column(String(5), default="ru")
    disabled: Mapped[int] = mapped_column(Integer, default=0)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    telegram_chat_id: Mapped[str | None] = mapped_column(String(50), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiKey(Base):
    """A key for another system: shown once, kept as a SHA-256 hash, scoped like a user, revocable."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[Any]] = mapped_column(JSON)
    stations: Mapped[list[Any]] = mapped_column(JSON)
    regions: Mapped[list[Any]] = mapped_column(JSON)
    department: Mapped[str | None] = mapped_column(String(100), nullable=True)
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=600)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebSession(Base):
    """A signed-in browser: the cookie's token is stored as its SHA-256; ``csrf`` guards forms."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """Who did what, when: written by the application, never updated or deleted by it."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_at", "at"), Index("ix_audit_actor_at", "actor", "at"),
                      Index("ix_audit_action_at", "action", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    actor_kind: Mapped[str] = mapped_column(String(20))  # user | key | cli | anonymous | system
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(500), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AnswerLog(Base):
    """Every answer given: the question, what was retrieved, the answer, and how it was made
    (extractive or which model and prompt). Feedback and the learning datasets refer to it."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_actor_at", "actor", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(200))
    # The asker's stations and regions when asked: which managers may rate and correct this answer.
    asker_scope: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    abstained: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(30))
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    prompt_version: Mapped[str | None] = mapped_column(String(50), nullable=True)
    citations: Mapped[list[Any]] = mapped_column(JSON)
    retrieved: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Feedback(Base):
    """A rating of an answer (👍/👎 with a comment) or a supervisor's corrected answer."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_answer", "answer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"))
    actor: Mapped[str] = mapped_column(String(200))
    rating: Mapped[int] = mapped_column(Integer)  # 1 up, -1 down, 0 a correction only
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrected_answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TelegramLink(Base):
    """A one-time code from the web UI that binds a Telegram chat to a user (hash only, 10 minutes)."""

    __tablename__ = "telegram_links"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentSummary(Base):
    """A document's summary as last made (extractive or by a model), valid for one version."""

    __tablename__ = "document_summaries"
    __table_args__ = (UniqueConstraint("document_id", "kind", name="uq_summary_document_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # extractive | llm
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    prompt_version: Mapped[str | None] = mapped_column(String(50), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DocumentChange(Base):
    """What changed when a new version of a document replaced the old one (sections and sentences
    added, removed and changed), recorded at ingestion while the old text is still at hand."""

    __tablename__ = "document_changes"
    __table_args__ = (Index("ix_document_changes_doc", "document_id", "to_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    from_version: Mapped[int] = mapped_column(Integer)
    to_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Conversation(Base):
    """One person's chat thread; follow-up questions are read against its last turns."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_actor", "actor", "updated_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    actor: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)  # none: shown by its first question
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConversationTurn(Base):
    __tablename__ = "conversation_turns"
    __table_args__ = (Index("ix_conversation_turns_conv", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    resolved: Mapped[str] = mapped_column(Text)  # the question as searched, after rewriting
    answer: Mapped[str] = mapped_column(Text)
    answer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Job(Base):
    """A piece of background work, stored before it is handed to a worker, so a crash loses none.

    ``status``: queued (``run_after`` says from when: a retry waits out its back-off) → running (held by
    ``lease`` until ``lease_until``, renewed while the job runs) → done | dead (out of attempts) |
    cancelled. A worker that dies stops renewing; the sweeper puts its job back in the queue.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),
                      Index("ix_jobs_kind_status", "kind", "status"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[Any] = mapped_column(JSON, nullable=True)
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the error in every interface language, where it was a typed error (``AzsError.messages``)
    error_messages: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    # once per key: a scheduled run («reports.daily:2026-12-01») is queued by one replica only
    key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    lease: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def error_in(self, lang: str) -> str | None:
        """The error for a reader of ``lang``: its text in that language where the failure was a typed error,
        else the stored text (an unexpected failure's, or a job that failed before the languages were kept)."""
        return (self.error_messages or {}).get(lang) or self.error


class JobFile(Base):
    """A file a job works on (an upload), kept in the database so any worker on any machine can read it;
    removed when the job is done or cancelled."""

    __tablename__ = "job_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(1000))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class JobSchedule(Base):
    """A periodic job that admins registered (a weekly report, an hourly incident sync): every runner reads
    these and queues each one's job once per period. ``last_slot`` is the last period queued (``now //
    every_s``), so a period runs once even after its finished job was purged."""

    __tablename__ = "job_schedules"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    every_s: Mapped[float] = mapped_column(Float)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_slot: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
