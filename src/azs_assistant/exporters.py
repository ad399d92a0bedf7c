"""Exporters: file formats written once (name, media type, extension) and a registry per kind of
thing exported, where each exporter registers itself under its format name.

Reports (``reports.render``) and form records (``forms.records``) each keep a registry; the API
reads media types and allowed formats from it, so adding a format is one decorated function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, ParamSpec, TypeVar

from azs_assistant.errors import InvalidInput

P = ParamSpec("P")
R = TypeVar("R", bytes, str)


@dataclass(frozen=True)
class FileFormat:
    name: str
    media_type: str
    extension: str


FORMATS: dict[str, FileFormat] = {f.name: f for f in (
    FileFormat("csv", "text/csv; charset=utf-8", "csv"),
    FileFormat("json", "application/json", "json"),
    FileFormat("xml", "application/xml", "xml"),
    FileFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    FileFormat("pdf", "application/pdf", "pdf"),
    FileFormat("png", "image/png", "png"),
    FileFormat("svg", "image/svg+xml", "svg"),
)}


class Exporters(Generic[P, R]):
    """The exporters of one kind of thing, by format name, in the order they registered."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._by_name: dict[str, Callable[P, R]] = {}

    def register(self, name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
        if name not in FORMATS:
            raise ValueError(f"no file format {name!r}: add it to exporters.FORMATS")

        def add(function: Callable[P, R]) -> Callable[P, R]:
            if name in self._by_name:
                raise ValueError(f"{self.what}: a second exporter for {name}")
            self._by_name[name] = function
            return function

        return add

    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def format(self, name: str) -> FileFormat:
        return FORMATS[name]

    def media_types(self) -> dict[str, str]:
        """Format name → media type, for the formats this registry writes."""
        return {name: FORMATS[name].media_type for name in self._by_name}

    def get(self, name: str, message_ru: str | None = None) -> Callable[P, R]:
        """The exporter for ``name``; an unknown format is the user's error, named in Russian."""
        if name not in self._by_name:
            raise InvalidInput(message_ru or f"Формат {name} не поддерживается; доступны: {', '.join(self._by_name)}.",
                               f"Unsupported format {name}.")
        return self._by_name[name]
