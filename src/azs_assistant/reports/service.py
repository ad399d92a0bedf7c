"""Reports over the incident log: question → typed query → SQL → sentence, table, chart, files."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from pydantic import ValidationError
from sqlalchemy import func, select

from azs_assistant.auth.principal import Principal
from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.reports.engine import WEEKDAYS, Naming, ReportEngine, ReportResult, group_key, week_label, week_of
from azs_assistant.reports.parse import QuestionParser, ReportUnclear, Vocabulary, load_categories
from azs_assistant.reports.phrasebook import load_phrasebook
from azs_assistant.reports.query import ReportQuery
from azs_assistant.reports.render import conditions, describe, export, file_name
from azs_assistant.stations import Stations, station_number
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Incident

ZERO_ROW_GROUPS = ("station", "region", "category", "month", "week", "weekday")
CATCH_ALL = "other"  # the phrase book's catch-all category: a row «прочие — 0» tells a manager nothing
WEEKDAY_NUMBER = {name: n for n, name in enumerate(WEEKDAYS)}
EXAMPLE_STATION = "АЗС-012"  # the station the parser's help examples name
# The questions the reports page offers as links, in the language of the page; ``{station}`` becomes a station
# the asker may see. Each must be understood by the parser (a test asks every one of them).
EXAMPLES = {
    "ru": ["сколько проливов было на {station} в прошлом месяце", "топ-3 станции по инцидентам за квартал",
           "сколько инцидентов по категориям с начала года",
           "среднее время устранения отказов оборудования в 2025 году"],
    "kk": ["{station} өткен айда қанша төгілу болды", "тоқсан бойынша топ-3 ЖҚС",
           "биыл санаттар бойынша қанша оқиға болды", "2025 жылы жабдық ақауларын жоюдың орташа уақыты"],
    "en": ["how many fuel spills at {station} last month", "top 3 stations by incidents this quarter",
           "incidents by category this year", "mean time to resolve equipment failures in 2025"],
}
VOCABULARY_TTL_S = 30.0  # station, region and category names change only with a sync


@dataclass
class Report:
    question: str
    query: ReportQuery
    result: ReportResult
    text: str

    def sentence_in(self, lang: str, category_names: dict[str, str] | None = None) -> str:
        """The answer itself in a language of the web UI, with the parser's notes (not the conditions)."""
        return describe(self.result, category_names, lang)

    def conditions_in(self, lang: str, category_names: dict[str, str] | None = None) -> str:
        """The period and every filter the answer was made under, in a language of the web UI."""
        return conditions(self.result, lang, category_names)

    def text_in(self, lang: str, category_names: dict[str, str] | None = None) -> str:
        """The answer and its conditions in a language of the web UI (``text`` is the Russian one)."""
        if lang == "ru" and category_names is None:
            return self.text
        return f"{self.sentence_in(lang, category_names)} {self.conditions_in(lang, category_names)}"

    def export(self, fmt: str, lang: str = "ru") -> ReportFile:
        """The report as a downloadable file in ``lang``, with a name that says what it holds."""
        from azs_assistant.exporters import FORMATS

        body = export(self.result, fmt, self.question, lang)
        return ReportFile(body, file_name(self.result, fmt), FORMATS[fmt].media_type)

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "query": self.query.model_dump(mode="json", exclude_defaults=False),
                "answer": self.result.answer, "table": self.result.table, "text": self.text}


@dataclass(frozen=True)
class ReportFile:
    body: bytes
    name: str  # ASCII: report-<kind>-<period>.<ext>
    media_type: str


REPORT_PROMPT = "report_query_v1"  # versioned template in azs_assistant/llm/prompts


def _raw_key(group: str, label: str) -> tuple[Any, ...]:
    """A group's key as the database gives it, from its label («2026-11» → (2026, 11))."""
    if group == "month":
        year, month = label.split("-")
        return int(year), int(month)
    if group == "weekday":
        return (WEEKDAY_NUMBER[label],)
    if group == "week":  # «2026-W05 (26.01–01.02)»
        year, week = label.split(" ")[0].split("-W")
        return int(year), int(week)
    return (label,)


class Reports:
    def __init__(self, db: Database, analyzer: Analyzer, categories_file: Any = None, llm: Any = None,
                 stations: Stations | None = None, audit: Callable[..., None] | None = None,
                 phrases_file: Path | None = None) -> None:
        self.db = db
        self._audit = audit or (lambda *args: None)
        self.llm = llm
        self.stations = stations or Stations(db)
        self.engine = ReportEngine(db.engine.connect)
        self.categories = load_categories(analyzer, categories_file)
        self.parser = QuestionParser(analyzer, self.categories, load_phrasebook(phrases_file))
        self._vocab: tuple[float, Vocabulary] | None = None

    def vocabulary(self) -> Vocabulary:
        cached = self._vocab
        if cached is not None and time.monotonic() - cached[0] < VOCABULARY_TTL_S:
            return cached[1]
        t = Incident.__table__.c
        registered = self.stations.list()  # a station or region may be asked about by its registry name
        with self.db.engine.connect() as conn:
            vocab = Vocabulary(
                stations=sorted(set(conn.execute(select(t.station_id).distinct()).scalars())
                                | {r.id for r in registered}),
                regions=sorted({r for r in conn.execute(select(t.region).distinct()).scalars() if r}
                               | {r.region for r in registered if r.region}),
                categories=sorted(conn.execute(select(t.category).distinct()).scalars()),
                max_severity=conn.execute(select(func.max(t.severity))).scalar(),
            )
        self._vocab = (time.monotonic(), vocab)  # one assignment: readers see the old or the new pair
        return vocab

    def invalidate(self) -> None:
        self._vocab = None

    def choices(self, allowed: set[str] | None) -> tuple[list[str], list[str]]:
        """(stations, regions) a report filter offers: active registry stations within ``allowed``
        (None = all) and their regions."""
        known = self.stations.known()
        mine = {sid: region for sid, region in known.items() if allowed is None or sid in allowed}
        return sorted(mine), sorted({r for r in mine.values() if r})

    def with_zero_rows(self, result: ReportResult) -> ReportResult:
        """A count per station, region, category, month or weekday lists every key the filters select, with 0
        for those that had no incident: «no incidents» is an answer a manager wants to see. Stations and
        regions come from the registry and the log, categories from the phrase book and the log (the
        catch-all ``other`` only when the log has it), months are those the log spans within the period.
        A ranking «реже всего» counts those zeros too; a «топ» of the most never lists a station with none."""
        q = result.query
        if q.metric != "count" or q.group_by not in ZERO_ROW_GROUPS:
            return result
        group = q.group_by
        wanted = self._keys(q)
        # keyed by the value itself: an incident without a region or station (an OCR act, an external row)
        # is a group None, never a region literally named «None»
        counted: dict[str | None, Any] = {row[group]: row["count"] for row in result.table}
        if q.top is not None:
            if q.order == "desc":
                return result
            full = self.engine.run(q.model_copy(update={"top": None}))
            counted = {row[group]: row["count"] for row in full.table}
        named = {k for k in counted if k is not None}
        missing = sorted(wanted - named)
        if not missing:
            return result
        keys = sorted({*named, *missing})
        if q.top is not None:  # rank the zeros with the rest; a group without a name is not a contender
            return self.engine.rank(q, [(_raw_key(group, k), counted.get(k, 0)) for k in keys], result.total)
        if group == "weekday":
            keys.sort(key=lambda k: WEEKDAY_NUMBER[k])
        table: list[dict[str, Any]] = ([{group: None, "count": counted[None]}] if None in counted else [])
        table += [{group: key, "count": counted.get(key, 0)} for key in keys]
        return ReportResult(q, {group_key(row[group]): row["count"] for row in table}, table, result.columns,
                            result.total)

    def _keys(self, q: ReportQuery) -> set[str]:
        """Every key a count per ``q.group_by`` should show, as ``group_label`` writes it."""
        f = q.filters
        if q.group_by == "station":  # the active stations of the registry (seeded from the log when empty)
            regions = {r.casefold() for r in f.regions}
            return {sid for sid, region in self.stations.known().items() if (not f.stations or sid in f.stations)
                    and (not regions or (region or "").casefold() in regions)}
        if q.group_by == "region":  # the regions of the active stations and of the log (of the stations asked about)
            t = Incident.__table__.c
            known = {sid: r for sid, r in self.stations.known().items() if not f.stations or sid in f.stations}
            where = [t.station_id.in_(f.stations)] if f.stations else []
            with self.db.engine.connect() as conn:
                logged = set(conn.execute(select(t.region).where(*where).distinct()).scalars())
            every = {r for r in (*known.values(), *logged) if r}
            asked = {x.casefold() for x in f.regions}
            return {r for r in every if not asked or r.casefold() in asked}
        if q.group_by == "category":
            every = {*(c for c in self.categories if c != CATCH_ALL), *self.vocabulary().categories}
            return {c for c in every if not f.categories or c in f.categories}
        if q.group_by == "weekday":
            return {WEEKDAYS[d] for d in (f.weekdays or range(7))}
        with self.db.engine.connect() as conn:  # month or week: those the log spans, within the period
            first, last = conn.execute(select(func.min(Incident.occurred_at), func.max(Incident.occurred_at))).one()
        if first is None:
            return set()
        if q.group_by == "week":
            return self._weeks(first, last, f.date_from, f.date_to)
        months = set()
        at = datetime(first.year, first.month, 1)
        while at <= last:
            after_start = f.date_from is None or at + relativedelta(months=1) > f.date_from
            if after_start and (f.date_to is None or at < f.date_to):
                months.add(f"{at:%Y-%m}")
            at += relativedelta(months=1)
        return months

    @staticmethod
    def _weeks(first: datetime, last: datetime, start: datetime | None, end: datetime | None) -> set[str]:
        """The ISO weeks the log spans that overlap the period [start, end)."""
        weeks = set()
        monday = datetime(first.year, first.month, first.day) - relativedelta(days=first.weekday())
        while monday <= last:
            if (start is None or monday + relativedelta(days=7) > start) and (end is None or monday < end):
                weeks.add(week_label(*week_of(monday)))
            monday += relativedelta(days=7)
        return weeks

    def category_names(self, lang: str) -> dict[str, str]:
        """Each category's name in a reader's language, as every front end shows it (never the code)."""
        return {code: spec.name_in(lang) for code, spec in self.categories.items()}

    def naming(self) -> Naming:
        """The categories' names in every language and the days the log spans, for the texts and files."""
        with self.db.engine.connect() as conn:
            first, last = conn.execute(select(func.min(Incident.occurred_at), func.max(Incident.occurred_at))).one()
        names = {code: {"ru": spec.name, **spec.names} for code, spec in self.categories.items()}
        return Naming(names, first.date() if first else None, last.date() if last else None)

    def _before_the_log(self, result: ReportResult) -> ReportResult:
        """A comparison with a year the log does not reach has nothing to compare with. A manager expects
        «no data for 2024: the log starts on 01.06.2025», not «2024: 0, change +17» as if that year had been
        calm; so the earlier figure, the change and its percentage become None and the sentence says why.
        An earlier period the log covers only in part keeps its figure, and the sentence says it is partial."""
        q, naming = result.query, result.naming
        if q.metric != "yoy" or naming is None or naming.first is None or len(result.table) < 2:
            return result
        assert q.filters.date_to is not None
        if q.filters.date_to - relativedelta(years=1) > datetime.combine(naming.first, time_of_day.min):
            return result
        table = [result.table[0], {**result.table[1], "count": None}]
        current = table[0]["count"]
        obj = {"current": current, "previous": None, "change": None, "change_pct": None}
        answer = obj if q.yoy_as == "object" else None
        return ReportResult(q, answer, table, result.columns, result.total, naming)

    def parse(self, question: str, today: date | None = None) -> ReportQuery:
        """The typed query for ``question``; a period the calendar cannot hold («зима 0000», «за последние
        5000 лет») is a question not understood, not a server error (the one place this is caught)."""
        try:
            return self.parser.parse(question, self.vocabulary(), today or date.today())
        except ReportUnclear:
            raise
        except (ValueError, OverflowError) as exc:
            raise ReportUnclear(
                "Не понял период: год должен быть между 1900 и 2100, а дата — существующей. "
                "Например: «за 4 квартал 2025», «с 01.10.2025 по 31.03.2026».",
                "The period was not understood: the year must be between 1900 and 2100 and the date must exist. "
                "For example: «за 4 квартал 2025», «с 01.10.2025 по 31.03.2026».",
                message_kk="Кезең түсініксіз: жыл 1900 мен 2100 аралығында, ал күн нақты болуы керек. "
                           "Мысалы: «за 4 квартал 2025», «с 01.10.2025 по 31.03.2026».",
                reason=type(exc).__name__) from None

    @staticmethod
    def restrict(query: ReportQuery, allowed: set[str] | None) -> ReportQuery:
        """The query limited to the stations a person may see (``None`` = all); naming another
        station is refused rather than silently answered with nothing."""
        if allowed is None:
            return query
        from azs_assistant.errors import Forbidden

        if not allowed:
            raise Forbidden("За вами не закреплено ни одной станции: отчёты недоступны. Обратитесь к администратору.",
                            "No station is assigned to you: reports are unavailable. Ask the administrator.",
                            message_kk="Сізге бірде-бір ЖҚС бекітілмеген: есептер қолжетімсіз. Әкімшіге "
                                       "хабарласыңыз.")
        by_number = {station_number(a): a for a in allowed}
        asked = {s if s in allowed else by_number.get(station_number(s), s) for s in query.filters.stations}
        outside = sorted(asked - allowed)
        if outside:
            raise Forbidden(f"Нет доступа к данным {', '.join(outside)}: отчёты доступны по вашим станциям "
                            f"({', '.join(sorted(allowed))}).",
                            f"No access to the data of {', '.join(outside)}: reports cover your stations "
                            f"({', '.join(sorted(allowed))}).",
                            message_kk=f"{', '.join(outside)} деректеріне рұқсатыңыз жоқ: есептер тек Сіздің "
                                       f"ЖҚС-тарыңыз бойынша қолжетімді ({', '.join(sorted(allowed))}).")
        stations = sorted(asked or allowed)
        data = query.model_dump()
        data["filters"]["stations"] = stations
        if data.get("share_of"):
            data["share_of"]["stations"] = sorted(set(data["share_of"]["stations"] or stations) & set(stations))
        return ReportQuery.model_validate(data)

    def run(self, query: ReportQuery, question: str = "", allowed: set[str] | None = None) -> Report:
        query = self.restrict(query, allowed)
        result = self.with_zero_rows(self.engine.run(query))
        result.naming = self.naming()
        result = self._before_the_log(result)
        return Report(question, query, result, f"{describe(result)} {conditions(result)}")

    def ask(self, question: str, today: date | None = None, allowed: set[str] | None = None) -> Report:
        try:
            try:
                query = self.parse(question, today)
            except ReportUnclear as unclear:
                if self.llm is None:
                    raise
                query = self.llm_query(question, today or date.today(), unclear)
        except ReportUnclear as unclear:
            raise self.example_for(unclear, allowed) from None
        return self.run(query, question, allowed)

    def examples_for(self, allowed: set[str] | None, lang: str = "ru") -> list[str]:
        """Questions the reports page offers as links, in the page's language, naming a station the asker
        may see."""
        stations, _ = self.choices(allowed)
        station = stations[0] if stations else EXAMPLE_STATION
        return [e.format(station=station) for e in EXAMPLES.get(lang, EXAMPLES["ru"])]

    def example_for(self, unclear: ReportUnclear, allowed: set[str] | None) -> ReportUnclear:
        """The «спросите, например» help names a registry station the asker may see, not a fixed one."""
        stations, _ = self.choices(allowed)
        if EXAMPLE_STATION not in unclear.message_ru or not stations or EXAMPLE_STATION in stations:
            return unclear
        kazakh = unclear.message_kk.replace(EXAMPLE_STATION, stations[0]) if unclear.message_kk else None
        return ReportUnclear(unclear.message_ru.replace(EXAMPLE_STATION, stations[0]), unclear.message_en,
                             message_kk=kazakh, **unclear.details)

    def llm_query(self, question: str, today: date, unclear: ReportUnclear) -> ReportQuery:
        """Let the language model fill the typed query for a question the parser did not
        understand. Its JSON is validated like any query, and every station, region and category in
        it must exist in the log; anything else keeps the parser's «уточните» answer."""
        import json
        from importlib import resources

        from azs_assistant.errors import LLMUnavailable

        vocab = self.vocabulary()
        template = resources.files("azs_assistant.llm.prompts").joinpath(f"{REPORT_PROMPT}.txt").read_text("utf-8")
        prompt = (template.replace("{today}", today.isoformat())
                  .replace("{max_severity}", str(vocab.max_severity or 4))
                  .replace("{stations}", ", ".join(vocab.stations) or "—")
                  .replace("{regions}", ", ".join(vocab.regions) or "—")
                  .replace("{categories}", "; ".join(f"{c} — {self.categories[c].name if c in self.categories else c}"
                                                     for c in vocab.categories) or "—")
                  .replace("{schema}", json.dumps(ReportQuery.model_json_schema(), ensure_ascii=False)))
        try:
            reply = self.llm.complete([{"role": "system", "content": prompt}, {"role": "user", "content": question}])
        except LLMUnavailable:
            raise unclear from None
        start, end = reply.find("{"), reply.rfind("}")
        try:
            data = json.loads(reply[start:end + 1]) if 0 <= start < end else None
            if not isinstance(data, dict) or "unclear" in data:
                raise ValueError("the model did not build a query")
            query = ReportQuery.model_validate(data)
        except (ValueError, ValidationError):
            raise unclear from None
        f = query.filters
        unknown = ([s for s in f.stations if s not in vocab.stations] + [r for r in f.regions if r not in vocab.regions]
                   + [c for c in f.categories if c not in vocab.categories and c not in self.categories])
        if unknown:
            raise unclear
        query.notes.append("запрос составлен языковой моделью и проверен; уточните вопрос, если понят не так")
        return query

    def ask_filtered(self, question: str | None, today: date | None = None, *, station: str | None = None,
                     region: str | None = None, category: str | None = None, date_from: date | None = None,
                     date_to: date | None = None, allowed: set[str] | None = None) -> Report:
        """A question narrowed by filters picked on the reports page or in an export link (station,
        region, category, period [from, to)); without a question, a summary of what they select."""
        self._check_filters(station, region)
        try:
            query = self.parse(question, today) if question and question.strip() else ReportQuery(metric="summary")
        except ReportUnclear as unclear:
            raise self.example_for(unclear, allowed) from None
        overrides = {"stations": [station] if station else None, "regions": [region] if region else None,
                     "categories": [category] if category else None,
                     "date_from": datetime.combine(date_from, time_of_day.min) if date_from else None,
                     "date_to": datetime.combine(date_to, time_of_day.min) if date_to else None}
        chosen = {k: v for k, v in overrides.items() if v is not None}
        if chosen:
            try:
                query = ReportQuery.model_validate({**query.model_dump(), "filters": {**query.filters.model_dump(),
                                                                                     **chosen}})
            except ValidationError as exc:
                problems = "; ".join(e["msg"] for e in exc.errors())
                raise InvalidInput(f"Фильтры отчёта противоречат друг другу: {problems}.",
                                   f"The report's filters contradict each other: {problems}.",
                                   message_kk=f"Есеп сүзгілері бір-біріне қайшы келеді: {problems}.") from exc
        return self.run(query, question or "Сводка по инцидентам", allowed)

    def _check_filters(self, station: str | None, region: str | None) -> None:
        """A station or region picked as a filter exists (in the registry or the log): a typo in a
        saved link is refused by name instead of answered with zeros."""
        vocab = self.vocabulary()
        if station and station not in vocab.stations:
            raise InvalidInput(f"Станции {station} нет в справочнике станций: проверьте фильтр «АЗС».",
                               f"Station {station} is not in the station registry: check the Station filter.",
                               message_kk=f"{station} станциясы станциялар анықтамалығында жоқ: «ЖҚС» сүзгісін "
                                          "тексеріңіз.", field="station")
        if region and region.casefold() not in {r.casefold() for r in vocab.regions}:
            raise InvalidInput(f"Региона «{region}» нет в справочнике станций; есть: {', '.join(vocab.regions)}.",
                               f"Region «{region}» is not in the station registry; there are: "
                               f"{', '.join(vocab.regions)}.",
                               message_kk=f"«{region}» өңірі станциялар анықтамалығында жоқ; барлары: "
                                          f"{', '.join(vocab.regions)}.", field="region")

    # -- a person's reports: scoped to their stations and audited -----------------------------
    def allowed_for(self, who: Principal) -> set[str] | None:
        """Station ids ``who`` may report on (None = all), by their stations and regions in the registry."""
        return who.allowed_stations(self.stations.known())

    def ask_for(self, who: Principal, question: str, today: date | None = None, ip: str | None = None,
                channel: str | None = None) -> Report:
        report = self.ask(question, today, self.allowed_for(who))
        self._audit(who, "report.view", question[:500], {"channel": channel} if channel else {}, ip)
        return report

    def run_for(self, who: Principal, query: ReportQuery, ip: str | None = None) -> Report:
        report = self.run(query, "", self.allowed_for(who))
        self._audit(who, "report.view", "typed query", {"query": query.model_dump(mode="json")}, ip)
        return report

    def export_for(self, who: Principal, fmt: str, question: str | None = None, today: date | None = None, *,
                   station: str | None = None, region: str | None = None, category: str | None = None,
                   date_from: date | None = None, date_to: date | None = None, ip: str | None = None,
                   lang: str = "ru") -> bytes:
        """A report as a file (CSV, XLSX, PDF, PNG, SVG, JSON…), within ``who``'s stations; audited."""
        return self.export_file_for(who, fmt, question, today, station=station, region=region, category=category,
                                    date_from=date_from, date_to=date_to, ip=ip, lang=lang).body

    def export_file_for(self, who: Principal, fmt: str, question: str | None = None, today: date | None = None, *,
                        station: str | None = None, region: str | None = None, category: str | None = None,
                        date_from: date | None = None, date_to: date | None = None, ip: str | None = None,
                        lang: str = "ru") -> ReportFile:
        """A report as a named file in ``lang`` (the language of the answer on screen), within ``who``'s
        stations; audited."""
        report = self.ask_filtered(question, today, station=station, region=region, category=category,
                                   date_from=date_from, date_to=date_to, allowed=self.allowed_for(who))
        file = report.export(fmt, lang)
        self._audit(who, "report.export", question or "сводка", {"format": fmt, "station": station, "region": region,
                                                                  "category": category, "lang": lang}, ip)
        return file

    def incident(self, who: Principal, incident_id: str) -> Incident:
        """One incident of ``who``'s stations; another station's does not exist for them."""
        with self.db.session() as s:
            incident = s.get(Incident, incident_id)
        if incident is None or not who.station_allowed(incident.station_id, incident.region):
            raise NotFound(f"Инцидент {incident_id} не найден.", f"Incident {incident_id} not found.",
                           message_kk=f"№{incident_id} оқиға табылмады.")
        return incident

    def incidents_for(self, who: Principal, *, station: str | None = None, region: str | None = None,
                      category: str | None = None, status: str | None = None, limit: int = 100,
                      offset: int = 0) -> list[dict[str, Any]]:
        """The incident log, latest first, within ``who``'s stations."""
        filters = {"stations": [station] if station else [], "regions": [region] if region else [],
                   "categories": [category] if category else [], "status": status}
        query = self.restrict(ReportQuery.model_validate({"metric": "list", "filters": filters}), self.allowed_for(who))
        return self.engine.incidents(query, limit, offset)  # type: ignore[no-any-return]
