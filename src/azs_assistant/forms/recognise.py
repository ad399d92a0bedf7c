"""Recognising a paper form: OCR of a photo or scan, then the fields of the template it matches.

One place for both doors: ``recognise_file`` serves the OCR endpoint, the CLI and the bot (a file in
hand); the ingestion pipeline has already OCR'd its pages and calls ``recognise_pages`` (``FormStep``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from azs_assistant.errors import EmptyDocument, FileTooLarge, NotFound, UnsupportedFormat
from azs_assistant.forms import corrections
from azs_assistant.forms.extract import FormMatch, FormTemplate, cross_check, extract, field_states, match_template
from azs_assistant.settings import Settings

IMAGE_KINDS = {"png", "jpeg", "tiff", "webp", "bmp", "gif"}


def recognise_pages(pages: Sequence[Any], templates: dict[str, FormTemplate]) -> tuple[FormTemplate, FormMatch] | None:
    """The form on OCR'd pages (those kept: read, or read in part) and its fields; None when no template
    matches. A word of a doubtful line counts as unsure, so a value read from one is shown to be checked."""
    ok = [p.result for p in pages if p.result.kept]
    if not ok:
        return None
    text = "\n\n".join(p.text for p in ok)
    template = match_template(text, templates)
    if template is None:
        return None
    words = {w: c for p in ok for w, c in p.words.items()}
    words |= {w: 0.0 for p in ok for line in p.lines if line.doubtful for w in line.text.split()}
    match = extract(text, template, words)
    if any(p.second_text for p in ok):  # read twice (``read_twice``): each value checked against the other reading
        second = "\n\n".join(p.second_text or p.text for p in ok)
        match = cross_check(template, match, extract(second, template))
    return template, match


FORM_VALUES = 2  # a page is a form's when its template matches and this many of its values follow their labels


def is_form(templates: dict[str, FormTemplate]) -> Callable[[str], bool]:
    """Whether a page's text is a known paper form's, filled in: its template matches and at least
    ``FORM_VALUES`` of its fields have a value after a label read right (a manual that only names «акт» and
    «ТРК» is none). Such a page is read by both OCR readers."""
    def filled_form(text: str) -> bool:
        template = match_template(text, templates)
        return template is not None and len(extract(text, template).sources) >= FORM_VALUES

    return filled_form


def recognise_file(data: bytes, name: str, settings: Settings, templates: dict[str, FormTemplate],
                   languages: str | None = None, lang: str = "ru", by: str | None = None) -> dict[str, Any]:
    """Recognise an image or PDF: text per page with quality, and the fields of a known form. Codes and
    the stored Russian reasons as they are; what a person reads (the form's and fields' names, each
    reason as ``message``) in ``lang``. For a person (``by``) a form's reading is kept for a day under
    ``reading``, so that the values they correct when they save it become training pairs (``corrections``)."""
    from azs_assistant.documents.parsers import sniff
    from azs_assistant.ocr.quality import reason_in
    from azs_assistant.ocr.service import OCRService

    if not data:
        raise EmptyDocument(f"Файл {name} пустой.", f"{name} is empty.", message_kk=f"{name} файлы бос.", file=name)
    if len(data) > settings.max_upload_bytes:
        raise FileTooLarge(f"Файл {name} больше {settings.max_upload_mb} МБ.",
                           f"{name} exceeds {settings.max_upload_mb} MiB.",
                           message_kk=f"{name} файлы {settings.max_upload_mb} МБ-тан үлкен.", file=name)
    if languages:
        settings = settings.model_copy(update={"ocr_languages": languages})
    ocr = OCRService(settings)  # OCRUnavailable says which package to install
    kind = sniff(data[:16])
    images: Iterable[tuple[int, Any]]
    if kind == "pdf":
        images = ocr.pdf_pages(data, None, name)  # a PDF that cannot be read is refused as corrupt
    elif kind in IMAGE_KINDS:
        images = list(enumerate(ocr.image_pages(data, name), start=1))
    else:
        raise UnsupportedFormat(f"Файл {name} не изображение и не PDF: распознавать нечего.",
                                f"{name} is not an image or PDF.",
                                message_kk=f"{name} файлы сурет те, PDF те емес: танитын ештеңе жоқ.", file=name)
    pages = ocr.recognise(images, read_twice=is_form(templates), keep_image=by is not None)
    out: dict[str, Any] = {
        "text": "\n\n".join(p.result.text for p in pages if p.result.kept),
        "pages": [{"page": p.number, "text": p.result.text, "confidence": round(p.result.confidence, 1),
                   "quality": p.result.quality, "reason": p.result.reason,
                   "message": reason_in(p.result.reason, lang),
                   "lines": [{"text": line.text, "doubtful": line.doubtful, "reason": line.reason,
                              "message": reason_in(line.reason, lang)}
                             for line in p.result.lines] if p.result.kept else []}
                  for p in pages],
        "fields": {}, "form": None, "field_confidence": {}, "problems": [], "defects": []}
    found = recognise_pages(pages, templates)
    if found is not None:
        template, match = found
        out.update(form=template.form, fields=match.fields, field_confidence=match.confidence,
                   problems=match.problems, defects=match.defects, form_title=template.title_in(lang),
                   field_labels={f.name: f.caption_in(lang) for f in template.fields},
                   field_states={n: s.said_in(lang).model_dump() for n, s in field_states(template, match).items()},
                   field_choices={f.name: f.choices for f in template.fields if f.choices},
                   field_types={f.name: f.type for f in template.fields})
        if by is not None:
            try:
                out["reading"] = corrections.keep_reading(settings.data_dir, by, template, match,
                                                          [p.result for p in pages if p.result.kept])
            except Exception:  # noqa: BLE001 (keeping it for training is extra: never the reading's failure)
                logging.getLogger("azs.forms").exception("The reading of %s was not kept for corrections", name)
    return out


class Forms:
    """Recognition of a single upload (``azs ocr``, ``POST /ocr``, a photo sent to the bot) and the
    form templates by name; ``templates`` reads the current set (built-in plus the company's own)."""

    def __init__(self, settings: Settings, templates: Callable[[], dict[str, FormTemplate]]) -> None:
        self.settings, self._templates = settings, templates

    def recognise(self, data: bytes, name: str, languages: str | None = None, lang: str = "ru",
                  by: str | None = None) -> dict[str, Any]:
        """Recognise an image or PDF: text per page with quality, and the fields of a known form; what a
        person reads in ``lang`` (ru, kk or en)."""
        return recognise_file(data, name, self.settings, self._templates(), languages, lang, by)

    def template(self, name: str) -> FormTemplate:
        """A template by form name or export name («inspections»)."""
        for template in self._templates().values():
            if name in (template.form, template.export_name):
                return template
        raise NotFound(f"Форма «{name}» не найдена.", f"Form '{name}' not found.")
