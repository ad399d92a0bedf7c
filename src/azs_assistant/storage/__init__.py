"""Storage: SQLAlchemy models and the database handle (SQLite, PostgreSQL, Oracle)."""

from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Base, Chunk, Document, FormRecord, IndexState, JargonTerm

__all__ = ["Base", "Chunk", "Database", "Document", "FormRecord", "IndexState", "JargonTerm"]
