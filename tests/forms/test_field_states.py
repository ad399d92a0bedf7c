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
