"""One JSON error shape for every failure: ``{"error": {"code", "message", "message_kk", "message_en",
"details"}}``. ``message`` is in the caller's language: the web UI's choice when the web UI is installed
(its language cookie, the signed-in user's setting, then Accept-Language), else what Accept-Language asks
for; Russian when nothing names ru, kk or en. ``message_kk`` and ``message_en`` are always there, and
``details.message_en`` stays for the clients written before them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from azs_assistant.errors import AzsError, DatabaseUnavailable
from azs_assistant.http.schemas import ErrorResponse
from azs_assistant.http.validation import describe
from azs_assistant.i18n import pick_language

Messages = Mapping[str, str]  # {"ru": …, "kk": …, "en": …}

_HTTP_MESSAGES: dict[int, tuple[str, Messages]] = {
    400: ("bad_request", {"ru": "Тело запроса не разбирается: проверьте JSON или форму.",
                          "kk": "Сұраныс денесі оқылмады: JSON-ды немесе форманы тексеріңіз.",
                          "en": "The request body cannot be read: check the JSON or the form."}),
    404: ("not_found", {"ru": "Не найдено.", "kk": "Табылмады.", "en": "Not found."}),
    405: ("method_not_allowed", {"ru": "Метод не поддерживается.", "kk": "Бұл әдіске қолдау көрсетілмейді.",
                                 "en": "Method not allowed."}),
    413: ("file_too_large", {"ru": "Слишком большой запрос.", "kk": "Сұраныс тым үлкен.",
                             "en": "Request too large."}),
    401: ("unauthorized", {"ru": "Нужна авторизация.", "kk": "Жүйеге кіру қажет.", "en": "Sign-in required."}),
    403: ("forbidden", {"ru": "Доступ запрещён.", "kk": "Рұқсат жоқ.", "en": "Access denied."}),
}
_INTERNAL = {"ru": "Внутренняя ошибка сервера. Попробуйте позже.",
             "kk": "Сервердің ішкі қатесі. Кейінірек қайталап көріңіз.",
             "en": "Internal server error. Please try again later."}


_DESCRIPTIONS = {
    400: "Тело запроса не разбирается (не JSON или испорченная форма)",
    401: "Нет ключа API или сеанса, или ключ неверен",
    403: "Роли не хватает прав (или форма без CSRF-токена)",
    404: "Не найдено",
    409: "Противоречит текущему состоянию (например, статус уже такой)",
    413: "Запрос или файл слишком большой",
    415: "Формат файла не поддерживается",
    422: "Неверный запрос: поля не прошли проверку",
    429: "Слишком много запросов: повторите через Retry-After секунд",
    502: "Внешняя база данных недоступна или ответила ошибкой",
    503: "Сервис занят или языковая модель недоступна: повторите позже",
}
AUTHENTICATED = (401, 403, 422, 429)  # what any route behind an API key or session can answer


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for the error statuses a route can answer with, all in the one error shape
    (so the OpenAPI document lists every status a client can get)."""
    return {status: {"model": ErrorResponse, "description": _DESCRIPTIONS[status]} for status in statuses}


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """The methods the requested path answers to, for the ``Allow`` header of a 405 (RFC 9110): each
    method is tried against the routes, as routers nest (a route's own list names only its methods)."""
    routes = request.app.router.routes
    return ", ".join(method for method in _METHODS
                     if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes))


def caller_language(request: Request) -> str:
    """The language a caller reads, by the error messages' rule (``install``): the web UI's choice for
    its own calls, else Accept-Language; Russian when nothing names ru, kk or en."""
    pick = getattr(request.app.state, "caller_language", None)
    return pick(request) if pick is not None else client_language(request.headers)  # type: ignore[no-any-return]


def client_language(headers: Mapping[str, str]) -> str:
    """The language an API client asked for in Accept-Language; Russian when it named none of ours."""
    return pick_language(None, headers.get("accept-language"))


def error_response(status: int, code: str, messages: Messages, details: dict[str, Any] | None = None,
                   lang: str = "ru") -> JSONResponse:
    """The one error body: ``message`` in ``lang``, the Kazakh and English texts beside it."""
    return JSONResponse(status_code=status, content={"error": {
        "code": code, "message": messages.get(lang, messages["ru"]), "message_kk": messages["kk"],
        "message_en": messages["en"], "details": details or {}}})


PageRenderer = Callable[[Request, str, int], Response]
PageLanguage = Callable[[Request], str]


def install(app: FastAPI, page: PageRenderer | None = None, page_language: PageLanguage | None = None) -> None:
    """The error handlers. ``page`` renders a message as a web page (the web UI passes its own), for a
    browser that opened a page rather than called the API; ``page_language`` says which language that
    page is in (the web UI's choice: ``?lang=``, cookie, user, browser), also used for the JSON errors
    of the pages' own API calls."""

    def language(request: Request) -> str:
        return page_language(request) if page_language is not None else client_language(request.headers)

    app.state.caller_language = language  # the same rule for the texts of a successful answer (deps.Language)

    def wants_page(request: Request) -> bool:
        """A browser that opened a page (it accepts HTML) outside the API gets a page, anyone else JSON."""
        return page is not None and not request.url.path.startswith("/api/") \
            and "text/html" in request.headers.get("accept", "")

    @app.exception_handler(AzsError)
    async def _azs(request: Request, exc: AzsError) -> Response:
        if page is not None and wants_page(request):
            return await run_in_threadpool(page, request, exc.message(language(request)), exc.http_status)
        response = error_response(exc.http_status, exc.code, exc.messages(),
                                  {**exc.details, "message_en": exc.message_en}, language(request))
        if "retry_after" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        """The database restarting or away: 503 with a Russian message and Retry-After, not a 500; the
        engine's pre-ping reconnects on a later request, so the app recovers without a restart."""
        if not (isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated):
            return await _unexpected(request, exc)
        import logging

        logging.getLogger("azs.api").warning("база данных недоступна: %s", str(exc.orig or exc).splitlines()[0])
        unavailable = DatabaseUnavailable("База данных временно недоступна. Повторите через минуту.",
                                          "The database is unavailable; retry shortly.",
                                          message_kk="Дерекқор уақытша қолжетімсіз. Бір минуттан соң қайталаңыз.",
                                          retry_after=5)
        return await _azs(request, unavailable)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = language(request)
        messages, fields = describe(exc.errors(), lang)
        return error_response(422, "invalid_input", messages, {"fields": fields}, lang)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        code, messages = _HTTP_MESSAGES.get(exc.status_code, ("http_error", {"ru": detail, "kk": detail, "en": detail}))
        if page is not None and wants_page(request):  # (the page may read the session: off the event loop)
            response = await run_in_threadpool(page, request, "", exc.status_code)
        else:
            response = error_response(exc.status_code, code, messages, lang=language(request))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:  # Starlette names only the first route's methods; a path may have several
            response.headers["Allow"] = allowed_methods(request)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        import logging

        logging.getLogger("azs.api").exception("unhandled error")
        if page is not None and wants_page(request):
            return await run_in_threadpool(page, request, "", 500)
        return error_response(500, "internal_error", _INTERNAL, lang=language(request))
