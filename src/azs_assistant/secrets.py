"""Secret providers: a setting may hold a literal value or a reference ``env:NAME`` / ``file:/path``.

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


def resolve_secret(value: str | None) -> str | None:
    """Return the secret a setting refers to (or the literal value itself)."""
    if value is None:
        return None
    prefix, sep, rest = value.partition(":")
    if sep and prefix in _PROVIDERS:
        return _PROVIDERS[prefix](rest)
    return value
