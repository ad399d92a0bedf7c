"""Paper forms to structured records: templates are data (YAML), extraction is OCR-tolerant."""

from azs_assistant.forms.extract import FormMatch, FormTemplate, extract, load_templates, match_template

__all__ = ["FormMatch", "FormTemplate", "extract", "load_templates", "match_template"]
