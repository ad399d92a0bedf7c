"""Why a complaint got its category, urgency or a triage flag, kept as data and said in the reader's language.

A reason was stored as a Russian sentence, so support on a Kazakh or English page read «срочность «высокая»
по правилу …» in Russian. A ``Reason`` is a key with its values (codes, numbers, a rule's name); the sentence
is made when it is shown, with the category, urgency and danger sign named in the page's language. The
ticket keeps the Russian sentences too (``triage_reason``), for the API's readers and old tickets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from azs_assistant.i18n import LANGUAGES
from azs_assistant.tickets.taxonomy import CATEGORIES, URGENCY_NAMES

TEXTS: dict[str, dict[str, str]] = {
    "ru": {
        "danger_category": "категория «{to}» вместо «{from}»: {signs}",
        "danger": "критично: {signs}",
        "category_standard": "срочность «{urgency}» по стандарту для категории «{category}»",
        "big_amount": "сумма {amount} тг больше {threshold}",
        "repeat": "повторная жалоба от того же контакта: срочность «{urgency}»",
        "rule_set": "срочность «{urgency}» по правилу {rule}",
        "rule_raised": "срочность повышена до «{urgency}» по правилу {rule}",
        "low_confidence": "низкая уверенность классификатора ({confidence}): проверьте категорию",
        "station_unknown": "станция «{given}» не распознана: уточните номер АЗС",
        "station_missing": "станции {station} нет в справочнике: уточните номер АЗС",
    },
    "kk": {
        "danger_category": "санаты «{from}» орнына «{to}»: {signs}",
        "danger": "аса шұғыл: {signs}",
        "category_standard": "«{category}» санатының стандарты бойынша шұғылдық «{urgency}»",
        "big_amount": "сомасы {amount} тг, {threshold} тг-ден көп",
        "repeat": "дәл сол байланыстан қайта түскен шағым: шұғылдық «{urgency}»",
        "rule_set": "«{rule}» ережесі бойынша шұғылдық «{urgency}»",
        "rule_raised": "«{rule}» ережесі бойынша шұғылдық «{urgency}» деңгейіне көтерілді",
        "low_confidence": "жіктеуіштің сенімділігі төмен ({confidence}): санатты тексеріңіз",
        "station_unknown": "«{given}» ЖҚС-ы танылмады: ЖҚС нөмірін нақтылаңыз",
        "station_missing": "{station} ЖҚС-ы анықтамалықта жоқ: ЖҚС нөмірін нақтылаңыз",
    },
    "en": {
        "danger_category": "category “{to}” instead of “{from}”: {signs}",
        "danger": "critical: {signs}",
        "category_standard": "urgency “{urgency}” by the standard for the category “{category}”",
        "big_amount": "amount {amount} KZT is above {threshold}",
        "repeat": "a repeated complaint from the same contact: urgency “{urgency}”",
        "rule_set": "urgency “{urgency}” by rule “{rule}”",
        "rule_raised": "urgency raised to “{urgency}” by rule “{rule}”",
        "low_confidence": "the classifier is unsure ({confidence}): check the category",
        "station_unknown": "station “{given}” not recognised: check the station number",
        "station_missing": "station {station} is not in the directory: check the station number",
    },
}

# the built-in danger signs (``danger.py``) and the label of a company's own phrases (``rules.py``) in the other
# languages
DANGER_NAMES: dict[str, dict[str, str]] = {
    "запах газа": {"kk": "газ иісі", "en": "smell of gas"},
    "утечка газа": {"kk": "газ ағуы", "en": "gas leak"},
    "пожар": {"kk": "өрт", "en": "fire"},
    "искры": {"kk": "ұшқын", "en": "sparks"},
    "дым": {"kk": "түтін", "en": "smoke"},
    "взрыв": {"kk": "жарылыс", "en": "explosion"},
    "растекающийся разлив": {"kk": "жайылып жатқан төгілу", "en": "spreading spill"},
    "пострадавший человек": {"kk": "зардап шеккен адам", "en": "injured person"},
    "вызов экстренных служб": {"kk": "төтенше қызметтерді шақыру", "en": "emergency services called"},
    "фраза из правил компании": {"kk": "компания ережелеріндегі сөз тіркесі",
                                 "en": "a phrase from the company's rules"},
}
_CATEGORY_PARAMS = ("category", "to", "from")


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "ru"


def danger_in(signs: Iterable[Any], lang: str) -> list[str]:
    """Danger signs (stored in Russian) named in ``lang``."""
    return [DANGER_NAMES.get(str(s), {}).get(_lang(lang), str(s)) for s in signs]


def _number(value: float, lang: str) -> str:
    return f"{value:,.0f}".replace(",", " " if lang != "en" else ",")


@dataclass(frozen=True)
class Reason:
    """One reason: what kind (``key``) and its values; ``text(lang)`` says it."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def _text(self, lang: str) -> str:
        lang = _lang(lang)
        values: dict[str, str] = {}
        for name, value in self.params.items():
            if name in _CATEGORY_PARAMS:
                values[name] = CATEGORIES.get(value, {}).get(lang, str(value)).lower()
            elif name == "urgency":
                values[name] = URGENCY_NAMES.get(value, {}).get(lang, str(value))
            elif name == "signs":
                values[name] = ", ".join(danger_in(value, lang))
            elif name in ("amount", "threshold"):
                values[name] = _number(float(value), lang)
            elif name == "confidence":
                values[name] = f"{float(value):.2f}"
            else:
                values[name] = str(value)
        template = TEXTS[lang].get(self.key) or TEXTS["ru"].get(self.key) or self.key
        return template.format_map(values)

    def text(self, lang: str = "ru") -> str:
        try:
            return self._text(lang)
        except (KeyError, TypeError, ValueError):  # stored by another release with other values: its key, no crash
            return self.key

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Any) -> Reason | None:
        if isinstance(data, Mapping) and isinstance(data.get("key"), str):
            return cls(data["key"], dict(data.get("params") or {}))
        return None


def reasons_in(stored: Sequence[Any] | None, lang: str, fallback: str | None = None) -> list[str]:
    """A ticket's or an event's stored reasons said in ``lang``; a ticket stored before reasons were kept as data
    shows its Russian sentences (``fallback``, joined by «; »)."""
    reasons = [r for r in (Reason.from_json(d) for d in stored or []) if r is not None]
    if reasons:
        return [r.text(lang) for r in reasons]
    return [part for part in (fallback or "").split("; ") if part]
