"""The company's routing rules: a YAML file validated on load, then applied to each ticket.

Errors name the file, the rule and the field in Russian, so an admin who mistypes a department
(«maintenace») learns it from `azs tickets rules` instead of from a lost complaint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from azs_assistant.errors import ConfigError
from azs_assistant.language.analyzer import normalise
from azs_assistant.tickets.facts import station_id, station_in
from azs_assistant.tickets.reasons import Reason
from azs_assistant.tickets.taxonomy import CATEGORIES, URGENCIES, at_least, raise_urgency

Urgency = Literal["low", "medium", "high", "critical"]


def _as_list(value: Any) -> Any:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contact(_Strict):
    name: str | None = None
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    telegram: str | None = Field(default=None, pattern=r"^-?\d+$|^@\w{3,}$")
    webhook: str | None = Field(default=None, pattern=r"^https?://")

    @model_validator(mode="after")
    def _one_channel(self) -> Contact:
        if not (self.email or self.telegram or self.webhook):
            raise ValueError("у контакта нет ни email, ни telegram, ни webhook")
        return self


class Department(_Strict):
    name: str  # Russian; ``names`` carries the other languages of the web UI («kk», «en»)
    names: dict[str, str] = {}
    contacts: list[Contact] = []


class When(_Strict):
    category: list[str] = []
    urgency: list[Urgency] = []
    channel: list[str] = []
    stations: list[str] = []
    regions: list[str] = []
    keywords: list[str] = []
    repeat: bool | None = None

    _lists = field_validator("category", "urgency", "channel", "stations", "regions", "keywords",
                             mode="before")(_as_list)

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: list[str]) -> list[str]:
        unknown = [c for c in value if c not in CATEGORIES]
        if unknown:
            raise ValueError(f"неизвестная категория {', '.join(unknown)}; есть: {', '.join(CATEGORIES)}")
        return value

    @field_validator("stations")
    @classmethod
    def _station_ids(cls, value: list[str]) -> list[str]:
        out = []
        for raw in value:
            number = station_in(f"АЗС {raw}") if str(raw).strip().isdigit() else station_in(str(raw))
            if number is None:
                raise ValueError(f"не понял номер станции «{raw}»")
            out.append(station_id(number))
        return out


class Rule(_Strict):
    name: str | None = None
    when: When = When()
    route_to: str | None = None
    set_urgency: Urgency | None = None
    raise_urgency: int = Field(default=0, ge=0, le=3)
    notify: list[str] = []

    _notify = field_validator("notify", mode="before")(_as_list)


class Bounds(_Strict):
    min: Urgency = "low"
    max: Urgency = "critical"


class Repeat(_Strict):
    window_days: int = Field(default=30, ge=1, le=3650)
    raise_: int = Field(default=1, ge=0, le=3, alias="raise")


class UrgencyPolicy(_Strict):
    money_high_threshold: float | None = Field(default=20000, ge=0)
    categories: dict[str, Bounds] = {}
    repeat: Repeat = Repeat()
    danger_phrases: list[str] = []

    @field_validator("categories")
    @classmethod
    def _known(cls, value: dict[str, Bounds]) -> dict[str, Bounds]:
        unknown = [c for c in value if c not in CATEGORIES]
        if unknown:
            raise ValueError(f"неизвестная категория {', '.join(unknown)}")
        return value

    @field_validator("danger_phrases")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        for phrase in value:
            try:
                re.compile(phrase)
            except re.error as exc:
                raise ValueError(f"выражение «{phrase}» не читается: {exc}") from exc
        return value


class Triage(_Strict):
    min_confidence: float = Field(default=0.35, ge=0, le=1)
    department: str = "customer_service"


class RulesFile(_Strict):
    version: Literal[1] = 1
    departments: dict[str, Department]
    rules: list[Rule] = Field(min_length=1)
    urgency: UrgencyPolicy = UrgencyPolicy()
    triage: Triage = Triage()
    sla_hours: dict[Urgency, float] = {"critical": 2, "high": 24, "medium": 72, "low": 168}
    critical_repeat_minutes: float = Field(default=15, gt=0)

    @model_validator(mode="after")
    def _departments_exist(self) -> RulesFile:
        known = set(self.departments)
        for i, rule in enumerate(self.rules, start=1):
            label = f"правило {i}" + (f" «{rule.name}»" if rule.name else "")
            for dep in ([rule.route_to] if rule.route_to else []) + rule.notify:
                if dep not in known:
                    names = ", ".join(sorted(known))
                    raise ValueError(f"{label}: отдел «{dep}» не описан в departments (есть: {names})")
        if self.triage.department not in known:
            raise ValueError(f"triage: отдел «{self.triage.department}» не описан в departments")
        last = self.rules[-1]
        if last.route_to is None or last.when != When():
            raise ValueError("последнее правило должно подходить ко всему (when: {}) и назначать route_to, "
                             "чтобы ни одна жалоба не осталась без ответственного")
        missing = [u for u in URGENCIES if u not in self.sla_hours]
        if missing:
            raise ValueError(f"sla_hours: нет срока для {', '.join(missing)}")
        return self


@dataclass
class Decision:
    department: str
    urgency: str
    rule: str
    notify: list[str] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)


class RoutingRules:
    def __init__(self, spec: RulesFile, source: str) -> None:
        self.spec = spec
        self.source = source
        self.danger_patterns = [("фраза из правил компании", re.compile(p, re.IGNORECASE))
                                for p in spec.urgency.danger_phrases]

    @property
    def departments(self) -> dict[str, Department]:
        return self.spec.departments

    def bounded(self, category: str, urgency: str) -> str:
        bounds = self.spec.urgency.categories.get(category)
        if bounds is None:
            return urgency
        if URGENCIES.index(urgency) > URGENCIES.index(bounds.max):
            urgency = bounds.max
        return at_least(urgency, bounds.min)

    def route(self, *, text: str, category: str, urgency: str, channel: str, station: str | None,
              region: str | None, repeat: bool) -> Decision:
        folded = normalise(text)
        reasons: list[Reason] = []
        notify: list[str] = []
        for i, rule in enumerate(self.spec.rules, start=1):
            if not self._matches(rule.when, folded, category, urgency, channel, station, region, repeat):
                continue
            if rule.set_urgency and rule.set_urgency != urgency:
                urgency = rule.set_urgency
                reasons.append(Reason("rule_set", {"urgency": urgency, "rule": rule.name or i}))
            if rule.raise_urgency:
                urgency = raise_urgency(urgency, rule.raise_urgency)
                reasons.append(Reason("rule_raised", {"urgency": urgency, "rule": rule.name or i}))
            notify.extend(d for d in rule.notify if d not in notify)
            if rule.route_to:
                return Decision(rule.route_to, urgency, rule.name or f"#{i}", notify, reasons)
        raise AssertionError("the last rule matches everything (checked on load)")

    @staticmethod
    def _matches(when: When, folded: str, category: str, urgency: str, channel: str, station: str | None,
                 region: str | None, repeat: bool) -> bool:
        if when.category and category not in when.category:
            return False
        if when.urgency and urgency not in when.urgency:
            return False
        if when.channel and channel not in when.channel:
            return False
        if when.stations and station not in when.stations:
            return False
        if when.regions and (region or "").lower() not in {r.lower() for r in when.regions}:
            return False
        if when.repeat is not None and when.repeat != repeat:
            return False
        return not when.keywords or any(re.search(rf"(?<!\w){re.escape(normalise(k))}", folded)
                                        for k in when.keywords)


def _format_error(exc: ValidationError) -> str:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "неизвестный ключ (опечатка?)"
        elif err["type"] == "missing":
            message = "обязательное поле не указано"
        out.append(f"{where}: {message}" if where else message)
    return "; ".join(out)


def load_rules(path: Path | None) -> RoutingRules:
    """The rules from ``path`` when it exists, else the shipped defaults."""
    if path is not None and path.exists():
        raw, source = path.read_text("utf-8"), str(path)
    else:
        raw = resources.files("azs_assistant.tickets").joinpath("data/routing.yaml").read_text("utf-8")
        source = "routing.yaml (по умолчанию)"
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: файл правил не читается как YAML: {exc}", f"{source}: bad YAML") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: ожидался словарь с departments и rules.", f"{source}: not a mapping")
    try:
        return RoutingRules(RulesFile.model_validate(data), source)
    except ValidationError as exc:
        raise ConfigError(f"{source}: ошибка в правилах маршрутизации: {_format_error(exc)}",
                          f"{source}: invalid routing rules") from exc
