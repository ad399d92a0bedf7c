"""Typed errors. Each carries a Russian message for the user, an English one for logs and API
clients (and English-speaking users), a Kazakh one where a Kazakh user sees it (the chat, Telegram), an
HTTP status and a CLI exit code. Front ends translate them once, at their edge, with ``message(lang)``."""

from __future__ import annotations

from typing import Any


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
        """The message for a user of ``lang``; a Kazakh user reads Russian where no Kazakh text was written."""
        if lang == "en":
            return self.message_en
        if lang == "kk" and self.message_kk:
            return self.message_kk
        return self.message_ru

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message_ru, "message_en": self.message_en,
                "details": self.details}


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
