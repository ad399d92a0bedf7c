"""Texts of the public complaint pages in Russian, Kazakh and English (the customer picks)."""

from __future__ import annotations

LANGUAGES = ("ru", "kk", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "title": {"ru": "Жалоба или предложение", "kk": "Шағым немесе ұсыныс", "en": "Complaint or suggestion"},
    "intro": {"ru": "Опишите, что случилось. Мы ответим по указанному контакту.",
              "kk": "Не болғанын жазыңыз. Көрсетілген байланыс арқылы жауап береміз.",
              "en": "Tell us what happened. We will reply to the contact you give."},
    "station": {"ru": "АЗС (номер или адрес)", "kk": "ЖҚС (нөмірі немесе мекенжайы)",
                "en": "Station (number or address)"},
    "text": {"ru": "Что случилось", "kk": "Не болды", "en": "What happened"},
    "contact": {"ru": "Телефон или e-mail для ответа", "kk": "Жауап үшін телефон немесе e-mail",
                "en": "Phone or e-mail for the reply"},
    "photo": {"ru": "Фото чека (необязательно)", "kk": "Чектің суреті (міндетті емес)",
              "en": "Photo of the receipt (optional)"},
    "send": {"ru": "Отправить", "kk": "Жіберу", "en": "Send"},
    "danger": {"ru": "Если есть опасность (запах газа, огонь, пострадавшие) — звоните 112.",
               "kk": "Қауіп болса (газ иісі, өрт, зардап шеккендер) — 112-ге қоңырау шалыңыз.",
               "en": "If there is danger (gas smell, fire, injured people), call 112."},
    "done": {"ru": "Обращение принято", "kk": "Өтінім қабылданды", "en": "Your request has been received"},
    "number": {"ru": "Номер обращения", "kk": "Өтінім нөмірі", "en": "Request number"},
    "link": {"ru": "Сохраните ссылку, по ней виден статус:", "kk": "Сілтемені сақтаңыз, онда мәртебесі көрінеді:",
             "en": "Keep this link to follow the status:"},
    "status": {"ru": "Статус", "kk": "Мәртебесі", "en": "Status"},
    "history": {"ru": "История", "kk": "Тарихы", "en": "History"},
    "created": {"ru": "обращение принято", "kk": "өтінім қабылданды", "en": "request received"},
    "comment": {"ru": "ответ", "kk": "жауап", "en": "reply"},
    "error": {"ru": "Не удалось принять обращение", "kk": "Өтінімді қабылдау мүмкін болмады",
              "en": "We could not accept the request"},
    "critical": {"ru": "Сообщение об опасности передано дежурной службе немедленно.",
                 "kk": "Қауіп туралы хабар кезекші қызметке дереу жіберілді.",
                 "en": "The danger report was passed to the duty service at once."},
}


def pick_language(value: str | None, accept: str | None = None) -> str:
    if value in LANGUAGES:
        return value  # type: ignore[return-value]
    for part in (accept or "").lower().split(","):
        code = part.split(";")[0].strip()[:2]
        if code in LANGUAGES:
            return code
        if code == "kz":
            return "kk"
    return "ru"


def texts(lang: str) -> dict[str, str]:
    return {key: value.get(lang, value["ru"]) for key, value in MESSAGES.items()}
