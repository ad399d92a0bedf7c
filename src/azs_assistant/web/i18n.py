"""Message catalogues of the web UI (``i18n/ru.yaml``, ``kk.yaml``, ``en.yaml``, and a folder per part
of the UI with its own three, such as ``i18n/desk/``) and the choice of
language: ``?lang=`` on a page (remembered in a cookie), the cookie, the signed-in user's language,
the browser's Accept-Language, else Russian. A key missing in kk or en falls back to Russian."""

from __future__ import annotations

from typing import Any

from azs_assistant.i18n import LANGUAGES, catalogue, pick_language

__all__ = ["COOKIE", "LANGUAGES", "context", "pick_language", "request_language", "texts"]
COOKIE = "azs_lang"


def texts(lang: str) -> dict[str, str]:
    """The web UI's texts in a language (``azs_assistant.i18n`` reads the catalogues)."""
    return catalogue("azs_assistant.web", lang)


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
