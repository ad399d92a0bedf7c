"""Past incidents in the chat: «как в прошлый раз решили проблему с ТРК 3 на АЗС-012?» is answered
from the incident log (what happened, what was done, how long it took), and an operator's
«инцидент: АЗС-012, пролив у ТРК 2, убрали сорбентом» is recorded in it with origin ``chat``.

Search is lexical over the log's own words: lemmas of the description, equipment and actions,
matched also by word stems so that operators' typos («пралив», «генератар») still meet; the station
and the dispenser named in the question are hard filters.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from azs_assistant import i18n
from azs_assistant.errors import InvalidInput
from azs_assistant.language.analyzer import STOPWORDS, Analyzer, stem_key
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Incident
from azs_assistant.tickets.facts import station_id, station_in

TEXTS = "azs_assistant.assistant"  # the answer's frame: assistant/i18n/frames
_HISTORY = re.compile(
    r"(?:в|на)\s+прошл\w+\s+раз|прошлый\s+раз|в\s+прошлом|раньше|ранее|как\s+(?:тогда\s+)?(?:решил\w*|устранил\w*|"
    r"исправил\w*|чинил\w*|починил\w*|справил\w*)|что\s+(?:тогда\s+)?(?:делал\w*|сделал\w*|предпринял\w*)|"
    r"был(?:о|и|а)?\s+(?:ли\s+)?(?:уже\s+)?(?:так\w*|похож\w*)\s+(?:случа|инцидент|проблем)|"
    r"как\s+(?:раньше|ранее|обычно)\s+(?:устраня|исправля|реша|чин)\w*|"
    r"(?:истори|журнал)\w*\s+инцидент|похожи\w*\s+(?:случа|инцидент)", re.IGNORECASE)
_REPORT = re.compile(r"^\s*(?:/инцидент|инцидент\s*:|новый\s+инцидент\s*:?|сообщаю\s+об?\s+инцидент\w*\s*:?|"
                     r"зарегистрируй(?:те)?\s+инцидент\s*:?|регистрирую\s+инцидент\s*:?)\s*", re.IGNORECASE)
_DISPENSER = re.compile(r"(?:трк|колонк\w*|калонк\w*|пистолет\w*)\s*(?:№|n|номер)?\s*(\d{1,2})\b", re.IGNORECASE)
# words of the question that say what is asked, not what it is about
_ASKING = frozenset("""прошлый раз решить устранить исправить чинить починить справиться делать сделать предпринять
раньше ранее тогда случай похожий проблема вопрос инцидент история журнал азс станция трк колонка как что
быть уже такой устранять исправлять решать поступать поступить действовать""".split())


@dataclass
class Found:
    incident: Incident
    score: float


def is_history_question(text: str) -> bool:
    return _HISTORY.search(text) is not None


def incident_report_text(text: str) -> str | None:
    """The report without its «инцидент:» prefix, when the message is an operator's report."""
    match = _REPORT.match(text)
    return text[match.end():].strip() if match else None


def dispenser_in(text: str) -> int | None:
    match = _DISPENSER.search(text)
    return int(match.group(1)) if match else None


class IncidentHistory:
    def __init__(self, db: Database, analyzer: Analyzer) -> None:
        self.db = db
        self.analyzer = analyzer

    def _terms(self, text: str, skip: frozenset[str] = frozenset()) -> set[str]:
        """Lemmas and their stems («~пролив»), for matching despite typos and word forms."""
        out = set()
        for token in self.analyzer.tokens(text):
            if token.lemma.isdigit() or token.lemma in STOPWORDS or token.surface in STOPWORDS or len(token.lemma) < 3:
                continue
            if token.lemma in skip:
                continue
            out.add(token.lemma)
            key = stem_key(token.lemma) or (token.lemma[:5] if len(token.lemma) >= 5 else None)
            if key:
                out.add(f"~{key}")
        return out

    def search(self, question: str, categories: list[str] | None = None, limit: int = 3,
               scan: int = 5000, allowed: set[str] | None = None) -> list[Found]:
        """The past incidents most like the question, newest first among equals. ``categories``
        (from the report phrase book: «пролив» → fuel_spill) count as a match of their own."""
        from rapidfuzz import fuzz, process

        number = station_in(question)
        dispenser = dispenser_in(question)
        wanted = {t for t in self._terms(question, _ASKING) if not t.startswith("~")}
        query = select(Incident).order_by(Incident.occurred_at.desc()).limit(scan)
        if number is not None:
            query = query.where(Incident.station_id == station_id(number))
        if allowed is not None:  # only the asker's stations
            query = query.where(Incident.station_id.in_(sorted(allowed)))
        with self.db.session() as s:
            rows = list(s.scalars(query))
        found = []
        for incident in rows:
            text = " ".join(filter(None, (incident.equipment, incident.description, incident.actions_taken)))
            if dispenser is not None and dispenser_in(text) != dispenser:
                continue
            terms = self._terms(text)
            words = [t for t in terms if not t.startswith("~")]
            hits = 0.0
            for lemma in wanted:  # the lemma, its stem, or a word one typo away («пралив»)
                stem = stem_key(lemma)
                if lemma in terms or (stem and f"~{stem}" in terms):
                    hits += 1
                elif len(lemma) >= 5 and process.extractOne(lemma, words, scorer=fuzz.ratio, score_cutoff=80):
                    hits += 0.8
            score = hits / (len(wanted) or 1)
            if categories and incident.category in categories:
                score += 1
            if (wanted or categories) and score < 0.5 and dispenser is None:
                continue  # half the question's words, or its category; the same dispenser is a match by itself
            found.append(Found(incident, score + (0.5 if dispenser is not None else 0)))
        found.sort(key=lambda f: (-f.score, -f.incident.occurred_at.timestamp()))
        return found[:limit]

    def record(self, text: str, category: str | None, now: datetime | None = None) -> Incident:
        """An operator's report from the chat, stored as an open incident with origin ``chat``."""
        from azs_assistant.incidents.records import CHAT_ORIGIN, store

        number = station_in(text)
        if number is None:
            raise InvalidInput("Укажите номер АЗС, например: «инцидент: АЗС-012, пролив у ТРК 2, убрали сорбентом».",
                               "Name the station, e.g. «инцидент: АЗС-012, пролив у ТРК 2, убрали сорбентом».",
                               message_kk="ЖҚС нөмірін көрсетіңіз, мысалы: «инцидент: АЗС-012, пролив у ТРК 2, "
                                          "убрали сорбентом».")
        if not category:
            raise InvalidInput("Не понял, что за инцидент. Назовите его: пролив, сбой кассы, отказ оборудования, "
                               "отключение электроэнергии, кража, травма клиента…",
                               "What kind of incident is it? Name it in Russian: пролив (spill), сбой кассы (till "
                               "failure), отказ оборудования (equipment failure), отключение электроэнергии (power "
                               "cut), кража (theft), травма клиента (customer injury)…",
                               message_kk="Оқиға түрін түсінбедім. Оны орысша атаңыз: пролив (төгілу), сбой кассы "
                                          "(касса ақауы), отказ оборудования (жабдық істен шығуы), отключение "
                                          "электроэнергии (электр қуатының өшуі), кража (ұрлық), травма клиента "
                                          "(клиенттің жарақаты)…")
        dispenser = dispenser_in(text)
        incident_id = f"CHAT-{uuid.uuid4().hex[:8].upper()}"
        row = {"incident_id": incident_id, "station_id": station_id(number), "category": category,
               "occurred_at": (now or datetime.now()).replace(microsecond=0).isoformat(),
               "equipment": f"ТРК №{dispenser}" if dispenser else None, "description": normalise_space(text)[:4000]}
        with self.db.session() as s:
            region = s.scalar(select(Incident.region).where(Incident.station_id == row["station_id"],
                                                            Incident.region.is_not(None)).limit(1))
            row["region"] = region
            result = store(s, [("chat", row)], origin=CHAT_ORIGIN)
        if result.bad:
            raise InvalidInput(f"Инцидент не записан: {result.bad[0][1]}", f"Incident not recorded: {result.bad[0][1]}",
                               message_kk=f"Оқиға тіркелмеді: {result.bad[0][1]}")
        with self.db.session() as s:
            stored = s.get(Incident, incident_id)
            assert stored is not None
            return stored


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def describe(found: list[Found], lang: str = "ru") -> tuple[str, list[dict[str, Any]]]:
    """The chat answer and one citation per incident: the frame in ``lang``, the log's own words as written."""
    def say(key: str, **params: object) -> str:
        return i18n.text(TEXTS, key, lang, **params)

    lines, cites = [], []
    for n, f in enumerate(found, start=1):
        i = f.incident
        when = i.occurred_at.strftime("%d.%m.%Y %H:%M")
        what = f"«{i.description}»" if i.description else say("incident_no_description")
        done = say("incident_done", actions=i.actions_taken) if i.actions_taken else say("incident_done_unknown")
        took = (say("incident_resolved_in", hours=f"{i.resolution_hours:.1f}") if i.resolution_hours is not None
                else say("incident_still_open"))
        equipment = f", {i.equipment}" if i.equipment else ""
        lines.append(f"{n}. {when}, {i.station_id}{equipment}: {what}. {done} {took} [{n}]")
        cites.append({"incident_id": i.incident_id, "station": i.station_id, "when": when,
                      "quote": f"{i.description or ''} — {i.actions_taken or ''}".strip(" —"),
                      "category": i.category})
    return say("incidents_found") + "\n" + "\n".join(lines), cites
