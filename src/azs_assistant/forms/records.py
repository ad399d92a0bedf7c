"""Storing form records and exporting them as JSON, CSV or XML."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from azs_assistant import i18n, stations
from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.exporters import Exporters
from azs_assistant.forms.extract import TEXTS, FormMatch, FormTemplate
from azs_assistant.forms.values import BadValue, typed
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import FormRecord, utcnow

PENDING_INCIDENT = "pending"  # a defect found, but the act lacks the station or date an incident needs
# The writer lock a save holds from its look for the same paper to its write (``Database.writing``): two saves of
# one act at the same instant (two operators, an upload and the bot) both found no record and made two.
PAPER_LOCK = "form_records"


def _incident_for(session: Any, record: FormRecord) -> str | None:
    """An inspection act with a defect opens (or, after a correction, updates) an incident at that
    station, origin «ocr»; returns its id, or PENDING_INCIDENT while the act lacks a known station or date."""
    from datetime import datetime

    from azs_assistant.incidents.records import OCR_ORIGIN, store
    from azs_assistant.storage.models import Incident

    if not record.defects:
        return None
    when = record.fields.get("inspection_date")
    known = stations.registry(session)
    station = stations.match(str(record.fields.get("station_id") or ""), known) if known else None
    if not record.fields.get("station_id") or not when or (known and station not in known):
        return PENDING_INCIDENT
    if station is not None:  # a registry station
        region = known[station]
    else:  # no registry yet: the incident log's spelling and region of that number, as before it existed
        number = stations.station_field(str(record.fields["station_id"]))
        if number is None:
            return PENDING_INCIDENT
        station, region = stations.station_id(number), None
        for sid, reg in session.execute(select(Incident.station_id, Incident.region).distinct()).all():
            if stations.station_number(sid) == number:
                station, region = sid, reg
                break
    dispenser = record.fields.get("dispenser")
    incident_id = f"OCR-{record.id}"
    result = store(session, [(incident_id, {
        "incident_id": incident_id, "station_id": station, "region": region,
        "occurred_at": datetime.fromisoformat(str(when)), "category": "equipment_failure",
        "equipment": f"ТРК №{dispenser}" if dispenser else None,
        "description": "Акт проверки ТРК: " + "; ".join(record.defects), "severity": 2})], origin=OCR_ORIGIN)
    return incident_id if not result.bad else PENDING_INCIDENT


def record_station(fields: dict[str, Any], known: Mapping[str, Any] | None = None) -> str | None:
    """The station an act belongs to, from its «АЗС №» field («17», «АЗС-017»); None if unreadable.
    With ``known`` (a non-empty registry) the station is spelled as the registry spells it."""
    return stations.match(str(fields.get("station_id") or ""), known or {})


def unknown_station(fields: dict[str, Any], known: Mapping[str, Any]) -> str | None:
    """The station an act names when the registry (non-empty) does not have it; None otherwise."""
    station = record_station(fields, known)
    return station if known and station is not None and station not in known else None


def _place(session: Any, record: FormRecord, fallback: str | None) -> None:
    """Set the record's station from its act: a station missing from the registry is not taken
    (the record stays without station, only its creator and admins see it) and is flagged."""
    known = stations.registry(session)
    stranger = unknown_station(record.fields, known)
    note = f"станции {stranger} нет в справочнике: запись сохранена без станции, проверьте номер АЗС"
    record.problems = [p for p in record.problems if "нет в справочнике" not in str(p)]
    if stranger is not None:
        record.station_id = None
        record.problems = [*record.problems, note]
    else:
        record.station_id = record_station(record.fields, known) or fallback


def save(s: Session, match: FormMatch, source: str, document_id: int | None = None,
         status: str = "extracted", *, created_by: str | None = None, station: str | None = None) -> FormRecord:
    """Store a recognised form in the caller's unit of work (which holds :data:`PAPER_LOCK`). Its station is the
    act's own field, else ``station`` (the uploader's)."""
    record = FormRecord(form_type=match.form, document_id=document_id, source=source, fields=match.fields,
                        field_confidence=match.confidence, problems=list(match.problems), defects=match.defects,
                        status=status, incident_ref=PENDING_INCIDENT if match.defects else None,
                        created_by=created_by)
    _place(s, record, station)
    s.add(record)
    s.flush()
    record.incident_ref = _incident_for(s, record)
    return record


def update(s: Session, record_id: int, clean: dict[str, Any], defects: list[str] | None = None) -> FormRecord:
    """A person confirmed or corrected the fields (``clean``: as :func:`clean_fields` read them) and, given, the
    defects found: the record is marked confirmed, in the caller's unit of work."""
    record = s.get(FormRecord, record_id)
    if record is None:
        raise NotFound(f"Запись формы {record_id} не найдена.", f"Form record {record_id} not found.")
    if defects is not None:
        record.defects = list(defects)
    record.fields = {**record.fields, **clean}
    record.field_confidence = {**record.field_confidence, **{n: 100.0 for n in clean}}
    record.problems, record.status, record.updated_at = [], "confirmed", utcnow()
    _place(s, record, record.station_id)
    record.incident_ref = _incident_for(s, record)
    return record


def paper_record(s: Session, template: FormTemplate, fields: dict[str, Any], other_than: int | None = None,
                 seen: Callable[[FormRecord], bool] = lambda record: True) -> FormRecord | None:
    """The stored record of the same paper that ``seen`` lets through, a confirmed one first (see
    :func:`same_paper`); None when the paper is not on record."""
    found = [r for r in same_paper(s, template, fields, other_than) if seen(r)]
    return next((r for r in found if r.status == "confirmed"), found[0] if found else None)


def same_paper(s: Session, template: FormTemplate, fields: dict[str, Any], other_than: int | None = None) \
        -> list[FormRecord]:
    """The stored records of the same paper form, oldest first: every field of the template's ``key`` given and
    equal (spaces, case and a number's leading zeros aside: «0318» is «318»; the station as the registry spells
    it, «17» and «АЗС-017» alike). None when the template has no key or a key field is empty or unreadable."""
    known = stations.registry(s)
    specs = {f.name: f for f in template.fields}

    def value(of: dict[str, Any], name: str) -> str | None:
        if name == "station_id":
            return record_station(of, known)
        if of.get(name) in (None, ""):
            return None
        try:  # a date as typed («14.11.2026») or as stored («2026-11-14»), a number with its spaces
            said = str(typed(str(of[name]), specs[name]))
        except BadValue:
            said = str(of[name])
        return re.sub(r"(?<!\d)0+(?=\d)", "", "".join(said.split()).lower())

    def values(of: dict[str, Any]) -> list[str | None]:
        return [value(of, name) for name in template.key]

    wanted = values(fields)
    if not template.key or None in wanted:
        return []
    query = select(FormRecord).where(FormRecord.form_type == template.form)
    if "station_id" in template.key:  # only the station's records, and those kept without one (not in the
        # registry when saved): a record's station is its act's, so no other can be the same paper
        station = wanted[template.key.index("station_id")]
        query = query.where(or_(FormRecord.station_id == station, FormRecord.station_id.is_(None)))
    return [record for record in s.scalars(query.order_by(FormRecord.id))
            if record.id != other_than and values(record.fields) == wanted]


def clean_fields(fields: dict[str, Any], template: FormTemplate, stored: Mapping[str, Any] | None = None) \
        -> dict[str, Any]:
    """Fields typed by a person, read whole by the template's types (:func:`~azs_assistant.forms.values.typed`);
    a typed error names the bad one (``field``) in the user's language. A field that may not be less than another
    (``not_below``) is compared with the other's value typed now or, correcting a record, ``stored``."""
    specs = {f.name: f for f in template.fields}
    unknown = set(fields) - set(specs)
    if unknown:
        raise InvalidInput(f"Неизвестные поля формы: {', '.join(sorted(unknown))}.", f"Unknown fields {unknown}",
                           message_kk=f"Бланкте мұндай өрістер жоқ: {', '.join(sorted(unknown))}.")
    clean: dict[str, Any] = {}
    bad: dict[str, BadValue] = {}
    for name, value in fields.items():
        try:
            clean[name] = typed(str(value), specs[name]) if value not in (None, "") else None
        except BadValue as exc:
            bad[name] = exc
    known = {**(stored or {}), **clean}
    for name, spec in specs.items():  # a meter read lower at the end than at the start: one of them is misread
        floor = spec.not_below
        if not floor or not {name, floor} & set(clean) or {name, floor} & set(bad):
            continue
        value, limit = known.get(name), known.get(floor)
        if isinstance(value, (int, float)) and isinstance(limit, (int, float)) and value < limit:
            bad[name if name in clean else floor] = BadValue("fv_below", value=str(value), limit=str(limit),
                                                             other=floor if name in clean else name)
    missing = [n for n, spec in specs.items() if spec.required and clean.get(n) in (None, "") and n not in bad]
    if not bad and not missing:
        return clean
    # every field to correct at once, each with its own reason (``reasons``: the page marks each field; a walk-
    # through corrected a date, saved, and only then learnt of the letter in a number)
    def problem(exc: BadValue, lang: str) -> str:
        other = {"other": specs[exc.values["other"]].caption_in(lang)} if "other" in exc.values else {}
        return i18n.text(TEXTS, exc.code, lang, **(exc.values | other))

    reasons = {name: {lang: i18n.text(TEXTS, "fv_field", lang, field=specs[name].caption_in(lang),
                                      problem=problem(exc, lang))
                      for lang in i18n.LANGUAGES} for name, exc in bad.items()}
    if missing:
        said = {lang: i18n.text(TEXTS, "fv_missing", lang, fields=", ".join(specs[n].caption_in(lang) for n in missing))
                for lang in i18n.LANGUAGES}
        reasons |= {name: said for name in missing}
    first = next(iter(bad), None)
    message = {lang: " ".join(dict.fromkeys(r[lang] for r in reasons.values())) for lang in i18n.LANGUAGES}
    details: dict[str, Any] = {"field": first or missing[0], "invalid": list(bad), "reasons": reasons}
    if first is not None:
        details["problem"] = bad[first].code.removeprefix("fv_")
    if missing:
        details["missing"] = missing
    raise _refusal(message, **details)


def _refusal(said: Mapping[str, str], **details: Any) -> InvalidInput:
    """A refused record, ``said`` in each interface language."""
    return InvalidInput(said["ru"], said["en"], message_kk=said["kk"], **details)


def records(db: Database, form_type: str) -> list[FormRecord]:
    with db.session() as s:
        return list(s.scalars(select(FormRecord).where(FormRecord.form_type == form_type).order_by(FormRecord.id)))


def _row(record: FormRecord, names: list[str]) -> dict[str, Any]:
    base = {"id": record.id, "form": record.form_type, "source": record.source, "status": record.status,
            "created_at": record.created_at.isoformat()}
    return {**base, **{n: record.fields.get(n) for n in names},
            "defects": "; ".join(record.defects), "incident_ref": record.incident_ref}


RECORD_EXPORTERS: Exporters[[list[dict[str, Any]], list[str], FormTemplate], str] = Exporters("form records")


def export(items: list[FormRecord], template: FormTemplate, fmt: str) -> str:
    """The records as a JSON array, a CSV table or an XML document, one column/element per field."""
    exporter = RECORD_EXPORTERS.get(fmt, f"Формат выгрузки «{fmt}» не поддерживается: json, csv или xml.")
    names = [f.name for f in template.fields]
    return exporter([_row(r, names) for r in items], names, template)


@RECORD_EXPORTERS.register("json")
def _json(rows: list[dict[str, Any]], names: list[str], template: FormTemplate) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1)


@RECORD_EXPORTERS.register("csv")
def _csv(rows: list[dict[str, Any]], names: list[str], template: FormTemplate) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["id", "form", *names])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@RECORD_EXPORTERS.register("xml")
def _xml(rows: list[dict[str, Any]], names: list[str], template: FormTemplate) -> str:
    root = ET.Element("records", form=template.form)
    for row in rows:
        el = ET.SubElement(root, "record")
        for key, value in row.items():
            ET.SubElement(el, key).text = "" if value is None else str(value)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


EXPORT_FORMATS = RECORD_EXPORTERS.names()
