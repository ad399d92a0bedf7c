"""The default complaint taxonomy: categories, urgency levels and their names in three languages."""

from __future__ import annotations

CATEGORIES: dict[str, dict[str, str]] = {
    "fuel_quality": {"ru": "Качество топлива", "kk": "Жанармай сапасы", "en": "Fuel quality"},
    "underfill": {"ru": "Недолив", "kk": "Толық құйылмау", "en": "Underfill"},
    "payment": {"ru": "Оплата и чеки", "kk": "Төлем және чектер", "en": "Payment and receipts"},
    "loyalty_card": {"ru": "Бонусная карта", "kk": "Бонус картасы", "en": "Loyalty card"},
    "staff_behavior": {"ru": "Поведение персонала", "kk": "Қызметкерлердің мінез-құлқы", "en": "Staff behaviour"},
    "cleanliness": {"ru": "Чистота", "kk": "Тазалық", "en": "Cleanliness"},
    "equipment": {"ru": "Оборудование", "kk": "Жабдық", "en": "Equipment"},
    "safety_hazard": {"ru": "Угроза безопасности", "kk": "Қауіпсіздікке қатер", "en": "Safety hazard"},
    "wrong_fuel": {"ru": "Залито не то топливо", "kk": "Басқа жанармай құйылған", "en": "Wrong fuel"},
    "praise_or_suggestion": {"ru": "Благодарность или предложение", "kk": "Алғыс немесе ұсыныс",
                             "en": "Praise or suggestion"},
    "general_question": {"ru": "Общий вопрос", "kk": "Жалпы сұрақ", "en": "General question"},
}

URGENCIES: tuple[str, ...] = ("low", "medium", "high", "critical")
URGENCY_NAMES: dict[str, dict[str, str]] = {
    "low": {"ru": "низкая", "kk": "төмен", "en": "low"},
    "medium": {"ru": "средняя", "kk": "орташа", "en": "medium"},
    "high": {"ru": "высокая", "kk": "жоғары", "en": "high"},
    "critical": {"ru": "критическая", "kk": "аса шұғыл", "en": "critical"},
}

STATUSES: tuple[str, ...] = ("new", "assigned", "in_progress", "resolved", "closed")
STATUS_NAMES: dict[str, dict[str, str]] = {
    "new": {"ru": "новое", "kk": "жаңа", "en": "new"},
    "assigned": {"ru": "передано ответственным", "kk": "жауаптыларға берілді", "en": "assigned"},
    "in_progress": {"ru": "в работе", "kk": "қаралуда", "en": "in progress"},
    "resolved": {"ru": "решено", "kk": "шешілді", "en": "resolved"},
    "closed": {"ru": "закрыто", "kk": "жабылды", "en": "closed"},
}
# Which status may follow which. «Reopen» is resolved/closed → in_progress.
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"assigned", "in_progress", "resolved", "closed"}),
    "assigned": frozenset({"in_progress", "resolved", "closed"}),
    "in_progress": frozenset({"assigned", "resolved", "closed"}),
    "resolved": frozenset({"closed", "in_progress"}),
    "closed": frozenset({"in_progress"}),
}


def raise_urgency(urgency: str, steps: int = 1) -> str:
    """One level (or ``steps``) up, never past critical."""
    return URGENCIES[min(URGENCIES.index(urgency) + steps, len(URGENCIES) - 1)]


def at_least(urgency: str, floor: str) -> str:
    return urgency if URGENCIES.index(urgency) >= URGENCIES.index(floor) else floor
