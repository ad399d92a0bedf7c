"""Typed errors. Each carries a Russian message for the user, an English one for logs and API
clients (and English-speaking users), a Kazakh one where a Kazakh user sees it (the chat, Telegram), an
HTTP status and a CLI exit code. Front ends translate them once, at their edge, with ``message(lang)``.

Every error code also has a short summary in all three languages (``SUMMARIES``, the one table of them;
a test checks that every code, including the subclasses defined beside their services, is in it). A
raise site that wrote no Kazakh text still tells a Kazakh user in Kazakh what went wrong, followed by the
Russian detail: «Табылмады — Заявка T-1 не найдена.»"""

from __future__ import annotations

from typing import Any

# code → (ru, kk, en): what kind of failure it is and, where it helps, what to do
SUMMARIES: dict[str, tuple[str, str, str]] = {
    "error": ("Ошибка", "Қате", "Error"),
    "config_error": ("Ошибка настройки системы: сообщите администратору",
                     "Жүйе баптауында қате бар: әкімшіге хабарлаңыз", "Configuration error: tell the administrator"),
    "not_found": ("Не найдено", "Табылмады", "Not found"),
    "ocr_too_slow": ("Фото читалось слишком долго: переснимите страницу", "Фото тым ұзақ оқылды: бетті қайта түсіріңіз",
                     "The photo took too long to read: take it again"),
    "copy_mismatch": ("Копия в хранилище не совпадает с оригиналом", "Қоймадағы көшірме түпнұсқамен сәйкес келмейді",
                      "The copy in the store does not match the original"),
    "invalid_input": ("Неверные данные", "Деректер дұрыс емес", "Invalid input"),
    "conflict": ("Противоречит текущему состоянию", "Ағымдағы күйге қайшы келеді",
                 "Conflicts with the current state"),
    "document_error": ("Файл не удалось загрузить", "Файлды жүктеу мүмкін болмады", "The file could not be loaded"),
    "unsupported_format": ("Формат файла не поддерживается", "Файл пішімі қолдау көрсетілмейді",
                           "Unsupported file format"),
    "file_too_large": ("Файл слишком большой", "Файл тым үлкен", "The file is too large"),
    "empty_document": ("В файле нет текста", "Файлда мәтін жоқ", "The file has no text"),
    "corrupt_document": ("Файл повреждён", "Файл бүлінген", "The file is damaged"),
    "encrypted_document": ("Файл защищён паролем", "Файл құпиясөзбен қорғалған", "The file is password-protected"),
    "document_too_complex": ("Файл слишком сложный для разбора", "Файл талдау үшін тым күрделі",
                             "The file is too complex to parse"),
    "llm_unavailable": ("Языковая модель недоступна", "Тілдік модель қолжетімсіз", "The language model is unavailable"),
    "index_mismatch": ("Поисковый индекс построен другой моделью", "Іздеу индексі басқа модельмен құрылған",
                       "The search index was built by another model"),
    "unauthorized": ("Нужно войти в систему", "Жүйеге кіру қажет", "Sign-in required"),
    "forbidden": ("Недостаточно прав", "Рұқсатыңыз жеткіліксіз", "Not allowed"),
    "busy": ("Система занята: повторите чуть позже", "Жүйе бос емес: сәлден соң қайталаңыз",
             "The system is busy: retry shortly"),
    "database_unavailable": ("База данных недоступна: повторите через минуту",
                             "Дерекқор қолжетімсіз: бір минуттан соң қайталаңыз",
                             "The database is unavailable: retry in a minute"),
    "rate_limited": ("Слишком много запросов: подождите", "Сұраныстар тым көп: сәл күтіңіз",
                     "Too many requests: please wait"),
    "backup_error": ("Резервную копию не удалось прочитать", "Сақтық көшірмені оқу мүмкін болмады",
                     "The backup cannot be read"),
    "backup_damaged": ("Резервная копия повреждена", "Сақтық көшірме бүлінген", "The backup is damaged"),
    "backup_key_error": ("Резервную копию не удалось расшифровать", "Сақтық көшірмені шифрдан шығару мүмкін болмады",
                         "The backup cannot be decrypted"),
    "backup_failed": ("Резервное копирование не выполнено", "Сақтық көшірме жасалмады", "The backup failed"),
    "source_error": ("Внешняя база данных недоступна или ответила ошибкой",
                     "Сыртқы дерекқор қолжетімсіз немесе қатемен жауап берді",
                     "The external database is unavailable or answered with an error"),
    "report_unclear": ("Вопрос об отчёте не понят", "Есеп туралы сұрақ түсініксіз",
                       "The report question was not understood"),
    "report_not_delivered": ("Отчёт не доставлен", "Есеп жеткізілмеді", "The report was not delivered"),
    "ocr_unavailable": ("Распознавание текста недоступно: сообщите администратору",
                        "Мәтінді тану қолжетімсіз: әкімшіге хабарлаңыз",
                        "Text recognition is unavailable: tell the administrator"),
}
_LANG_INDEX = {"ru": 0, "kk": 1, "en": 2}


def summary(code: str, lang: str) -> str:
    """The short summary of an error code in ``lang`` (Russian for an unknown language, the base
    summary for an unknown code)."""
    texts = SUMMARIES.get(code, SUMMARIES["error"])
    return texts[_LANG_INDEX.get(lang, 0)]


class AzsError(Exception):
    """Base of every error meant for a user."""

    code = "error"
    http_status = 400
    exit_code = 1

    def __init__(self, message_ru: str, message_en: str | None = None, *, message_kk: str | None = None,
                 **details: Any) -> None:
        super().__init__(message_ru)
        self.message_ru = message_ru
        self.message_en = message_en or message_ru
        self.message_kk = message_kk
        self.details = details

    def message(self, lang: str) -> str:
        """The message for a user of ``lang``. Where the raise site wrote no Kazakh text, a Kazakh user
        reads the code's Kazakh summary and then the Russian detail (Russian is read better than English)."""
        if lang == "en":
            return self.message_en
        if lang == "kk":
            return self.message_kk or f"{summary(self.code, 'kk')} — {self.message_ru}"
        return self.message_ru

    def messages(self) -> dict[str, str]:
        """The message in every interface language, ``{"ru": …, "kk": …, "en": …}``."""
        return {lang: self.message(lang) for lang in ("ru", "kk", "en")}

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message_ru, "message_en": self.message_en,
                "message_kk": self.message("kk"), "details": self.details}


class ConfigError(AzsError):
    code = "config_error"
    http_status = 500
    exit_code = 78


class NotFound(AzsError):
    code = "not_found"
    http_status = 404
    exit_code = 4


class InvalidInput(AzsError):
    code = "invalid_input"
    http_status = 422
    exit_code = 2


class Conflict(AzsError):
    code = "conflict"
    http_status = 409
    exit_code = 5


class DocumentError(AzsError):
    """A file could not be ingested; ``details`` names the file and the reason."""

    code = "document_error"
    http_status = 422
    exit_code = 3


class UnsupportedFormat(DocumentError):
    code = "unsupported_format"
    http_status = 415


class FileTooLarge(DocumentError):
    code = "file_too_large"
    http_status = 413


class EmptyDocument(DocumentError):
    code = "empty_document"


class CorruptDocument(DocumentError):
    code = "corrupt_document"


class EncryptedDocument(DocumentError):
    code = "encrypted_document"


class DocumentTooComplex(CorruptDocument):
    """Parsing the file ran past a memory, CPU-time or output limit of its child process."""

    code = "document_too_complex"


class LLMUnavailable(AzsError):
    """The configured language model server failed; callers fall back to extractive answers."""

    code = "llm_unavailable"
    http_status = 503
    exit_code = 69


class IndexMismatch(AzsError):
    code = "index_mismatch"
    http_status = 409
    exit_code = 6


class Unauthorized(AzsError):
    """Nobody signed in, or a key that is unknown or revoked."""

    code = "unauthorized"
    http_status = 401
    exit_code = 77


class Forbidden(AzsError):
    """Signed in, but the role or the stations do not allow it."""

    code = "forbidden"
    http_status = 403
    exit_code = 77


class Busy(AzsError):
    """Another process held the database's write lock for too long; try again later."""

    code = "busy"
    http_status = 503
    exit_code = 75


class DatabaseUnavailable(AzsError):
    """The database did not answer (restarting, unreachable, a lock held too long): try again shortly."""

    code = "database_unavailable"
    http_status = 503
    exit_code = 75


class RateLimited(AzsError):
    """Too many requests from one address; the client should wait ``retry_after`` seconds."""

    code = "rate_limited"
    http_status = 429
    exit_code = 75


class BackupError(AzsError):
    """A backup cannot be read: damaged, tampered with, or encrypted with another key (EX_DATAERR)."""

    code = "backup_error"
    http_status = 422
    exit_code = 65


class BackupDamaged(BackupError):
    """A stored backup does not match its checksums."""

    code = "backup_damaged"


class BackupKeyError(BackupError):
    """The archive cannot be decrypted: wrong key, or a damaged or tampered file."""

    code = "backup_key_error"


class BackupFailed(AzsError):
    """The database dump or load program failed (EX_IOERR); the message carries its last lines."""

    code = "backup_failed"
    http_status = 500
    exit_code = 74
