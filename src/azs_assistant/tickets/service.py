"""Complaints end to end: intake → classification → routing → history, queues and SLA.

Every change of a ticket is one transaction that also writes its event and the notifications it
causes (an outbox the notifier drains), so nothing is half-done after a crash.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from azs_assistant.auth.principal import Principal
from azs_assistant.auth.scope import check_ticket, ticket_scope
from azs_assistant.auth.service import principal_of
from azs_assistant.errors import Conflict, InvalidInput, NotFound
from azs_assistant.language.analyzer import Analyzer
from azs_assistant.language.detect import detect_language
from azs_assistant.settings import LOCAL_BASE_URL, Settings
from azs_assistant.stations import Stations
from azs_assistant.storage.db import Database
from azs_assistant.storage.models import IndexState, Ticket, TicketEvent, TicketNotification, User, utcnow
from azs_assistant.storage.originals import PHOTOS, DirectoryOriginals, Originals
from azs_assistant.tickets.classifier import Example, TicketClassifier, load_examples
from azs_assistant.tickets.danger import danger_signs
from azs_assistant.tickets.facts import extract_facts
from azs_assistant.tickets.reasons import Reason, danger_in
from azs_assistant.tickets.rules import RoutingRules, load_rules
from azs_assistant.tickets.taxonomy import CATEGORIES, STATUSES, TRANSITIONS, URGENCIES, raise_urgency

if TYPE_CHECKING:
    from azs_assistant.jobs import JobContext, Jobs
    from azs_assistant.storage.models import Job

log = logging.getLogger("azs.tickets")
TRAIN_JOB = "tickets.train"
# How often a process asks whether another one retrained the classifier (a training job on a worker,
# another replica's `azs tickets train`), then retrains itself from the same examples in the background.
CLASSIFIER_CHECK_S = 30.0
CHANNELS = ("web_form", "api", "email", "call_center_transcript", "mobile_app", "telegram", "cli", "other")


def contact_key(contact: str | None) -> str | None:
    """A stable hash of a phone number (its last ten digits) or an e-mail (lower-cased)."""
    if not contact or not contact.strip():
        return None
    value = contact.strip().lower()
    digits = re.sub(r"\D", "", value)
    if "@" not in value and len(digits) >= 7:
        value = digits[-10:]
    return hashlib.sha256(value.encode()).hexdigest()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Classification:
    category: str
    urgency: str
    route_to: str
    confidence: float
    urgency_confidence: float
    needs_triage: bool
    reasons: list[Reason]
    danger: list[str]
    facts: dict[str, Any]
    station: str | None
    region: str | None
    repeat: bool
    rule: str
    notify: list[str] = field(default_factory=list)
    top: list[tuple[str, float]] = field(default_factory=list)
    model_version: str = ""

    def to_dict(self, lang: str = "ru") -> dict[str, Any]:
        """The classification for the API and ``--json``: reasons as sentences in ``lang`` and as data."""
        data = asdict(self)
        data["reasons"] = [r.text(lang) for r in self.reasons]
        data["reason_codes"] = [r.to_json() for r in self.reasons]
        data["danger_text"] = danger_in(self.danger, lang)  # ``danger`` stays as stored (Russian), as on a ticket
        return data

    @property
    def reason_text(self) -> str | None:
        """The reasons in Russian, joined: the ticket's ``triage_reason``."""
        return "; ".join(r.text("ru") for r in self.reasons) or None


class Tickets:
    def __init__(self, db: Database, analyzer: Analyzer, settings: Settings, stations: Stations | None = None,
                 audit: Callable[..., None] | None = None, jobs: Callable[[], Jobs] | None = None,
                 photos: Originals | None = None) -> None:
        self.db, self._jobs = db, jobs
        # complaint photos: AZS_ORIGINALS_URL's store, else files under <data dir>/tickets/photos (the default)
        self.photos: Originals = photos or DirectoryOriginals(settings.data_dir)
        self._photos_default = photos is None
        self._audit = audit or (lambda *args: None)
        self.stations = stations or Stations(db)
        self.analyzer = analyzer
        self.settings = settings
        self._rules: RoutingRules | None = None
        self._classifier: TicketClassifier | None = None
        self._train_lock = threading.Lock()
        # the stored training generation this process's classifier reflects, and when it last looked
        self._generation, self._checked, self._refreshing = 0, time.monotonic(), False

    # -- configuration ------------------------------------------------------------------
    @property
    def rules(self) -> RoutingRules:
        if self._rules is None:
            self._rules = load_rules(self.settings.ticket_rules_file)
        return self._rules

    def reload_rules(self) -> RoutingRules:
        self._rules = load_rules(self.settings.ticket_rules_file)
        return self._rules

    def training_examples(self) -> tuple[list[Example], dict[str, int]]:
        """The shipped examples, the company's extra file, and every ticket a person relabelled."""
        shipped = load_examples()
        extra_file = self.settings.ticket_examples_file
        extra = load_examples(extra_file) if extra_file.exists() else []
        with self.db.session() as s:
            corrected = [Example(t.text, t.category, t.urgency) for t in
                         s.scalars(select(Ticket).where(Ticket.labels_by == "person").order_by(Ticket.id))]
        counts = {"shipped": len(shipped), "company_file": len(extra), "corrected_tickets": len(corrected)}
        return shipped + extra + corrected, counts

    @property
    def classifier(self) -> TicketClassifier:
        if self._classifier is None:
            with self._train_lock:
                if self._classifier is None:
                    generation = self._stored_generation()
                    examples, _ = self.training_examples()
                    self._classifier, self._generation = TicketClassifier(self.analyzer, examples), generation
        else:
            self._catch_up()
        return self._classifier

    def train(self) -> dict[str, Any]:
        """Retrain on shipped + company + corrected examples; report counts and a cross-check. The stored
        generation is bumped first, so every other process retrains within ``CLASSIFIER_CHECK_S``."""
        generation = self._bump_generation()
        examples, counts = self.training_examples()
        classifier = TicketClassifier(self.analyzer, examples)
        with self._train_lock:
            self._classifier, self._generation = classifier, max(self._generation, generation)
        return {**counts, "total": len(examples), **classifier.describe()}

    def submit_training(self, who: Principal | str) -> Job:
        """Retraining as a background job (a server's pool or a worker runs it); audited with the job id."""
        if self._jobs is None:
            raise RuntimeError("Tickets was built without a jobs store")
        name = who.name if isinstance(who, Principal) else who
        job = self._jobs().enqueue(TRAIN_JOB, {}, created_by=name)
        self._audit(who, "tickets.train", "job", {"job": job.id})
        return job

    def run_training_job(self, ctx: JobContext) -> dict[str, Any]:
        """The training job: retrain, and say on what; the figures are the job's result."""
        log.info("переобучение классификатора обращений")
        stats = self.train()
        log.info("классификатор обучен на %d примерах (исправленных обращений %d), версия %s", stats["total"],
                 stats["corrected_tickets"], stats["version"])
        return stats

    def _stored_generation(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(IndexState.classifier_generation).where(IndexState.id == 1)) or 0)

    def _bump_generation(self) -> int:
        with self.db.session() as s:
            s.execute(update(IndexState).where(IndexState.id == 1)
                      .values(classifier_generation=IndexState.classifier_generation + 1))
            return int(s.scalar(select(IndexState.classifier_generation).where(IndexState.id == 1)) or 0)

    def _catch_up(self) -> None:
        """Another process retrained: retrain here too, in the background (the old model answers meanwhile)."""
        now = time.monotonic()
        if self._refreshing or now - self._checked < CLASSIFIER_CHECK_S:
            return
        self._checked = now
        try:
            stored = self._stored_generation()
        except Exception:  # the database away for a moment: the current model keeps answering
            log.warning("не удалось проверить версию классификатора", exc_info=True)
            return
        if stored > self._generation:
            self._refreshing = True
            threading.Thread(target=self._retrain_to, args=(stored,), name="azs-retrain", daemon=True).start()

    def _retrain_to(self, generation: int) -> None:
        try:
            examples, _ = self.training_examples()
            classifier = TicketClassifier(self.analyzer, examples)
            with self._train_lock:
                if generation > self._generation:
                    self._classifier, self._generation = classifier, generation
            log.info("классификатор обращений переобучен вслед за другим процессом (версия %s)", classifier.version)
        except Exception:
            log.warning("переобучение классификатора не удалось; работает прежний", exc_info=True)
        finally:
            self._refreshing = False

    def status_link(self, ticket: Ticket, token: str, request_base: str | None = None) -> str:
        """The customer's link to the status page of their ticket (the one place it is built): on
        ``AZS_PUBLIC_BASE_URL`` when set, else on ``request_base``, the address the requester's own
        request came to (shown to them only, never sent in a notification: a forged Host header must
        not reach anyone else), else on the local default."""
        base = self.settings.public_base_url or request_base or LOCAL_BASE_URL
        return f"{base.rstrip('/')}/t/{ticket.number}?k={token}"

    def known_stations(self) -> dict[str, str | None]:
        """Station id → region: the active stations of the registry."""
        return self.stations.known()

    def station_places(self) -> list[tuple[str, str]]:
        """The active stations as the complaint form offers them: id and what a customer knows it by (its name and
        address), so «Абая» finds «АЗС-001»."""
        return self.stations.places()

    # -- classification -----------------------------------------------------------------
    def classify(self, text: str, *, channel: str = "api", station: str | None = None,
                 contact: str | None = None, session: Session | None = None) -> Classification:
        text = self._check_text(text)
        rules = self.rules
        prediction = self.classifier.predict(text)
        category, urgency = prediction.category, prediction.urgency
        reasons: list[Reason] = []
        facts = extract_facts(text)
        danger = danger_signs(text, rules.danger_patterns)
        if danger:
            if category != "safety_hazard":
                reasons.append(Reason("danger_category", {"to": "safety_hazard", "from": category, "signs": danger}))
            category, urgency = "safety_hazard", "critical"
            reasons.append(Reason("danger", {"signs": danger}))
        else:
            if urgency == "critical":  # only the danger signs make a ticket critical
                urgency = "high"
            bounded = rules.bounded(category, urgency)
            if bounded != urgency:
                reasons.append(Reason("category_standard", {"urgency": bounded, "category": category}))
                urgency = bounded
            threshold = rules.spec.urgency.money_high_threshold
            big = [a for a in facts.get("amounts", []) if threshold is not None and a > threshold]
            if big and urgency in ("low", "medium"):
                urgency = "high"
                reasons.append(Reason("big_amount", {"amount": max(big), "threshold": threshold}))
        station_value, region, station_problem = self._station(station, facts)
        repeat = self._is_repeat(contact, session)
        if repeat and urgency not in ("high", "critical") and rules.spec.urgency.repeat.raise_:
            # a repeat makes a complaint more pressing, never an emergency: critical means danger
            urgency = raise_urgency(urgency, rules.spec.urgency.repeat.raise_)
            urgency = "high" if urgency == "critical" else urgency
            reasons.append(Reason("repeat", {"urgency": urgency}))
        decision = rules.route(text=text, category=category, urgency=urgency, channel=channel,
                               station=station_value, region=region, repeat=repeat)
        reasons.extend(decision.reasons)
        needs_triage = prediction.category_confidence < rules.spec.triage.min_confidence and not danger
        if needs_triage:
            reasons.append(Reason("low_confidence", {"confidence": round(prediction.category_confidence, 2)}))
        if station_problem:
            needs_triage = True
            reasons.append(station_problem)
        return Classification(
            category=category, urgency=decision.urgency, route_to=decision.department,
            confidence=round(prediction.category_confidence, 3),
            urgency_confidence=round(prediction.urgency_confidence, 3), needs_triage=needs_triage,
            reasons=reasons, danger=danger, facts=facts, station=station_value, region=region, repeat=repeat,
            rule=decision.rule, notify=decision.notify, top=prediction.top, model_version=self.classifier.version)

    def _check_text(self, text: str) -> str:
        text = (text or "").replace("\x00", "").strip()
        if not text:
            raise InvalidInput("Пустое обращение: опишите, что случилось.",
                               "The complaint is empty: describe what happened.",
                               message_kk="Өтініш бос: не болғанын жазыңыз.")
        limit = self.settings.ticket_max_chars
        if len(text) > limit:
            raise InvalidInput(f"Слишком длинный текст: {len(text)} символов, можно до {limit}. "
                               "Сократите описание: подробности можно дописать ответом по ссылке на статус.",
                               f"The text is too long: {len(text)} characters, at most {limit}. Shorten it: more can "
                               "be added as a reply on the status page.",
                               message_kk=f"Мәтін тым ұзын: {len(text)} таңба, ең көбі {limit}. "
                                          "Сипаттаманы қысқартыңыз: толығырақ мәртебе сілтемесі арқылы жауап ретінде "
                                          "жазуға болады.",
                               field="text", limit=limit)
        return text

    def _station(self, given: str | None, facts: dict[str, Any]) -> tuple[str | None, str | None, Reason | None]:
        """(station id, region, problem) from the form's field or, failing that, the text."""
        known = self.known_stations()
        given = (given or "").strip()
        if given:
            sid = self.stations.resolve(given)
            if sid is None:
                return None, None, Reason("station_unknown", {"given": given[:50]})
        elif "station" in facts:
            sid = self.stations.resolve(facts["station"])
        else:
            return None, None, None
        assert sid is not None
        if known and sid not in known:
            return sid, None, Reason("station_missing", {"station": sid})
        return sid, known.get(sid), None

    def _is_repeat(self, contact: str | None, session: Session | None) -> bool:
        key = contact_key(contact)
        if key is None:
            return False
        since = utcnow() - timedelta(days=self.rules.spec.urgency.repeat.window_days)
        query = select(func.count()).select_from(Ticket).where(Ticket.contact_key == key, Ticket.created_at >= since)
        if session is not None:
            return bool(session.scalar(query))
        with self.db.session() as s:
            return bool(s.scalar(query))

    # -- intake -------------------------------------------------------------------------
    def create(self, text: str, *, channel: str = "api", station: str | None = None, contact: str | None = None,
               photo: bytes | None = None, photo_name: str | None = None, actor: str = "customer",
               language: str | None = None) -> tuple[Ticket, str]:
        """Store a complaint, classified and routed, with its notifications queued. Returns the
        ticket and the customer's private token (shown once, kept only as a hash)."""
        if channel not in CHANNELS:
            raise InvalidInput(f"Неизвестный канал «{channel}»; есть: {', '.join(CHANNELS)}.",
                               f"Unknown channel '{channel}'; the channels are: {', '.join(CHANNELS)}.",
                               message_kk=f"«{channel}» арнасы белгісіз; барлары: {', '.join(CHANNELS)}.")
        contact = (contact or "").strip()[:200] or None
        photo_ext = self._check_photo(photo, photo_name) if photo else None
        result = self.classify(text, channel=channel, station=station, contact=contact)
        codes = [r.to_json() for r in result.reasons]
        token = secrets.token_urlsafe(16)
        now = utcnow()
        with self.db.session() as s:
            ticket = Ticket(
                number="pending", token_hash=_hash_token(token), channel=channel,
                language=language if language in ("ru", "kk", "en") else detect_language(text),
                text=self._check_text(text), contact=contact, contact_key=contact_key(contact),
                station_text=(station or "").strip()[:200] or None, station_id=result.station, region=result.region,
                category=result.category, urgency=result.urgency, confidence=result.confidence,
                needs_triage=int(result.needs_triage), triage_reason=result.reason_text,
                reasons=codes,
                labels_by="model", classifier_version=result.model_version, facts=result.facts,
                danger=result.danger, department=result.route_to, rule=result.rule, status="new",
                created_at=now, updated_at=now, due_at=now + self._sla(result.urgency))
            s.add(ticket)
            s.flush()
            ticket.number = f"T-{ticket.id:06d}"
            if photo and photo_ext:
                ticket.photo_path = self._keep_photo(f"{ticket.number}.{photo_ext}", photo)
            self._event(s, ticket, actor, "created", {"channel": channel, "station": result.station}, public=True)
            self._event(s, ticket, "classifier", "classified", {
                "category": result.category, "urgency": result.urgency, "confidence": result.confidence,
                "reasons": [r.text("ru") for r in result.reasons],
                "reason_codes": codes,
                "danger": result.danger, "model": result.model_version})
            self._event(s, ticket, "rules", "routed", {"department": result.route_to, "rule": result.rule,
                                                         "notify": result.notify})
            self._queue(s, ticket, [result.route_to, *result.notify], "new")
        return ticket, token

    def _check_photo(self, data: bytes, name: str | None) -> str:
        from azs_assistant.documents.parsers import sniff

        limit = self.settings.ticket_max_photo_mb
        if len(data) > limit * 1024 * 1024:
            from azs_assistant.errors import FileTooLarge

            raise FileTooLarge(f"Фото больше {limit} МБ: уменьшите его.",
                               f"The photo is larger than {limit} MB: make it smaller.",
                               message_kk=f"Фото тым үлкен (ең көбі {limit} МБ): оны кішірейтіңіз.")
        kind = sniff(data[:16])
        if kind not in {"png", "jpeg", "webp", "gif", "bmp", "tiff"}:
            from azs_assistant.errors import UnsupportedFormat

            raise UnsupportedFormat(f"Файл «{name or 'без имени'}» не похож на фото (нужен JPEG, PNG или WebP).",
                                    f"«{name or 'unnamed'}» is not a photo (JPEG, PNG or WebP needed).",
                                    message_kk=f"Файл фотоға ұқсамайды («{name or 'атаусыз'}»): JPEG, PNG "
                                               "немесе WebP жіберіңіз.")
        return "jpg" if kind == "jpeg" else str(kind)

    def _sla(self, urgency: str) -> timedelta:
        return timedelta(hours=self.rules.spec.sla_hours[urgency])  # type: ignore[index]

    def _event(self, s: Session, ticket: Ticket, actor: str, kind: str, data: dict[str, Any],
               public: bool = False) -> None:
        s.add(TicketEvent(ticket_id=ticket.id, actor=actor[:200], kind=kind, data=data, public=int(public),
                          at=utcnow()))

    def _queue(self, s: Session, ticket: Ticket, departments: list[str], reason: str) -> int:
        from azs_assistant.tickets.notify import enqueue

        return enqueue(s, ticket, departments, reason, self.rules)

    # -- reading ------------------------------------------------------------------------
    def get(self, number: str) -> Ticket:
        with self.db.session() as s:
            ticket = s.scalar(select(Ticket).where(Ticket.number == number.strip().upper()))
            if ticket is None:
                raise NotFound(f"Обращение {number} не найдено.", f"Ticket {number} not found.",
                               message_kk=f"{number} өтініші табылмады.")
            return ticket

    def public_view(self, number: str, token: str) -> tuple[Ticket, list[TicketEvent]]:
        """What the customer's private link shows; a wrong token reads as «not found»."""
        try:
            ticket = self.get(number)
        except NotFound:
            ticket = None
        if ticket is None or not secrets.compare_digest(ticket.token_hash, _hash_token(token or "")):
            raise NotFound("Обращение не найдено: проверьте ссылку.", "Ticket not found: check the link.",
                           message_kk="Өтініш табылмады: сілтемені тексеріңіз.")
        return ticket, [e for e in self.history(ticket.number) if e.public]

    def reply_by_customer(self, number: str, token: str, text: str, photo: bytes | None = None,
                          photo_name: str | None = None) -> TicketEvent:
        """The customer answers through their private link, with a photo if they like (the intake's
        limits on text and photo). A reply to a resolved ticket reopens it; the department is notified."""
        ticket, _ = self.public_view(number, token)
        text = self._check_text(text)
        photo_ext = self._check_photo(photo, photo_name) if photo else None
        with self._change(ticket.number) as (s, current):
            data: dict[str, Any] = {"text": text}
            if photo and photo_ext:
                name = f"{current.number}-{secrets.token_hex(4)}.{photo_ext}"
                self._keep_photo(name, photo)
                data["photo"] = name
            if current.status in ("resolved", "closed"):
                self._event(s, current, "customer", "reopened", {"from": current.status, "to": "in_progress"},
                            public=True)
                current.status, current.resolved_at = "in_progress", None
                current.due_at = utcnow() + self._sla(current.urgency)
            current.updated_at = utcnow()
            event = TicketEvent(ticket_id=current.id, actor="customer", kind="customer_reply", data=data, public=1,
                                at=utcnow())
            s.add(event)
            self._queue(s, current, [current.department], "reply")
            return event

    def _keep_photo(self, name: str, data: bytes) -> str:
        """Store a photo; what ``photo_path`` records: the file's path in the default directory (as before),
        the store's key with AZS_ORIGINALS_URL."""
        key = f"{PHOTOS}/{name}"
        self.photos.write(key, data)
        if self._photos_default and isinstance(self.photos, DirectoryOriginals):
            return str(self.photos.path(key))
        return key

    def photo_for(self, who: Principal, number: str) -> tuple[str, str, bytes]:
        """The photo of the complaint, for staff who may work on the ticket: (name, media type, bytes)."""
        ticket = self.get_for(who, number)
        if not ticket.photo_path:
            raise NotFound("К обращению не приложено фото.", "No photo is attached to the ticket.",
                           message_kk="Өтінішке фото тіркелмеген.")
        if Path(ticket.photo_path).is_absolute():  # the default directory, or written before AZS_ORIGINALS_URL
            try:
                data = Path(ticket.photo_path).read_bytes()
            except FileNotFoundError as exc:
                raise NotFound("Файл фото не найден.", "The photo file is missing.",
                               message_kk="Фото файлы табылмады.") from exc
        else:
            data = self.photos.read(ticket.photo_path)
        return _media(PurePosixPath(ticket.photo_path).name, data)

    def reply_photo_for(self, who: Principal, number: str, name: str) -> tuple[str, str, bytes]:
        """A photo a customer attached to a reply, for staff who may work on the ticket."""
        ticket = self.get_for(who, number)
        names = {e.data.get("photo") for e in self.history(ticket.number) if e.kind == "customer_reply"}
        if name not in names:
            raise NotFound("Такого фото у обращения нет.", "The ticket has no such photo.",
                           message_kk="Өтініште мұндай фото жоқ.")
        key = f"{PHOTOS}/{name}"
        try:
            return _media(name, self.photos.read(key))
        except NotFound:
            if self._photos_default:
                raise
            # a reply photo kept before AZS_ORIGINALS_URL was set stays under the data directory, where it was
            return _media(name, DirectoryOriginals(self.settings.data_dir).read(key))

    def history(self, number: str) -> list[TicketEvent]:
        ticket = self.get(number)
        with self.db.session() as s:
            return list(s.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                  .order_by(TicketEvent.id)))

    def notifications(self, number: str) -> list[TicketNotification]:
        ticket = self.get(number)
        with self.db.session() as s:
            return list(s.scalars(select(TicketNotification).where(TicketNotification.ticket_id == ticket.id)
                                  .order_by(TicketNotification.id)))

    def queue(self, *, department: str | None = None, status: str | None = None, station: str | None = None,
              stations: list[str] | None = None, overdue: bool | None = None, triage: bool | None = None,
              open_only: bool = False, limit: int = 100, offset: int = 0,
              scope: tuple[str | None, set[str] | None] | None = None, search: str | None = None,
              assignee: str | None = None) -> list[Ticket]:
        """The queue, open and urgent first. ``scope`` = (department, stations) a person may see:
        tickets of that department or at those stations (None = no limit); ``search`` finds words of
        the number, the text or the contact, ``assignee`` one person's tickets."""
        query = _queue_query(department=department, status=status, station=station, stations=stations,
                             overdue=overdue, triage=triage, open_only=open_only, scope=scope, search=search,
                             assignee=assignee)
        if query is None:
            return []
        urgency_order = {u: i for i, u in enumerate(reversed(URGENCIES))}
        with self.db.session() as s:
            rows = list(s.scalars(query.order_by(Ticket.id.desc()).offset(offset).limit(min(limit, 1000))))
        rows.sort(key=lambda t: (t.status in ("resolved", "closed"), urgency_order[t.urgency], t.due_at))
        return rows

    def queue_size(self, **filters: Any) -> int:
        """How many tickets ``queue`` with these filters finds in all pages together."""
        query = _queue_query(**filters)
        if query is None:
            return 0
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)

    def department_names(self, lang: str = "ru") -> dict[str, str]:
        """Department code → its name in ``lang`` from the routing file (Russian, else the code)."""
        return {code: dep.names.get(lang) or dep.name for code, dep in self.rules.departments.items()}

    def assign_to_me(self, who: Principal, number: str, ip: str | None = None) -> Ticket:
        """«Assign to me»: the signed-in person becomes the ticket's assignee."""
        return self.assign_by(who, number, None, who.name, ip)

    def staff_names(self, ticket: Ticket) -> list[str]:
        """Whom the assign form suggests: active support staff and managers, the ticket's department first. A name
        not among them is still taken (an outside engineer may be the one), but a person picks a login rather than
        typing one that does not exist. A manager is offered only where the ticket's station is in their stations
        or regions (a manager of Алматы was offered for a ticket of Астана, and would not have seen it); support
        staff of every department are, since the form passes a ticket to another department too."""
        region = self.stations.known().get(ticket.station_id or "")

        def may_work_on(u: User) -> bool:
            roles = set(u.roles or [])
            return "support" in roles or ("manager" in roles
                                          and principal_of(u).station_allowed(ticket.station_id, region))

        with self.db.session() as s:
            people = [u for u in s.scalars(select(User).where(User.disabled == 0).order_by(User.username))
                      if may_work_on(u)]
        return [u.username for u in sorted(people, key=lambda u: u.department != ticket.department)]

    def departments_in_use(self) -> list[str]:
        with self.db.session() as s:
            used = set(s.scalars(select(Ticket.department).distinct()))
        return sorted(set(self.rules.departments) | used)

    # -- changes ------------------------------------------------------------------------
    @contextmanager
    def _change(self, number: str) -> Iterator[tuple[Session, Ticket]]:
        """The ticket inside one transaction, row-locked where the backend can lock rows."""
        with self.db.session() as s:
            query = select(Ticket).where(Ticket.number == number.strip().upper())
            if self.db.engine.dialect.name == "postgresql":
                query = query.with_for_update()
            ticket = s.scalar(query)
            if ticket is None:
                raise NotFound(f"Обращение {number} не найдено.", f"Ticket {number} not found.",
                               message_kk=f"{number} өтініші табылмады.")
            yield s, ticket

    def set_status(self, number: str, status: str, *, actor: str, comment: str | None = None,
                   public: bool = False) -> Ticket:
        """Move a ticket on. The customer sees the new status; a comment given with it is a staff note
        unless ``public`` says it is a reply to the customer."""
        if status not in STATUSES:
            raise InvalidInput(f"Неизвестный статус «{status}»; есть: {', '.join(STATUSES)}.",
                               f"Unknown status '{status}'; the statuses are: {', '.join(STATUSES)}.",
                               message_kk=f"«{status}» мәртебесі белгісіз; барлары: {', '.join(STATUSES)}.")
        with self._change(number) as (s, ticket):
            if status == ticket.status:
                raise Conflict(f"Обращение {ticket.number} уже в статусе «{status}».",
                               f"Ticket {ticket.number} already has the status '{status}'.",
                               message_kk=f"{ticket.number} өтінішінің мәртебесі қазірдің өзінде «{status}».")
            if status not in TRANSITIONS[ticket.status]:
                allowed = ", ".join(sorted(TRANSITIONS[ticket.status]))
                raise Conflict(f"Из статуса «{ticket.status}» нельзя перейти в «{status}»; можно: {allowed}.",
                               f"A ticket cannot go from '{ticket.status}' to '{status}'; it can go to: {allowed}.",
                               message_kk=f"«{ticket.status}» мәртебесінен «{status}» мәртебесіне өтуге болмайды; "
                                          f"мүмкін мәртебелер: {allowed}.")
            previous, ticket.status, ticket.updated_at = ticket.status, status, utcnow()
            if status in ("resolved", "closed"):
                ticket.resolved_at = ticket.resolved_at or utcnow()
            elif previous in ("resolved", "closed"):  # reopened: a new SLA from now
                ticket.resolved_at = None
                ticket.due_at = utcnow() + self._sla(ticket.urgency)
            self._event(s, ticket, actor, "reopened" if previous in ("resolved", "closed") else "status",
                        {"from": previous, "to": status}, public=True)
            note = (comment or "").strip()
            if note:
                self._event(s, ticket, actor, "comment", {"text": note[:self.settings.ticket_max_chars]},
                            public=public)
            return ticket

    def comment(self, number: str, text: str, *, actor: str, public: bool = False) -> TicketEvent:
        text = (text or "").strip()
        if not text or len(text) > self.settings.ticket_max_chars:
            raise InvalidInput("Комментарий пустой или слишком длинный.", "Empty or too long comment.",
                               message_kk="Түсініктеме бос немесе тым ұзын.")
        with self._change(number) as (s, ticket):
            ticket.updated_at = utcnow()
            event = TicketEvent(ticket_id=ticket.id, actor=actor[:200], kind="comment", data={"text": text},
                                public=int(public), at=utcnow())
            s.add(event)
            return event

    def assign(self, number: str, *, actor: str, department: str | None = None, assignee: str | None = None) -> Ticket:
        if department and department not in self.rules.departments:
            raise InvalidInput(f"Отдел «{department}» не описан в правилах; есть: "
                               f"{', '.join(self.rules.departments)}.",
                               f"Department '{department}' is not in the rules; the departments are: "
                               f"{', '.join(self.rules.departments)}.",
                               message_kk=f"«{department}» бөлімі ережелерде сипатталмаған; барлары: "
                                          f"{', '.join(self.rules.departments)}.")
        if not department and not assignee:
            raise InvalidInput("Укажите отдел или исполнителя.", "Give a department or an assignee.",
                               message_kk="Бөлімді немесе орындаушыны көрсетіңіз.")
        with self._change(number) as (s, ticket):
            before = {"department": ticket.department, "assignee": ticket.assignee}
            if department and department != ticket.department:
                ticket.department = department
                ticket.assignee = None
                self._queue(s, ticket, [department], "reassigned")
            if assignee:
                ticket.assignee = assignee.strip()[:200]
            if ticket.status == "new" and ticket.assignee:
                ticket.status = "assigned"
            ticket.updated_at = utcnow()
            self._event(s, ticket, actor, "reassigned", {"from": before, "to": {
                "department": ticket.department, "assignee": ticket.assignee}})
            return ticket

    def relabel(self, number: str, *, actor: str, category: str | None = None, urgency: str | None = None,
                reroute: bool = True) -> Ticket:
        """A person's correction: it becomes a training example and, unless told not to, re-routes."""
        if category and category not in CATEGORIES:
            raise InvalidInput(f"Неизвестная категория «{category}».", f"Unknown category '{category}'.",
                               message_kk=f"«{category}» санаты белгісіз.")
        if urgency and urgency not in URGENCIES:
            raise InvalidInput(f"Неизвестная срочность «{urgency}».", f"Unknown urgency '{urgency}'.",
                               message_kk=f"«{urgency}» шұғылдық деңгейі белгісіз.")
        with self._change(number) as (s, ticket):
            before = {"category": ticket.category, "urgency": ticket.urgency, "department": ticket.department}
            ticket.category = category or ticket.category
            if urgency and urgency != ticket.urgency:
                ticket.urgency = urgency
                ticket.due_at = ticket.created_at + self._sla(urgency)
            ticket.labels_by, ticket.needs_triage, ticket.updated_at = "person", 0, utcnow()
            if reroute:
                decision = self.rules.route(text=ticket.text, category=ticket.category, urgency=ticket.urgency,
                                            channel=ticket.channel, station=ticket.station_id,
                                            region=ticket.region, repeat=False)
                if decision.department != ticket.department:
                    ticket.department, ticket.assignee = decision.department, None
                    self._queue(s, ticket, [decision.department], "reassigned")
            self._event(s, ticket, actor, "relabelled", {"from": before, "to": {
                "category": ticket.category, "urgency": ticket.urgency, "department": ticket.department}})
            return ticket

    def acknowledge(self, number: str, *, actor: str) -> Ticket:
        """Someone responsible has seen it: critical reminders stop."""
        with self._change(number) as (s, ticket):
            if ticket.acknowledged_at is None:
                ticket.acknowledged_at = utcnow()
                self._event(s, ticket, actor, "acknowledged", {})
                if ticket.status == "new":
                    ticket.status = "in_progress"
                    self._event(s, ticket, actor, "status", {"from": "new", "to": "in_progress"}, public=True)
            return ticket

    def stats(self) -> dict[str, Any]:
        with self.db.session() as s:
            by_status = dict(s.execute(select(Ticket.status, func.count()).group_by(Ticket.status)).all())
            overdue = s.scalar(select(func.count()).select_from(Ticket).where(
                Ticket.status.not_in(("resolved", "closed")), Ticket.due_at < utcnow()))
            pending = s.scalar(select(func.count()).select_from(TicketNotification)
                               .where(TicketNotification.status == "pending"))
        return {"by_status": by_status, "overdue": overdue, "notifications_pending": pending}

    def counts_by_status(self) -> dict[str, int]:
        """Tickets per status, every status present (zeros too): the ``azs_tickets`` gauge."""
        with self.db.session() as s:
            found = dict(s.execute(select(Ticket.status, func.count()).group_by(Ticket.status)).all())
        return {status: int(found.get(status, 0)) for status in (*STATUSES, *sorted(set(found) - set(STATUSES)))}

    def sla_breaches(self) -> dict[str, int]:
        """Open tickets past their due time, per urgency (zeros too): the ``azs_tickets_sla_breached`` gauge."""
        with self.db.session() as s:
            found = dict(s.execute(select(Ticket.urgency, func.count()).where(
                Ticket.status.not_in(("resolved", "closed")), Ticket.due_at < utcnow())
                .group_by(Ticket.urgency)).all())
        return {urgency: int(found.get(urgency, 0)) for urgency in URGENCIES}

    # -- staff actions: scope check, the change as the signed-in person, the audit entry -----------
    def _staff(self, who: Principal, number: str) -> None:
        check_ticket(self.stations, who, self.get(number))

    def queue_for(self, who: Principal, **filters: Any) -> list[Ticket]:
        """``queue`` limited to the tickets ``who`` works on: their department's and their stations'."""
        return self.queue(**filters, scope=ticket_scope(self.stations, who))

    def get_for(self, who: Principal, number: str) -> Ticket:
        """A ticket ``who`` may work on; one outside their stations and department does not exist."""
        ticket = self.get(number)
        check_ticket(self.stations, who, ticket)
        return ticket

    def set_status_by(self, who: Principal, number: str, status: str, comment: str | None = None,
                      public: bool = False, ip: str | None = None) -> Ticket:
        self._staff(who, number)
        ticket = self.set_status(number, status, actor=who.name, comment=comment, public=public)
        self._audit(who, "ticket.set_status", number, {"status": status, "comment": comment, "public": public}, ip)
        return ticket

    def comment_by(self, who: Principal, number: str, text: str, public: bool = False,
                   ip: str | None = None) -> TicketEvent:
        self._staff(who, number)
        event = self.comment(number, text, actor=who.name, public=public)
        self._audit(who, "ticket.comment", number, {"text": text, "public": public}, ip)
        return event

    def assign_by(self, who: Principal, number: str, department: str | None = None, assignee: str | None = None,
                  ip: str | None = None) -> Ticket:
        self._staff(who, number)
        ticket = self.assign(number, actor=who.name, department=department, assignee=assignee)
        self._audit(who, "ticket.assign", number, {"department": department, "assignee": assignee}, ip)
        return ticket

    def relabel_by(self, who: Principal, number: str, category: str | None = None, urgency: str | None = None,
                   ip: str | None = None) -> Ticket:
        self._staff(who, number)
        ticket = self.relabel(number, actor=who.name, category=category, urgency=urgency)
        self._audit(who, "ticket.relabel", number, {"category": category, "urgency": urgency}, ip)
        return ticket

    def acknowledge_by(self, who: Principal, number: str, ip: str | None = None,
                       details: dict[str, Any] | None = None) -> Ticket:
        self._staff(who, number)
        ticket = self.acknowledge(number, actor=who.name)
        self._audit(who, "ticket.acknowledge", number, details or {}, ip)
        return ticket

    def reload_rules_by(self, who: Principal) -> RoutingRules:
        loaded = self.reload_rules()
        self._audit(who, "rules.reload", loaded.source, {"rules": len(loaded.spec.rules)})
        return loaded

    def train_by(self, who: Principal) -> dict[str, Any]:
        stats = self.train()
        self._audit(who, "tickets.train", stats["version"], {"total": stats["total"]})
        return stats


def is_overdue(ticket: Ticket, now: datetime | None = None) -> bool:
    now = now or utcnow()
    due = ticket.due_at if ticket.due_at.tzinfo else ticket.due_at.replace(tzinfo=now.tzinfo)
    return ticket.status not in ("resolved", "closed") and due < now


_PHONE = re.compile(r"\+?\d[\d\s()\-]{8,}\d")


def _folded(column: Any) -> Any:
    """The column lower-cased with «ё» read as «е», as people type both."""
    return func.replace(func.lower(column), "ё", "е")


def _queue_query(*, department: str | None = None, status: str | None = None, station: str | None = None,
                 stations: list[str] | None = None, overdue: bool | None = None, triage: bool | None = None,
                 open_only: bool = False, scope: tuple[str | None, set[str] | None] | None = None,
                 search: str | None = None, assignee: str | None = None) -> Select[Ticket] | None:
    """The queue's filters as one query (None: the scope allows nothing)."""
    query = select(Ticket)
    words = search or ""
    for phone in _PHONE.findall(words):  # a phone however written: «8 701 123-45-67» finds «+77011234567»
        digits = re.sub(r"\D", "", phone)
        if len(digits) >= 10:  # (or a receipt's, a card's or an ИИН's digits, written in the text)
            query = query.where(or_(Ticket.contact_key == contact_key(phone),
                                    *(_folded(column).contains(typed, autoescape=True)
                                      for column in (Ticket.contact, Ticket.text, Ticket.number)
                                      for typed in dict.fromkeys((phone.strip(), digits)))))
            words = words.replace(phone, " ")
    for word in words.split()[:8]:  # every word somewhere in the number, the text or the contact
        needle = word.lower().replace("ё", "е")[:100]
        query = query.where(or_(*(_folded(column).contains(needle, autoescape=True)
                                  for column in (Ticket.number, Ticket.text, Ticket.contact))))
    if assignee:
        query = query.where(Ticket.assignee == assignee)
    if scope is not None:
        department_scope, station_scope = scope
        conditions = []
        if department_scope:
            conditions.append(Ticket.department == department_scope)
        if station_scope:
            conditions.append(Ticket.station_id.in_(sorted(station_scope)))
        if not conditions:
            return None
        query = query.where(or_(*conditions))
    if department:
        query = query.where(Ticket.department == department)
    if status:
        if status not in STATUSES:
            raise InvalidInput(f"Неизвестный статус «{status}»; есть: {', '.join(STATUSES)}.",
                               f"Unknown status '{status}'; the statuses are: {', '.join(STATUSES)}.",
                               message_kk=f"«{status}» мәртебесі белгісіз; барлары: {', '.join(STATUSES)}.")
        query = query.where(Ticket.status == status)
    if open_only or overdue:
        query = query.where(Ticket.status.not_in(("resolved", "closed")))
    if station:
        from azs_assistant.stations import parse_station

        query = query.where(Ticket.station_id == (parse_station(station) or station))
    if stations is not None:
        query = query.where(Ticket.station_id.in_(stations))
    if overdue:
        query = query.where(Ticket.due_at < utcnow())
    if triage is not None:
        query = query.where(Ticket.needs_triage == int(triage))
    return query


def _media(name: str, data: bytes) -> tuple[str, str, bytes]:
    return name, mimetypes.guess_type(name)[0] or "application/octet-stream", data
