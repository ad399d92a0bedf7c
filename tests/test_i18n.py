"""Every message catalogue (``<package>/i18n/{ru,kk,en}.yaml`` and its parts' folders) says every text in
all three languages, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from azs_assistant.i18n import folders, read

PLACES = ["azs_assistant.web", "azs_assistant.assistant", "azs_assistant.reports", "azs_assistant.telegram",
          "azs_assistant.documents", "azs_assistant.ocr", "azs_assistant.forms"]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("package", PLACES)
def test_every_key_is_in_all_three_languages_with_the_same_placeholders(package: str) -> None:
    for folder in folders(package):
        ru = read(folder, "ru")
        assert ru, folder
        for lang in ("kk", "en"):
            other = read(folder, lang)
            assert set(other) == set(ru), (str(folder), lang, set(ru) ^ set(other))
            for key, text in other.items():
                assert text.strip(), (str(folder), lang, key)
                assert _fields(text) == _fields(ru[key]), (str(folder), lang, key)


def test_kazakh_texts_are_written_with_kazakh_letters() -> None:
    """A Kazakh catalogue copied from Russian by mistake would pass the key check."""
    for package in PLACES:
        for folder in folders(package):
            texts = " ".join(read(folder, "kk").values())
            assert re.search(r"[әғқңөұүһі]", texts), str(folder)


def test_a_typed_error_speaks_kazakh_where_written_and_russian_detail_otherwise() -> None:
    """A Kazakh user reads Russian better than English where no Kazakh message was written: the code's
    Kazakh summary, then the Russian detail."""
    from azs_assistant.errors import InvalidInput, NotFound

    both = InvalidInput("Пустой запрос.", "Empty query.", message_kk="Сұрақ бос.")
    assert [both.message(lang) for lang in ("ru", "kk", "en")] == ["Пустой запрос.", "Сұрақ бос.", "Empty query."]
    russian_only = NotFound("Не найдено.", "Not found.", document="x")
    assert russian_only.message("kk") == "Табылмады — Не найдено." and russian_only.details == {"document": "x"}


def test_the_ocr_catalogue_s_russian_reasons_are_the_ones_the_pipeline_stores() -> None:
    """``reason_in`` finds a stored reason by its Russian text: the catalogue must say it word for word."""
    from azs_assistant.i18n import catalogue
    from azs_assistant.ocr.pipeline import LINES_REASON, PARTIAL_REASON, UNSURE_REASON
    from azs_assistant.ocr.quality import LINE_REASONS, REASONS, reason_in

    ru = catalogue("azs_assistant.ocr", "ru")
    assert {f"retake_{k}": v for k, v in REASONS.items()} | {"check_lines": LINES_REASON,
                                                               "check_unsure": UNSURE_REASON,
                                                               "check_partial": PARTIAL_REASON} \
        | {f"line_{k}": v for k, v in LINE_REASONS.items()} == ru
    assert reason_in(REASONS["blur"], "kk") == catalogue("azs_assistant.ocr", "kk")["retake_blur"] != REASONS["blur"]
    assert reason_in(REASONS["blur"], "ru") == REASONS["blur"] and reason_in("другое", "en") == "другое"
