"""Message catalogues of the web UI (``i18n/ru.yaml``, ``kk.yaml``, ``en.yaml``, and a folder per part
of the UI with its own three, such as ``i18n/desk/``) and the choice of
language: ``?lang=`` on a page (remembered in a cookie), the cookie, the signed-in user's language,
the browser's Accept-Language, else Russian. A key missing in kk or en falls back to Russian."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("ru", "kk", "en")
COOKIE = "azs_lang"


@cache
def texts(lang: str) -> dict[str, str]:
    def load(code: str) -> dict[str, str]:
        folder = resources.files("azs_assistant.web").joinpath("i18n")
        files = [folder.joinpath(f"{code}.yaml")]  # then each part's own catalogue, e.g. i18n/desk/kk.yaml
        files += sorted((part.joinpath(f"{code}.yaml") for part in folder.iterdir() if part.is_dir()),
                        key=lambda f: f.name)
        out: dict[str, str] = {}
        for file in files:
            if file.is_file():
                out.update({str(k): str(v) for k, v in (yaml.safe_load(file.read_text("utf-8")) or {}).items()})
        return out

    base = load("ru")
    return base if lang == "ru" or lang not in LANGUAGES else {**base, **load(lang)}


def pick_language(value: str | None, accept: str | None = None) -> str:
    if value in LANGUAGES:
        return value  # type: ignore[return-value]
    for part in (accept or "").lower().split(","):
        code = part.split(";")[0].strip()[:2]
        if code in LANGUAGES:
            return code
        if code == "kz":
            return "kk"
    return "ru"


def request_language(request: Any) -> str:
    chosen = getattr(request.state, "lang", None)
    if chosen in LANGUAGES:
        return chosen  # type: ignore[no-any-return]
    query = request.query_params.get("lang")
    if query in LANGUAGES:
        return query  # type: ignore[no-any-return]
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return cookie  # type: ignore[no-any-return]
    principal = getattr(request.state, "principal", None)
    if principal is not None and principal.language in LANGUAGES and principal.language != "ru":
        return principal.language  # type: ignore[no-any-return]
    return pick_language(None, request.headers.get("accept-language"))


def context(request: Any) -> dict[str, Any]:
    """Template context: the language, its texts and the signed-in principal."""
    lang = request_language(request)
    return {"lang": lang, "t": texts(lang), "me": getattr(request.state, "principal", None)}
