"""Where backups are kept: a local (or mounted) directory, or S3 and S3-compatible stores (MinIO, Ceph)
through boto3. A store holds flat objects: ``<id>.azsbak`` (the archive) and ``<id>.json`` (its label)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from pathlib import Path
from typing import Protocol

from azs_assistant.errors import BackupFailed, ConfigError, InvalidInput, NotFound
from azs_assistant.storage.s3 import s3_client, s3_errors


class Store(Protocol):
    """A place that keeps backup objects by name."""

    where: str

    def put(self, name: str, source: Path) -> None: ...
    def get(self, name: str, target: Path) -> None: ...
    def read_text(self, name: str) -> str: ...
    def names(self) -> list[str]: ...
    def delete(self, name: str) -> None: ...


class LocalStore:
    """A directory: a local disk, an NFS or SMB mount."""

    def __init__(self, root: Path) -> None:
        self.root, self.where = root, str(root)

    def put(self, name: str, source: Path) -> None:
        partial = self.root / f".{name}.partial"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            # created for its owner alone (an unencrypted copy holds the whole database); a share that keeps its
            # own modes (SMB, FUSE) may ignore the mode, which is no reason to fail
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out, \
                    source.open("rb") as data:
                shutil.copyfileobj(data, out, 1 << 20)
            partial.replace(self.root / name)  # never a half-written archive under the real name
        except (FileNotFoundError, FileExistsError, NotADirectoryError, PermissionError) as exc:  # a wrong --to
            _drop(partial)
            raise ConfigError(f"В хранилище {self.where} не записать: {exc.strerror or exc}.",
                              f"Cannot write to the backup store {self.where}: {exc.strerror or exc}.") from exc
        except OSError as exc:  # a full or failing disk: an I/O error (74), not the configuration
            _drop(partial)
            raise BackupFailed(f"Копия в {self.where} не записана: {exc.strerror or exc}.",
                               f"Backup not written to {self.where}: {exc.strerror or exc}.") from exc

    def get(self, name: str, target: Path) -> None:
        try:
            shutil.copyfile(self.root / name, target)
        except FileNotFoundError as exc:
            raise _missing(name, self.where) from exc

    def read_text(self, name: str) -> str:
        try:
            return (self.root / name).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise _missing(name, self.where) from exc

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file() and not p.name.startswith("."))

    def delete(self, name: str) -> None:
        (self.root / name).unlink(missing_ok=True)


def _drop(partial: Path) -> None:
    """A half-written copy goes (where there is a folder to hold one at all)."""
    with suppress(OSError):
        partial.unlink(missing_ok=True)


class S3Store:
    """``s3://bucket/prefix``; the endpoint of an S3-compatible store comes from ``AZS_S3_ENDPOINT_URL`` (or
    ``AWS_ENDPOINT_URL``, which boto3 reads), credentials from the usual AWS chain (role, environment, ``~/.aws``)."""

    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None = None) -> None:
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.where = f"s3://{bucket}/{self.prefix}"
        self.client = s3_client(endpoint_url)

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, name: str, source: Path) -> None:
        with _s3_errors(self.where):
            self.client.upload_file(str(source), self.bucket, self._key(name))

    def get(self, name: str, target: Path) -> None:
        with _s3_errors(self.where, name):
            self.client.download_file(self.bucket, self._key(name), str(target))

    def read_text(self, name: str) -> str:
        with _s3_errors(self.where, name):
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"]
            return str(body.read().decode("utf-8"))

    def names(self) -> list[str]:
        found: list[str] = []
        start = f"{self.prefix}/" if self.prefix else ""
        with _s3_errors(self.where):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
                found += [item["Key"][len(start):] for item in page.get("Contents", [])
                          if "/" not in item["Key"][len(start):]]
        return sorted(found)

    def delete(self, name: str) -> None:
        with _s3_errors(self.where):
            self.client.delete_object(Bucket=self.bucket, Key=self._key(name))


def _s3_errors(where: str, name: str | None = None) -> AbstractContextManager[None]:
    """boto3's errors become typed ones naming the store (a missing object is NotFound)."""
    return s3_errors(where, name, store_ru="копий", store_en="backup", missing=_missing)


def _missing(name: str, where: str) -> NotFound:
    return NotFound(f"В хранилище {where} нет объекта {name}.", f"{name} is not in {where}.")


def _s3(target: str, endpoint_url: str | None) -> Store:
    bucket, _, prefix = target[len("s3://"):].partition("/")
    if not bucket:
        raise InvalidInput(f"Не указан бакет: {target}. Пример: s3://company-backups/azs.",
                           f"No bucket in {target}.")
    return S3Store(bucket, prefix, endpoint_url)


# A store by the target's scheme; a path without one is a directory.
SCHEMES: dict[str, Callable[[str, str | None], Store]] = {"s3://": _s3}


def open_store(target: str, endpoint_url: str | None = None) -> Store:
    """The store a ``--to``/``--from`` value names: ``s3://bucket/prefix`` (at ``endpoint_url``) or a directory."""
    for scheme, make in SCHEMES.items():
        if target.startswith(scheme):
            return make(target, endpoint_url)
    if "://" in target:
        raise InvalidInput(f"Хранилище {target} не поддерживается: укажите каталог или s3://бакет/префикс.",
                           f"Unsupported backup store {target}.")
    return LocalStore(Path(target).expanduser())
