"""One JSON error shape for every failure: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from azs_assistant.errors import AzsError

_HTTP_MESSAGES = {404: ("not_found", "Не найдено."), 405: ("method_not_allowed", "Метод не поддерживается."),
                  413: ("file_too_large", "Слишком большой запрос."), 401: ("unauthorized", "Нужна авторизация."),
                  403: ("forbidden", "Доступ запрещён.")}


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message,
                                                              "details": details or {}}})


def install(app: FastAPI) -> None:
    @app.exception_handler(AzsError)
    async def _azs(request: Request, exc: AzsError) -> Response:
        if not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", ""):
            from azs_assistant.web.views import templates  # a page, not an API call: answer with a page

            return templates.TemplateResponse(request, "message.html", {"message": exc.message_ru},
                                              status_code=exc.http_status)
        response = error_response(exc.http_status, exc.code, exc.message_ru,
                                  {**exc.details, "message_en": exc.message_en})
        if "retry_after" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in exc.errors()]
        return error_response(422, "invalid_input", "Неверный запрос: проверьте поля.", {"fields": problems})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", str(exc.detail)))
        return error_response(exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        import logging

        logging.getLogger("azs.api").exception("unhandled error")
        return error_response(500, "internal_error", "Внутренняя ошибка сервера. Попробуйте позже.")
