"""Exporters register themselves by format name; media types and extensions come from one table."""

from __future__ import annotations

import pytest

from azs_assistant.errors import InvalidInput
from azs_assistant.exporters import FORMATS, Exporters
from azs_assistant.forms.records import RECORD_EXPORTERS
from azs_assistant.forms.service import MEDIA_TYPES
from azs_assistant.reports.render import EXPORT_FORMATS, REPORT_EXPORTERS


def test_reports_and_form_records_register_their_formats() -> None:
    assert EXPORT_FORMATS == ("csv", "xlsx", "pdf", "png", "svg", "json")
    assert RECORD_EXPORTERS.names() == ("json", "csv", "xml")


def test_media_types_are_written_once() -> None:
    """GIVEN both registries WHEN they name the media type of a shared format THEN it is the table's."""
    for registry in (REPORT_EXPORTERS, RECORD_EXPORTERS):
        for name, media in registry.media_types().items():
            assert media == FORMATS[name].media_type
    assert MEDIA_TYPES == {"json": "application/json", "csv": "text/csv; charset=utf-8", "xml": "application/xml"}
    assert REPORT_EXPORTERS.media_types()["xlsx"].endswith("spreadsheetml.sheet")


def test_an_unknown_format_is_the_users_error_in_russian() -> None:
    with pytest.raises(InvalidInput) as err:
        REPORT_EXPORTERS.get("docx")
    assert err.value.message_ru == "Формат docx не поддерживается; доступны: csv, xlsx, pdf, png, svg, json."


def test_a_new_exporter_needs_a_known_format_and_registers_once() -> None:
    registry: Exporters[[str], str] = Exporters("test")
    with pytest.raises(ValueError, match="add it to exporters.FORMATS"):
        registry.register("docx")

    @registry.register("xml")
    def _xml(text: str) -> str:
        return f"<t>{text}</t>"

    assert registry.get("xml")("а") == "<t>а</t>"
    with pytest.raises(ValueError, match="a second exporter"):
        registry.register("xml")(_xml)
