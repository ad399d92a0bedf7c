"""The plain hybrid that bench/eval_qa.py --baseline compares the assistant with.

No tuning at all: Okapi BM25 (k1 1.5, b 0.75, idf log(1 + (N - df + 0.5) / (df + 0.5))) over the
lemmas the project stored for each passage (its text and its heading, each counted once), the query
lemmatised by the project's analyzer (no jargon expansion, no typo correction); cosine similarity of
the same e5 vectors the project stored, the query embedded by the project's embedder; reciprocal-rank
fusion (k 60) of each list's top 100. The answer is the first passage's text and it never abstains.
It reads the project's stored chunks and calls its analyzer and embedder; it changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

K1, B, RRF_K, DEPTH = 1.5, 0.75, 60, 100


@dataclass
class Passage:
    chunk_id: int
    source: str
    section: str
    text: str


class PlainHybrid:
    """Lemma BM25 + e5 dense, fused by reciprocal rank, over the passages stored in ``services``."""

    def __init__(self, services: Any) -> None:
        from sqlalchemy import select

        from azs_assistant.storage.models import Chunk, Document

        self.s = services
        with services.db.session() as s:
            rows = s.execute(select(Chunk.id, Chunk.section, Chunk.text, Chunk.lemmas, Chunk.context_lemmas,
                                    Chunk.embedding, Document.source)
                             .join(Document, Document.id == Chunk.document_id).order_by(Chunk.id)).all()
        self.passages = [Passage(r.id, r.source, r.section or "", r.text) for r in rows]
        self._build_bm25([f"{r.lemmas} {r.context_lemmas}".split() for r in rows])
        vecs = [np.frombuffer(r.embedding, dtype=np.float32) if r.embedding else None for r in rows]
        self.dense = np.vstack(vecs) if vecs and all(v is not None for v in vecs) else None  # type: ignore[arg-type]

    def _build_bm25(self, docs: list[list[str]]) -> None:
        self.tfs = [Counter(d) for d in docs]
        self.lengths = np.asarray([len(d) for d in docs], dtype=np.float32)
        self.avg = float(self.lengths.mean()) if len(docs) else 1.0
        df: Counter[str] = Counter()
        for tf in self.tfs:
            df.update(tf.keys())
        n = len(docs)
        self.idf = {t: float(np.log(1.0 + (n - c + 0.5) / (c + 0.5))) for t, c in df.items()}

    def bm25(self, lemmas: list[str]) -> np.ndarray:
        scores = np.zeros(len(self.tfs), dtype=np.float32)
        norm = K1 * (1 - B + B * self.lengths / max(self.avg, 1e-6))
        for term in set(lemmas):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for i, tf in enumerate(self.tfs):
                f = tf.get(term)
                if f:
                    scores[i] += idf * f * (K1 + 1) / (f + norm[i])
        return scores

    def search(self, question: str, k: int = 10) -> list[Passage]:
        """Top-k passages, best first."""
        fused: dict[int, float] = {}
        lists = [self.bm25(self.s.analyzer.lemmas(question))]
        if self.dense is not None and self.s.embedder is not None:
            lists.append(self.dense @ self.s.embedder.query(question))
        for scores in lists:
            order = np.argsort(-scores)[:DEPTH]
            for rank, i in enumerate(order):
                if scores[i] > 0 or len(lists) == 1:
                    fused[int(i)] = fused.get(int(i), 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused, key=lambda i: -fused[i])[:k]
        return [self.passages[i] for i in best]
