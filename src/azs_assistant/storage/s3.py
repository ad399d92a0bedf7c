"""boto3's errors as the project's typed ones, for every S3 store (originals, backups)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from azs_assistant.errors import ConfigError, NotFound


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
