"""Paper forms to records: templates as data, extraction tolerant of OCR, validation, export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from azs_assistant import cli
from azs_assistant.api.app import create_app
from azs_assistant.errors import InvalidInput
from azs_assistant.forms import extract, load_templates, match_template
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from tests.conftest import authorize
from tests.ocr.test_ocr import page

ACT = ["АКТ № 15/03", "проверки технического состояния топливораздаточной колонки", "АЗС № 214",
       "Дата проверки 12.03.2026", "ТРК № 3", "Вид топлива АИ-95", "Показания счётчика на начало 518204",
       "Индикатор табло не отображает сумму, требуется ремонт.",
       "Проверку провёл: мастер Ахметов Б.К. Подпись"]


def test_fields_are_extracted_and_validated_from_ocr_like_text() -> None:
    text = "\n".join(["AKT N 15/03", "проверки технического состояния ТРК", "A3C N 214", "Дата проверки 12.03.2026",
                      "TPK № 3", "Показания счетчика на начало 518 204", "Показания счётчика на конец 518 300",
                      "Подтекание топлива не обнаружено."])
    template = match_template(text, load_templates())
    assert template is not None and template.form == "inspection_act"
    match = extract(text, template)
    assert match.fields["station_id"] == 214 and match.fields["dispenser"] == 3
    assert match.fields["inspection_date"] == "2026-03-12"
    assert match.fields["meter_start"] == 518204 and match.fields["meter_end"] == 518300
    assert match.defects == [] and match.problems == []


def test_invalid_values_are_reported_not_guessed() -> None:
    text = "Акт № 1\nпроверки технического состояния ТРК\nАЗС № 12\nДата проверки 31.02.2026\nТРК № 250"
    match = extract(text, load_templates()["inspection_act"])
    assert any("несуществующая дата" in p for p in match.problems)
    assert any("вне диапазона" in p for p in match.problems)


def test_a_company_adds_its_own_form_without_code(tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "delivery.yaml").write_text(
        "form: delivery_note\ntitle: Накладная на топливо\ndetect:\n  all: ['накладная']\nfields:\n"
        "  - name: volume\n    labels: ['объём, л', 'объем, л']\n    type: integer\n    required: true\n",
        encoding="utf-8")
    templates = load_templates(forms)
    assert {"inspection_act", "delivery_note"} <= set(templates)
    match = extract("Товарная накладная № 7\nОбъём, л 12 500", templates["delivery_note"])
    assert match.fields == {"volume": 12500}
    (forms / "broken.yaml").write_text("form: 1\nfields: []\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="broken.yaml"):
        load_templates(forms)


@pytest.fixture
def svc(tmp_path: Path) -> Iterator[Services]:
    services = Services(Settings(data_dir=tmp_path))
    yield services
    services.close()


def test_photo_of_an_act_becomes_a_record_with_its_defect(svc: Services, tmp_path: Path) -> None:
    photo = tmp_path / "akt_trk3.png"
    page(ACT, size=30, height=700).save(photo)
    result = svc.ingestor.ingest_paths([photo])[0]
    assert result.status == "added" and "запись №" in (result.message or "")
    from azs_assistant.forms import records

    [record] = records.records(svc.db, "inspection_act")
    assert record.fields["station_id"] == 214 and record.fields["dispenser"] == 3
    assert record.fields["inspection_date"] == "2026-03-12" and record.fields["meter_start"] == 518204
    assert record.defects and "требуется ремонт" in record.defects[0]
    assert record.incident_ref == f"OCR-{record.id}" and record.status == "extracted"
    from azs_assistant.storage.models import Incident

    with svc.db.session() as s:  # the defect opened an incident at that station, found by reports
        incident = s.get(Incident, record.incident_ref)
        assert (incident.station_id, incident.origin, incident.is_open) == ("АЗС-214", "ocr", 1)
        assert "требуется ремонт" in incident.description and incident.equipment == "ТРК №3"
    assert svc.reports.ask("Сколько открытых инцидентов на АЗС-214?").result.answer == 1
    assert svc.ingestor.ingest_paths([photo])[0].status == "unchanged"
    assert len(records.records(svc.db, "inspection_act")) == 1

    template = svc.forms.template("inspections")
    as_json = json.loads(records.export([record], template, "json"))
    assert as_json[0]["station_id"] == 214
    rows = list(csv.DictReader(io.StringIO(records.export([record], template, "csv"))))
    assert rows[0]["dispenser"] == "3" and rows[0]["inspection_date"] == "2026-03-12"
    xml = ET.fromstring(records.export([record], template, "xml").split("?>", 1)[1])
    assert xml.find("record/station_id").text == "214"


@pytest.mark.slow  # over 5 s (--durations)
def test_api_ocr_confirm_and_export(svc: Services) -> None:
    buf = io.BytesIO()
    page(ACT, size=30, height=700).save(buf, "PNG")
    with TestClient(create_app(svc)) as client:
        authorize(client, svc)
        body = client.post("/api/v1/ocr", files={"file": ("akt.png", buf.getvalue(), "image/png")}).json()
        assert body["form"] == "inspection_act" and body["fields"]["station_id"] == 214
        assert body["pages"][0]["quality"] == "ok" and "АЗС № 214" in body["text"]
        lines = body["pages"][0]["lines"]
        assert {"text": "АЗС № 214", "doubtful": False, "reason": None} in lines or any(
            "АЗС № 214" in line["text"] and not line["doubtful"] for line in lines)
        fields = {**body["fields"], "meter_start": "518 205"}
        saved = client.post("/api/v1/forms/inspection_act/records",
                            json={"source": "akt.png", "fields": fields, "defects": body["defects"]})
        assert saved.status_code == 201 and saved.json()["status"] == "confirmed"
        assert saved.json()["fields"]["meter_start"] == 518205
        assert saved.json()["fields"]["inspection_date"] == "2026-03-12"  # the ISO date sent back stays the same
        assert body["field_labels"]["station_id"] == "АЗС №" and body["form_title"].startswith("Акт")
        bad = client.put(f"/api/v1/records/{saved.json()['id']}", json={"fields": {"inspection_date": "32.13.2026"}})
        assert bad.status_code == 422 and "дата" in bad.json()["error"]["message"]
        export = client.get("/api/v1/forms/inspections/export", params={"format": "csv"})
        assert export.headers["content-type"].startswith("text/csv") and "518205" in export.text
        assert client.post("/api/v1/ocr", files={"file": ("x.txt", b"hello", "text/plain")}).status_code == 415
        assert client.get("/ocr").status_code == 200


def test_cli_ocr_json_and_export(tmp_path: Path) -> None:
    photo = tmp_path / "akt.png"
    page(ACT, size=30, height=700).save(photo)
    runner = CliRunner()
    out = runner.invoke(cli.app, ["--data-dir", str(tmp_path / "d"), "ocr", str(photo), "--json", "--save"])
    result = json.loads(out.output)
    assert set(result) >= {"text", "pages", "fields", "form"} and result["form"] == "inspection_act"
    assert set(result["pages"][0]) >= {"text", "confidence", "quality", "reason", "lines"}
    lines = result["pages"][0]["lines"]
    assert lines and set(lines[0]) == {"text", "doubtful", "reason", "message"}
    exported = runner.invoke(cli.app, ["--data-dir", str(tmp_path / "d"), "export", "inspections", "--format", "xml"])
    assert "<station_id>214</station_id>" in exported.output


def test_a_value_read_from_a_doubtful_line_of_a_page_read_in_part_is_to_be_checked() -> None:
    """GIVEN a page read in part whose «ТРК № 3» line is doubtful WHEN its form is recognised THEN the
    dispenser is found but its state asks for a check, while a value from a trusted line stays ok."""
    from types import SimpleNamespace

    from azs_assistant.forms import load_templates
    from azs_assistant.forms.extract import field_states
    from azs_assistant.forms.recognise import recognise_pages
    from azs_assistant.ocr.pipeline import Line, PageResult

    text = "АКТ № 12\nпроверки технического состояния ТРК\nАЗС № 214\nТРК № 3 Жвщъ ыфкщ"
    lines = [Line(x, x.startswith("ТРК № 3"), "в строке много слов не из словаря" if x.startswith("ТРК № 3") else None)
             for x in text.split("\n")]
    page = PageResult(text, 91.0, "partial", words={w: 95.0 for w in text.split()}, lines=lines)
    templates = load_templates()
    found = recognise_pages([SimpleNamespace(result=page)], templates)
    assert found is not None
    template, match = found
    states = field_states(template, match)
    assert match.fields["dispenser"] == 3 and states["dispenser"].state == "doubtful"
    assert match.fields["station_id"] == 214 and states["station_id"].state == "ok"


def test_a_form_page_is_read_by_both_readers_and_another_page_once() -> None:
    """GIVEN a photographed act and a page of plain text WHEN each is read with the forms' ``read_twice``
    THEN the act's page carries the line reader's reading beside Tesseract's, the plain page does not."""
    from azs_assistant.forms.recognise import is_form
    from azs_assistant.ocr.pipeline import ocr_page
    from tests.ocr.test_ocr import bgr

    twice = is_form(load_templates())
    act = ocr_page(bgr(page(ACT, size=30, height=700)), read_twice=twice)
    assert act.quality == "ok" and act.source == "tesseract"
    # the act's values in the second reading (its labels' letters are Tesseract's business: the line reader may
    # read «АЗС» as «АЭС», and only numbers, dates and listed values are checked against it)
    assert all(value in act.second_text for value in ("№ 214", "12.03.2026", "518204")), act.second_text
    assert "line reader" in act.timings
    plain = ocr_page(bgr(page(["Порядок приёма топлива на АЗС", "Оператор проверяет пломбы бензовоза."], size=30,
                              height=300)), read_twice=twice)
    assert plain.quality == "ok" and plain.second_text == "" and "line reader" not in plain.timings


def test_an_act_value_the_readers_read_apart_is_stored_to_be_checked(svc: Services, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN an act photo whose line reader reads «ТРК № 8» where Tesseract reads «ТРК № 3» (the reader's
    own reading, one digit changed) WHEN it is ingested and recognised through the API THEN the record holds
    the line reader's 8 at the disputed confidence, and the page offers Tesseract's 3 with the reason."""
    from azs_assistant.forms import records
    from azs_assistant.forms.extract import DISPUTED
    from azs_assistant.ocr import lines

    real = lines.LineReader.read_page

    def misread(self: lines.LineReader, gray, lexicon=None, kazakh=None):  # type: ignore[no-untyped-def]
        read = real(self, gray, lexicon, kazakh)
        assert "ТРК № 3" in read.text
        read.text = read.text.replace("ТРК № 3", "ТРК № 8")
        return read

    monkeypatch.setattr(lines.LineReader, "read_page", misread)
    photo = tmp_path / "akt_trk3.png"
    page(ACT, size=30, height=700).save(photo)
    assert svc.ingestor.ingest_paths([photo])[0].status == "added"
    [record] = records.records(svc.db, "inspection_act")
    assert record.fields["dispenser"] == 8 and record.field_confidence["dispenser"] == DISPUTED
    assert record.fields["station_id"] == 214 and record.field_confidence["station_id"] > DISPUTED
    with TestClient(create_app(svc)) as client:
        authorize(client, svc)
        body = client.post("/api/v1/ocr", headers={"Accept-Language": "kk"},
                           files={"file": ("akt.png", photo.read_bytes(), "image/png")}).json()
    state = body["field_states"]["dispenser"]
    assert body["fields"]["dispenser"] == 8 and state["code"] == "disputed" and state["suggestion"] == "3"
    assert "«3»" in state["message"] and "екі" in state["message"]


@pytest.mark.parametrize(("field", "typed", "problem"), [
    ("meter_end", "3O4611", "not_integer"),  # a letter O for a zero: not read as «3»
    ("meter_end", "304611 5", "not_integer"),
    ("error_percent", "0,2%", "not_number"),
    ("inspection_date", "14.11.2026 г", "not_date"),
    ("inspection_date", "31.02.2026", "bad_date"),
    ("fuel", "АИ-93", "not_in_list"),
    ("dispenser", "120", "out_of_range"),
    ("act_number", "41/11 от", "not_pattern"),
    ("meter_end", "304400", "below"),  # the end reading lower than the start (304518): one is misread
])
def test_a_value_a_person_types_is_taken_whole_or_refused_naming_its_field(svc: Services, field: str, typed: str,
                                                                          problem: str) -> None:
    """GIVEN a record confirmed on the form-photo page WHEN a field holds a value the field does not take as a
    whole THEN it is refused in the user's language with the field named (the page marks that field), and nothing
    is stored; the parser used to keep the first number it found («3O4611» became 3)."""
    from azs_assistant.auth.principal import SYSTEM

    good = {"station_id": "17", "inspection_date": "14.11.2026", "dispenser": "2", "meter_start": "304518"}
    with pytest.raises(InvalidInput) as refused:
        svc.records.create(SYSTEM, "inspection_act", "act.jpg", {**good, field: typed})
    assert refused.value.details["field"] == field and refused.value.details["problem"] == problem
    assert typed in refused.value.message("ru") or problem in ("out_of_range",)
    assert "«Акт №»" in refused.value.message("ru") or field != "act_number"
    assert refused.value.message("kk") != refused.value.message("ru") != refused.value.message("en")
    assert svc.records.visible(SYSTEM, "inspection_act") == []


def test_a_choice_is_taken_in_any_spelling_of_its_letters_and_stored_as_the_form_writes_it(svc: Services) -> None:
    from azs_assistant.auth.principal import SYSTEM

    record = svc.records.create(SYSTEM, "inspection_act", "act.jpg", {
        "station_id": "17", "inspection_date": "2026-11-14", "dispenser": "2", "fuel": "аи 92",
        "meter_end": "304 611", "error_percent": "-0,2"})
    assert record.fields["fuel"] == "АИ-92" and record.fields["meter_end"] == 304611
    # a date typed as digits alone, on a phone's digits keypad (an iPhone's has no «.»)
    typed = svc.records.create(SYSTEM, "inspection_act", "act2.jpg", {
        "station_id": "17", "inspection_date": "15112026", "dispenser": "3"})
    assert typed.fields["inspection_date"] == "2026-11-15"
    assert record.fields["error_percent"] == -0.2 and record.fields["inspection_date"] == "2026-11-14"


def test_a_number_typed_with_its_fields_word_is_taken_and_a_station_not_ones_own_is_refused_at_its_field(
        svc: Services) -> None:
    """GIVEN an operator of АЗС-001 WHEN they type the station as their profile names it («АЗС-001») THEN it is the
    station number 1 (it was refused as «not an integer»); «ТРК № 3» is dispenser 3, and another field's word is no
    label («АЗС 3» for the dispenser is refused). An act of a station they are not assigned to is refused naming the
    «АЗС №» field, with its reason in each language (the page marked no field)."""
    from azs_assistant.errors import Forbidden
    from azs_assistant.stations import StationInput
    from tests.factories import principal

    admin = principal("admin")
    for sid in ("АЗС-001", "АЗС-017"):
        svc.stations.add(admin, StationInput(sid, sid, "Алматы"))
    operator = principal("operator", name="aida", stations=["АЗС-001"])
    act = {"act_number": "9", "station_id": "АЗС-001", "inspection_date": "14.11.2026", "dispenser": "ТРК № 3"}
    record = svc.records.create(operator, "inspection_act", "act.jpg", act)
    assert (record.fields["station_id"], record.fields["dispenser"], record.station_id) == (1, 3, "АЗС-001")
    for number, written in ((20, "ЖҚС-001"), (21, "№1")):  # the Kazakh page's word, or the sign alone
        assert svc.records.create(operator, "inspection_act", "act.jpg",
                                  {**act, "act_number": str(number), "station_id": written}).fields["station_id"] == 1
    with pytest.raises(InvalidInput) as refused:
        svc.records.create(operator, "inspection_act", "act.jpg", {**act, "act_number": "10", "dispenser": "АЗС 3"})
    assert refused.value.details["invalid"] == ["dispenser"]
    with pytest.raises(Forbidden) as foreign:
        svc.records.create(operator, "inspection_act", "act.jpg", {**act, "act_number": "11", "station_id": "17"})
    assert foreign.value.details["field"] == "station_id"
    assert {lang: "АЗС-017" in foreign.value.details["reasons"]["station_id"][lang] for lang in ("ru", "kk", "en")} \
        == {"ru": True, "kk": True, "en": True}


@pytest.mark.slow  # real OCR of a page: over 5 s
def test_a_value_the_operator_corrects_becomes_a_training_pair(svc: Services) -> None:
    """GIVEN an act recognised on /ocr WHEN the operator saves it with the meter reading changed (and the rest as
    read) THEN one pair is kept: the image of the meter's line and that line with the typed value; the trainer
    reads it back normalised; the reading is gone, and a second save with it, or another person's, learns nothing."""
    from azs_assistant.forms.corrections import corrections_dir
    from azs_assistant.ocr import lines, train_lines

    buf = io.BytesIO()
    page(ACT, size=30, height=700).save(buf, "PNG")
    with TestClient(create_app(svc)) as client:
        authorize(client, svc)
        body = client.post("/api/v1/ocr", files={"file": ("akt.png", buf.getvalue(), "image/png")}).json()
        assert body["form"] == "inspection_act" and body["reading"]
        fields = {**body["fields"], "meter_start": 518205}
        saved = client.post("/api/v1/forms/inspection_act/records",
                            json={"source": "akt.png", "fields": fields, "reading": body["reading"]})
        assert saved.status_code == 201
        twice = client.post("/api/v1/forms/inspection_act/records",
                            json={"source": "akt.png", "fields": fields, "reading": body["reading"]})
        assert twice.status_code == 409  # the same paper act is not stored twice
        again = client.post("/api/v1/forms/inspection_act/records",
                            json={"source": "akt.png", "fields": {**fields, "act_number": "98"},
                                  "reading": body["reading"]})
        assert again.status_code == 201  # the reading was used up: the record is saved, no second pair
        bad = client.post("/api/v1/forms/inspection_act/records",
                          json={"source": "akt.png", "fields": {**fields, "act_number": "99"},
                                "reading": "../../../etc/passwd"})
        assert bad.status_code == 201
    folder = corrections_dir(svc.settings.data_dir)
    [row] = [json.loads(x) for x in (folder / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert row["text"] == "Показания счётчика на начало 518205" and row["read"].endswith("518204")
    assert row["fields"] == ["meter_start"] and row["form"] == "inspection_act" and row["by"]
    assert (folder / row["image"]).is_file()
    [(image, text)] = train_lines.corrections([folder])
    assert text == row["text"] and image.shape[0] == lines.HEIGHT
    assert not list((svc.settings.data_dir / "ocr" / "readings").iterdir())


def test_a_doubtful_line_the_operator_types_whole_becomes_a_training_pair(svc: Services) -> None:
    """GIVEN an act photo with a smudge read as letters (a doubtful line) WHEN the operator saves the record with
    that line typed as the paper has it THEN a pair of the line's image and their text is kept beside nothing
    else: a line not in the reading, or one sent back unchanged, makes none."""
    from azs_assistant.forms.corrections import corrections_dir

    buf = io.BytesIO()
    page([*ACT, "Жвщъ ыфкщ ъхзщ ьйъц гшщх"], size=30, height=760).save(buf, "PNG")
    with TestClient(create_app(svc)) as client:
        authorize(client, svc)
        body = client.post("/api/v1/ocr", files={"file": ("akt.png", buf.getvalue(), "image/png")}).json()
        assert body["form"] == "inspection_act" and body["reading"]
        [smudge] = [line["text"] for p in body["pages"] for line in p["lines"] if line["doubtful"]]
        # a line not in the reading, one sent back unchanged and a line read without doubt make no pair
        fixes = [{"read": smudge, "text": "  Замечаний   нет "}, {"read": "АЗС № 999", "text": "АЗС № 214"},
                 {"read": "АЗС № 214", "text": "АЗС № 214"}, {"read": "АЗС № 214", "text": "АЗС № 215"}]
        saved = client.post("/api/v1/forms/inspection_act/records",
                            json={"source": "akt.png", "fields": body["fields"], "reading": body["reading"],
                                  "lines": fixes})
        assert saved.status_code == 201, saved.text
        too_many = client.post("/api/v1/forms/inspection_act/records",
                               json={"source": "akt.png", "fields": body["fields"], "lines": fixes * 51})
        assert too_many.status_code == 422
    folder = corrections_dir(svc.settings.data_dir)
    [row] = [json.loads(x) for x in (folder / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (row["text"], row["read"], row["fields"]) == ("Замечаний нет", smudge, [])
    assert (folder / row["image"]).is_file()


def test_the_same_paper_act_saved_again_is_refused_and_points_at_its_record(svc: Services) -> None:
    """GIVEN an act saved from its photo WHEN the same act (its number and station, written another way) is saved
    again THEN it is refused in the user's language with the stored record's number, and the act is counted once:
    a walk-through saved one act three times and the report showed one leaking hose as three incidents."""
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.errors import Conflict

    act = {"act_number": "41/11", "station_id": "17", "inspection_date": "2026-11-14", "dispenser": "2"}
    first = svc.records.create(SYSTEM, "inspection_act", "act.jpg", dict(act), ["течь"])
    with pytest.raises(Conflict) as refused:
        svc.records.create(SYSTEM, "inspection_act", "act-again.jpg",
                           {**act, "act_number": "041 / 11", "station_id": "017", "inspection_date": "14.11.2026"},
                           ["течь"])
    assert refused.value.details["record"] == first.id
    for lang in ("ru", "kk", "en"):
        assert f"№{first.id}" in refused.value.message(lang) or f"No. {first.id}" in refused.value.message(lang)
    assert "041 / 11" in refused.value.message("ru") and refused.value.message("kk") != refused.value.message("ru")
    assert [r.id for r in svc.records.visible(SYSTEM, "inspection_act")] == [first.id]
    # another act of the station, the same number at another station or on another date (numbers start again each
    # year or month), is another paper
    other = svc.records.create(SYSTEM, "inspection_act", "act42.jpg", {**act, "act_number": "42/11"})
    elsewhere = svc.records.create(SYSTEM, "inspection_act", "act-12.jpg", {**act, "station_id": "12"})
    next_year = svc.records.create(SYSTEM, "inspection_act", "act-2027.jpg", {**act, "inspection_date": "2027-11-14"})
    assert len({first.id, other.id, elsewhere.id, next_year.id}) == 4
    # a record corrected into another's number is refused too, and stays as it was; a bad value is refused as such
    with pytest.raises(Conflict):
        svc.records.confirm(SYSTEM, other.id, {**act, "act_number": "41/11"})
    assert svc.records.get(SYSTEM, other.id).fields["act_number"] == "42/11"
    with pytest.raises(InvalidInput):
        svc.records.confirm(SYSTEM, other.id, {**act, "act_number": "41/11", "station_id": "x"})


def test_a_record_outside_the_callers_scope_is_neither_named_nor_changed_by_their_save(svc: Services) -> None:
    """An act naming a station the registry lacks is kept without a station, for its creator (and admins) only:
    another operator saving the same act gets a record of their own, not a 409 naming the hidden one nor a
    change to it (a review found both)."""
    from azs_assistant.errors import Conflict
    from azs_assistant.stations import StationInput
    from tests.factories import principal

    svc.stations.add(principal("admin"), StationInput("АЗС-012", "АЗС 012", "Шымкент"))
    act = {"act_number": "5", "station_id": "99", "inspection_date": "2026-11-14", "dispenser": "2"}
    one, two = (principal("operator", name=n, stations=["АЗС-012"]) for n in ("one", "two"))
    hidden = svc.records.create(one, "inspection_act", "act.jpg", dict(act), ["течь"])
    assert hidden.station_id is None
    mine = svc.records.create(two, "inspection_act", "act.jpg", {**act, "dispenser": "3"})
    assert mine.id != hidden.id and svc.records.get(one, hidden.id).fields["dispenser"] == 2
    with pytest.raises(Conflict) as refused:  # the creator's own second save is refused
        svc.records.create(one, "inspection_act", "act.jpg", dict(act))
    assert refused.value.details["record"] == hidden.id


def test_an_unchecked_reading_of_the_same_act_is_confirmed_instead_of_doubled(svc: Services) -> None:
    """GIVEN an act read and kept unchecked (ingested, or sent to the bot) with its defect's incident WHEN a person
    saves the same act from /ocr THEN that record is confirmed with their values: one record, one incident."""
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.errors import Conflict
    from azs_assistant.storage.models import Incident

    fields = {"act_number": "41/11", "station_id": "17", "inspection_date": "2026-11-14", "dispenser": "2"}
    read = svc.records.save_recognised(SYSTEM, {"form": "inspection_act", "fields": dict(fields),
                                                "field_confidence": {}, "problems": [], "defects": ["течь"]},
                                       "act.jpg")[0]
    assert read.status == "extracted"
    saved = svc.records.create(SYSTEM, "inspection_act", "act.jpg", {**fields, "dispenser": "3"},
                               ["течь рукава"])
    assert saved.id == read.id and saved.status == "confirmed" and saved.fields["dispenser"] == 3
    assert saved.defects == ["течь рукава"]
    with svc.db.session() as s:
        assert [i.equipment for i in s.query(Incident).all()] == ["ТРК №3"]
    # a save without defects of an unchecked reading that had one keeps it: its incident is not left behind
    other = svc.records.save_recognised(SYSTEM, {"form": "inspection_act", "fields": {**fields, "act_number": "42"},
                                                 "field_confidence": {}, "problems": [], "defects": ["течь"]},
                                        "act42.jpg")[0]
    kept = svc.records.create(SYSTEM, "inspection_act", "act42.jpg", {**fields, "act_number": "42"})
    assert kept.id == other.id and kept.defects == ["течь"] and kept.incident_ref == f"OCR-{other.id}"
    # two unchecked readings of one act (the photo sent twice): one record; a record of another act corrected into
    # this one's key is refused only once this one is checked
    reading = {"form": "inspection_act", "fields": {**fields, "act_number": "43"}, "field_confidence": {},
               "problems": [], "defects": []}
    (first, new), (second, again) = (svc.records.save_recognised(SYSTEM, reading, name) for name in ("a.jpg", "b.jpg"))
    assert new and not again and second.id == first.id
    typo = svc.records.save_recognised(SYSTEM, {**reading, "fields": {**fields, "act_number": "44"}}, "c.jpg")[0]
    corrected = {**fields, "act_number": "43", "dispenser": "4"}
    assert svc.records.confirm(SYSTEM, typo.id, corrected).status == "confirmed"
    with pytest.raises(Conflict):
        svc.records.confirm(SYSTEM, first.id, corrected)


def test_two_saves_of_one_act_at_the_same_instant_make_one_record(services: Services,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN two people saving the same act at once (on SQLite and PostgreSQL) WHEN both look for the paper before
    either has written THEN the second waits for the first's write: one record and one incident, the other save
    refused with its number. Without the writer lock both found nothing and both made a record."""
    import threading
    import time

    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.errors import Conflict
    from azs_assistant.forms import records
    from azs_assistant.storage.models import Incident

    looked = records.same_paper

    def slow_look(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = looked(*args, **kwargs)
        time.sleep(0.5)  # both saves are between their look and their write
        return found

    monkeypatch.setattr(records, "same_paper", slow_look)
    act = {"act_number": "7", "station_id": "17", "inspection_date": "2026-11-14", "dispenser": "2"}
    outcomes: list[object] = []

    def save(source: str) -> None:
        try:
            outcomes.append(services.records.create(SYSTEM, "inspection_act", source, dict(act), ["течь"]).id)
        except Conflict as refused:
            outcomes.append(refused)

    savers = [threading.Thread(target=save, args=(name,)) for name in ("a.jpg", "b.jpg")]
    for saver in savers:
        saver.start()
    for saver in savers:
        saver.join()
    [made] = [o for o in outcomes if isinstance(o, int)]
    [refused] = [o for o in outcomes if isinstance(o, Conflict)]
    assert refused.details["record"] == made
    assert [r.id for r in services.records.visible(SYSTEM, "inspection_act")] == [made]
    with services.db.session() as s:
        assert [i.incident_id for i in s.query(Incident).all()] == [f"OCR-{made}"]


def test_a_photo_of_an_act_on_record_already_is_not_recorded_again(svc: Services, tmp_path: Path) -> None:
    """GIVEN an act typed in on /ocr (confirmed, its defect an incident) WHEN a photo of that act is then added to the
    knowledge base THEN ingestion says the act is on record (its number) and makes no second record or incident;
    the photo itself is kept as a document."""
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.storage.models import Incident

    typed_in = svc.records.create(SYSTEM, "inspection_act", "akt.jpg",
                                  {"act_number": "15/03", "station_id": "214", "inspection_date": "12.03.2026",
                                   "dispenser": "3"}, ["Индикатор табло не отображает сумму"])
    photo = tmp_path / "akt_trk3.png"
    page(ACT, size=30, height=700).save(photo)
    result = svc.ingestor.ingest_paths([photo])[0]
    assert result.status == "added" and f"уже записан (запись №{typed_in.id})" in (result.message or "")
    assert [r.id for r in svc.records.visible(SYSTEM, "inspection_act")] == [typed_in.id]
    with svc.db.session() as s:
        assert [i.incident_id for i in s.query(Incident).all()] == [f"OCR-{typed_in.id}"]
    # the CLI's --save of the same photo names the record too, and makes none
    out = CliRunner().invoke(cli.app, ["--data-dir", str(svc.settings.data_dir), "ocr", str(photo), "--save"])
    assert out.exit_code == 0 and f"уже записан: запись №{typed_in.id}" in out.output
    assert len(svc.records.visible(SYSTEM, "inspection_act")) == 1


def test_a_template_key_must_name_its_fields() -> None:
    from pydantic import ValidationError

    from azs_assistant.forms.extract import FormTemplate

    spec = {"form": "x", "title": "X", "detect": {"all": ["x"]}, "fields": [{"name": "a", "labels": ["a"]}]}
    assert FormTemplate.model_validate({**spec, "key": ["a"]}).key == ["a"]
    with pytest.raises(ValidationError):
        FormTemplate.model_validate({**spec, "key": ["a", "b"]})


def test_every_field_a_person_must_correct_is_refused_at_once_with_its_own_reason(svc: Services) -> None:
    from azs_assistant.auth.principal import SYSTEM

    with pytest.raises(InvalidInput) as refused:
        svc.records.create(SYSTEM, "inspection_act", "act.jpg", {
            "station_id": "17", "inspection_date": "31.02.2026", "meter_end": "3O4611", "dispenser": ""})
    details = refused.value.details
    assert details["invalid"] == ["inspection_date", "meter_end"] and details["missing"] == ["dispenser"]
    assert "31.02.2026" in details["reasons"]["inspection_date"]["ru"]
    assert "3O4611" in details["reasons"]["meter_end"]["kk"] and "3O4611" not in details["reasons"]["dispenser"]["en"]
    for text in ("31.02.2026", "3O4611", "ТРК №"):
        assert text in refused.value.message("ru")
    assert svc.records.visible(SYSTEM, "inspection_act") == []


def test_an_end_reading_below_the_stored_start_is_refused_when_a_record_is_corrected(svc: Services) -> None:
    """A correction of the end reading alone is compared with the start on record (the first check read only the
    values sent together, so a PUT of «meter_end» alone passed it); a template comparing a text field is refused."""
    from azs_assistant.auth.principal import SYSTEM
    from azs_assistant.forms.extract import FormTemplate

    record = svc.records.create(SYSTEM, "inspection_act", "act.jpg", {
        "station_id": "17", "inspection_date": "14.11.2026", "dispenser": "2", "meter_start": "304518",
        "meter_end": "304611"})
    required = {"station_id": "17", "inspection_date": "14.11.2026", "dispenser": "2"}
    with pytest.raises(InvalidInput) as refused:
        svc.records.confirm(SYSTEM, record.id, {**required, "meter_end": "1"})
    assert refused.value.details["field"] == "meter_end" and "304518" in refused.value.message("ru")
    with pytest.raises(InvalidInput) as start:
        svc.records.confirm(SYSTEM, record.id, {**required, "meter_start": "999999"})
    assert start.value.details["field"] == "meter_start"
    assert svc.records.confirm(SYSTEM, record.id, {**required, "meter_end": "304700"}).fields["meter_end"] == 304700
    spec = svc.forms.template("inspection_act").model_dump()
    spec["fields"] = [dict(f, not_below="inspector") if f["name"] == "meter_end" else f for f in spec["fields"]]
    with pytest.raises(ValueError, match="number fields"):
        FormTemplate.model_validate(spec)
