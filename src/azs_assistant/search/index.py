"""The in-memory search index, built from the chunks stored in the database.

Lexical part: BM25 over lemmas (body plus a half-weighted title/section field) as a sparse
matrix, so a query is a few column slices. Dense part: a float32 matrix of normalised embeddings,
so a query is one matrix-vector product. Scores are fused after min-max normalisation over the
union of both candidate lists. Every process builds its own copy and refreshes it when the
database's index generation moves, so any number of API processes serve the same data.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sqlalchemy import select

from azs_assistant.search.embeddings import Embedder
from azs_assistant.search.query import AnalyzedQuery, Vocabulary
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Chunk, Document

K1 = 1.2
B = 0.75
CONTEXT_WEIGHT = 0.5
LEXICAL_WEIGHT = 0.55
CANDIDATES = 60


@dataclass(slots=True)
class Hit:
    chunk_id: int
    document_id: int
    score: float
    lexical: float
    dense: float


class _Snapshot:
    def __init__(self, chunk_ids: np.ndarray, doc_ids: np.ndarray, matrix: sparse.csc_matrix,
                 vocab: dict[str, int], idf: np.ndarray, dense: np.ndarray | None,
                 vocabulary: Vocabulary) -> None:
        self.chunk_ids = chunk_ids
        self.doc_ids = doc_ids
        self.matrix = matrix
        self.vocab = vocab
        self.idf = idf
        self.dense = dense
        self.vocabulary = vocabulary


class SearchIndex:
    """Hybrid lexical + dense retrieval over the database's chunks."""

    def __init__(self, db: Database, embedder: Embedder | None) -> None:
        self.db = db
        self.embedder = embedder
        self._lock = threading.Lock()
        self._snap: _Snapshot | None = None
        self._generation = -1

    # -- building -------------------------------------------------------------------------
    def refresh(self, force: bool = False, generation: int | None = None) -> None:
        """Rebuild when the stored data changed since the last build (``generation``: the caller
        already read it, so one question costs one freshness query)."""
        if generation is None:
            generation, _ = self.db.generations()
        if not force and generation == self._generation and self._snap is not None:
            return
        with self._lock:
            if force or generation != self._generation or self._snap is None:
                self._snap = self._build()
                self._generation = generation

    def _build(self) -> _Snapshot:
        with self.db.session() as s:
            rows = s.execute(select(Chunk.id, Chunk.document_id, Chunk.lemmas, Chunk.context_lemmas,
                                    Chunk.embedding).order_by(Chunk.id)).all()
        n = len(rows)
        vocab: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        lengths = np.zeros(n, dtype=np.float32)
        for i, row in enumerate(rows):
            counts: dict[int, float] = {}
            body = row.lemmas.split()
            for lemma in body:
                col = vocab.setdefault(lemma, len(vocab))
                counts[col] = counts.get(col, 0.0) + 1.0
            for lemma in row.context_lemmas.split():  # repeated lemmas (the passage's heading) count twice
                col = vocab.setdefault(lemma, len(vocab))
                counts[col] = counts.get(col, 0.0) + CONTEXT_WEIGHT
            lengths[i] = len(body) + CONTEXT_WEIGHT * len(row.context_lemmas.split())
            indices.extend(counts.keys())
            data.extend(counts.values())
            indptr.append(len(indices))
        tf = sparse.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                                np.asarray(indptr, dtype=np.int64)), shape=(n, max(len(vocab), 1)))
        df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg = float(lengths.mean()) if n else 1.0
        norm = K1 * (1 - B + B * lengths / max(avg, 1e-6))
        row_of = np.repeat(np.arange(n), np.diff(tf.indptr))
        weights = tf.data * (K1 + 1) / (tf.data + norm[row_of]) * idf[tf.indices]
        matrix = sparse.csr_matrix((weights.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape).tocsc()
        dense = None
        if self.embedder is not None and n:
            vecs = [np.frombuffer(r.embedding, dtype=np.float32) if r.embedding else None for r in rows]
            if all(v is not None and v.shape[0] == self.embedder.dim for v in vecs):
                dense = np.vstack(vecs)  # type: ignore[arg-type]
        inv = {lemma: int(df[col]) for lemma, col in vocab.items()}
        return _Snapshot(np.asarray([r.id for r in rows], dtype=np.int64),
                         np.asarray([r.document_id for r in rows], dtype=np.int64),
                         matrix, vocab, idf, dense, Vocabulary(inv))

    # -- querying -------------------------------------------------------------------------
    @property
    def vocabulary(self) -> Vocabulary | None:
        self.refresh()
        return self.vocabulary_now()

    def vocabulary_now(self) -> Vocabulary | None:
        """The vocabulary of the current build, without checking for newer data."""
        return self._snap.vocabulary if self._snap else None

    def idf(self, lemma: str) -> float:
        """Inverse document frequency of a lemma; unseen lemmas get the rarest value."""
        snap = self._snap
        if snap is None or not len(snap.chunk_ids):
            return 0.0
        col = snap.vocab.get(lemma)
        if col is None:
            return float(np.log(1.0 + (len(snap.chunk_ids) + 0.5) / 0.5))
        return float(snap.idf[col])

    def knows(self, lemma: str) -> bool:
        """Whether any stored passage uses the lemma."""
        return self._snap is not None and lemma in self._snap.vocab

    def size(self) -> int:
        self.refresh()
        return 0 if self._snap is None else len(self._snap.chunk_ids)

    def search(self, query: AnalyzedQuery, k: int = 10, query_vector: np.ndarray | None = None,
               refresh: bool = True) -> list[Hit]:
        """Top-k chunks for the analysed query, best first (``refresh=False``: the caller just did)."""
        if refresh:
            self.refresh()
        snap = self._snap
        if snap is None or not len(snap.chunk_ids):
            return []
        lex = self._lexical(snap, query)
        dense = None
        if snap.dense is not None and self.embedder is not None:
            qv = query_vector if query_vector is not None else self.embedder.query(query.dense_text)
            dense = snap.dense @ qv
        return _fuse(snap, lex, dense, k)

    @staticmethod
    def _lexical(snap: _Snapshot, query: AnalyzedQuery) -> np.ndarray:
        cols = [(snap.vocab[t], w) for t, w in query.terms.items() if t in snap.vocab]
        if not cols:
            return np.zeros(len(snap.chunk_ids), dtype=np.float32)
        sub = snap.matrix[:, [c for c, _ in cols]]
        return np.asarray(sub @ np.asarray([w for _, w in cols], dtype=np.float32)).ravel()

    def chunk_ids_of(self, hits: list[Hit]) -> list[int]:
        return [h.chunk_id for h in hits]


def _fuse(snap: _Snapshot, lex: np.ndarray, dense: np.ndarray | None, k: int) -> list[Hit]:
    n = len(lex)
    take = min(CANDIDATES, n)
    cand = set(np.argpartition(-lex, take - 1)[:take].tolist()) if lex.any() else set()
    if dense is not None:
        cand |= set(np.argpartition(-dense, take - 1)[:take].tolist())
    idx = np.fromiter(cand, dtype=np.int64)
    if not len(idx):
        return []
    lex_c = lex[idx]
    lmax = float(lex_c.max())
    lex_n = lex_c / lmax if lmax > 0 else np.zeros_like(lex_c)
    if dense is not None:
        d_c = dense[idx]
        dmin, dmax = float(d_c.min()), float(d_c.max())
        dense_n = (d_c - dmin) / (dmax - dmin) if dmax > dmin else np.zeros_like(d_c)
        score = LEXICAL_WEIGHT * lex_n + (1 - LEXICAL_WEIGHT) * dense_n
    else:
        d_c = np.zeros_like(lex_c)
        score = lex_n
    order = np.argsort(-score)[:k]
    return [Hit(int(snap.chunk_ids[idx[i]]), int(snap.doc_ids[idx[i]]), float(score[i]), float(lex_c[i]),
                float(d_c[i])) for i in order]


def load_chunks(db: Database, ids: list[int]) -> dict[int, tuple[Chunk, Document]]:
    """Chunks with their documents, for display and answering."""
    if not ids:
        return {}
    with db.session() as s:
        rows = s.execute(select(Chunk, Document).join(Document, Chunk.document_id == Document.id)
                         .where(Chunk.id.in_(ids))).all()
        return {c.id: (c, d) for c, d in rows}
