"""Form records as their users may see them: every read, export and change is scoped to the
caller's stations and written to the audit log, for every front end (API, CLI, Telegram).

A record belongs to the station its act names («АЗС №»), which must be in the station registry; an
act without a readable station belongs to the uploader's station when they have exactly one, and
failing that (or when the act names a station the registry does not know, which is flagged) only its
creator and admins see it. A record outside the caller's scope answers as if it did not exist (404),
as every object does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select

from azs_assistant.auth.principal import ALL, Principal
from azs_assistant.errors import Conflict, Forbidden, NotFound
from azs_assistant.forms import corrections, records
from azs_assistant.forms.extract import FormMatch, FormTemplate
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import FormRecord

MEDIA_TYPES = records.RECORD_EXPORTERS.media_types()  # format → media type, from the one table


class FormRecords:
    def __init__(self, db: Database, template: Callable[[str], FormTemplate],
                 known_stations: Callable[[], dict[str, str | None]], audit: Callable[..., None],
                 data_dir: Path | None = None) -> None:
        self.db, self._template, self._known, self._audit = db, template, known_stations, audit
        self.data_dir = data_dir  # where a recognised upload's reading and its corrections are kept

    # -- scope ------------------------------------------------------------------------------
    def _allowed(self, who: Principal) -> set[str] | None:
        return who.allowed_stations(self._known())

    def _visible(self, who: Principal) -> Any:
        """The SQL condition for records ``who`` may see; None = all."""
        allowed = self._allowed(who)
        if allowed is None:
            return None
        return or_(FormRecord.station_id.in_(sorted(allowed)),
                   and_(FormRecord.station_id.is_(None), FormRecord.created_by == who.name))

    def _may_see(self, who: Principal, record: FormRecord) -> bool:
        return self._seer(who)(record)

    def _seer(self, who: Principal) -> Callable[[FormRecord], bool]:
        """Whether ``who`` may see a record, with their stations looked up now: a save asks it while it holds the
        writer lock, where the registry's own first write (seeding it) would wait on that lock."""
        allowed = self._allowed(who)

        def sees(record: FormRecord) -> bool:
            if allowed is None:
                return True
            if record.station_id is None:
                return record.created_by is not None and record.created_by == who.name
            return record.station_id in allowed
        return sees

    def _check_fields(self, who: Principal, fields: dict[str, Any]) -> None:
        """Writing an act of a station outside the caller's scope is refused outright (a station the
        registry does not know is no one's: the record is kept without it, flagged)."""
        known = self._known()
        station = records.record_station(fields, known)
        allowed = who.allowed_stations(known)
        if station is not None and allowed is not None and station not in allowed and \
                records.unknown_station(fields, known) is None:
            said = {"ru": f"Вы не закреплены за {station}: запись не сохранена. Проверьте номер АЗС на бланке.",
                    "en": f"You are not assigned to {station}: the record was not saved. Check the station number on "
                          "the form.",
                    "kk": f"Сіз бұл ЖҚС-қа ({station}) бекітілмегенсіз: жазба сақталмады. Бланктегі ЖҚС нөмірін "
                          "тексеріңіз."}
            # the field is named, so the page marks it with the reason (the refusal stood apart from every field)
            raise Forbidden(said["ru"], said["en"], message_kk=said["kk"], field="station_id",
                            reasons={"station_id": said})

    @staticmethod
    def _saved_before(template: FormTemplate, fields: dict[str, Any], earlier: FormRecord) -> Conflict:
        """The paper is stored already (``earlier``): saving it again would count it twice (an act's defect
        would open a second incident), so the person is sent to that record."""
        specs = {f.name: f for f in template.fields}

        def named(lang: str) -> str:
            return ", ".join(f"{specs[n].caption_in(lang)} {fields[n]}" for n in template.key)

        return Conflict(f"Этот бланк уже сохранён ({named('ru')}): запись №{earlier.id}. Второй раз его сохранять "
                        "не нужно.",
                        f"This form is saved already ({named('en')}): record No. {earlier.id}. It need not be saved "
                        "again.",
                        message_kk=f"Бұл бланк бұрын сақталған ({named('kk')}): жазба №{earlier.id}. Оны қайта "
                                   "сақтаудың қажеті жоқ.",
                        record=earlier.id)

    @staticmethod
    def home_station(who: Principal) -> str | None:
        """The uploader's station when they have exactly one: an act without a readable station is theirs."""
        own = [s for s in who.stations if s != ALL]
        return own[0] if len(own) == 1 and not who.sees_all_stations else None

    # -- reads --------------------------------------------------------------------------------
    def get(self, who: Principal, record_id: int) -> FormRecord:
        with self.db.session() as s:
            record = s.get(FormRecord, record_id)
        if record is None or not self._may_see(who, record):
            raise NotFound(f"Запись формы {record_id} не найдена.", f"Form record {record_id} not found.")
        return record

    def visible(self, who: Principal, form: str) -> list[FormRecord]:
        template = self._template(form)
        query = select(FormRecord).where(FormRecord.form_type == template.form)
        visible = self._visible(who)
        if visible is not None:
            query = query.where(visible)
        with self.db.session() as s:
            return list(s.scalars(query.order_by(FormRecord.id)))

    def export(self, who: Principal, form: str, fmt: str, *, ip: str | None = None) -> tuple[str, str]:
        """The caller's records of a form as (file text, file name), in JSON, CSV or XML."""
        template = self._template(form)
        items = self.visible(who, form)
        self._audit(who, "record.export", form, {"format": fmt, "records": len(items)}, ip)
        body = records.export(items, template, fmt)
        return body, f"{template.export_name or template.form}.{records.RECORD_EXPORTERS.format(fmt).extension}"

    # -- writes -------------------------------------------------------------------------------
    def create(self, who: Principal, form: str, source: str, fields: dict[str, Any],
               defects: list[str] | None = None, *, ip: str | None = None, reading: str | None = None,
               lines: list[dict[str, str]] | None = None) -> FormRecord:
        """A record typed or checked by a person: validated and stored as confirmed. The same paper read before
        (an upload, the bot, the CLI) and not yet checked is confirmed instead of doubled; one checked already is
        refused (409). Saved from a recognised upload (``reading``, its token), each value the person changed, and
        each line they corrected whole (``lines``: ``read`` and ``text``), becomes a training pair for the line
        reader (``corrections.learn``)."""
        template = self._template(form)
        self._check_fields(who, fields)
        clean = records.clean_fields(fields, template)  # a bad field leaves no half-made record behind
        sees = self._seer(who)  # a record outside their scope is neither named to them nor changed by them
        with self.db.writing(records.PAPER_LOCK) as s:
            earlier = records.paper_record(s, template, clean, seen=sees)
            if earlier is not None and earlier.status == "confirmed":
                raise self._saved_before(template, fields, earlier)
            if earlier is not None:  # its defects stay unless the person's reading gives some: an incident is
                # never left behind
                record = records.update(s, earlier.id, clean, list(defects) if defects else None)
            else:
                record = records.save(s, FormMatch(form=template.form, fields={}, confidence={}, problems=[],
                                                   defects=list(defects or [])), source,
                                      created_by=who.name, station=self.home_station(who))
                record = records.update(s, record.id, clean)
        if earlier is not None:
            self._audit(who, "record.update", str(record.id), {"fields": sorted(fields), "station": record.station_id,
                                                              "source": source}, ip)
        else:
            self._audit(who, "record.create", f"{form}: {source}", {"id": record.id, "station": record.station_id},
                        ip)
        if reading and self.data_dir is not None:
            try:
                corrections.learn(self.data_dir, reading, who.name, template.form, record.fields, record.id, lines)
            except Exception:  # noqa: BLE001 (the record is stored: a pair lost is logged, never a failed save)
                logging.getLogger("azs.forms").exception("OCR corrections of record %s not kept", record.id)
        return record

    def save_recognised(self, who: Principal, result: dict[str, Any], source: str) -> tuple[FormRecord, bool]:
        """An OCR result kept as it was read (status «extracted»), for a person to check later: (the record, True).
        A paper on record already that ``who`` may see is not recorded twice: (that record, False)."""
        self._check_fields(who, result["fields"])
        template = self._template(result["form"])
        match = FormMatch(form=template.form, fields=result["fields"], confidence=result["field_confidence"],
                          problems=result["problems"], defects=result["defects"])
        sees = self._seer(who)
        with self.db.writing(records.PAPER_LOCK) as s:
            earlier = records.paper_record(s, template, match.fields, seen=sees)
            record = earlier or records.save(s, match, source, created_by=who.name, station=self.home_station(who))
        if earlier is None:
            self._audit(who, "record.create", f"{result['form']}: {source}", {"id": record.id}, None)
        return record, earlier is None

    def confirm(self, who: Principal, record_id: int, fields: dict[str, Any], *, ip: str | None = None) -> FormRecord:
        """A person confirmed or corrected a record of their own station."""
        stored = self.get(who, record_id)
        self._check_fields(who, fields)
        template = self._template(stored.form_type)
        # a bad value is refused as such (422), before any match; the end reading against the stored start too
        clean = records.clean_fields(fields, template, stored.fields)
        sees = self._seer(who)
        with self.db.writing(records.PAPER_LOCK) as s:
            current = s.get(FormRecord, record_id)
            earlier = records.paper_record(s, template, {**(current.fields if current else {}), **clean},
                                           other_than=record_id, seen=sees)
            if earlier is not None and earlier.status == "confirmed":  # an unchecked copy never blocks its check
                raise self._saved_before(template, {**stored.fields, **fields}, earlier)
            record = records.update(s, record_id, clean)
        self._audit(who, "record.update", str(record_id), {"fields": sorted(fields), "station": record.station_id}, ip)
        return record
