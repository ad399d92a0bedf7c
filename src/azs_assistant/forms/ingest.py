"""The ingestion step that turns a recognised paper form (e.g. an inspection act) into a record.

The pipeline (``documents``) knows nothing of forms: the composition root appends this step to the
ingestor's list, so the dependency points from forms to documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete

from azs_assistant.forms.extract import FormTemplate, load_templates
from azs_assistant.forms.recognise import is_form, recognise_pages
from azs_assistant.forms.records import PAPER_LOCK, paper_record, save
from azs_assistant.storage.models import FormRecord

if TYPE_CHECKING:
    from azs_assistant.documents.pipeline import IngestItem, Ingestor


class FormStep:
    """Pipeline step: a recognised form also becomes a structured record."""

    def __init__(self, company_dir: Path) -> None:
        self.company_dir = company_dir

    @property
    def templates(self) -> dict[str, FormTemplate]:
        """Form templates: built-in plus the company's own in <data dir>/forms."""
        return load_templates(self.company_dir)

    def is_form(self, text: str) -> bool:
        """Whether an OCR'd page is a known form's: the ingestor reads such a page with both readers."""
        return is_form(self.templates)(text)

    def __call__(self, ing: Ingestor, item: IngestItem) -> None:
        found = recognise_pages(item.ocr_pages, self.templates) if item.document_id is not None else None
        if found is None:
            return
        template, match = found
        with ing.db.writing(PAPER_LOCK) as s:  # a new version of the photo replaces records nobody confirmed yet
            s.execute(delete(FormRecord).where(FormRecord.document_id == item.document_id,
                                               FormRecord.status == "extracted"))
            # a paper on record already (saved on /ocr, sent to the bot, another photo of it) is not recorded
            # twice: its defect would open a second incident and the report count one leak twice
            earlier = paper_record(s, template, match.fields)
            record = earlier or save(s, match, item.source, item.document_id)
        if earlier is not None:
            item.say({"ru": f"Распознана форма «{template.title}»: этот бланк уже записан (запись №{record.id}), "
                            "второй раз он не сохранён.",
                      "kk": f"«{template.title}» бланкісі танылды: бұл бланк бұрын жазылған (жазба №{record.id}), "
                            "қайта сақталмады.",
                      "en": f"Form «{template.title}» recognised: it is on record already (record No. {record.id}) "
                            "and was not saved again."}, add=True)
            return
        item.say({"ru": f"Распознана форма «{template.title}», запись №{record.id}.",
                  "kk": f"«{template.title}» бланкісі танылды, жазба №{record.id}.",
                  "en": f"Form «{template.title}» recognised, record No. {record.id}."}, add=True)
