"""Where uploaded originals are kept (documents as ingested, complaint photos): ``AZS_ORIGINALS_URL``.

- unset (the embedded default, as before): a document's original is a row of ``document_originals`` in the
  database, and complaint photos are files under ``<data dir>/tickets/photos``;
- a directory, or ``s3://bucket/prefix`` (S3 and S3-compatible stores through boto3, the endpoint from
  ``AZS_S3_ENDPOINT_URL`` or ``AWS_ENDPOINT_URL``): both go there as objects, and the database keeps only where
  each one is. That is what several API and worker replicas share without a shared disk (deploy/aws: an S3 bucket).

Keys are relative paths: ``documents/<id>/<sha256 prefix>`` (a new version is a new object, so the one the
database points to is never overwritten before its transaction commits) and ``tickets/photos/<name>``.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path, PurePosixPath
from typing import Protocol

from azs_assistant.errors import ConfigError, InvalidInput, NotFound
from azs_assistant.storage.s3 import s3_client, s3_errors

PHOTOS = "tickets/photos"  # complaint and reply photos: a folder of the store, or of the data directory


class Originals(Protocol):
    """A place that keeps original files by key."""

    where: str

    def write(self, key: str, data: bytes) -> None: ...
    def read(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def keys(self) -> list[str]: ...


def _checked(key: str) -> str:
    path = PurePosixPath(key)
    if not key or path.is_absolute() or ".." in path.parts or "\\" in key:
        raise InvalidInput(f"Недопустимое имя файла в хранилище: «{key}».", f"Bad original key {key!r}.")
    return path.as_posix()


class DirectoryOriginals:
    """A directory (a local disk, an NFS or SMB mount); the default for complaint photos is the data directory."""

    def __init__(self, root: Path) -> None:
        self.root, self.where = root, str(root)

    def path(self, key: str) -> Path:
        return self.root / _checked(key)

    def write(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, target)  # never a half-written file under the real name

    def read(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError as exc:
            raise _missing(key, self.where) from exc

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                      if p.is_file() and not p.is_symlink() and not p.name.startswith("."))


class S3Originals:
    """``s3://bucket/prefix``; credentials from the usual AWS chain (task role, environment, ``~/.aws``)."""

    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None = None) -> None:
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.where = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self.client = s3_client(endpoint_url)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{_checked(key)}" if self.prefix else _checked(key)

    def write(self, key: str, data: bytes) -> None:
        with _s3_errors(self.where):
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def read(self, key: str) -> bytes:
        with _s3_errors(self.where, key):
            return bytes(self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read())

    def delete(self, key: str) -> None:
        with _s3_errors(self.where):
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self) -> list[str]:
        start, found = f"{self.prefix}/" if self.prefix else "", []
        with _s3_errors(self.where):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
                found += [item["Key"][len(start):] for item in page.get("Contents", [])]
        return sorted(found)


def _s3_errors(where: str, key: str | None = None) -> AbstractContextManager[None]:
    """boto3's errors become typed ones naming the store (a missing object is NotFound)."""
    return s3_errors(where, key, store_ru="оригиналов", store_en="originals", missing=_missing)


def _missing(key: str, where: str) -> NotFound:
    return NotFound(f"Файл {key} не найден в хранилище {where}: загрузите его заново.", f"{key} is not in {where}.")


def open_originals(url: str, endpoint_url: str | None = None) -> Originals:
    """The store ``AZS_ORIGINALS_URL`` names: ``s3://bucket/prefix`` (at ``endpoint_url``) or a directory."""
    if url.startswith("s3://"):
        bucket, _, prefix = url[len("s3://"):].partition("/")
        if not bucket:
            raise ConfigError(f"AZS_ORIGINALS_URL: не указан бакет ({url}); пример: s3://company-azs/originals.",
                              f"No bucket in AZS_ORIGINALS_URL {url}.")
        return S3Originals(bucket, prefix, endpoint_url)
    if "://" in url:
        raise ConfigError(f"AZS_ORIGINALS_URL={url} не поддерживается: укажите каталог или s3://бакет/префикс.",
                          f"Unsupported AZS_ORIGINALS_URL {url}.")
    return DirectoryOriginals(Path(url).expanduser())
