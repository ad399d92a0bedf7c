"""Which language a short text is in: enough to answer in it (ru, kk or en)."""

from __future__ import annotations

import re

_KAZAKH = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
NAMES = {"ru": "русский", "kk": "казахский", "en": "английский"}


def detect_language(text: str) -> str:
    if _KAZAKH.search(text):
        return "kk"
    latin, cyrillic = len(_LATIN.findall(text)), len(_CYRILLIC.findall(text))
    return "en" if latin > cyrillic else "ru"
