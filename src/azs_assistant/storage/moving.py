"""Moving the originals kept before ``AZS_ORIGINALS_URL`` was set into that store (``azs originals migrate``).

Before the setting, a document's original is its bytes in ``document_originals`` and complaint photos (and the
customers' reply photos) are files under ``<data dir>/tickets/photos``; both are still served from there
after the switch. This copies each one to the store under the key new uploads use, reads the copy back and
compares size and SHA-256, and only then points the database at it (one short transaction per original).

- Idempotent: keys are fixed by the original (``documents/<id>/<sha256 prefix>``, ``tickets/photos/<name>``),
  and a copy already in the store with the same bytes is not written again ("already there").
- Resumable: a crash between the copy and the database update leaves a verified copy the next run finds;
  nothing is deleted before the database points at the checked copy.
- The old copy stays (a way back) unless ``delete_source``: then the row's bytes are cleared and the file
  under the data directory removed, each after its copy in the store was checked once more.
- One failing original (a refused write, a copy that reads back different, a store that answers with an error
  during a dry run) is reported with its reason and stays readable from where it was; the others go on.
- A complaint photo whose file is gone from the data directory cannot be moved by any run: it is "failed" with
  the reason "source missing" (dry run included), so the first run says so loudly; once the operator has
  looked for it (a backup) and given up, ``accept_missing`` (``--accept-missing``) reports it as "missing",
  which does not fail the run. Its ticket keeps pointing at the old path and says the photo is missing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select, update

from azs_assistant.errors import AzsError, ConfigError, NotFound
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Document, DocumentOriginal, Ticket
from azs_assistant.storage.originals import PHOTOS, DirectoryOriginals, Originals

log = logging.getLogger(__name__)

Status = Literal["moved", "present", "failed", "pending", "missing"]
SOURCE_MISSING = "source missing"


@dataclass
class MovedOriginal:
    """One original: what it is (``document`` id or ``photo`` file name), its key in the store, what happened."""

    kind: str
    ref: str
    key: str
    status: Status
    reason: str | None = None
    source_deleted: bool = False


@dataclass
class MoveReport:
    """What a run did: counts by outcome and each original (``pending``: what a dry run would copy)."""

    store: str
    dry_run: bool
    delete_source: bool
    items: list[MovedOriginal] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def moved(self) -> int:
        return self.count("moved")

    @property
    def present(self) -> int:
        return self.count("present")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def pending(self) -> int:
        return self.count("pending")

    @property
    def missing(self) -> int:
        return self.count("missing")

    @property
    def sources_deleted(self) -> int:
        return sum(1 for i in self.items if i.source_deleted)

    def as_dict(self) -> dict[str, Any]:
        return {"store": self.store, "dry_run": self.dry_run, "delete_source": self.delete_source,
                "moved": self.moved, "already_there": self.present, "failed": self.failed,
                "pending": self.pending, "missing": self.missing, "sources_deleted": self.sources_deleted,
                "items": [vars(i) for i in self.items]}


class CopyMismatch(AzsError):
    """The copy in the store does not read back as the original."""

    code = "copy_mismatch"
    exit_code = 4


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OriginalsMove:
    """Copies the originals kept in the database and the data directory into ``store`` (see the module)."""

    def __init__(self, db: Database, data_dir: Path, store: Originals | None, audit: Any = None) -> None:
        self.db, self.data_dir, self.store = db, data_dir, store
        self._audit = audit  # Access.audit (who, action, target, details)

    def run(self, actor: Any, *, dry_run: bool = False, delete_source: bool = False,
            accept_missing: bool = False) -> MoveReport:
        """Move every original not yet in the store; audited as ``originals.migrate`` (unless a dry run).
        ``accept_missing``: a photo whose source file is gone is "missing", not a failure (see the module)."""
        store = self._configured()
        report = MoveReport(store.where, dry_run, delete_source)
        report.items += self._documents(store, dry_run, delete_source)
        report.items += self._ticket_photos(store, dry_run, delete_source, accept_missing)
        handled = {i.key for i in report.items}  # a ticket's photo is also a file of the photos' folder
        report.items += self._photo_files(store, dry_run, delete_source, handled)
        for item in report.items:
            if item.status in ("failed", "missing"):
                log.warning("оригинал %s %s не перенесён в %s: %s", item.kind, item.ref, store.where, item.reason)
        if not dry_run and self._audit is not None:
            self._audit(actor, "originals.migrate", store.where,
                        {k: v for k, v in report.as_dict().items() if k != "items"}
                        | {f"{status}_refs": [f"{i.kind}:{i.ref}" for i in report.items if i.status == status][:100]
                           for status in ("failed", "missing")})
        return report

    def _configured(self) -> Originals:
        if self.store is None:
            raise ConfigError("AZS_ORIGINALS_URL не задан: укажите хранилище (каталог или s3://бакет/префикс), "
                              "в которое перенести оригиналы.", "Set AZS_ORIGINALS_URL to the store to move "
                              "the originals into.", message_kk="AZS_ORIGINALS_URL орнатылмаған: түпнұсқаларды "
                              "көшіретін қойманы көрсетіңіз (каталог немесе s3://бакет/префикс).")
        return self.store

    # -- documents: bytes in document_originals -------------------------------------------------
    def _documents(self, store: Originals, dry_run: bool, delete_source: bool) -> Iterator[MovedOriginal]:
        with self.db.session() as s:  # ids only: each original's bytes are read one at a time
            ids = list(s.scalars(select(DocumentOriginal.document_id).where(DocumentOriginal.data.is_not(None))
                                 .order_by(DocumentOriginal.document_id)))
        for document_id in ids:
            item = self._document(store, document_id, dry_run, delete_source)
            if item is not None:
                yield item

    def _document(self, store: Originals, document_id: int, dry_run: bool,
                  delete_source: bool) -> MovedOriginal | None:
        with self.db.session() as s:
            row = s.get(DocumentOriginal, document_id)
            source = s.scalar(select(Document.source).where(Document.id == document_id))
            if row is None or row.data is None or source is None:
                return None  # deleted or moved by another process since the list was read
            data, location = bytes(row.data), row.location
        key = location or f"documents/{document_id}/{_sha(data)[:16]}"
        item = MovedOriginal("document", str(document_id), key, "pending")
        if dry_run:
            _dry(item, lambda: "present" if location or _in_store(store, key, data) else "pending")
            return item
        try:
            item.status = "present" if location else _copy(store, key, data)
            _verify(store, key, data)  # a row already pointing at the store: its copy is checked again
            if location is None or delete_source:
                self._point_document(document_id, source, location, key, delete_source)
                item.source_deleted = delete_source
        except Exception as exc:  # one original's failure is reported; the others go on
            item.status, item.reason = "failed", _reason(exc)
        return item

    def _point_document(self, document_id: int, source: str, location: str | None, key: str,
                        delete_source: bool) -> None:
        """The row points at the checked copy (its bytes cleared with ``delete_source``), unless a new version
        was stored meanwhile: then nothing changes here and the next run looks again."""
        still = (DocumentOriginal.location.is_(None) if location is None
                 else DocumentOriginal.location == location)
        with self.db.writing(f"document:{source}") as s:  # the lock ingestion of the same source holds
            row = s.scalar(select(DocumentOriginal).where(DocumentOriginal.document_id == document_id, still))
            if row is None:
                raise NotFound("Документ изменился во время переноса: запустите перенос ещё раз.",
                               "The document changed during the move; run the move again.",
                               message_kk="Көшіру кезінде құжат өзгерді: көшіруді қайта іске қосыңыз.")
            row.location = key
            if delete_source:
                row.data = None

    # -- complaint photos a ticket points to by an absolute path ---------------------------------
    def _ticket_photos(self, store: Originals, dry_run: bool, delete_source: bool,
                       accept_missing: bool) -> Iterator[MovedOriginal]:
        with self.db.session() as s:
            rows = list(s.execute(select(Ticket.id, Ticket.photo_path).where(Ticket.photo_path.is_not(None))
                                  .order_by(Ticket.id)))
        for ticket_id, path in rows:
            if path is None or not Path(path).is_absolute():
                continue  # already a key in the store
            source = Path(path)
            key = f"{PHOTOS}/{source.name}"
            item = MovedOriginal("photo", source.name, key, "pending")
            if not source.is_file():  # no run can move it: loud until the operator accepts it is gone
                item.status, item.reason = ("missing" if accept_missing else "failed"), f"{SOURCE_MISSING}: {source}"
            elif not dry_run:
                self._move_file(store, source, key, item, delete_source,
                                repoint=partial(self._repoint, ticket_id, path, key))
            else:
                _dry(item, partial(_look, store, key, source))
            yield item

    def _repoint(self, ticket_id: int, old: str, key: str) -> None:
        with self.db.session() as s:
            s.execute(update(Ticket).where(Ticket.id == ticket_id, Ticket.photo_path == old)
                      .values(photo_path=key))

    # -- every other file under <data dir>/tickets/photos: reply photos, photos already repointed --------
    def _photo_files(self, store: Originals, dry_run: bool, delete_source: bool,
                     handled: set[str]) -> Iterator[MovedOriginal]:
        folder = DirectoryOriginals(self.data_dir)
        with self.db.session() as s:
            paths = list(s.scalars(select(Ticket.photo_path).where(Ticket.photo_path.is_not(None))))
        pending = {Path(p).name for p in paths if p and Path(p).is_absolute()}
        files = folder.keys()
        for key in files:
            if not key.startswith(f"{PHOTOS}/") or key.count("/") != PHOTOS.count("/") + 1:
                continue
            name = key.rsplit("/", 1)[1]
            # handled above, or a ticket still points at it by path (that move failed and is reported)
            if key in handled or name in pending:
                continue
            item = MovedOriginal("photo", name, key, "pending")
            if not dry_run:
                self._move_file(store, folder.path(key), key, item, delete_source, repoint=None)
            else:
                _dry(item, partial(_look, store, key, folder.path(key)))
            yield item

    def _move_file(self, store: Originals, source: Path, key: str, item: MovedOriginal, delete_source: bool,
                   repoint: Callable[[], None] | None) -> None:
        try:
            try:
                data = source.read_bytes()
            except FileNotFoundError as exc:  # removed since the run looked
                raise NotFound(f"{SOURCE_MISSING}: {source}", f"{SOURCE_MISSING}: {source}") from exc
            same_file = _same_file(store, key, source)
            item.status = "present" if same_file else _copy(store, key, data)
            _verify(store, key, data)
            if repoint is not None:
                repoint()
            if delete_source and not same_file:  # the store's copy is the original itself: never delete it
                source.unlink(missing_ok=True)
                item.source_deleted = True
        except Exception as exc:
            item.status, item.reason = "failed", _reason(exc)


def _dry(item: MovedOriginal, check: Callable[[], Status]) -> None:
    """A dry run's look at one original; a store answering with an error marks it failed, as a real run would."""
    try:
        item.status = check()
    except Exception as exc:
        item.status, item.reason = "failed", _reason(exc)


def _look(store: Originals, key: str, source: Path) -> Status:
    """A dry run's verdict on a file: "present" if the store holds exactly its bytes under ``key``."""
    return "present" if _in_store(store, key, source.read_bytes()) else "pending"


def _copy(store: Originals, key: str, data: bytes) -> Status:
    """Write ``data`` under ``key`` unless the store holds exactly it already; "present" or "moved"."""
    if _in_store(store, key, data):
        return "present"
    store.write(key, data)
    return "moved"


def _in_store(store: Originals, key: str, data: bytes) -> bool:
    try:
        return _sha(store.read(key)) == _sha(data)
    except NotFound:
        return False


def _verify(store: Originals, key: str, data: bytes) -> None:
    """Read the copy back: its size and SHA-256 must be the original's."""
    copy = store.read(key)
    if len(copy) != len(data) or _sha(copy) != _sha(data):
        raise CopyMismatch(f"Копия {key} в {store.where} не совпадает с оригиналом ({len(copy)} байт вместо "
                           f"{len(data)}): оригинал оставлен на месте, запустите перенос ещё раз.",
                           f"The copy {key} in {store.where} differs from the original ({len(copy)} bytes, "
                           f"expected {len(data)}); the original stays where it was.",
                           message_kk=f"{store.where} ішіндегі {key} көшірмесі түпнұсқаға сәйкес келмейді "
                           f"({len(copy)} байт, күтілгені {len(data)}): түпнұсқа орнында қалды, көшіруді қайта "
                           "іске қосыңыз.")


def _same_file(store: Originals, key: str, source: Path) -> bool:
    """AZS_ORIGINALS_URL may name the data directory itself: then the "copy" is the source file."""
    if not isinstance(store, DirectoryOriginals):
        return False
    target = store.path(key)
    return target.exists() and target.resolve() == source.resolve()


def _reason(exc: Exception) -> str:
    return exc.message_ru if isinstance(exc, AzsError) else f"{type(exc).__name__}: {exc}"
