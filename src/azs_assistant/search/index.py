"""The in-memory search index, built from the chunks stored in the database.

Lexical part: BM25 over lemmas (body plus a half-weighted title/section field) as a sparse
matrix, so a query is a few column slices. Dense part: a float32 matrix of normalised embeddings,
so a query is one matrix-vector product. Scores are fused after min-max normalisation over the
union of both candidate lists. Every process builds its own copy and refreshes it when the
database's index generation moves, so any number of API processes serve the same data.

A refresh is incremental: the database records which document each generation was about
(``index_changes``), so a process drops the rows of the documents changed since its build and appends
their current chunks, then recomputes the BM25 weights from the kept term counts (vectorised: idf and the
average length change with every document) instead of reading and re-counting every passage. Dropped rows
stay as empty tombstones until they pass a tenth of the rows, so the dense matrix (150 MB at 100,000
passages) is not copied for each change. It rebuilds from scratch at start, when the record cannot tell
(pruned, or a change of everything), and when many documents changed at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sqlalchemy import Row, select

from azs_assistant.search.embeddings import Embedder
from azs_assistant.search.query import AnalyzedQuery, Vocabulary
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Chunk, Document

K1 = 1.2
B = 0.75
CONTEXT_WEIGHT = 0.5
LEXICAL_WEIGHT = 0.55
CANDIDATES = 60
# Above this many changed documents (or a fifth of them all) a refresh rebuilds instead of updating.
INCREMENTAL_MAX_DOCS = 50


@dataclass(slots=True)
class Hit:
    chunk_id: int
    document_id: int
    score: float
    lexical: float
    dense: float


class _Snapshot:
    """One build: the BM25 matrix and what it was computed from (term counts per passage, lengths), so a
    refresh can drop and add passages without recounting the rest. Rows of removed passages may stay as
    empty tombstones (``live`` false, chunk id -1) until a compaction, so removing one document copies no
    vectors."""

    def __init__(self, chunk_ids: np.ndarray, doc_ids: np.ndarray, tf: sparse.csr_matrix, lengths: np.ndarray,
                 vocab: dict[str, int], dense_buf: np.ndarray | None, live: np.ndarray | None = None) -> None:
        n = len(chunk_ids)
        self.chunk_ids, self.doc_ids, self.tf, self.lengths, self.vocab = chunk_ids, doc_ids, tf, lengths, vocab
        self.live = np.ones(n, dtype=bool) if live is None else live
        self.n_live = int(self.live.sum())
        # the vectors live in a buffer with room to grow; this build sees its first n rows only
        self.dense_buf = dense_buf
        self.dense = dense_buf[:n] if dense_buf is not None else None
        self.documents = len(np.unique(doc_ids[self.live]))
        self.df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float32)
        self.idf = np.log(1.0 + (self.n_live - self.df + 0.5) / (self.df + 0.5)).astype(np.float32)
        avg = float(lengths[self.live].mean()) if self.n_live else 1.0
        norm = K1 * (1 - B + B * lengths / max(avg, 1e-6))
        row_of = np.repeat(np.arange(n), np.diff(tf.indptr))
        weights = tf.data * (K1 + 1) / (tf.data + norm[row_of]) * self.idf[tf.indices]
        self.matrix = sparse.csr_matrix((weights.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape).tocsc()
        # lemmas no passage uses any more (their document was replaced) keep a column, with no count
        counts = self.df.astype(np.int64).tolist()
        self.vocabulary = Vocabulary({lemma: counts[col] for lemma, col in vocab.items() if counts[col]})
        self._members: tuple[dict[int, int], sparse.csr_matrix] | None = None
        self._doc_terms: sparse.csc_matrix | None = None
        self._doc_vectors: np.ndarray | None = None

    def members(self) -> tuple[dict[int, int], sparse.csr_matrix]:
        """Document id → row, and a document × passage matrix of ones (live passages only), built on first use."""
        if self._members is None:
            docs = np.unique(self.doc_ids[self.live])
            keep = np.flatnonzero(self.live)
            matrix = sparse.csr_matrix((np.ones(len(keep), dtype=np.float32),
                                        (np.searchsorted(docs, self.doc_ids[keep]), keep)),
                                       shape=(len(docs), len(self.doc_ids)))
            self._members = ({int(d): i for i, d in enumerate(docs.tolist())}, matrix)
        return self._members

    def doc_terms(self) -> tuple[dict[int, int], sparse.csc_matrix]:
        """Which lemmas each document uses anywhere (a document × lemma matrix, built on first use)."""
        row_of, members = self.members()
        if self._doc_terms is None:
            self._doc_terms = (members @ self.tf).tocsc()
        return row_of, self._doc_terms

    def doc_vectors(self) -> tuple[dict[int, int], np.ndarray] | None:
        """Each document's mean passage vector, normalised (what the document is about as a whole)."""
        if self.dense is None:
            return None
        row_of, members = self.members()
        if self._doc_vectors is None:
            sums = np.asarray(members @ self.dense, dtype=np.float32)
            sums /= np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
            self._doc_vectors = sums
        return row_of, self._doc_vectors


_ROW = (Chunk.id, Chunk.document_id, Chunk.lemmas, Chunk.context_lemmas, Chunk.embedding)


def _term_counts(rows: list[Row], vocab: dict[str, int]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Term counts per passage (its heading's lemmas at half weight) and its length; ``vocab`` grows."""
    indptr, indices, data = [0], list[int](), list[float]()
    lengths = np.zeros(len(rows), dtype=np.float32)
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
                            np.asarray(indptr, dtype=np.int64)), shape=(len(rows), max(len(vocab), 1)))
    return tf, lengths


def _dense_after(snap: _Snapshot | None, keep: np.ndarray, vectors: np.ndarray | None) -> np.ndarray | None:
    """The kept rows of ``snap``'s vectors and then ``vectors``, in a buffer with room to grow. Adding a
    document writes into the free tail of the current buffer and copies nothing (the current build only
    sees the rows before it); removing rows copies the kept ones once."""
    if vectors is None:
        return None
    old = snap.dense if snap is not None else None
    n, k, m = len(keep), int(keep.sum()), len(vectors)
    buf = snap.dense_buf if snap is not None else None
    if buf is not None and k == n and buf.shape[0] >= n + m:
        buf[n:n + m] = vectors
        return buf
    out = np.empty((int((k + m) * 1.1) + 64, vectors.shape[1]), dtype=np.float32)
    if old is not None and k:
        np.compress(keep, old, axis=0, out=out[:k])
    out[k:k + m] = vectors
    return out


def _emptied(tf: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """``tf`` with the counts of ``rows`` dropped (their rows left empty: tombstones)."""
    if not rows.any():
        return tf
    kept = ~np.repeat(rows, np.diff(tf.indptr))
    indptr = np.concatenate([[0], np.cumsum(np.diff(tf.indptr) * ~rows)]).astype(np.int64)
    return sparse.csr_matrix((tf.data[kept], tf.indices[kept], indptr), shape=tf.shape)


def _stack(old: sparse.csr_matrix, added: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    """The two count matrices one above the other, as wide as the grown vocabulary."""
    old = sparse.csr_matrix((old.data, old.indices, old.indptr), shape=(old.shape[0], width))
    added = sparse.csr_matrix((added.data, added.indices, added.indptr), shape=(added.shape[0], width))
    return sparse.vstack([old, added], format="csr", dtype=np.float32)


class SearchIndex:
    """Hybrid lexical + dense retrieval over the database's chunks."""

    def __init__(self, db: Database, embedder: Embedder | None) -> None:
        self.db = db
        self.embedder = embedder
        self._lock = threading.Lock()
        self._snap: _Snapshot | None = None
        self._generation = -1
        self.rebuilds = self.updates = 0  # how the index was kept fresh (tests and benchmarks read them)

    # -- building -------------------------------------------------------------------------
    def refresh(self, force: bool = False, generation: int | None = None) -> None:
        """Bring the index to the stored data when it changed since the last build (``generation``: the
        caller already read it, so one question costs one freshness query): in place when the database can
        say which documents changed, else rebuilt."""
        if generation is None:
            generation, _ = self.db.generations()
        if not force and generation == self._generation and self._snap is not None:
            return
        with self._lock:
            if not force and generation == self._generation and self._snap is not None:
                return
            snap, changed = self._snap, None
            if not force and snap is not None and generation > self._generation >= 0:
                changed = self.db.index_changes(self._generation, generation)
            if snap is not None and changed is not None and \
                    len(changed) <= max(INCREMENTAL_MAX_DOCS, snap.documents // 5):
                updated = self._update(snap, changed)
            else:
                updated = None
            if updated is not None:
                self._snap, self.updates = updated, self.updates + 1
            else:
                self._snap, self.rebuilds = self._build(), self.rebuilds + 1
            self._generation = generation

    def _build(self) -> _Snapshot:
        with self.db.session() as s:
            rows = list(s.execute(select(*_ROW).order_by(Chunk.id)).all())
        vocab: dict[str, int] = {}
        tf, lengths = _term_counts(rows, vocab)
        dense = self._dense(rows)
        return _Snapshot(np.asarray([r.id for r in rows], dtype=np.int64),
                         np.asarray([r.document_id for r in rows], dtype=np.int64),
                         tf, lengths, vocab, _dense_after(None, np.zeros(0, dtype=bool), dense))

    def _update(self, snap: _Snapshot, documents: set[int]) -> _Snapshot | None:
        """The snapshot without the passages of ``documents``, plus their current passages (none: deleted).
        None when the dense part cannot be carried over (vectors missing or of another size): rebuild."""
        with self.db.session() as s:
            rows = list(s.execute(select(*_ROW).where(Chunk.document_id.in_(documents)).order_by(Chunk.id)).all())
        removed = np.isin(snap.doc_ids, np.fromiter(documents, dtype=np.int64, count=len(documents)))
        live = snap.live & ~removed
        # compact when tombstones would pass a tenth of the rows (one copy of the kept vectors), else keep them
        keep = live if (len(live) - int(live.sum())) > len(live) // 10 or snap.dense is None \
            else np.ones(len(live), dtype=bool)
        vocab = dict(snap.vocab)
        added, added_lengths = _term_counts(rows, vocab)
        dense = None
        if self.embedder is not None:
            vectors = self._dense(rows) if rows else np.zeros((0, self.embedder.dim), dtype=np.float32)
            if vectors is None or (snap.dense is None and live.any()):
                return None
            dense = _dense_after(snap, keep, vectors)
        new_ids = np.asarray([r.id for r in rows], dtype=np.int64)
        new_docs = np.asarray([r.document_id for r in rows], dtype=np.int64)
        return _Snapshot(np.concatenate([np.where(live, snap.chunk_ids, -1)[keep], new_ids]),
                         np.concatenate([np.where(live, snap.doc_ids, -1)[keep], new_docs]),
                         _stack(_emptied(snap.tf, ~live)[keep], added, max(len(vocab), 1)),
                         np.concatenate([np.where(live, snap.lengths, 0)[keep], added_lengths]), vocab, dense,
                         np.concatenate([live[keep], np.ones(len(rows), dtype=bool)]))

    def _dense(self, rows: list[Row]) -> np.ndarray | None:
        """The passages' vectors as one matrix, or None when any is missing or of another size."""
        if self.embedder is None or not rows:
            return None
        vecs = [np.frombuffer(r.embedding, dtype=np.float32) if r.embedding else None for r in rows]
        if all(v is not None and v.shape[0] == self.embedder.dim for v in vecs):
            return np.vstack(vecs)  # type: ignore[arg-type]
        return None

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
        if snap is None or not snap.n_live:
            return 0.0
        col = snap.vocab.get(lemma)
        if col is None:
            return float(np.log(1.0 + (snap.n_live + 0.5) / 0.5))
        return float(snap.idf[col])

    def knows(self, lemma: str) -> bool:
        """Whether any stored passage uses the lemma."""
        snap = self._snap
        col = snap.vocab.get(lemma) if snap is not None else None
        return snap is not None and col is not None and bool(snap.df[col])

    def size(self) -> int:
        self.refresh()
        return 0 if self._snap is None else self._snap.n_live

    def search(self, query: AnalyzedQuery, k: int = 10, query_vector: np.ndarray | None = None,
               refresh: bool = True) -> list[Hit]:
        """Top-k chunks for the analysed query, best first (``refresh=False``: the caller just did)."""
        if refresh:
            self.refresh()
        snap = self._snap
        if snap is None or not snap.n_live:
            return []
        lex = self._lexical(snap, query)
        dense = None
        if snap.dense is not None and self.embedder is not None:
            qv = query_vector if query_vector is not None else self.embedder.query(query.dense_text)
            dense = snap.dense @ qv
        return _fuse(snap, lex, dense, k)

    @staticmethod
    def _lexical(snap: _Snapshot, query: AnalyzedQuery) -> np.ndarray:
        """BM25 of the question's terms; a jargon entry's canonical words are one thing asked, so a passage
        scores the best of them once («газ» → «сжиженный углеводородный газ (СУГ, пропан-бутан)»: the passage
        that lists all six names is no six times better match)."""
        group_of = query.group_of()
        cols = [(snap.vocab[t], w) for t, w in query.terms.items() if t in snap.vocab and t not in group_of]
        out = np.zeros(len(snap.chunk_ids), dtype=np.float32)
        if cols:
            sub = snap.matrix[:, [c for c, _ in cols]]
            out += np.asarray(sub @ np.asarray([w for _, w in cols], dtype=np.float32)).ravel()
        members: dict[int, list[tuple[int, float]]] = {}
        for term, n in group_of.items():
            if term in snap.vocab:
                members.setdefault(n, []).append((snap.vocab[term], query.terms.get(term, 0.0)))
        matrix = snap.matrix  # CSC: a column's rows and weights are one slice each
        for columns in members.values():
            best = np.zeros(len(snap.chunk_ids), dtype=np.float32)
            for col, weight in columns:
                start, end = matrix.indptr[col], matrix.indptr[col + 1]
                rows = matrix.indices[start:end]
                best[rows] = np.maximum(best[rows], matrix.data[start:end] * np.float32(weight))
            out += best
        return out

    def document_lemmas(self, document_ids: list[int], lemmas: list[str]) -> dict[int, set[str]]:
        """Which of ``lemmas`` each document uses in any of its passages or headings (for ranking by how
        much of the question a whole document covers)."""
        snap = self._snap
        out: dict[int, set[str]] = {d: set() for d in document_ids}
        if snap is None:
            return out
        row_of, matrix = snap.doc_terms()
        rows = [(d, row_of[d]) for d in document_ids if d in row_of]
        for lemma in set(lemmas):
            col = snap.vocab.get(lemma)
            if col is None:
                continue
            column = matrix.getcol(col)
            present = set(column.indices[column.data > 0].tolist())
            for d, r in rows:
                if r in present:
                    out[d].add(lemma)
        return out

    def document_similarity(self, document_ids: list[int], query_vector: np.ndarray | None) -> dict[int, float]:
        """The cosine between the question's vector and each document's mean passage vector (0 without one)."""
        snap = self._snap
        built = snap.doc_vectors() if snap is not None and query_vector is not None else None
        if built is None or query_vector is None:
            return {d: 0.0 for d in document_ids}
        row_of, vectors = built
        return {d: float(vectors[row_of[d]] @ query_vector) if d in row_of else 0.0 for d in document_ids}

    def query_vector(self, query: AnalyzedQuery) -> np.ndarray | None:
        """The question's dense vector (None without a dense model)."""
        return self.embedder.query(query.dense_text) if self.embedder is not None else None

    def chunk_ids_of(self, hits: list[Hit]) -> list[int]:
        return [h.chunk_id for h in hits]


def _fuse(snap: _Snapshot, lex: np.ndarray, dense: np.ndarray | None, k: int) -> list[Hit]:
    take = min(CANDIDATES, snap.n_live)
    if dense is not None and snap.n_live < len(dense):
        dense = np.where(snap.live, dense, -np.inf)  # tombstones are never candidates
    cand = set(np.argpartition(-lex, take - 1)[:take].tolist()) if lex.any() else set()
    if dense is not None:
        cand |= set(np.argpartition(-dense, take - 1)[:take].tolist())
    idx = np.fromiter(cand, dtype=np.int64)
    idx = idx[snap.live[idx]]
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


def openings(db: Database, titles: dict[int, str], passages: int = 2) -> dict[int, str]:
    """Each document's title (given, by document id) and first passages: where a document names its
    organisation and subject."""
    if not titles:
        return {}
    document_ids = list(titles)
    out: dict[int, list[str]] = {d: [title] for d, title in titles.items()}
    with db.session() as s:
        rows = s.execute(select(Chunk.document_id, Chunk.text).where(Chunk.document_id.in_(document_ids),
                                                                     Chunk.ordinal < passages)
                         .order_by(Chunk.document_id, Chunk.ordinal))
        for doc_id, text in rows:
            out.setdefault(doc_id, []).append(text)
    return {d: "\n".join(parts) for d, parts in out.items()}


def load_chunks(db: Database, ids: list[int]) -> dict[int, tuple[Chunk, Document]]:
    """Chunks with their documents, for display and answering."""
    if not ids:
        return {}
    with db.session() as s:
        rows = s.execute(select(Chunk, Document).join(Document, Chunk.document_id == Document.id)
                         .where(Chunk.id.in_(ids))).all()
        return {c.id: (c, d) for c, d in rows}
