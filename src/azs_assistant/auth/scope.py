"""What a person's scope lets them see, for every front end (API, web pages, Telegram, the chat).

One answer for an object outside the caller's scope, everywhere: it does not exist for them (404, «не
найдено»), so numbers and ids of other stations' tickets, records and documents cannot be probed. A
role that may not use a route at all gets 403; so does a request that names stations outside the scope.
"""

from __future__ import annotations

from azs_assistant.auth.principal import Principal
from azs_assistant.errors import NotFound
from azs_assistant.stations import Stations
from azs_assistant.storage.models import Ticket


def allowed_stations(stations: Stations, who: Principal) -> set[str] | None:
    """Station ids ``who`` may see (None = all), by their stations and regions in the registry."""
    return who.allowed_stations(stations.known())


def ticket_scope(registry: Stations, who: Principal) -> tuple[str | None, set[str] | None] | None:
    """(department, stations) whose tickets ``who`` may see; None = all (admin)."""
    if who.is_admin:
        return None
    department = who.department if "support" in who.roles else None
    stations = allowed_stations(registry, who) if "manager" in who.roles else set()
    if stations is None:
        return None
    return department, stations


def check_ticket(registry: Stations, who: Principal, ticket: Ticket) -> None:
    scope = ticket_scope(registry, who)
    if scope is None:
        return
    department, stations = scope
    if (department and ticket.department == department) or (stations and ticket.station_id in stations):
        return
    raise NotFound(f"Обращение {ticket.number} не найдено среди обращений ваших станций и отдела.",
                   "Ticket not found in your scope.")
