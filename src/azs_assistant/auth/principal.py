"""Who is asking, and what they may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

ROLES = ("operator", "manager", "support", "admin")
ALL = "*"


@dataclass(frozen=True)
class Principal:
    name: str
    kind: str  # user | key | cli | anonymous
    roles: frozenset[str] = frozenset()
    stations: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    department: str | None = None
    user_id: int | None = None
    csrf: str | None = field(default=None, compare=False)
    language: str = "ru"

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has(self, *roles: str) -> bool:
        """Any of the roles (an admin has them all)."""
        return self.is_admin or bool(self.roles.intersection(roles))

    @property
    def sees_all_stations(self) -> bool:
        return self.is_admin or ALL in self.stations or ALL in self.regions

    def station_allowed(self, station_id: str | None, region: str | None = None) -> bool:
        if self.sees_all_stations:
            return True
        if station_id is not None and station_id in self.stations:
            return True
        return region is not None and region.lower() in {r.lower() for r in self.regions}

    def allowed_stations(self, known: dict[str, str | None]) -> set[str] | None:
        """The station ids this principal may see among ``known`` (station → region); None = all."""
        if self.sees_all_stations:
            return None
        return {s for s, region in known.items() if self.station_allowed(s, region)} | set(self.stations)

    def may_read(self, audience: dict[str, list[str]] | None) -> bool:
        """A knowledge-base document marked for some roles and/or regions."""
        if not audience or self.is_admin:
            return True
        roles, regions = audience.get("roles") or [], audience.get("regions") or []
        if roles and not self.roles.intersection(roles):
            return False
        return not regions or self.sees_all_stations or bool(
            {r.lower() for r in regions} & {r.lower() for r in self.regions})


SYSTEM = Principal("system", "cli", frozenset({"admin"}), frozenset({ALL}))


def clean_roles(roles: Iterable[str]) -> list[str]:
    from azs_assistant.errors import InvalidInput

    out = []
    for role in roles:
        role = role.strip().lower()
        if role not in ROLES:
            raise InvalidInput(f"Неизвестная роль «{role}»; есть: {', '.join(ROLES)}.",
                               f"Unknown role «{role}»; the roles are: {', '.join(ROLES)}.",
                               message_kk=f"«{role}» рөлі белгісіз; барлары: {', '.join(ROLES)}.")
        if role not in out:
            out.append(role)
    if not out:
        raise InvalidInput("Нужна хотя бы одна роль.", "At least one role is required.",
                           message_kk="Кемінде бір рөл керек.")
    return out
