"""Secret providers: a setting may hold a literal value or a reference ``env:NAME``, ``file:/path``
or ``aws:SECRET_ID`` / ``aws:SECRET_ID#json_key`` (AWS Secrets Manager; the region and credentials
come from the usual AWS environment: ``AWS_REGION``, an instance role, ``~/.aws``).

References keep credentials out of config files; the provider is chosen by the prefix.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from azs_assistant.errors import ConfigError

_PROVIDERS: dict[str, Callable[[str], str]] = {}


def provider(prefix: str) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """Register a secret provider for references that start with ``prefix:``."""

    def register(func: Callable[[str], str]) -> Callable[[str], str]:
        _PROVIDERS[prefix] = func
        return func

    return register


@provider("env")
def _from_env(name: str) -> str:
    value = os.environ.get(name)
    if value is None:
        raise ConfigError(f"Секрет не найден: переменная окружения {name} не задана.",
                          f"Secret not found: environment variable {name} is not set.")
    return value


@provider("file")
def _from_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"Секрет не прочитан из файла {path}: {exc.strerror}.",
                          f"Cannot read secret file {path}: {exc.strerror}.") from exc


@provider("aws")
def _from_aws(reference: str) -> str:
    """A secret from AWS Secrets Manager; ``#key`` picks one field of a JSON secret (the usual shape
    of database credentials there: ``{"username": …, "password": …}``)."""
    import json

    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    secret_id, _, key = reference.partition("#")
    try:
        value = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    except (BotoCoreError, ClientError) as exc:
        raise ConfigError(f"Секрет {secret_id} не получен из AWS Secrets Manager: {exc}.",
                          f"Cannot read {secret_id} from AWS Secrets Manager: {exc}.") from exc
    if not key:
        return str(value)
    try:
        return str(json.loads(value)[key])
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"В секрете {secret_id} нет поля {key}.", f"Secret {secret_id} has no key {key}.") from exc


def is_reference(value: str) -> bool:
    """Whether the value names a secret (``env:…``, ``file:…``, ``aws:…``) rather than holding one."""
    prefix, sep, _ = value.partition(":")
    return bool(sep) and prefix in _PROVIDERS


def resolve_secret(value: str | None) -> str | None:
    """Return the secret a setting refers to (or the literal value itself)."""
    if value is None or not is_reference(value):
        return value
    prefix, _, rest = value.partition(":")
    return _PROVIDERS[prefix](rest)
