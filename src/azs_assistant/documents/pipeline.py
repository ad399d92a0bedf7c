"""Ingestion as a list of small steps with one contract, driven by a plain loop.

read → detect → parse → chunk → analyse → embed → store. A step may stop the pipeline with a typed
error (the file is reported as failed and the batch goes on) or mark the item finished early
(unchanged, needs OCR). The store step replaces a document's old version in one transaction, so a
failure at any point leaves what was stored untouched.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import delete, select

from azs_assistant import metrics
from azs_assistant.documents import sandbox
from azs_assistant.documents.changes import diff_versions, sentences
from azs_assistant.documents.chunking import Passage, chunk_document
from azs_assistant.documents.model import ParsedDocument
from azs_assistant.documents.parsers import Parser, choose_parser, file_title
from azs_assistant.documents.textblocks import lines_to_blocks
from azs_assistant.errors import AzsError, EmptyDocument, FileTooLarge, IndexMismatch
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.ocr.quality import reason_in
from azs_assistant.search.embeddings import Embedder
from azs_assistant.settings import Settings
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Chunk, Document, DocumentChange, DocumentOriginal, IndexState, utcnow
from azs_assistant.storage.originals import Originals

if TYPE_CHECKING:  # OCR (OpenCV) is imported only where a scan comes
    from azs_assistant.ocr.pipeline import PageResult

log = logging.getLogger(__name__)
# Who wants to hear how far one file got: ``report(stage, **details)`` with stage reading | ocr (page,
# pages) | indexing (passages). The upload job records it as the job's progress, `azs ingest` draws it.
Report = Callable[..., None]
progress: ContextVar[Report | None] = ContextVar("azs_ingest_progress", default=None)


def report(stage: str, **details: Any) -> None:
    listener = progress.get()
    if listener is not None:
        listener(stage, **details)
EMBED_BATCH = 32
# Bump when parsing or chunking changes: stored documents made by an older pipeline are re-processed
# on the next ingest even though their files did not change.
# 18: a PDF's headings read from its type (bold, larger), its tables' rows labelled with their header row, a running
# header left out; 17: a table a PDF gives as lines is kept as text, not lost as a run of empty headings; 16: a scan
# whose shadow band was taken for the page edge (refused «retake») is read again
PIPELINE_VERSION = 18
# 15: the original file is kept; a table named by its columns, not a transliterated file name
NEEDS_OCR_MESSAGE = ("Документ — изображение или скан без текстового слоя: нужен модуль распознавания (OCR). "
                     "Документ сохранён и будет проиндексирован, когда OCR станет доступен.")
NEEDS_OCR_MESSAGES = {
    "ru": NEEDS_OCR_MESSAGE,
    "kk": ("Құжат — мәтін қабаты жоқ сурет немесе скан: мәтінді тану модулі (OCR) қажет. Құжат сақталды, OCR "
           "қолжетімді болғанда индекстеледі."),
    "en": ("The document is an image or a scan without a text layer: it needs text recognition (OCR). It is saved and "
           "will be indexed when OCR is available."),
}
# a photo's outcome as the upload says it: (not read, take again; read with warnings; the page)
_OCR_SAID = {"ru": ("Не распознано, переснимите: ", "Распознано с предупреждениями: ", "стр. {n}"),
             "kk": ("Танылмады, қайта түсіріңіз: ", "Ескертулермен танылды: ", "{n}-бет"),
             "en": ("Not recognised, take it again: ", "Recognised with warnings: ", "page {n}")}


@dataclass
class IngestItem:
    """One file travelling through the pipeline."""

    source: str
    name: str
    data: bytes
    sha256: str = ""
    parser: Parser | None = None
    parsed: ParsedDocument | None = None
    passages: list[Passage] = field(default_factory=list)
    lemmas: list[tuple[str, str]] = field(default_factory=list)
    vectors: np.ndarray | None = None
    ocr_pages: list = field(default_factory=list)  # type: ignore[type-arg]
    outcome: str | None = None  # added | updated | unchanged | needs_ocr | retake
    finished: bool = False  # set by a step that ends the pipeline early
    message: str | None = None
    # ``message`` in every interface language («ru» is ``message``); None: a Russian message only
    messages: dict[str, str] | None = None
    document_id: int | None = None

    def say(self, texts: dict[str, str], *, add: bool = False) -> None:
        """Set (or add to) the file's message in every interface language."""
        before = self.messages or dict.fromkeys(("ru", "kk", "en"), self.message or "")
        self.messages = {lang: f"{before[lang]} {texts[lang]}".strip() if add else texts[lang]
                         for lang in ("ru", "kk", "en")}
        self.message = self.messages["ru"]


@dataclass
class IngestResult:
    source: str
    status: str  # added | updated | unchanged | needs_ocr | failed
    message: str | None = None
    document_id: int | None = None
    chunks: int = 0
    error_code: str | None = None
    # a failure's message in every interface language ({"ru", "kk", "en"}); ``message`` is the Russian one
    messages: dict[str, str] | None = None


Step = Callable[["Ingestor", IngestItem], None]
_UNSET = object()


class Ingestor:
    """Runs files through the steps and stores them."""

    def __init__(self, db: Database, analyzer: Analyzer, embedder: Embedder | None, settings: Settings) -> None:
        self.db = db
        self.analyzer = analyzer
        self.embedder = embedder
        self.settings = settings
        self._ocr: object = _UNSET
        # where originals go when AZS_ORIGINALS_URL is set; None: inline in the database (the default)
        self.originals: Originals | None = None
        # called with the document id after a document is added or updated (summaries at ingestion);
        # its failure is logged and never fails the ingestion
        self.on_stored: Callable[[int], None] | None = None
        # further steps (form extraction) are appended by the composition root, which also says which OCR'd
        # pages are read by both OCR readers (a known form's: its values are checked against each other)
        self.read_twice: Callable[[str], bool] | None = None
        self.steps: list[Step] = [check_size, hash_content, skip_unchanged, detect, parse, route_ocr,
                                  chunk, analyse, embed, store]

    @property
    def ocr(self):  # type: ignore[no-untyped-def]
        """The OCR service (checked on first use), or None when unavailable."""
        if self._ocr is _UNSET:
            from azs_assistant.ocr.service import make_ocr  # lazily: OpenCV, and OCR is optional

            self._ocr = make_ocr(self.settings)
        return self._ocr

    def ingest_bytes(self, data: bytes, source: str) -> IngestResult:
        """Ingest one file's content under the given source name (counted in ``azs_ingest*``)."""
        started = time.perf_counter()
        result = self._ingest_bytes(data, source)
        metrics.INGESTED.labels(result.status).inc()
        metrics.INGEST_DURATION.observe(time.perf_counter() - started)
        if result.status in ("added", "updated"):
            metrics.INGESTED_BYTES.inc(len(data))
        return result

    def _ingest_bytes(self, data: bytes, source: str) -> IngestResult:
        item = IngestItem(source=source, name=Path(source).name, data=data)
        try:
            for step in self.steps:
                step(self, item)
                if item.finished:
                    break
        except AzsError as exc:  # DocumentError among them
            return IngestResult(source, "failed", exc.message_ru, error_code=exc.code, messages=exc.messages())
        if self.on_stored is not None and item.document_id is not None and item.outcome in ("added", "updated"):
            try:
                self.on_stored(item.document_id)
            except Exception:  # noqa: BLE001 - the document is stored; a summary can be made later
                log.exception("after-ingest hook failed for %s", source)
        return IngestResult(source, item.outcome or "failed", item.message, item.document_id, len(item.passages),
                            messages=item.messages)

    def ingest_path(self, path: Path, source: str) -> IngestResult:
        try:
            size = path.stat().st_size
            if size > self.settings.max_upload_bytes:
                too_large = _too_large(path.name, size, self.settings)
                return IngestResult(source, "failed", too_large.message_ru, error_code="file_too_large",
                                    messages=too_large.messages())
            data = path.read_bytes()
        except OSError as exc:
            return IngestResult(source, "failed", f"Файл {path.name} не прочитан: {exc.strerror}.",
                                error_code="io_error",
                                messages={"ru": f"Файл {path.name} не прочитан: {exc.strerror}.",
                                          "kk": f"{path.name} файлы оқылмады: {exc.strerror}.",
                                          "en": f"{path.name} could not be read: {exc.strerror}."})
        return self.ingest_bytes(data, source)

    def ingest_paths(self, roots: Iterable[Path],
                     on_file: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
        results = []
        for path, source in walk(roots):
            result = self.ingest_path(path, source)
            results.append(result)
            if on_file:
                on_file(result)
        return results

    def delete(self, document_id: int) -> bool:
        with self.db.session() as s:
            doc = s.get(Document, document_id)
            if doc is None:
                return False
            s.execute(delete(Chunk).where(Chunk.document_id == document_id))
            kept = s.scalar(select(DocumentOriginal.location).where(DocumentOriginal.document_id == document_id))
            s.execute(delete(DocumentOriginal).where(DocumentOriginal.document_id == document_id))
            s.delete(doc)
            Database.bump(s, index=True, documents=[document_id])
        if kept and self.originals is not None:
            _forget_original(self.originals, kept)
        return True


def walk(roots: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Files under the given paths, recursively and in a stable order, with their source names."""
    for root in roots:
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                rel = path.relative_to(root)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                yield path, rel.as_posix()
        else:
            yield root, root.name


def _too_large(name: str, size: int, settings: Settings) -> FileTooLarge:
    return FileTooLarge(f"Файл {name} слишком большой: {size / 1048576:.1f} МБ при лимите {settings.max_upload_mb} МБ.",
                        f"{name} is {size} bytes; limit is {settings.max_upload_mb} MiB.",
                        message_kk=f"{name} файлы тым үлкен: {size / 1048576:.1f} МБ, шегі "
                                   f"{settings.max_upload_mb} МБ.",
                        file=name)


# --- steps -------------------------------------------------------------------------------------
def check_size(ing: Ingestor, item: IngestItem) -> None:
    if len(item.data) > ing.settings.max_upload_bytes:
        raise _too_large(item.name, len(item.data), ing.settings)
    if not item.data.strip():
        raise EmptyDocument(f"Файл {item.name} пустой.", f"{item.name} is empty.",
                            message_kk=f"{item.name} файлы бос.", file=item.name)


def hash_content(ing: Ingestor, item: IngestItem) -> None:
    item.sha256 = hashlib.sha256(item.data).hexdigest()


def skip_unchanged(ing: Ingestor, item: IngestItem) -> None:
    with ing.db.session() as s:
        doc = s.execute(select(Document).where(Document.source == item.source)).scalar_one_or_none()
        if _is_current(ing, doc, s.get(IndexState, 1), item):
            assert doc is not None
            item.outcome, item.document_id, item.finished = "unchanged", doc.id, True


def _is_current(ing: Ingestor, doc: Document | None, state: IndexState | None, item: IngestItem) -> bool:
    """The stored document is this content, made by this pipeline and the index's model."""
    return doc is not None and doc.sha256 == item.sha256 and doc.pipeline_version == PIPELINE_VERSION and (
        state is None or state.embedding_model == _model_name(ing) or doc.chunk_count == 0)


def detect(ing: Ingestor, item: IngestItem) -> None:
    item.parser = choose_parser(Path(item.name), item.data[:8192])


def parse(ing: Ingestor, item: IngestItem) -> None:
    """Parse in a child process under memory, CPU-time and output limits: the file is untrusted."""
    assert item.parser is not None
    parser = copy.copy(item.parser)  # the registry's parser is shared; its limits come from these settings
    if hasattr(parser, "max_pages"):
        parser.max_pages = ing.settings.max_pdf_pages
    if hasattr(parser, "max_unpacked_bytes"):
        parser.max_unpacked_bytes = ing.settings.max_unpacked_mb * 1024 * 1024
    report("reading")
    item.parsed = sandbox.parse(parser, item.name, item.data, sandbox.ParseLimits.from_settings(ing.settings))


def route_ocr(ing: Ingestor, item: IngestItem) -> None:
    """Pages without text go to OCR; with no OCR engine they are recorded, never dropped. Pages the
    quality gate rejects are not indexed, and the message says which to photograph again."""
    doc = item.parsed
    assert doc is not None
    if not doc.whole_needs_ocr and not doc.pages_needing_ocr:
        return
    if ing.ocr is None:
        if doc.whole_needs_ocr:
            _store_document(ing, item, [], None, status="needs_ocr", message=NEEDS_OCR_MESSAGE)
            if not item.finished:  # finished: another process stored the same file first
                item.outcome, item.finished = "needs_ocr", True
                item.say(NEEDS_OCR_MESSAGES)
        else:
            pages = ", ".join(map(str, doc.pages_needing_ocr))
            item.say({"ru": f"Страницы без текстового слоя ожидают распознавания (OCR): {pages}.",
                      "kk": f"Мәтін қабаты жоқ беттер тануды (OCR) күтуде: {pages}.",
                      "en": f"Pages without a text layer wait for recognition (OCR): {pages}."})
        return
    if doc.format == "pdf":
        images: Iterable[tuple[int, Any]] = ing.ocr.pdf_pages(item.data, doc.pages_needing_ocr, item.name)
        total = len(doc.pages_needing_ocr) if doc.pages_needing_ocr else doc.pages
    else:
        images = list(enumerate(ing.ocr.image_pages(item.data, item.name), start=1))
        doc.pages = total = len(images)
    pages = ing.ocr.recognise(_reporting_pages(images, total), read_twice=ing.read_twice)
    ocr_blocks = []
    for page in pages:
        if page.result.kept:
            # Doubtful lines (a stamp or a smudge read as letters) are shown to the operator, never indexed.
            ocr_blocks.extend(lines_to_blocks(page.result.trusted_text.splitlines(), page=page.number, wrapped=True))
    doc.blocks = sorted(doc.blocks + ocr_blocks, key=lambda b: b.page or 0)  # stable: page order kept
    retake = [p for p in pages if p.result.quality == "retake"]
    retaken = retake
    warned = [p for p in pages if p.result.kept and p.result.reason]
    item.ocr_pages = pages
    if doc.whole_needs_ocr and ocr_blocks and doc.title == file_title(Path(item.name).stem):
        doc.title = _ocr_title(ocr_blocks) or doc.title
    if retaken or warned:
        said: dict[str, str] = {}
        for lang, (again, warnings, page_n) in _OCR_SAID.items():
            parts = ([again + "; ".join(f"{page_n.format(n=p.number)}: {reason_in(p.result.reason, lang)}"
                                        for p in retaken)] if retaken else []) \
                + ([warnings + "; ".join(_warning(p.number, p.result, lang) for p in warned)] if warned else [])
            said[lang] = ". ".join(parts)
        item.say(said)
    if not doc.blocks:
        _store_document(ing, item, [], None, status="retake", message=item.message)
        if not item.finished:
            item.outcome, item.finished = "retake", True


_DOUBTFUL_SAID = {
    "ru": ("строки, прочитанные неуверенно, не проиндексированы, сверьте их с оригиналом: ", " и ещё {n}"),
    "kk": ("сенімсіз оқылған жолдар индекстелмеді, оларды түпнұсқамен салыстырыңыз: ", " және тағы {n}"),
    "en": ("lines read with doubt were not indexed, check them against the original: ", " and {n} more"),
}


def _warning(number: int, page: PageResult, lang: str = "ru") -> str:
    """What to check on a kept page. A document's page shows no marks, so a page read in part names the lines
    left out (the first three, each cut to 60 characters) instead of its reason («они выделены»)."""
    page_n = _OCR_SAID[lang][2].format(n=number)
    doubtful = [line.text.strip() for line in page.lines if line.doubtful]
    if page.quality != "partial" or not doubtful:
        return f"{page_n}: {reason_in(page.reason, lang)}"
    named = ", ".join(f"«{text[:60]}{'…' if len(text) > 60 else ''}»" for text in doubtful[:3])
    lead, more = _DOUBTFUL_SAID[lang]
    return f"{page_n}: {lead}{named}{more.format(n=len(doubtful) - 3) if len(doubtful) > 3 else ''}"


def _reporting_pages(images: Iterable[tuple[int, Any]], total: int | None) -> Iterator[tuple[int, Any]]:
    """The pages as OCR takes them, each reported first («OCR page 3 of 12»)."""
    for done, page in enumerate(images, start=1):
        report("ocr", page=done, pages=total)
        yield page


def chunk(ing: Ingestor, item: IngestItem) -> None:
    assert item.parsed is not None
    item.passages = chunk_document(item.parsed, ing.settings.chunk_chars)
    if not item.passages:
        raise EmptyDocument(f"В файле {item.name} не найден текст.", f"No text found in {item.name}.",
                            message_kk=f"{item.name} файлынан мәтін табылмады.", file=item.name)


def analyse(ing: Ingestor, item: IngestItem) -> None:
    assert item.parsed is not None
    title = item.parsed.title
    item.lemmas = [(" ".join(ing.analyzer.lemmas(p.text)), context_lemmas(ing.analyzer, title, p.section))
                   for p in item.passages]


def context_lemmas(analyzer: Analyzer, title: str, section: str) -> str:
    """Title and section path once each, the passage's own heading twice: the most specific
    heading («Крупный пролив (более 20 литров)») tells best which procedure a passage belongs to."""
    heading = section.rsplit(" › ", 1)[-1] if section else ""
    once = list(dict.fromkeys(analyzer.lemmas(f"{title} {section}")))
    return " ".join(once + analyzer.lemmas(heading))


def embed(ing: Ingestor, item: IngestItem) -> None:
    report("indexing", passages=len(item.passages))
    if ing.embedder is None:
        return
    assert item.parsed is not None
    texts = [embedding_text(item.parsed.title, p) for p in item.passages]
    parts = [ing.embedder.passages(texts[i:i + EMBED_BATCH]) for i in range(0, len(texts), EMBED_BATCH)]
    item.vectors = np.vstack(parts).astype(np.float32)


def embedding_text(title: str, passage: Passage) -> str:
    head = f"{title}. {passage.section}." if passage.section else f"{title}."
    return f"{head} {passage.text}"[:1800]


def _ocr_title(blocks: list) -> str | None:  # type: ignore[type-arg]
    """A scanned document's title: its first short line in capitals or its first heading."""
    for block in blocks[:6]:
        if block.kind == "heading" and len(block.text) < 120:
            return block.text
    return None


def store(ing: Ingestor, item: IngestItem) -> None:
    # A page retaken or read in part (its doubtful lines left out) leaves the document read in part.
    incomplete = any(p.result.quality != "ok" for p in item.ocr_pages)
    pending = item.parsed is not None and item.parsed.pages_needing_ocr and ing.ocr is None
    status = "partial" if incomplete or pending else "indexed"
    _store_document(ing, item, item.passages, item.vectors, status=status, message=item.message)


def _record_change(s: Any, doc: Document, old: list[tuple[str, str]], new: list[tuple[str, str]]) -> None:
    """Keep what changed from the replaced version (its text is gone after this transaction)."""
    data = diff_versions(old, new)
    if any(data["counts"].values()) or data["sections_added"] or data["sections_removed"]:
        s.add(DocumentChange(document_id=doc.id, from_version=doc.version or 0, to_version=(doc.version or 0) + 1,
                             data=data, created_at=utcnow()))


def _model_name(ing: Ingestor) -> str | None:
    return ing.embedder.name if ing.embedder else None


def _keep_original(ing: Ingestor, s: Any, document_id: int, item: IngestItem) -> str | None:
    """The original as a row (the default) or as an object in ``AZS_ORIGINALS_URL`` that the row points to.
    A new version is a new object, written before the row: the committed row never points to a missing or
    half-written one. Returns the object the replaced version used, to delete after the commit."""
    if ing.originals is None:
        s.merge(DocumentOriginal(document_id=document_id, data=item.data, location=None))
        return None
    previous = s.get(DocumentOriginal, document_id)
    replaced = previous.location if previous is not None else None
    key = f"documents/{document_id}/{item.sha256[:16]}"
    ing.originals.write(key, item.data)
    s.merge(DocumentOriginal(document_id=document_id, data=None, location=key))
    return replaced if replaced != key else None


def _forget_original(originals: Originals, key: str) -> None:
    """Delete an object no row points to any more; a failure only leaves an orphan behind."""
    try:
        originals.delete(key)
    except Exception:
        log.warning("оригинал %s не удалён из %s", key, originals.where, exc_info=True)


def _store_document(ing: Ingestor, item: IngestItem, passages: list[Passage], vectors: np.ndarray | None,
                    *, status: str, message: str | None) -> None:
    """Replace the document and its chunks in one transaction. The transaction holds the source's
    writer lock from before it reads: another process ingesting the same file meanwhile has either
    stored it already (this one is then "unchanged") or waits and finds this one's version."""
    assert item.parsed is not None
    replaced: str | None = None
    with ing.db.writing(f"document:{item.source}") as s:
        state = s.get(IndexState, 1)
        if state is not None and ing.embedder is not None and state.embedding_model not in (None, _model_name(ing)):
            raise IndexMismatch(
                f"Индекс построен моделью {state.embedding_model}, а сейчас настроена {_model_name(ing)}. "
                "Выполните `azs reindex`.", "Embedding model differs from the index; run `azs reindex`.")
        doc = s.execute(select(Document).where(Document.source == item.source)).scalar_one_or_none()
        if _is_current(ing, doc, state, item):  # stored by another process since skip_unchanged looked
            assert doc is not None
            item.outcome, item.message, item.document_id, item.finished = "unchanged", None, doc.id, True
            return
        if state is not None and ing.embedder is not None:
            state.embedding_model = _model_name(ing)
        outcome = "updated" if doc else "added"
        if doc is None:
            doc = Document(source=item.source, version=0, created_at=utcnow())
            s.add(doc)
        else:
            old = s.scalars(select(Chunk).where(Chunk.document_id == doc.id).order_by(Chunk.ordinal)).all()
            _record_change(s, doc, sentences(old), sentences(passages))
            s.execute(delete(Chunk).where(Chunk.document_id == doc.id))
        doc.title = item.parsed.title[:1000]
        doc.format = item.parsed.format
        doc.sha256 = item.sha256
        doc.size_bytes = len(item.data)
        doc.status = status
        doc.status_message = message
        doc.pages = item.parsed.pages
        doc.version = (doc.version or 0) + 1
        doc.pipeline_version = PIPELINE_VERSION
        doc.chunk_count = len(passages)
        doc.updated_at = utcnow()
        s.flush()
        replaced = _keep_original(ing, s, doc.id, item)
        for i, p in enumerate(passages):
            lemmas, ctx = item.lemmas[i] if item.lemmas else ("", "")
            s.add(Chunk(document_id=doc.id, ordinal=i, kind=p.kind, section=p.section[:1000], page=p.page,
                        location=p.location, text=p.text, lemmas=lemmas, context_lemmas=ctx,
                        embedding=vectors[i].tobytes() if vectors is not None else None, meta=p.meta))
        Database.bump(s, index=True, documents=[doc.id])
        item.document_id = doc.id
    if replaced and ing.originals is not None:  # committed: the previous version's object is no longer read
        _forget_original(ing.originals, replaced)
    item.outcome = item.outcome or outcome
