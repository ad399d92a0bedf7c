"""Station and region identifiers, read and validated in one place, against the station registry.

People write a station as «12», «АЗС 12», «азс-012», «№12» or «на заправке №12»; every front end and
service turns that into the registry's id («АЗС-012») here, and checks it against the ``stations``
table: user and API-key scopes, complaints, form records, report filters and per-station reports.

The registry is the list of stations. An installation that has none yet (an upgrade, or a fresh
database whose incident log arrives first) is seeded once from the distinct stations and regions of
its incident log; from then on admins edit it (``azs stations import|add``, the API, /admin/stations).
While the registry is empty nothing can be checked, so identifiers are only read, as before it existed.
"""

from __future__ import annotations

import builtins
import csv
import io
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from azs_assistant.errors import Conflict, Forbidden, InvalidInput, NotFound
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Incident, Station, utcnow

ALL = "*"  # every station or region (the same mark as auth.principal.ALL)
CSV_COLUMNS = ("id", "name", "region", "address", "active")
EMPTY_TTL_S = 2.0  # seconds an empty registry is trusted before it is read again
KNOWN_TTL_S = 30.0  # another process's edits are seen within this time; this process's at once

_STATION = re.compile(
    r"(?:\bазс|\bагзс|\bстанци[яиюей]|\bзаправк[аеуиой]|\bstation|\bбекет)\s*(?:№|n|no\.?|номер)?\s*[-–#]?\s*(\d{1,4})\b",
    re.IGNORECASE)
_TRUE = {"1", "true", "yes", "y", "да", "д", "active", "активна", "иә"}
_FALSE = {"0", "false", "no", "n", "нет", "н", "inactive", "закрыта", "жоқ"}


# -- reading identifiers -------------------------------------------------------------------------
def station_in(text: str) -> int | None:
    """The station number a text names («АЗС-012», «азс 12», «станция №12»), or None."""
    match = _STATION.search(text)
    return int(match.group(1)) if match else None


def station_field(raw: str) -> int | None:
    """The station number in a field meant for it: «12», «АЗС-012», «азс 12», «№12»; None if unreadable."""
    raw = raw.strip()
    if not raw:
        return None
    if raw.isdigit():
        return int(raw)
    return station_in(raw) or station_in(f"АЗС {raw}")


def station_id(number: int) -> str:
    """The registry's spelling of a station number: 12 → «АЗС-012»."""
    return f"АЗС-{number:03d}"


def station_number(sid: str) -> int | None:
    """The number a station id ends with («АЗС-012» → 12), so «азс 12» and «станция №12» find it."""
    digits = re.findall(r"\d+", sid)
    return int(digits[-1]) if digits else None


def parse_station(raw: str | None) -> str | None:
    """A station id from what a person typed («12», «азс 12», «№12» → «АЗС-012»); None if unreadable."""
    number = station_field(str(raw or ""))
    return station_id(number) if number is not None else None


def registry(session: Session) -> dict[str, str | None]:
    """Active station id → region, read inside the caller's transaction (empty: no registry yet)."""
    rows = session.execute(select(Station.id, Station.region).where(Station.active == 1)).all()
    return {sid: region for sid, region in rows}


def match(raw: str | None, known: Mapping[str, Any]) -> str | None:
    """The id ``raw`` means: a registry id as written (any case), else the station with its number,
    else the number in the registry's spelling (which may not be in ``known``); None if unreadable."""
    text = str(raw or "").strip()
    if not text:
        return None
    folded = {sid.casefold(): sid for sid in known}
    if text.casefold() in folded:
        return folded[text.casefold()]
    number = station_field(text)
    if number is None:
        return None
    same = [sid for sid in known if station_number(sid) == number]
    return same[0] if len(same) == 1 else station_id(number)


_PLACE_WORD = re.compile(r"\d+[а-яa-z]?|[^\W\d_]+")
_NOT_A_PLACE = frozenset("азс азк азгс агзс станция заправка г гор город пр просп проспект ул улица пер переулок мкр "
                         "микрорайон д дом трасса км шоссе дангылы дангыл кошеси коше к каласы на в у "
                         "возле около рядом".split())


# Kazakh letters read as the Russian ones an address written in Russian has («Төле би» is «Толе би»)
_KAZAKH_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")


def _place_words(text: str) -> set[str]:
    folded = text.lower().replace("ё", "е").translate(_KAZAKH_FOLD)
    words = {w for w in _PLACE_WORD.findall(folded) if w not in _NOT_A_PLACE}
    return {w for w in words if len(w) > 1 or w.isdigit()}


def _same_name(a: str, b: str) -> bool:
    """Two spellings of one name, a case ending aside: «Абая» and «Абай», «Азаттыка» and «Азаттык» (the first
    letters all but the last of the shorter, at least three, and at most five)."""
    if a == b:
        return True
    n = min(5, min(len(a), len(b)) - 1)
    return n >= 3 and a[:n] == b[:n]


def _holds(place: set[str], wanted: set[str]) -> bool:
    """Every wanted word is a word of the place: a number exactly, a name as :func:`_same_name` reads it."""
    for word in wanted:
        if word[0].isdigit():
            if word not in place:
                return False
        elif not any(_same_name(p, word) for p in place if not p[0].isdigit()):
            return False
    return True


# -- the registry --------------------------------------------------------------------------------
@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True)
class StationInput:
    """One station as an admin or a file gives it, already validated."""

    id: str
    name: str
    region: str
    address: str | None = None
    active: bool = True


class Stations:
    """The station registry: list, look up, add or change (admins), import a CSV, and the
    ``known()`` map (active id → region) that scopes, complaints, records and reports read."""

    def __init__(self, db: Database, audit: Any = None) -> None:
        self.db = db
        self._audit = audit  # Access.audit (who, action, target, details); None in bare tests
        self._known: tuple[float, dict[str, str | None]] | None = None
        self._seed_lock = threading.Lock()

    # -- reads ---------------------------------------------------------------------------------
    def known(self) -> dict[str, str | None]:
        """Active station id → region; seeds an empty registry from the incident log first."""
        cached = self._known
        if cached is not None and time.monotonic() - cached[0] < (KNOWN_TTL_S if cached[1] else EMPTY_TTL_S):
            return cached[1]
        with self.db.session() as s:
            known = registry(s)
        if not known and self.seed_from_incidents():
            with self.db.session() as s:
                known = registry(s)
        # An empty registry is asked again soon (the first incidents may arrive any moment), but not on
        # every call: classifying 150 complaints asked the database 200 times (2.3 -> 3.3 ms a ticket).
        self._known = (time.monotonic(), known)
        return known

    def list(self, *, allowed: set[str] | None = None, include_inactive: bool = True) -> builtins.list[Station]:
        """Stations by id; ``allowed`` (a scope, None = all) keeps only those."""
        self.known()  # seeds an empty registry
        query = select(Station).order_by(Station.id)
        if not include_inactive:
            query = query.where(Station.active == 1)
        with self.db.session() as s:
            rows = list(s.scalars(query))
        return rows if allowed is None else [r for r in rows if r.id in allowed]

    def visible_to(self, who: Any) -> builtins.list[Station]:
        """The stations in ``who``'s scope (a Principal); inactive ones only for an admin."""
        return self.list(allowed=who.allowed_stations(self.known()), include_inactive=bool(who.is_admin))

    def get(self, ref: str) -> Station:
        with self.db.session() as s:
            sid = match(ref, dict.fromkeys(s.scalars(select(Station.id))))
            row = s.get(Station, sid) if sid else None
        if row is None:
            raise NotFound(f"Станции «{str(ref)[:50]}» нет в справочнике.", f"Station {ref!r} not found.",
                           message_kk=f"«{str(ref)[:50]}» станциясы анықтамалықта жоқ.")
        return row

    def regions(self) -> builtins.list[str]:
        """The regions of active stations, sorted."""
        return sorted({r for r in self.known().values() if r})

    def resolve(self, raw: str | None) -> str | None:
        """The registry id ``raw`` names («12» → «АЗС-012»), or the station whose name or address it gives
        («Абая 150», «пр. Абая, 150»: what a customer knows), or the id read from it when the registry does not
        have it (the caller decides what an unknown station means); None if unreadable."""
        known = self.known()
        text = str(raw or "")
        sid = match(text, known)
        if not any(w.isalpha() for w in _place_words(text)):  # «12», «АЗС-012», «№ 12»: a number is all there is
            return sid
        # words of a place besides the number: the station whose address or name has them all («12 Республики» is
        # ул. Республики, 12, not station 12); a number is taken as the station's only when written as one
        # («АЗС-012 на Абая»), never read out of an address
        by_place = self.by_place(text)
        if by_place is not None:
            return by_place
        return sid if sid is not None and (text.strip().casefold() in {k.casefold() for k in known}
                                           or station_in(text) is not None) else None

    def places(self) -> builtins.list[tuple[str, str]]:
        """Each active station with what a customer knows it by: («АЗС-001», «АЗС «Абая», Алматы, пр. Абая, 150»)."""
        return [(row.id, ", ".join(p for p in (row.name, row.address or row.region) if p))
                for row in self.list(include_inactive=False)]

    def by_place(self, raw: str) -> str | None:
        """The one active station whose name and address hold every word of ``raw`` that says where (a street, a
        town, the house number; «АЗС», «пр.», «ул.» say nothing), a word's ending aside («на Абая»); None when
        no station or several do."""
        wanted = _place_words(raw)
        if not wanted or not any(w.isalpha() for w in wanted):
            return None
        found = [sid for sid, place in self.places() if _holds(_place_words(place), wanted)]
        return found[0] if len(found) == 1 else None

    # -- scopes ----------------------------------------------------------------------------------
    def check_scope(self, stations: Iterable[str] | None,
                    regions: Iterable[str] | None) -> tuple[builtins.list[str], builtins.list[str]]:
        """A user's or API key's stations and regions as registry ids and region names; an unknown
        station or region is refused with a message that says what exists. «*» stays «*»."""
        known = self.known()
        by_region = {r.casefold(): r for r in known.values() if r}
        out_stations: builtins.list[str] = []
        for raw in stations or []:
            raw = raw.strip()
            if not raw:
                continue
            sid = ALL if raw == ALL else match(raw, known)
            if sid is None:
                raise InvalidInput(f"Не понял станцию «{raw[:50]}»: пишите АЗС-012 или 12.",
                                   f"Station «{raw[:50]}» not understood: write АЗС-012 or 12.",
                                   message_kk=f"«{raw[:50]}» станциясын түсінбедім: АЗС-012 немесе 12 деп жазыңыз.")
            if known and sid != ALL and sid not in known:
                self._refuse_inactive(raw)
                raise InvalidInput(f"Станции {sid} нет в справочнике станций: проверьте номер или сначала добавьте "
                                   "её (azs stations add, страница «Станции»).",
                                   f"Station {sid} is not in the station registry: check the number or add it first "
                                   "(azs stations add, the Stations page).",
                                   message_kk=f"{sid} станциясы станциялар анықтамалығында жоқ: нөмірін тексеріңіз "
                                              "немесе алдымен оны қосыңыз (azs stations add, «Станциялар» беті).",
                                   field="stations")
            if sid not in out_stations:
                out_stations.append(sid)
        out_regions: builtins.list[str] = []
        for raw in regions or []:
            raw = raw.strip()
            if not raw:
                continue
            region = ALL if raw == ALL else by_region.get(raw.casefold(), raw if not known else None)
            if region is None:
                raise InvalidInput(f"Региона «{raw[:100]}» нет в справочнике станций; есть: "
                                   f"{', '.join(sorted(by_region.values()))}.",
                                   f"Region «{raw[:100]}» is not in the station registry; there are: "
                                   f"{', '.join(sorted(by_region.values()))}.",
                                   message_kk=f"«{raw[:100]}» өңірі станциялар анықтамалығында жоқ; барлары: "
                                              f"{', '.join(sorted(by_region.values()))}.",
                                   field="regions")
            if region not in out_regions:
                out_regions.append(region)
        return out_stations, out_regions

    def _refuse_inactive(self, raw: str) -> None:
        """A scope naming a station the registry has but has switched off is told so, not that it is missing."""
        with self.db.session() as s:
            every = dict.fromkeys(s.scalars(select(Station.id).where(Station.active != 1)))
        sid = match(raw, every)
        if sid in every:
            raise InvalidInput(f"Станция {sid} отключена в справочнике (неактивна): включите её на странице «Станции» "
                               "или выберите другую.",
                               f"Station {sid} is switched off in the registry (inactive): activate it on the Stations "
                               "page or choose another one.",
                               message_kk=f"{sid} станциясы анықтамалықта өшірілген (белсенді емес): оны «Станциялар» "
                                          "бетінде белсендіріңіз немесе басқа станцияны таңдаңыз.",
                               field="stations")

    # -- writes (admins) -------------------------------------------------------------------------
    def add(self, actor: Any, station: StationInput) -> Station:
        """A new station; an id already in the registry is a conflict (change it with ``update``)."""
        self._admin(actor)
        with self.db.writing("stations") as s:
            if s.get(Station, station.id) is not None:
                raise Conflict(f"Станция {station.id} уже есть в справочнике.",
                               f"Station {station.id} is already in the registry.",
                               message_kk=f"{station.id} станциясы анықтамалықта бұрыннан бар.")
            row = Station(id=station.id, name=station.name, region=station.region, address=station.address,
                          active=int(station.active), updated_at=utcnow())
            s.add(row)
        self._changed(actor, "station.add", station.id, {"name": station.name, "region": station.region,
                                                         "active": station.active})
        return row

    def update(self, actor: Any, station: StationInput) -> Station:
        """Change a station's name, region, address or whether it is active."""
        self._admin(actor)
        with self.db.writing("stations") as s:
            row = s.get(Station, station.id)
            if row is None:
                raise NotFound(f"Станции {station.id} нет в справочнике.", f"Station {station.id} not found.",
                               message_kk=f"{station.id} станциясы анықтамалықта жоқ.")
            row.name, row.region, row.address = station.name, station.region, station.address
            row.active, row.updated_at = int(station.active), utcnow()
        self._changed(actor, "station.update", station.id, {"name": station.name, "region": station.region,
                                                            "active": station.active})
        return row

    def import_csv(self, actor: Any, text: str, *, name: str = "CSV") -> ImportResult:
        """Insert new stations and update changed ones from a CSV (columns id,name,region,address,active;
        «,» or «;»). Idempotent. A bad row stops the whole import with an error naming its line."""
        self._admin(actor)
        rows = parse_csv(text, name)
        result = ImportResult()
        with self.db.writing("stations") as s:
            existing = {r.id: r for r in s.scalars(select(Station))}
            now = utcnow()
            for station in rows:
                row = existing.get(station.id)
                values = (station.name, station.region, station.address, int(station.active))
                if row is None:
                    s.add(Station(id=station.id, name=station.name, region=station.region, address=station.address,
                                  active=int(station.active), updated_at=now))
                    result.added += 1
                elif (row.name, row.region, row.address, row.active) != values:
                    row.name, row.region, row.address, row.active, row.updated_at = *values, now
                    result.updated += 1
                else:
                    result.unchanged += 1
        self._changed(actor, "station.import", name, result.to_dict())
        return result

    def seed_from_incidents(self) -> int:
        """Fill an empty registry once from the incident log's distinct stations and regions; returns
        how many were added (0 when the registry has stations or the log has none)."""
        with self.db.session() as s:  # a plain read first: the writer lock only when there is work
            if s.scalar(select(Station.id).limit(1)) is not None or s.scalar(select(Incident.station_id).limit(1)) \
                    is None:
                return 0
        with self._seed_lock, self.db.writing("stations") as s:
            if s.scalar(select(func.count()).select_from(Station)):
                return 0
            rows = s.execute(select(Incident.station_id, func.max(Incident.region))
                             .group_by(Incident.station_id)).all()
            now = utcnow()
            for sid, region in rows:
                s.add(Station(id=sid, name=sid, region=region, address=None, active=1, updated_at=now))
        return len(rows)

    def invalidate(self) -> None:
        self._known = None

    def _changed(self, actor: Any, action: str, target: str, details: dict[str, Any]) -> None:
        self.invalidate()
        if self._audit is not None:
            self._audit(actor, action, target, details)

    @staticmethod
    def _admin(actor: Any) -> None:
        """Only admins edit the registry; the CLI (a local administrator) acts by name."""
        if not isinstance(actor, str) and not getattr(actor, "is_admin", False):
            raise Forbidden("Справочник станций меняет только администратор.",
                            "Only an administrator changes the station registry.",
                            message_kk="Станциялар анықтамалығын тек әкімші өзгерте алады.")


# -- validating what people and files give -------------------------------------------------------
def station_input(raw_id: str, name: str | None, region: str | None, address: str | None = None,
                  active: Any = True) -> StationInput:
    """A station as typed by an admin or read from a file, checked; a typed error says what is wrong."""
    sid = parse_station(raw_id)
    if sid is None:
        raise InvalidInput(f"Не понял номер станции «{str(raw_id)[:50]}»: пишите АЗС-012 или 12.",
                           f"Bad station id {raw_id!r}: write АЗС-012 or 12.",
                           message_kk=f"«{str(raw_id)[:50]}» станция нөмірін түсінбедім: АЗС-012 немесе 12 деп "
                                      "жазыңыз.", field="id")
    name, region = (name or "").strip(), (region or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput(f"{sid}: нужно название (до 200 символов).", f"{sid}: a name is required (up to 200 chars).",
                           message_kk=f"{sid}: атауын көрсету керек (200 таңбаға дейін).", field="name")
    if not region or len(region) > 100 or region == ALL:
        raise InvalidInput(f"{sid}: нужен регион (до 100 символов).", f"{sid}: a region is required (up to 100 chars).",
                           message_kk=f"{sid}: өңірін көрсету керек (100 таңбаға дейін).", field="region")
    address = (address or "").strip() or None
    if address is not None and len(address) > 500:
        raise InvalidInput(f"{sid}: адрес длиннее 500 символов.", f"{sid}: the address is longer than 500 chars.",
                           message_kk=f"{sid}: мекенжайы 500 таңбадан ұзын.", field="address")
    return StationInput(sid, name, region, address, _flag(active, sid))


def _flag(value: Any, sid: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if not text or text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(f"{sid}: «active» — 1 или 0 (да/нет), а не «{text[:20]}».",
                       f"{sid}: «active» is 1 or 0 (yes/no), not «{text[:20]}».",
                       message_kk=f"{sid}: «active» мәні 1 немесе 0 (иә/жоқ) болуы керек, «{text[:20]}» емес.",
                       field="active")


def parse_csv(text: str, label: str = "CSV") -> list[StationInput]:
    """The stations of a CSV text; the first bad row raises ``InvalidInput`` naming its line."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines:
        raise InvalidInput(f"{label}: файл пустой.", f"{label}: the file is empty.", message_kk=f"{label}: файл бос.")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("id", "name", "region") if c not in header]
    if missing:
        raise InvalidInput(f"{label}: нет столбцов {', '.join(missing)}; нужны {','.join(CSV_COLUMNS)}.",
                           f"{label}: missing columns {', '.join(missing)}; the columns are {','.join(CSV_COLUMNS)}.",
                           message_kk=f"{label}: {', '.join(missing)} бағандары жоқ; қажетті бағандар: "
                                      f"{','.join(CSV_COLUMNS)}.", line=1)
    out: dict[str, StationInput] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in raw.items() if not isinstance(v, list)}
        if not any(v.strip() for v in row.values()):
            continue
        try:
            station = station_input(row.get("id", ""), row.get("name"), row.get("region"), row.get("address"),
                                    row.get("active"))
        except InvalidInput as exc:
            raise InvalidInput(f"{label}, строка {number}: {exc.message_ru}", f"line {number}: {exc.message_en}",
                               message_kk=f"{label}, {number}-жол: {exc.message('kk')}", line=number) from None
        if station.id in out:
            raise InvalidInput(f"{label}, строка {number}: станция {station.id} уже была выше в файле.",
                               f"{label}, line {number}: station {station.id} already appears above in the file.",
                               message_kk=f"{label}, {number}-жол: {station.id} станциясы файлда жоғарыда бұрын "
                                          "көрсетілген.", line=number)
        out[station.id] = station
    return list(out.values())


def decode_csv(data: bytes, label: str = "CSV") -> str:
    """A CSV's text: UTF-8 (with or without BOM), else Windows-1251 (Excel on a Russian Windows)."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise InvalidInput(f"{label}: не текстовый CSV (ожидается UTF-8 или Windows-1251).",
                       f"{label}: not a text CSV (UTF-8 or Windows-1251 expected).",
                       message_kk=f"{label}: мәтіндік CSV емес (UTF-8 немесе Windows-1251 кодтауы күтіледі).")
