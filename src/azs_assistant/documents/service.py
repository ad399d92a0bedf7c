"""Document use cases: which documents a person may see (filtered in SQL), reading one, uploading,
deleting and narrowing its audience; each change writes its own audit entry.

Visibility is one rule (``Principal.may_read``) written twice: in Python for a document in hand and as
SQL over the ``document_audience`` rows here, so a page of 50 documents never loads the whole table.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from azs_assistant.auth.principal import Principal, clean_roles
from azs_assistant.documents import pipeline
from azs_assistant.documents.pipeline import Ingestor, IngestResult
from azs_assistant.documents.reindex import reindex_all
from azs_assistant.errors import ConfigError, Conflict, FileTooLarge, InvalidInput, NotFound
from azs_assistant.jobs import JobContext, Jobs, run_claimed, worker_name
from azs_assistant.settings import Settings
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Chunk, Document, DocumentAudience, DocumentOriginal, Job
from azs_assistant.storage.originals import Originals

Audit = Callable[..., None]
UPLOAD_JOB = "documents.upload"


@dataclass(frozen=True)
class DocumentPage:
    """One page of the documents a person may see, and how many they may see in all."""

    total: int
    items: list[Document]


SORTS = {"title": (Document.title, Document.id), "-updated": (Document.updated_at.desc(), Document.id),
         "updated": (Document.updated_at, Document.id), "-size": (Document.chunk_count.desc(), Document.id)}
EVERYONE = "*"  # the audience filter's value for documents meant for everyone


@dataclass
class DocumentFilter:
    """What the documents list is narrowed to: words of the title or file name, a file type, the date
    of the current version (``until`` included), an audience (a role, a region or ``EVERYONE``)."""

    text: str = ""
    kind: str = ""
    since: date | None = None
    until: date | None = None
    audience: str = ""
    sort: str = "title"

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise InvalidInput(f"Сортировка «{self.sort}» неизвестна: {', '.join(SORTS)}.",
                               f"Unknown sort '{self.sort}': {', '.join(SORTS)}.",
                               message_kk=f"«{self.sort}» реттеу тәсілі белгісіз; барлары: {', '.join(SORTS)}.")
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("Дата «с» позже даты «по».", "The start date is after the end date.",
                               message_kk="Кезеңнің басталу күні аяқталу күнінен кеш.")


@dataclass
class DocumentListing:
    items: list[Document]
    total: int  # visible to the person before the filter
    kinds: list[str] = field(default_factory=list)  # file types among the visible documents
    audiences: list[str] = field(default_factory=list)  # roles and regions documents are meant for


@dataclass
class Section:
    heading: str
    passages: list[Chunk]

    def parts(self) -> list[tuple[list[str] | None, list[Chunk]]]:
        """The passages as the page lays them out: (None, [passage]) for text, (header, rows) for the
        consecutive rows of one table, so a table reads as a table again."""
        out: list[tuple[list[str] | None, list[Chunk]]] = []
        for chunk in self.passages:
            meta = chunk.meta or {}
            header = meta.get("header") if chunk.kind == "table_row" and meta.get("cells") is not None else None
            if header is not None and out and out[-1][0] == header:
                out[-1][1].append(chunk)
            else:
                out.append((header, [chunk]))
        return out


def _day_start(day: date, zone: str) -> datetime:
    """The day's first instant on the chain's clock (the pages show «обновлён» on it), in UTC as stored."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _audience_of(kind: str, values: set[str] | None = None) -> Any:
    """EXISTS an audience row of ``kind`` for the document (with a value among ``values``)."""
    cond = and_(DocumentAudience.document_id == Document.id, DocumentAudience.kind == kind)
    if values is not None:
        cond = and_(cond, DocumentAudience.value.in_(sorted(values)))
    return exists().where(cond)


def visible_condition(who: Principal) -> ColumnElement[bool] | None:
    """The SQL form of ``Principal.may_read``: None = every document."""
    if who.is_admin:
        return None
    roles_ok = or_(not_(_audience_of("role")), _audience_of("role", set(who.roles)))
    if who.sees_all_stations:
        return roles_ok
    regions = {r.lower() for r in who.regions}
    return and_(roles_ok, or_(not_(_audience_of("region")), _audience_of("region", regions)))


def result_public(r: IngestResult) -> dict[str, Any]:
    """One file's outcome as the API, the jobs list and the upload page show it."""
    messages = r.messages or {}
    return {"source": r.source, "status": r.status, "message": r.message, "document_id": r.document_id,
            "chunks": r.chunks, "error_code": r.error_code,
            "message_kk": messages.get("kk", r.message), "message_en": messages.get("en", r.message)}


class Documents:
    def __init__(self, db: Database, ingestor: Ingestor, settings: Settings, audit: Audit,
                 jobs: Callable[[], Jobs] | None = None) -> None:
        self.db, self.ingestor, self.settings, self._audit = db, ingestor, settings, audit
        self._jobs = jobs

    # -- reading ----------------------------------------------------------------------------
    def visible_to(self, who: Principal, offset: int = 0, limit: int = 100) -> DocumentPage:
        """The documents ``who`` may read, by source, one page of them."""
        query, count = select(Document), select(func.count()).select_from(Document)
        cond = visible_condition(who)
        if cond is not None:
            query, count = query.where(cond), count.where(cond)
        with self.db.session() as s:
            items = list(s.scalars(query.order_by(Document.source).offset(offset).limit(limit)))
            return DocumentPage(int(s.scalar(count) or 0), items)

    def listing(self, who: Principal, wanted: DocumentFilter, limit: int = 1000) -> DocumentListing:
        """The documents list page: ``who``'s documents narrowed and sorted as asked (type, dates and
        audience in SQL; the words in Python, since SQLite folds the case of Latin letters only)."""
        visible = visible_condition(who)
        query = select(Document) if visible is None else select(Document).where(visible)
        if wanted.kind:
            query = query.where(Document.format == wanted.kind)
        if wanted.since:
            query = query.where(Document.updated_at >= _day_start(wanted.since, self.settings.timezone))
        if wanted.until:
            query = query.where(Document.updated_at < _day_start(wanted.until + timedelta(days=1),
                                                                 self.settings.timezone))
        if wanted.audience == EVERYONE:
            query = query.where(~exists().where(DocumentAudience.document_id == Document.id))
        elif wanted.audience:
            query = query.where(exists().where(DocumentAudience.document_id == Document.id,
                                               DocumentAudience.value == wanted.audience.lower()))
        base = select(Document.id) if visible is None else select(Document.id).where(visible)
        with self.db.session() as s:
            items = list(s.scalars(query.order_by(*SORTS[wanted.sort]).limit(limit)))
            total = int(s.scalar(select(func.count()).select_from(base.subquery())) or 0)
            kinds = sorted(set(s.scalars(select(Document.format).where(Document.id.in_(base)))))
            audiences = sorted(set(s.scalars(select(DocumentAudience.value)
                                             .where(DocumentAudience.document_id.in_(base)))))
        words = wanted.text.casefold().split()
        if words:
            items = [d for d in items if all(w in f"{d.title} {d.source}".casefold() for w in words)]
        return DocumentListing(items, total, kinds, audiences)

    def outline(self, who: Principal, ref: str | int) -> tuple[Document, list[Section]]:
        """A document ``who`` may read with its passages grouped by section, in reading order."""
        doc = self.get(who, ref)
        sections: list[Section] = []
        for chunk in self.chunks(doc.id):
            if not sections or sections[-1].heading != chunk.section:
                sections.append(Section(chunk.section, []))
            sections[-1].passages.append(chunk)
        return doc, sections

    def original(self, who: Principal, ref: str | int) -> tuple[str, str, bytes]:
        """The file as ingested: (file name, media type, bytes), if ``who`` may read the document."""
        doc = self.get(who, ref)
        with self.db.session() as s:
            row = s.get(DocumentOriginal, doc.id)
            if row is None:
                raise NotFound("Оригинал этого документа не сохранён: загрузите документ заново.",
                               "The original file was not kept; upload the document again.",
                               message_kk="Бұл құжаттың түпнұсқасы сақталмаған: құжатты қайта жүктеңіз.")
            inline, location = row.data, row.location
        # bytes still in the row come first: after a move without --delete-source they are the same file, and
        # an installation that unset AZS_ORIGINALS_URL again (the documented way back) has no store to read
        if inline is not None:
            data = bytes(inline)
        else:
            data = b"" if location is None else self._originals_store(location).read(location)
        name = PurePath(doc.source).name
        return name, mimetypes.guess_type(name)[0] or "application/octet-stream", data

    def _originals_store(self, location: str) -> Originals:
        store = self.ingestor.originals
        if store is None:
            raise ConfigError(f"Оригинал хранится вне базы ({location}), а AZS_ORIGINALS_URL не задан: задайте "
                              "хранилище, в которое он был записан.", "The original is kept in a store; set "
                              "AZS_ORIGINALS_URL.",
                              message_kk=f"Түпнұсқа дерекқордан тыс сақталған ({location}), ал AZS_ORIGINALS_URL "
                                         "орнатылмаған: ол жазылған қойманы көрсетіңіз.")
        return store

    def has_original(self, document_id: int) -> bool:
        with self.db.session() as s:
            return s.scalar(select(DocumentOriginal.document_id).where(
                DocumentOriginal.document_id == document_id)) is not None

    def find(self, ref: str | int) -> Document:
        """A document by id or source, whoever asks (the CLI, other services)."""
        with self.db.session() as s:
            doc = None
            if isinstance(ref, int) or str(ref).isdigit():
                doc = s.get(Document, int(ref))
            if doc is None:
                doc = s.scalar(select(Document).where(Document.source == str(ref)))
            if doc is None:
                raise NotFound(f"Документ «{ref}» не найден.", f"Document '{ref}' not found.",
                               message_kk=f"«{ref}» құжаты табылмады.")
            return doc

    def get(self, who: Principal, ref: str | int) -> Document:
        """A document ``who`` may read; one outside the audience does not exist for them."""
        doc = self.find(ref)
        if not who.may_read(doc.audience):
            raise NotFound(f"Документ «{ref}» не найден.", "Document not found.",
                           message_kk=f"«{ref}» құжаты табылмады.")
        return doc

    def counts(self) -> tuple[int, int]:
        """(documents, passages) in the knowledge base, for the health check."""
        with self.db.session() as s:
            return (int(s.scalar(select(func.count()).select_from(Document)) or 0),
                    int(s.scalar(select(func.count()).select_from(Chunk)) or 0))

    def chunks(self, document_id: int) -> list[Chunk]:
        with self.db.session() as s:
            return list(s.scalars(select(Chunk).where(Chunk.document_id == document_id).order_by(Chunk.ordinal)))

    def passage(self, who: Principal, chunk_id: int) -> tuple[Chunk, Document]:
        """One passage a citation points to, with its document, if ``who`` may read it."""
        with self.db.session() as s:
            row = s.execute(select(Chunk, Document).join(Document).where(Chunk.id == chunk_id)).one_or_none()
        if row is None:
            raise NotFound("Фрагмент не найден (документ мог быть обновлён).",
                           "Passage not found (the document may have been updated).",
                           message_kk="Үзінді табылмады (құжат жаңартылған болуы мүмкін).")
        if not who.may_read(row[1].audience):
            raise NotFound("Фрагмент не найден.", "Passage not found.", message_kk="Үзінді табылмады.")
        return row[0], row[1]

    # -- changing ---------------------------------------------------------------------------
    def _check_upload(self, files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        """Every file is checked before any is stored: a name, and not over the size cap."""
        limit = self.settings.max_upload_bytes
        if not files:
            raise InvalidInput("Нет файлов для загрузки.", "No files to upload.", message_kk="Жүктейтін файл жоқ.")
        for name, data in files:
            if not PurePath(name).name or PurePath(name).name.startswith("."):
                raise InvalidInput("У файла нет имени.", "File has no name.", message_kk="Файлдың аты жоқ.")
            if len(data) > limit:
                raise FileTooLarge(f"Файл {name} больше {self.settings.max_upload_mb} МБ.",
                                   f"{name} exceeds {self.settings.max_upload_mb} MiB.",
                                   message_kk=f"{name} файлы {self.settings.max_upload_mb} МБ-тан үлкен.", file=name)
        return [(PurePath(name).name, data) for name, data in files]

    def _jobs_store(self) -> Jobs:
        if self._jobs is None:
            raise RuntimeError("Documents was built without a jobs store")
        return self._jobs()

    @staticmethod
    def _upload_payload(who: Principal, files: list[tuple[str, bytes]], ip: str | None) -> dict[str, Any]:
        return {"actor": who.name, "actor_kind": who.kind, "ip": ip, "files": [name for name, _ in files]}

    def submit(self, who: Principal, files: list[tuple[str, bytes]], ip: str | None = None) -> Job:
        """Store uploaded files (name, content) as one ingestion job and return it at once: a worker (or the
        in-process pool) ingests them under ``uploads/``; the job's progress says how far it got."""
        checked = self._check_upload(files)
        return self._jobs_store().enqueue(UPLOAD_JOB, self._upload_payload(who, checked, ip), files=checked,
                                          created_by=who.name)

    def upload(self, who: Principal, files: list[tuple[str, bytes]], ip: str | None = None) -> list[dict[str, Any]]:
        """Ingest uploaded files now and return each file's outcome (``?wait=true``, scripts): still recorded as
        a job, run in this thread; should this process die meanwhile, the job is taken up like any other."""
        checked = self._check_upload(files)
        jobs = self._jobs_store()
        worker = worker_name("request")
        claim = jobs.enqueue_claimed(UPLOAD_JOB, self._upload_payload(who, checked, ip), files=checked,
                                     created_by=who.name, worker=worker)
        run_claimed(jobs, {UPLOAD_JOB: self.run_upload}, claim, worker, reraise=True)
        return list(jobs.get(claim.job.id).result or [])

    def run_upload(self, ctx: JobContext) -> list[dict[str, Any]]:
        """The upload job: each file ingested and audited in turn, its outcome saved as progress, so an attempt
        that follows a killed one resumes after the last finished file instead of ingesting it again."""
        payload = ctx.payload
        actor = Principal(name=str(payload.get("actor") or "system"), kind=str(payload.get("actor_kind") or "system"))
        names = list(payload.get("files") or [])
        done: list[dict[str, Any]] = list(ctx.previous.get("results") or [])[:len(names)]
        for n, (name, data) in enumerate(ctx.files()):
            if n < len(done):
                continue
            result = self._ingest_reporting(ctx, f"uploads/{name}", data, files=len(names), done=done)
            self.record_upload(actor, result, len(data), {"job": ctx.job.id}, payload.get("ip"))
            done.append(result_public(result))
            ctx.progress(files=len(names), done=n + 1, current=None, stage="indexed", results=done)
        return done

    def record_upload(self, actor: Any, result: IngestResult, size: int, details: dict[str, Any] | None = None,
                      ip: str | None = None) -> None:
        """The audit entry of one file added to the knowledge base, whichever front end added it (the CLI's
        `azs ingest` left none)."""
        self._audit(actor, "document.upload", result.source, {"status": result.status, "bytes": size,
                                                                **(details or {})}, ip)

    def _ingest_reporting(self, ctx: JobContext, source: str, data: bytes, *, files: int,
                          done: list[dict[str, Any]]) -> IngestResult:
        """One file through the pipeline, each stage (reading, OCR page 3/12, indexing) saved as the job's progress."""

        def on_stage(stage: str, **details: Any) -> None:
            ctx.progress(files=files, done=len(done), current=PurePath(source).name, stage=stage, results=done,
                         **details)

        on_stage("started")
        token = pipeline.progress.set(on_stage)
        try:
            return self.ingestor.ingest_bytes(data, source)
        finally:
            pipeline.progress.reset(token)

    def reindex(self) -> int:
        """Every passage's lemmas and embedding recomputed with the configured model; the passage count."""
        return reindex_all(self.db, self.ingestor.analyzer, self.ingestor.embedder)

    def remove(self, ref: str | int) -> Document:
        """Delete a document and its passages (unaudited: the CLI and ``delete`` audit)."""
        doc = self.find(ref)
        if not self.ingestor.delete(doc.id):
            raise Conflict("Документ уже удалён.", "Document already deleted.",
                           message_kk="Құжат әлдеқашан жойылған.")
        return doc

    def delete(self, who: Principal, ref: str | int, ip: str | None = None) -> Document:
        doc = self.remove(ref)
        self._audit(who, "document.delete", doc.source, {"id": doc.id}, ip)
        return doc

    def change_audience(self, ref: str | int, roles: list[str], regions: list[str]) -> Document:
        """Who may see a document: some roles and/or regions; both empty = everyone."""
        doc = self.find(ref)
        audience = {"roles": clean_roles(roles) if roles else [], "regions": [r.strip() for r in regions if r.strip()]}
        with self.db.session() as s:
            row = s.get(Document, doc.id)
            if row is None:
                raise Conflict("Документ уже удалён.", "Document already deleted.",
                               message_kk="Құжат әлдеқашан жойылған.")
            row.audience = audience if (audience["roles"] or audience["regions"]) else None
            regions_lower = dict.fromkeys(r.lower() for r in audience["regions"])
            row.audience_rows = ([DocumentAudience(kind="role", value=r) for r in audience["roles"]]
                                 + [DocumentAudience(kind="region", value=r) for r in regions_lower])
            doc = row
        return doc

    def set_audience(self, who: Principal, ref: str | int, roles: list[str], regions: list[str],
                     ip: str | None = None) -> Document:
        doc = self.change_audience(ref, roles, regions)
        self._audit(who, "document.audience", doc.source, {"roles": roles, "regions": regions}, ip)
        return doc
