"""Every field of the inspection act reaches the page (issue 23): found, doubtful or missing, each
doubtful or missing one with the reason to show, a misread value with the form's likely value."""

from __future__ import annotations

from azs_assistant.forms import extract, load_templates
from azs_assistant.forms.extract import field_states

TEXT = "\n".join(["Акт № 41/11", "проверки технического состояния ТРК", "Дата проверки 14.11.2026",
                  "Модель ТРК Нара-27М1С", "Вид топлива AU-92", "Показания счётчика на начало 304518",
                  "Проверку провёл: мастер Ахметов Б.К."])


def test_missing_and_misread_fields_are_flagged_with_reasons() -> None:
    """GIVEN an act whose «АЗС №» and «ТРК №» lines were not read and whose fuel reads «AU-92» WHEN its
    fields are checked THEN every template field has a state, the two are missing (required), the fuel
    is doubtful with «АИ-92» suggested, and what was read cleanly is ok."""
    template = load_templates()["inspection_act"]
    match = extract(TEXT, template, {"AU-92": 96.0, "41/11": 96.0})
    states = field_states(template, match)
    assert list(states) == [f.name for f in template.fields]
    assert states["station_id"].state == "missing" and states["station_id"].code == "missing_required"
    assert states["dispenser"].state == "missing" and "обязательное" in (states["dispenser"].reason or "")
    assert states["meter_end"].state == "missing" and states["meter_end"].code == "missing"
    assert states["fuel"].state == "doubtful" and states["fuel"].suggestion == "АИ-92"
    assert "АИ-95" in states["fuel"].values["choices"]
    assert states["act_number"].state == "ok" and states["inspection_date"].state == "ok"


def test_low_confidence_is_doubtful_and_a_bad_value_says_why() -> None:
    template = load_templates()["inspection_act"]
    text = TEXT.replace("AU-92", "АИ-95") + "\nАЗС № 12\nТРК № 250"
    match = extract(text, template, {"304518": 71.0})
    states = field_states(template, match)
    assert states["meter_start"].state == "doubtful" and states["meter_start"].values == {"conf": "71"}
    assert states["dispenser"].state == "doubtful" and "вне диапазона" in (states["dispenser"].reason or "")
    assert states["fuel"].state == "ok" and states["station_id"].state == "ok"


ACT = "\n".join(["Акт № 56/11", "проверки технического состояния ТРК", "АЗС № 142", "Дата проверки 08.11.2024",
                 "ТРК № 2", "Вид топлива АИ-92", "Показания счётчика на начало 310288"])


def test_values_two_readers_read_apart_take_the_second_and_are_checked() -> None:
    """GIVEN a form page Tesseract read «ТРК № 2» and the line reader «ТРК № 5», where only the line
    reader read «АЗС» right and its fuel is off the form's list WHEN the readings are cross-checked THEN the
    dispenser is 5, shown to be checked with «2» offered; the station is taken from the line reader and
    shown to be checked; the fuel and the values both read alike stand as Tesseract read them."""
    from azs_assistant.forms.extract import DISPUTED, cross_check

    template = load_templates()["inspection_act"]
    tess = ACT.replace("АЗС № 142", "ДЗЕ 142")
    second = ACT.replace("ТРК № 2", "ТРК № 5").replace("АИ-92", "АИ-9")
    first = extract(tess, template, {"310288": 96.0})
    assert first.fields["dispenser"] == 2 and "station_id" not in first.fields
    match = cross_check(template, first, extract(second, template))
    assert match.fields["dispenser"] == 5 and match.disputed == {"dispenser": "2"}
    assert match.confidence["dispenser"] == DISPUTED
    assert match.fields["station_id"] == 142 and not any("АЗС" in p for p in match.problems)
    assert match.fields["fuel"] == "АИ-92" and match.fields["meter_start"] == 310288
    assert match.confidence["meter_start"] == 96.0
    states = field_states(template, match)
    assert states["dispenser"].state == "doubtful" and states["dispenser"].code == "disputed"
    assert states["dispenser"].suggestion == "2" and "«2»" in (states["dispenser"].reason or "")
    said = states["dispenser"]
    assert "«2»" in (said.message_in("kk") or "") and "differ" in (said.message_in("en") or "")
    assert states["station_id"].state == "doubtful" and states["station_id"].code == "unsure"
    assert states["fuel"].state == "ok" and states["meter_start"].state == "ok"


def test_a_second_reading_that_does_not_parse_or_agrees_changes_nothing() -> None:
    from azs_assistant.forms.extract import cross_check

    template = load_templates()["inspection_act"]
    first = extract(ACT, template)
    same = cross_check(template, first, extract(ACT, template))
    assert same == first
    garbled = cross_check(template, first, extract(ACT.replace("08.11.2024", "38.11.2024").replace("№ 2", "№ 250"),
                                                   template))
    assert garbled == first


def test_names_and_free_text_stay_as_tesseract_read_them() -> None:
    """GIVEN the line reader's usual slips on a clean act («АЗС» read «АЭС», «1» read «І», spaces) WHEN the
    readings are cross-checked THEN the model, the inspector and the act's number stay Tesseract's, unmarked."""
    from azs_assistant.forms.extract import cross_check

    template = load_templates()["inspection_act"]
    tess = ACT.replace("Акт № 56/11", "Акт № 29/09") + "\nМодель ТРК Нара-27М1С" \
        + "\nПроверку провёл: оператор АЗС Смирнов Р.С."
    second = tess.replace("АЗС Смирнов", "АЭС Смирнов").replace("27М1С", "27МІС").replace("29/09", "29 / 09")
    first = extract(tess, template)
    match = cross_check(template, first, extract(second, template))
    assert match == first and match.fields["inspector"].startswith("оператор АЗС")


def test_a_value_the_second_reading_found_on_another_line_is_no_dispute() -> None:
    """GIVEN Tesseract reads «ТРК № 2» and the line reader misreads that label «ТРЕ № 2», so that its dispenser
    is the «ТРК № 4» of a sentence further down WHEN cross-checked THEN the dispenser stays 2, unmarked."""
    from azs_assistant.forms.extract import cross_check

    template = load_templates()["inspection_act"]
    tess = ACT + "\nПри осмотре пломба ТРК № 4 нарушена."
    first = extract(tess, template)
    match = cross_check(template, first, extract(tess.replace("ТРК № 2", "ТРЕ № 2"), template))
    assert match.fields["dispenser"] == 2 and match.disputed == {} and match == first


def test_a_disputed_date_is_offered_as_the_page_shows_it_and_said_in_problems() -> None:
    from azs_assistant.forms.extract import DISPUTED, ONE_READER, cross_check

    template = load_templates()["inspection_act"]
    first = extract(ACT.replace("АИ-92", "AИ-9"), template)
    match = cross_check(template, first, extract(ACT.replace("08.11.2024", "06.11.2024"), template))
    assert match.fields["inspection_date"] == "2024-11-06" and match.disputed["inspection_date"] == "08.11.2024"
    assert match.confidence["inspection_date"] == DISPUTED
    assert any("Дата проверки" in p and "«08.11.2024»" in p for p in match.problems)
    # a value off the form's list stays, and the page offers the listed one to put in its place
    assert match.fields["fuel"] == "AИ-9" and "fuel" not in match.disputed
    assert match.confidence.get("fuel") != ONE_READER
    states = field_states(template, match)
    assert states["inspection_date"].code == "disputed" and states["inspection_date"].suggestion == "08.11.2024"
    assert states["fuel"].code == "not_in_list" and states["fuel"].suggestion == "АИ-92"


def test_only_a_filled_in_form_is_read_twice() -> None:
    """A page is read by both readers when its template matches and two of its values follow their labels:
    a manual naming «акт», «контактный» or «ТРК» is none."""
    from azs_assistant.forms.recognise import is_form

    twice = is_form(load_templates())
    assert twice(ACT)
    assert not twice("Контактный телефон: оператор ТРК\nТехнические характеристики топливораздаточной колонки")
    assert not twice("Акт проверки технического состояния ТРК составляется инженером после ремонта.")


def test_a_corrected_line_is_written_the_way_it_prints_its_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two values corrected on one line make one pair with both; a comma decimal, a spaced number and a dotted
    date are written back as the line prints them; a value the line holds twice, or a word inside another
    word, makes no pair; a disputed value confirmed as it reads still makes a pair (a hard line's truth)."""
    import numpy as np

    from azs_assistant.forms import corrections

    lines = [{"page": 0, "text": "АЗС № 214 ТРК № 3", "box": [10, 10, 200, 40]},
             {"page": 0, "text": "Погрешность -0,2 % счётчик 518 204 на 12.03.2026", "box": [10, 50, 400, 80]},
             {"page": 0, "text": "ТРК № 9 АИ-92 колонка 9", "box": [10, 90, 300, 120]}]
    import cv2

    cv2.imwrite(str(tmp_path / "page-0.png"), np.full((200, 500), 255, np.uint8))
    both = corrections._pair(tmp_path, lines, lines[0]["text"], [("station_id", ["214"], "215"),
                                                                 ("dispenser", ["3"], "4")])
    assert both is not None and both[1] == "АЗС № 215 ТРК № 4" and both[0].shape[0] > 30
    styled = corrections._pair(tmp_path, lines, lines[1]["text"], [("error_percent", ["-0.2"], "-0.3"),
                                                                   ("meter_start", ["518204"], "518205"),
                                                                   ("inspection_date", ["2026-03-12"], "2026-03-13")])
    assert styled is not None and styled[1] == "Погрешность -0,3 % счётчик 518 205 на 13.03.2026"
    assert corrections._pair(tmp_path, lines, lines[2]["text"], [("dispenser", ["9"], "5")]) is None
    reading = {"fields": {"dispenser": ["3"], "station_id": ["214"]}, "disputed": ["dispenser"],
               "sources": {"dispenser": lines[0]["text"], "station_id": lines[0]["text"]}}
    assert corrections._changes(reading, {"dispenser": 3, "station_id": 214}) == {
        lines[0]["text"]: [("dispenser", ["3"], "3")]}
