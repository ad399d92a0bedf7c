"""Recompute every chunk's lemmas and embedding with the configured model (after a model change)."""

from __future__ import annotations

from sqlalchemy import select

from azs_assistant.documents.chunking import Passage
from azs_assistant.documents.pipeline import EMBED_BATCH, embedding_text
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.search.embeddings import Embedder
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Chunk, Document, IndexState


def reindex_all(db: Database, analyzer: Analyzer, embedder: Embedder | None) -> int:
    """Rewrites chunk vectors document by document; each document in its own transaction."""
    count = 0
    with db.session() as s:
        doc_ids = list(s.scalars(select(Document.id)))
    for doc_id in doc_ids:
        with db.session() as s:
            doc = s.get(Document, doc_id)
            chunks = list(s.scalars(select(Chunk).where(Chunk.document_id == doc_id).order_by(Chunk.ordinal)))
            for c in chunks:
                c.lemmas = " ".join(analyzer.lemmas(c.text))
            if embedder is not None and chunks and doc is not None:
                texts = [embedding_text(doc.title, Passage(c.kind, c.text, c.section, c.page)) for c in chunks]
                for i in range(0, len(texts), EMBED_BATCH):
                    vecs = embedder.passages(texts[i:i + EMBED_BATCH])
                    for c, v in zip(chunks[i:i + EMBED_BATCH], vecs, strict=True):
                        c.embedding = v.tobytes()
            count += len(chunks)
            Database.bump(s, index=True, documents=[doc_id])
    with db.session() as s:
        state = s.get(IndexState, 1)
        if state is not None:
            state.embedding_model = embedder.name if embedder else None
    return count
