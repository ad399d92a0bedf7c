"""Fields are found wherever a paper form puts them (issue 22): a company's own act layouts put the
value after the label on the same line, behind underscores or dots, in the next cell of a table (the
next line of OCR text), in numbered rows, or two fields to a line. The texts are written here, in the
shapes OCR gives such forms; none comes from the evaluation pages."""

from __future__ import annotations

from typing import Any

import pytest

from azs_assistant.forms import extract, load_templates
from azs_assistant.forms.extract import FormMatch, field_states

HEAD = "АКТ № 12\nпроверки технического состояния ТРК\n"


def fields_of(body: str) -> FormMatch:
    return extract(HEAD + body, load_templates()["inspection_act"])


def test_two_fields_on_one_line_each_get_their_value() -> None:
    """GIVEN «АЗС № 214 Дата проверки 12.03.2026» on one line WHEN extracted THEN the station is 214 and
    the date is read too (it used to be «not found» behind the station's label)."""
    match = fields_of("АЗС № 214 Дата проверки 12.03.2026\nТРК № 3 Вид топлива АИ-92")
    assert match.fields["station_id"] == 214 and match.fields["inspection_date"] == "2026-03-12"
    assert match.fields["dispenser"] == 3 and match.fields["fuel"] == "АИ-92"
    assert match.problems == []


@pytest.mark.parametrize("line, want", [
    ("Дата проверки: ___12.03.2026___", "2026-03-12"),
    ("Дата проверки ........ 12.03.2026", "2026-03-12"),
    ("Дата проверки.......12.03.2026 г.", "2026-03-12"),
    ("Дата проверки | 12. 03. 2026 |", "2026-03-12"),
    ("Дата проверки: «12» марта 2026 г.", "2026-03-12"),
    ("Дата проверки 1 мая 2026 года", "2026-05-01"),
    ("Дата проверки «12» 03.2026", None),  # not a date: reported, not guessed
    ("Дата проверки 12 марок 2026", None),
])
def test_a_value_behind_underscores_dots_or_a_ruling_or_in_words_is_read(line: str, want: str | None) -> None:
    match = fields_of(f"АЗС № 7\n{line}\nТРК № 2")
    if want is None:
        assert any("дата проверки" in p for p in match.problems)
    else:
        assert match.fields["inspection_date"] == want and match.problems == []


def test_a_value_in_the_next_cell_of_a_table_is_read_from_the_next_line() -> None:
    """GIVEN a two-column table that OCR reads cell by cell (label, then value on the next line) WHEN
    extracted THEN each label takes the line below it."""
    match = fields_of("АЗС №\n27\nДата проверки\n21.01.2025\nТРК №\n8\nВид топлива\nАИ-95")
    assert (match.fields["station_id"], match.fields["inspection_date"]) == (27, "2025-01-21")
    assert (match.fields["dispenser"], match.fields["fuel"]) == (8, "АИ-95")


def test_an_empty_value_does_not_take_the_next_fields_line() -> None:
    """A blank left on the form («Дата проверки ______») is missing, not the value of the label below."""
    match = fields_of("АЗС № 7\nДата проверки ______\nТРК № 5\nПоказания счётчика на начало 1200")
    assert "inspection_date" not in match.fields and match.fields["dispenser"] == 5
    assert any("дата проверки" in p for p in match.problems)
    assert field_states(load_templates()["inspection_act"], match)["inspection_date"].state == "missing"


@pytest.mark.parametrize("rows", [
    ["1. АЗС № 305", "2. Дата проверки 19.08.2024", "3. ТРК № 12", "4. Показания счётчика на начало 90 417"],
    ["1 АЗС № 305", "2 Дата проверки 19.08.2024", "3 ТРК № 12", "4 Показания счётчика на начало 90417"],
    ["| 1 | АЗС № | 305 |", "| 2 | Дата проверки | 19.08.2024 |", "| 3 | ТРК № | 12 |",
     "| 4 | Показания счётчика на начало | 90417 |"],
    ["1) АЗС №: 305;", "2) Дата проверки: 19.08.2024;", "3) ТРК №: 12;", "4) Показания счётчика на начало: 90417."],
])
def test_numbered_rows_give_the_value_not_the_row_number(rows: list[str]) -> None:
    match = fields_of("№ Параметр Значение\n" + "\n".join(rows))
    assert match.fields["station_id"] == 305 and match.fields["dispenser"] == 12
    assert match.fields["inspection_date"] == "2024-08-19" and match.fields["meter_start"] == 90417


@pytest.mark.parametrize("line, field, want", [
    ("АЭС № 61", "station_id", 61),        # «З» read as «Э»
    ("TPK No 3", "dispenser", 3),          # Latin letters, «No» for «№»
    ("ТРК №№: 12", "dispenser", 12),       # the sign read twice
    ("ТРК N5", "dispenser", 5),            # glued to its number
    ("А3С № ' 61", "station_id", 61),      # a digit for a letter, a speck before the value
    ("ТРЕ № 3", "dispenser", 3),           # one letter of a short label misread (a thin monospace scan)
    ("2 ASC # 27", "station_id", 27),      # a numbered table row: «З» read as «S», «№» as «#»
    ("УРА № 3)", "dispenser", 3),          # two of three letters misread, the third in its place (a blurred photo)
    ("АЗС М 61", "station_id", 61),        # «№» read as «М» (a thin monospace scan read thickened)
])
def test_labels_read_with_ocr_slips_are_found(line: str, field: str, want: Any) -> None:  # noqa: ANN401
    assert fields_of(line).fields[field] == want


@pytest.mark.parametrize("line", [
    "Исполнитель ТРЕ № 3",      # one letter off, but not where a row's label stands
    "ТРЕ 3",                    # one letter off and no number sign: a word like any other
    "ТРЕ: 3",
    "УРА 3",                    # two off with no number sign
    "ТТН № 4512",               # an abbreviation sharing a first letter with a label is another label
    "ТМЦ № 12",
])
def test_a_short_label_one_letter_off_counts_only_numbered_at_the_start_of_its_line(line: str) -> None:
    assert "dispenser" not in fields_of(line).fields and "station_id" not in fields_of(line).fields


def test_a_label_one_letter_off_yields_to_the_label_read_right_and_its_value_is_to_be_checked() -> None:
    """GIVEN the form's own labels read right inside a line and a line that opens with a near word («МРК №»,
    «АГЗС №») WHEN extracted THEN the labels read right give the values; GIVEN only a label one letter off
    («TPE No 3») THEN its value is found but shown to be checked."""
    match = fields_of("АЗС № 214 Дата проверки 12.03.2026 ТРК № 3\nМРК № 4 установлена рядом\n"
                      "АГЗС № 7 (соседняя) не проверялась")
    assert match.fields["dispenser"] == 3 and match.fields["station_id"] == 214
    rescued = fields_of("АЗС № 214\nTPE No 3")
    assert rescued.fields["dispenser"] == 3
    state = field_states(load_templates()["inspection_act"], rescued)
    assert state["dispenser"].state == "doubtful" and state["dispenser"].code == "unsure"
    assert state["station_id"].state == "ok"


def test_a_label_that_starts_a_line_wins_over_the_same_words_in_a_sentence() -> None:
    """GIVEN «АЗС № 48» inside the inspector's signature line and «АЗС № 214» as the form's own row WHEN
    extracted THEN the station is 214, though the sentence comes first."""
    match = fields_of("Составлен начальником АЗС № 48 в присутствии оператора\nАЗС № 214\nТРК № 1")
    assert match.fields["station_id"] == 214


def test_a_label_in_a_sentence_is_used_when_the_form_has_no_row_for_it() -> None:
    match = fields_of("Проверка проведена на АЗС № 77 по ул. Шевченко.\nТРК № 1")
    assert match.fields["station_id"] == 77


def test_spaced_digits_stay_one_number_and_a_second_number_is_not_glued() -> None:
    match = fields_of("ТРК № 5 2 пистолета\nПоказания счётчика на начало 1 518 204\n"
                      "Показания счётчика на конец 1 518 300\nПогрешность измерения объёма составила 0, 3 %")
    assert match.fields["dispenser"] == 5 and match.fields["error_percent"] == 0.3
    assert fields_of("Погрешность измерения объёма составила: -0,2 %").fields["error_percent"] == -0.2
    assert (match.fields["meter_start"], match.fields["meter_end"]) == (1518204, 1518300)


def test_the_inspector_ends_at_the_signature_after_underscores() -> None:
    match = fields_of("Проверку провёл: ____ мастер Ахметов Б.К. ______ Подпись ______")
    assert match.fields["inspector"] == "мастер Ахметов Б.К."


def test_the_inspector_ends_at_a_signature_word_read_with_a_slip() -> None:
    match = fields_of("Проверку провёл: техник Жуматов К.Е. Педпись ____")
    assert match.fields["inspector"] == "техник Жуматов К.Е."


@pytest.mark.parametrize("head, values", [
    ("АЗС № | Дата проверки | ТРК № | Вид топлива", "214 | 12.03.2026 | 3 | АИ-95"),
    ("АЗС №  Дата проверки  ТРК №", "214  12.03.2026  3"),
    ("АЗС № Дата проверки ТРК №", "214 12.03.2026 3"),
])
def test_a_row_of_labels_takes_the_values_below_in_order(head: str, values: str) -> None:
    """GIVEN a table whose header names the fields and whose next row holds the values WHEN extracted
    THEN each label takes its own value, not the first number of the row."""
    match = fields_of(f"{head}\n{values}\nПоказания счётчика на начало 1200")
    assert (match.fields["station_id"], match.fields["inspection_date"]) == (214, "2026-03-12")
    assert match.fields["dispenser"] == 3 and match.fields["meter_start"] == 1200
    if "Вид топлива" in head:
        assert match.fields["fuel"] == "АИ-95"


def test_a_label_wrapped_in_a_narrow_cell_is_found_on_two_lines() -> None:
    """GIVEN a table whose label column wraps «Показания счётчика на | начало» over two lines WHEN
    extracted THEN the value beside the label's end is the counter's, and «на конец» stays apart."""
    match = fields_of("ТРК № 4\nПоказания счётчика на\nначало 518204\nПоказания счётчика\nна конец 518300\n"
                      "Индикатор не горит, требуется ремонт.")
    assert (match.fields["meter_start"], match.fields["meter_end"]) == (518204, 518300)
    assert match.fields["dispenser"] == 4
