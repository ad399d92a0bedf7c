"""Backups as a use case: create, list, verify and restore, with encryption, checksums and retention.

A backup is two objects in a store: ``<id>.azsbak``, a tar archive (encrypted unless asked otherwise)
holding ``manifest.json``, the database snapshot, the stored originals and the configuration files; and
``<id>.json``, its label (when, how large, the archive's SHA-256, whether encrypted), readable without
the key so that ``list`` and a first ``verify`` need none. Secrets are never copied: they live in
secret references (``env:``, ``file:``, ``aws:``), and the files that may hold one are left out.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from secrets import token_hex
from typing import Any, BinaryIO

from azs_assistant.backup import crypto, database
from azs_assistant.backup.stores import LocalStore, Store, open_store
from azs_assistant.errors import BackupDamaged, ConfigError, Conflict, InvalidInput
from azs_assistant.secrets import is_reference, resolve_secret
from azs_assistant.settings import Settings
from azs_assistant.storage.originals import Originals, open_originals

log = logging.getLogger(__name__)

FORMAT = 1
ARCHIVE, LABEL = ".azsbak", ".json"
# Folders of the data directory that hold originals the database points to: complaint photos, the
# company's own form templates. Caches and the SQLite file itself are not among them.
ORIGINALS = ("tickets", "forms")
# Files under those folders that are never copied, whatever they hold.
NEVER = ("admin-password", ".env")
# Where the objects of an originals store (AZS_ORIGINALS_URL) sit inside the archive.
STORED = "originals/"



@dataclass
class BackupInfo:
    """A backup's label: what ``azs backup list`` shows."""

    id: str
    created_at: str
    encrypted: bool
    size: int
    sha256: str
    database: str
    files: int
    format: int = FORMAT
    # AZS_ORIGINALS_URL of the install (a directory or s3://…) whose objects the backup holds under
    # ``originals/``; None: the originals were in the database snapshot and the data directory
    originals: str | None = None
    original_objects: int = 0

    @classmethod
    def parse(cls, text: str) -> BackupInfo:
        data = json.loads(text)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class Verified:
    """What ``verify`` checked: the archive's checksum always; its content when it could be opened."""

    info: BackupInfo
    content_checked: bool
    items: int = 0


class Backups:
    """Creates, lists, verifies and restores backups of the configured database and data directory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # -- the key ---------------------------------------------------------------------------
    def _key(self) -> str | None:
        given = self.settings.backup_key.get_secret_value() if self.settings.backup_key else None
        if given and not is_reference(given) and _looks_like_a_path(given):
            # a path without «file:» became the key itself: the backups verified with the same setting, and the
            # key kept off-site (the file's content) opened none of them. The passphrase itself stays allowed:
            # ECS and Kubernetes put a secret's value into the variable (deploy/aws injects it so)
            raise ConfigError(f"AZS_BACKUP_KEY похож на путь к файлу: напишите file:{given}. Без «file:» ключом стал "
                              "бы сам путь, а не содержимое файла. (Копии, уже сделанные так, открываются с "
                              "AZS_BACKUP_KEY=env:ИМЯ, где в переменной ИМЯ — тот же путь.)",
                              f"AZS_BACKUP_KEY looks like a file path: write file:{given} (without «file:» the path "
                              "itself would be the key).")
        return resolve_secret(given) or None

    def _need_key(self, backup_id: str) -> str:
        key = self._key()
        if not key:
            raise ConfigError(f"Копия {backup_id} зашифрована: задайте ключ в AZS_BACKUP_KEY (ссылка на секрет, "
                              "например env:AZS_BACKUP_PASSPHRASE или aws:prod/azs/backup).",
                              f"Backup {backup_id} is encrypted: set AZS_BACKUP_KEY.")
        return key

    # -- create ----------------------------------------------------------------------------
    def create(self, target: str, *, encrypt: bool = True, keep: int | None = None) -> BackupInfo:
        """Snapshot the database, originals and configuration into ``target``; apply the retention."""
        key = self._key() if encrypt else None
        if encrypt and not key:
            raise ConfigError("Не задан ключ шифрования копий AZS_BACKUP_KEY (ссылка на секрет: env:…, file:…, "
                              "aws:…). Без шифрования — только явно: azs backup create --no-encrypt.",
                              "AZS_BACKUP_KEY is not set; pass --no-encrypt to store the backup unencrypted.")
        url = self.settings.resolved_database_url
        schema, data = database.occupancy(url)
        if not schema:  # a wrong --data-dir or AZS_DATA_DIR: no database there to copy
            where = database.sqlite_path(url) if database.backend(url) == "sqlite" else "AZS_DATABASE_URL"
            raise ConfigError(f"Базы данных нет ({where}): проверьте --data-dir или AZS_DATA_DIR. Копия не сделана.",
                              f"There is no database ({where}): check --data-dir or AZS_DATA_DIR. No backup made.")
        store = open_store(target, self.settings.s3_endpoint_url)
        backup_id = f"azs-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{token_hex(3)}"
        encrypted = bool(encrypt and key)
        with _workdir() as work:
            blob = work / "blob"
            with blob.open("wb") as out:
                # the tar stream is encrypted as it is made: no plain copy of the archive ever reaches the disk
                sink: Any = crypto.SealingWriter(out, key) if encrypted and key else out
                with tarfile.open(fileobj=sink, mode="w|gz") as tar:
                    manifest = self._write_archive(tar, work, backup_id)
                if encrypted:
                    sink.close()
            info = BackupInfo(id=backup_id, created_at=manifest["created_at"], encrypted=encrypted,
                              size=blob.stat().st_size, sha256=_sha256(blob),
                              database=manifest["database"]["backend"], files=len(manifest["files"]),
                              originals=manifest["originals"]["store"],
                              original_objects=manifest["originals"]["objects"])
            label = work / "label"
            label.write_text(json.dumps(asdict(info), ensure_ascii=False, indent=1), encoding="utf-8")
            store.put(backup_id + ARCHIVE, blob)
            store.put(backup_id + LABEL, label)  # the label last: a listed backup is a complete one
        log.info("backup %s written to %s (%d bytes, encrypted=%s)", backup_id, store.where, info.size, info.encrypted)
        if data:
            self._retain(store, self.settings.backup_keep if keep is None else keep)
        else:  # an empty database (a data dir made by mistake) must not push the real backups out of the store
            log.warning("backup %s: the database holds no data (is the data dir right?); no older backup deleted",
                        backup_id)
        return info

    def _write_archive(self, tar: tarfile.TarFile, work: Path, backup_id: str) -> dict[str, Any]:
        """The database snapshot, the originals and the configuration files, then the manifest of their
        checksums (taken from the very bytes written into the archive)."""
        url = self.settings.resolved_database_url
        kind = database.backend(url)
        db_file = "azs.db" if kind == "sqlite" else "postgres.dump"
        snapshot = work / db_file
        database.snapshot(url, snapshot)
        files = {f"database/{db_file}": _add(tar, snapshot, f"database/{db_file}")}
        snapshot.unlink()
        for relative in self._originals():
            files[f"files/{relative}"] = _add(tar, self.settings.data_dir / relative, f"files/{relative}")
        originals, objects = self._originals_store(), []
        if originals is not None:  # every object of AZS_ORIGINALS_URL: the backup stands on its own
            objects = originals.keys()
            for key in objects:
                files[f"{STORED}{key}"] = _add_bytes(tar, originals.read(key), f"{STORED}{key}")
        config: dict[str, str] = {}
        for name, path in self._config_files().items():
            if path.is_file():
                files[f"config/{name}"] = _add(tar, path, f"config/{name}")
                config[name] = str(path)
        # microseconds: two backups made in one second keep their order (retention keeps the newest)
        manifest = {"format": FORMAT, "id": backup_id,
                    "created_at": datetime.now(UTC).isoformat(timespec="microseconds"),
                    "database": {"backend": kind, "file": f"database/{db_file}",
                                 "schema": database.pgtools.connection(url)[1] if kind == "postgresql" else None},
                    "files": files, "config": config,
                    "originals": {"store": originals.where if originals is not None else None,
                                  "objects": len(objects)}}
        data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        entry = tarfile.TarInfo("manifest.json")
        entry.size, entry.mtime = len(data), int(datetime.now(UTC).timestamp())
        tar.addfile(entry, io.BytesIO(data))
        return manifest

    def _originals(self) -> list[str]:
        found = []
        for folder in ORIGINALS:
            root = self.settings.data_dir / folder
            if root.is_dir():
                found += [p.relative_to(self.settings.data_dir).as_posix() for p in sorted(root.rglob("*"))
                          if p.is_file() and not p.is_symlink() and p.name not in NEVER]
        return found

    def _originals_store(self) -> Originals | None:
        url = self.settings.originals_url
        return open_originals(url, self.settings.s3_endpoint_url) if url else None

    def _config_files(self) -> dict[str, Path]:
        """The configuration that matters for a restored system to behave as before (docs/deploy.md lists it)."""
        s = self.settings
        return {"incident_sources.yaml": s.incident_sources_file, "report_categories.yaml": s.report_categories_file,
                "report_phrases.yaml": s.report_phrases_file,
                "routing.yaml": s.ticket_rules_file, "ticket_examples.yaml": s.ticket_examples_file}

    def _retain(self, store: Store, keep: int) -> list[str]:
        """Delete all but the newest ``keep`` backups in the store (0 keeps every one)."""
        if keep <= 0:
            return []
        labels = self.list(store)
        dropped = [info.id for info in labels[:-keep]]
        for backup_id in dropped:
            store.delete(backup_id + LABEL)  # the label first: a half-deleted backup is no longer listed
            store.delete(backup_id + ARCHIVE)
            log.info("backup %s deleted by the retention policy (keep %d)", backup_id, keep)
        return dropped

    # -- list ------------------------------------------------------------------------------
    def list(self, source: str | Store) -> list[BackupInfo]:
        """The store's backups, oldest first."""
        store = open_store(source, self.settings.s3_endpoint_url) if isinstance(source, str) else source
        if isinstance(source, str) and isinstance(store, LocalStore) and not store.root.is_dir():
            # «--from /mnt/backup» with the share not mounted printed nothing, as an empty store does
            raise ConfigError(f"Хранилища копий {store.where} нет (каталог не найден или не смонтирован).",
                              f"The backup store {store.where} does not exist (not found or not mounted).")
        names = set(store.names())
        found = []
        for name in sorted(names):
            if name.endswith(LABEL) and name[: -len(LABEL)] + ARCHIVE in names:
                try:
                    found.append(BackupInfo.parse(store.read_text(name)))
                except (ValueError, TypeError, KeyError):
                    log.warning("unreadable backup label %s in %s", name, store.where)
        return sorted(found, key=lambda info: (info.created_at, info.id))

    # -- verify ----------------------------------------------------------------------------
    def verify(self, backup_id: str, source: str) -> Verified:
        """Check the archive's checksum and, when it can be opened, every file's checksum inside it."""
        store = open_store(source, self.settings.s3_endpoint_url)
        with _workdir() as work:
            info, blob = self._fetch(store, backup_id, work)
            if info.encrypted and not self._key():
                return Verified(info, content_checked=False)
            manifest = self._unpack(info, blob, work / "unpacked")
            return Verified(info, content_checked=True, items=len(manifest["files"]))

    def _fetch(self, store: Store, backup_id: str, work: Path) -> tuple[BackupInfo, Path]:
        _check_id(backup_id)
        try:
            info = BackupInfo.parse(store.read_text(backup_id + LABEL))
        except (ValueError, TypeError, KeyError) as exc:  # «JSONDecodeError», exit 1, for a label cut or edited
            raise BackupDamaged(f"Описание копии {backup_id} ({backup_id}{LABEL}) не читается: файл повреждён или "
                                "это не копия azs.", f"Backup {backup_id}: its label is unreadable.") from exc
        blob = work / "blob"
        store.get(backup_id + ARCHIVE, blob)
        actual = _sha256(blob)
        if actual != info.sha256:
            raise BackupDamaged(f"Копия {backup_id} повреждена: контрольная сумма архива {actual[:12]}… не совпадает "
                                f"с записанной {info.sha256[:12]}….", f"Backup {backup_id}: archive checksum mismatch.")
        return info, blob

    def _unpack(self, info: BackupInfo, blob: Path, into: Path) -> dict:
        tar_path = blob
        if info.encrypted:
            tar_path = blob.with_name("archive.tar")
            with blob.open("rb") as src, tar_path.open("wb") as dst:
                crypto.decrypt(src, dst, self._need_key(info.id))
        try:
            with tarfile.open(tar_path, "r:gz") as tar:
                tar.extractall(into, filter="data")  # no absolute paths, no links out, no devices
            manifest = json.loads((into / "manifest.json").read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError) as exc:
            raise BackupDamaged(f"Архив копии {info.id} не читается: {exc}.", f"Backup {info.id} unreadable.") from exc
        bad = [name for name, digest in manifest["files"].items()
               if not (into / name).is_file() or _sha256(into / name) != digest]
        if bad:
            raise BackupDamaged(f"В копии {info.id} не сходятся контрольные суммы файлов: {', '.join(bad[:5])}.",
                                f"Backup {info.id}: file checksum mismatch: {bad[:5]}.")
        return dict(manifest)

    # -- restore ---------------------------------------------------------------------------
    def restore(self, backup_id: str, source: str, *, force: bool = False) -> BackupInfo:
        """Put the backup's database, originals and configuration back; refuse to overwrite data without ``force``."""
        store = open_store(source, self.settings.s3_endpoint_url)
        url = self.settings.resolved_database_url
        database.backend(url)
        with _workdir() as work:
            info, blob = self._fetch(store, backup_id, work)
            manifest = self._unpack(info, blob, work / "unpacked")
            originals = self._originals_store()
            if originals is None and any(name.startswith(STORED) for name in manifest["files"]):
                raise ConfigError(f"Копия {backup_id} сделана с оригиналами вне базы ({info.originals}): задайте "
                                  "AZS_ORIGINALS_URL (каталог или s3://…), куда их вернуть, и повторите.",
                                  f"Backup {backup_id} holds originals from {info.originals}: set AZS_ORIGINALS_URL.")
            tables, rows = database.occupancy(url)
            if (rows or self._originals() or (originals is not None and originals.keys())) and not force:
                raise Conflict("В настроенной базе или каталоге данных уже есть данные. Восстановление их заменит: "
                               "повторите с --force, если это и нужно (сначала остановите сервер и обработчики).",
                               "The database or data directory is not empty; use --force to overwrite it.")
            kind = manifest["database"]["backend"]
            wanted = manifest["database"].get("schema")
            if kind == "postgresql" and wanted != database.pgtools.connection(url)[1]:
                raise InvalidInput(f"Копия сделана из схемы {wanted or 'public'}: настройте AZS_DATABASE_URL на ту же "
                                   "схему (options=-csearch_path=…).", f"Backup is of schema {wanted}.")
            database.restore(url, kind, work / "unpacked" / manifest["database"]["file"], clean=tables)
            self._put_back_files(work / "unpacked", manifest, originals)
        from azs_assistant.storage.db import Database

        restored = Database(url)  # an older backup meets a newer program: bring its schema up to date
        try:
            restored.migrate()
        finally:
            restored.dispose()
        log.info("backup %s restored from %s", backup_id, store.where)
        return info

    def _put_back_files(self, unpacked: Path, manifest: dict, store: Originals | None) -> None:
        for folder in ORIGINALS:  # the originals as they were: none from after the backup left behind
            shutil.rmtree(self.settings.data_dir / folder, ignore_errors=True)
        for name in manifest["files"]:
            if name.startswith(STORED) and store is not None:
                # written over, never deleted: objects added after the backup stay (no row points to them)
                store.write(name[len(STORED):], (unpacked / name).read_bytes())
            elif name.startswith("files/"):
                target = self.settings.data_dir / name[len("files/"):]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(unpacked / name, target)
        configured = self._config_files()
        for name in manifest.get("config", {}):
            if name in configured:
                configured[name].parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(unpacked / "config" / name, configured[name])


def _looks_like_a_path(value: str) -> bool:
    """«/etc/azs/backup.key», «./key», «~/key», «C:\\keys\\azs.key», or a file that is there."""
    import re

    return bool(re.match(r"(?:/|\./|\.\./|~|[A-Za-z]:\\)", value)) or Path(value).is_file()


def _check_id(backup_id: str) -> None:
    if not backup_id or "/" in backup_id or "\\" in backup_id or backup_id.startswith("."):
        raise InvalidInput(f"Неверный идентификатор копии: «{backup_id}». Список: azs backup list --from ….",
                           f"Bad backup id {backup_id!r}.")


class _Hashing:
    """A file read through this also gives the SHA-256 of exactly what was read."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.digest = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        block = self.raw.read(size)
        self.digest.update(block)
        return block


def _add(tar: tarfile.TarFile, source: Path, name: str) -> str:
    """Put one file into the archive under ``name``; return its checksum. Owners are not kept: the uid of
    the machine that made the backup means nothing where it is restored."""
    entry = tar.gettarinfo(str(source), arcname=name)
    entry.uid = entry.gid = 0
    entry.uname = entry.gname = ""
    with source.open("rb") as raw:
        reader = _Hashing(raw)
        tar.addfile(entry, reader)  # type: ignore[arg-type]  # tarfile only calls read()
    return reader.digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, data: bytes, name: str) -> str:
    """Put one object read from the originals store into the archive under ``name``; return its checksum."""
    entry = tarfile.TarInfo(name)
    entry.size, entry.mtime, entry.mode = len(data), int(datetime.now(UTC).timestamp()), 0o640
    tar.addfile(entry, io.BytesIO(data))
    return hashlib.sha256(data).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _workdir() -> Iterator[Path]:
    """A private scratch folder (mode 0700: it holds the decrypted archive for a moment)."""
    with tempfile.TemporaryDirectory(prefix="azs-backup-") as name:
        os.chmod(name, 0o700)
        yield Path(name)


