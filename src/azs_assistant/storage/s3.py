"""boto3's errors as the project's typed ones, for every S3 store (originals, backups)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from azs_assistant.errors import ConfigError, NotFound


def s3_client(endpoint_url: str | None = None) -> Any:
    """boto3's S3 client for every S3 store. ``endpoint_url`` (AZS_S3_ENDPOINT_URL) names an S3-compatible
    server (MinIO, Ceph); unset, boto3 finds its own (``AWS_ENDPOINT_URL``, else AWS). Credentials: the usual
    AWS chain (a role, the environment, ``AWS_SHARED_CREDENTIALS_FILE``)."""
    import boto3

    return boto3.client("s3", endpoint_url=endpoint_url or None)


@contextmanager
def s3_errors(where: str, key: str | None, *, store_ru: str, store_en: str,
              missing: Callable[[str, str], NotFound]) -> Iterator[None]:
    """Inside: a missing ``key`` becomes ``missing(key, where)``; any other failure a ConfigError that names
    the store («Хранилище {store_ru} {where} недоступно»)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        if key and code in ("404", "NoSuchKey", "NotFound"):
            raise missing(key, where) from exc
        raise ConfigError(f"Хранилище {store_ru} {where} недоступно: {exc}.",
                          f"The {store_en} store {where} failed: {exc}.") from exc
