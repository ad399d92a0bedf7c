"""Message catalogues in Russian, Kazakh and English: one kind of place for every user-facing text.

A package keeps its texts in ``<package>/i18n/ru.yaml``, ``kk.yaml`` and ``en.yaml`` (flat ``key: text``
maps with ``{placeholders}``), and a part of it may add a folder with its own three (``web/i18n/desk/``).
The three files of one place hold the same keys (a test checks it); a key missing in kk or en falls back
to Russian, so a forgotten translation shows Russian rather than an error.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.abc import Traversable

import yaml

LANGUAGES = ("ru", "kk", "en")


def check_language(lang: str) -> None:
    """Refuse, naming the choices, a language the texts are not written in (``--lang de``)."""
    from azs_assistant.errors import InvalidInput

    if lang not in LANGUAGES:
        raise InvalidInput(f"Язык «{lang}» не поддерживается: ru, kk или en.",
                           f"Language {lang!r} is not supported: ru, kk or en.",
                           message_kk=f"«{lang}» тілі қолдау таппайды: ru, kk немесе en.", field="lang")


def folders(package: str) -> list[Traversable]:
    """The package's ``i18n`` folder and its parts' folders, in the order they are read."""
    root = resources.files(package).joinpath("i18n")
    return [root] + sorted((part for part in root.iterdir() if part.is_dir()), key=lambda f: f.name)


def read(folder: Traversable, lang: str) -> dict[str, str]:
    """One file of a catalogue as ``key: text`` (empty when the file is not there)."""
    file = folder.joinpath(f"{lang}.yaml")
    if not file.is_file():
        return {}
    return {str(k): str(v) for k, v in (yaml.safe_load(file.read_text("utf-8")) or {}).items()}


@cache
def catalogue(package: str, lang: str) -> dict[str, str]:
    """Every text of a package in one language, Russian where a translation is missing."""
    def load(code: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for folder in folders(package):
            out.update(read(folder, code))
        return out

    base = load("ru")
    return base if lang == "ru" or lang not in LANGUAGES else {**base, **load(lang)}


def text(package: str, key: str, lang: str = "ru", **params: object) -> str:
    """One text of a package's catalogue, its ``{placeholders}`` filled."""
    template = catalogue(package, lang)[key]
    return template.format(**params) if params else template


def pick_language(value: str | None, accept: str | None = None) -> str:
    """``value`` if it is an interface language, else the first one an Accept-Language header names
    (``kz`` read as Kazakh), else Russian."""
    if value in LANGUAGES:
        return value  # type: ignore[return-value]
    for part in (accept or "").lower().split(","):
        code = part.split(";")[0].strip()[:2]
        if code in LANGUAGES:
            return code
        if code == "kz":
            return "kk"
    return "ru"
