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
