"""Human words for the codes staff pages would otherwise show (issue 23): ticket history events as a
label and readable lines, department names from the routing file, audit details as a list. The
front end only translates: every name comes from the taxonomy, the rules or the catalogues."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azs_assistant.tickets.reasons import danger_in, reasons_in
from azs_assistant.tickets.taxonomy import CATEGORIES, STATUS_NAMES, URGENCY_NAMES

HIDDEN_KEYS = {"model", "top", "csrf", "token", "password"}  # internals a person does not act on


def _named(table: Mapping[str, Mapping[str, str]], code: Any, lang: str) -> str:
    names = table.get(str(code))
    return names.get(lang) or names.get("ru") or str(code) if names else str(code)


class Labels:
    """Names in one language: ``t`` is that language's catalogue, ``departments`` code → name."""

    def __init__(self, t: Mapping[str, str], lang: str, departments: Mapping[str, str]) -> None:
        self.t, self.lang, self.departments = t, lang, departments

    def department(self, code: str | None) -> str:
        return self.departments.get(code or "", code or "—")

    def category(self, code: str | None) -> str:
        return _named(CATEGORIES, code, self.lang)

    def status(self, code: str | None) -> str:
        return _named(STATUS_NAMES, code, self.lang)

    def urgency(self, code: str | None) -> str:
        return _named(URGENCY_NAMES, code, self.lang)

    def fact(self, key: str, value: Any) -> str:
        """A fact read from the complaint, as a person writes it: «литры: 20, 17», «суммы: 31 000 тг», «дата:
        05.11.2026» (it showed «литры — [20.0]»)."""
        unit = {"litres": {"en": " L"}, "amounts": {"en": " KZT"}}.get(key, {})
        suffix = unit.get(self.lang, {"litres": " л", "amounts": " тг"}.get(key, ""))

        def one(v: Any) -> str:
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if isinstance(v, int):
                return f"{v:,}".replace(",", "\u00a0") if abs(v) >= 10000 else str(v)
            if isinstance(v, float):
                return str(v) if self.lang == "en" else str(v).replace(".", ",")
            text = str(v)
            if key == "date" and len(text) == 10 and text[4] == "-":
                return f"{text[8:]}.{text[5:7]}.{text[:4]}"
            return text

        values = value if isinstance(value, list) else [value]
        return f"{self.t.get('fact_' + key, key)}: {', '.join(one(v) for v in values)}{suffix}"

    def reasons(self, ticket: Any) -> list[str]:
        """Why the ticket got its category, urgency or triage flag, in this language (a ticket stored before
        reasons were kept as data shows its Russian sentences)."""
        return reasons_in(ticket.reasons, self.lang, ticket.triage_reason)

    def channel(self, code: str | None) -> str:
        return self.t.get(f"ch_{code}", str(code or "—"))

    def event(self, kind: str) -> str:
        return self.t.get(f"ev_{kind}", kind)

    def event_lines(self, kind: str, data: Mapping[str, Any]) -> list[str]:
        """What a history entry says, one short line per fact, in words."""
        t = self.t
        if kind == "created":
            return [f"{t['ev_channel']}: {self.channel(data.get('channel'))}"] + \
                ([f"{t['f_station']}: {data['station']}"] if data.get("station") else [])
        if kind == "classified":
            lines = [f"{t['f_category']}: {self.category(data.get('category'))}",
                     f"{t['tk_urgency']}: {self.urgency(data.get('urgency'))}"]
            if isinstance(data.get("confidence"), (int, float)):
                lines.append(f"{t['tk_confidence']}: {round(100 * float(data['confidence']))} %")
            said = reasons_in(data.get("reason_codes"), self.lang) or [str(r) for r in data.get("reasons") or []]
            lines += [f"{t['ev_reason']}: {r}" for r in said]
            if data.get("danger"):
                lines.append(f"{t['ev_danger']}: {', '.join(danger_in(data['danger'], self.lang))}")
            return lines
        if kind == "routed":
            lines = [f"{t['tk_department']}: {self.department(data.get('department'))}"]
            if data.get("rule"):
                lines.append(f"{t['ev_rule']}: {data['rule']}")
            lines += [f"{t['ev_also_notified']}: {self.department(d)}" for d in data.get("notify") or []]
            return lines
        if kind in ("status", "reopened"):
            return [f"{self.status(data.get('from'))} → {self.status(data.get('to'))}"]
        if kind in ("comment", "customer_reply"):
            return [str(data.get("text", ""))]
        if kind in ("reassigned", "relabelled"):
            return self._changes(data.get("from") or {}, data.get("to") or {})
        return readable(data, self.t, self.lang)

    def _changes(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
        show = {"department": (self.t["tk_department"], self.department),
                "assignee": (self.t["tk_assignee_cap"], lambda v: v or "—"),
                "category": (self.t["f_category"], self.category), "urgency": (self.t["tk_urgency"], self.urgency)}
        return [f"{title}: {name(before.get(key))} → {name(after.get(key))}" for key, (title, name) in show.items()
                if key in after and before.get(key) != after.get(key)]


_CODED = {"status": STATUS_NAMES, "category": CATEGORIES, "urgency": URGENCY_NAMES}  # a ticket's codes, named
_STATES = {"password", "telegram", "mode", "reason"}  # keys whose stored value is a state with a name («changed»)


def readable(details: Any, t: Mapping[str, str] | None = None, lang: str = "ru",
             departments: Mapping[str, str] | None = None) -> list[str]:
    """An audit entry's details (a JSON object) as «key: value» lines, nested values flattened, empty
    and internal ones left out. With the page's catalogue ``t``, a key reads as words («Роли», not «roles»), a
    role, a ticket's status, category or urgency by its name in ``lang``, and a stored state («changed», «unlinked»)
    as a word; a key without a name stays as stored."""
    if not isinstance(details, Mapping):
        return [] if details in (None, "", {}) else [str(details)]
    words = t or {}
    lines: list[str] = []
    for key, value in details.items():
        if value in (None, "", [], {}) or (key in HIDDEN_KEYS and not (key == "password" and value == "changed")):
            continue
        title = words.get(f"aud_{key}", key)
        if isinstance(value, Mapping):
            lines += [f"{title} · {line}" for line in readable(value, t, lang, departments)]
        elif isinstance(value, (list, tuple)):
            named = [words.get(f"rolename_{v}", str(v)) if key == "roles" else
                     words.get("aud_everyone", "*") if v == "*" else str(v) for v in value]
            lines.append(f"{title}: {', '.join(named)}")
        elif isinstance(value, bool):
            lines.append(f"{title}: {'✓' if value else '✗'}")
        elif key in _CODED and t is not None:
            lines.append(f"{title}: {_named(_CODED[key], value, lang)}")
        elif key == "department" and departments:
            lines.append(f"{title}: {departments.get(str(value), value)}")
        elif key == "action" and t is not None:
            lines.append(f"{title}: {words.get(f'act_{value}', value)}")
        elif value == "*" and key in ("station", "stations", "region", "regions"):
            lines.append(f"{title}: {words.get('aud_everyone', '*')}")
        else:
            lines.append(f"{title}: {words.get(f'audv_{value}', value) if key in _STATES else value}")
    return lines
