"""Ticket life on SQLite and the real PostgreSQL: intake, history, statuses, reassignment,
corrections that retrain the classifier, SLA and the customer's private link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from azs_assistant.errors import Conflict, InvalidInput, NotFound
from azs_assistant.storage.models import Ticket, utcnow


def test_ticket_lifecycle(services) -> None:  # type: ignore[no-untyped-def]
    tickets = services.tickets
    ticket, token = tickets.create("Оплатил 40 литров, а в бак вошло 35 л. АЗС 12, колонка 2", channel="web_form",
                                   contact="+7 701 555 12 34")
    assert ticket.number == f"T-{ticket.id:06d}"
    assert (ticket.category, ticket.department, ticket.status) == ("underfill", "station_manager", "new")
    assert ticket.facts["litres"] == [40.0, 35.0] and ticket.facts["dispenser"] == 2
    assert ticket.station_id == "АЗС-012"
    assert ticket.token_hash != token and len(token) >= 20

    tickets.assign(ticket.number, actor="manager", assignee="Асель")
    assert tickets.get(ticket.number).status == "assigned"
    tickets.set_status(ticket.number, "in_progress", actor="Асель")
    tickets.comment(ticket.number, "Проверили колонку мерником, погрешность в норме", actor="Асель", public=True)
    tickets.comment(ticket.number, "внутреннее: клиент звонил дважды", actor="Асель")
    tickets.set_status(ticket.number, "resolved", actor="Асель", comment="Колонка поверена")
    with pytest.raises(Conflict):
        tickets.set_status(ticket.number, "assigned", actor="Асель")  # resolved → assigned is not a step
    reopened = tickets.set_status(ticket.number, "in_progress", actor="manager", comment="клиент не согласен")
    assert reopened.resolved_at is None

    kinds = [e.kind for e in tickets.history(ticket.number)]
    assert kinds == ["created", "classified", "routed", "reassigned", "status", "comment", "comment", "status",
                     "comment", "reopened", "comment"]
    public, events = tickets.public_view(ticket.number, token)
    assert public.number == ticket.number
    texts = [e.data.get("text") for e in events if e.kind == "comment"]
    assert texts == ["Проверили колонку мерником, погрешность в норме"]  # internal comments stay internal
    with pytest.raises(NotFound):
        tickets.public_view(ticket.number, "wrong-token")


def test_repeat_from_the_same_contact_raises_urgency(services) -> None:  # type: ignore[no-untyped-def]
    first, _ = services.tickets.create("Кассир нагрубил мне", contact="8 (701) 555-12-34")
    again, _ = services.tickets.create("Опять этот кассир хамит", contact="+77015551234")
    assert first.urgency == "medium"
    assert again.urgency == "high"
    assert "повторная жалоба" in (again.triage_reason or "")


def test_correction_becomes_training_data_and_reroutes(services) -> None:  # type: ignore[no-untyped-def]
    ticket, _ = services.tickets.create("Хочу вернуть деньги за кофе, был холодный")
    fixed = services.tickets.relabel(ticket.number, actor="support", category="praise_or_suggestion",
                                     urgency="low")
    assert (fixed.labels_by, fixed.department) == ("person", "customer_service")
    stats = services.tickets.train()
    assert stats["corrected_tickets"] == 1
    assert stats["total"] == stats["shipped"] + 1


def test_overdue_and_queue_order(services) -> None:  # type: ignore[no-untyped-def]
    low, _ = services.tickets.create("Подскажите, есть ли у вас АИ-98?")
    critical, _ = services.tickets.create("Пахнет газом у колонки!")
    with services.db.session() as s:
        s.execute(update(Ticket).where(Ticket.id == low.id).values(due_at=utcnow() - timedelta(hours=1)))
    queue = services.tickets.queue()
    assert [t.number for t in queue] == [critical.number, low.number]  # critical first
    assert [t.number for t in services.tickets.queue(overdue=True)] == [low.number]
    assert critical.due_at - critical.created_at == timedelta(hours=2)


def test_bad_input_is_refused_and_nothing_is_stored(services) -> None:  # type: ignore[no-untyped-def]
    for text in ("", "   ", "x" * 1_000_000):
        with pytest.raises(InvalidInput):
            services.tickets.create(text)
    with pytest.raises(InvalidInput):
        services.tickets.create("нормальный текст", channel="pigeon")
    assert services.tickets.queue() == []


def test_unknown_station_is_accepted_for_a_person_to_check(services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from azs_assistant.incidents.records import store

    with services.db.session() as s:
        store(s, [("1", {"incident_id": "I-1", "station_id": "АЗС-012", "region": "Алматы",
                         "occurred_at": "2026-01-01T10:00:00", "category": "other"})], origin="test")
    known, _ = services.tickets.create("Грязно в туалете", station="азс 12")
    assert (known.station_id, known.region, known.needs_triage) == ("АЗС-012", "Алматы", 0)
    unknown, _ = services.tickets.create("Грязно в туалете", station="АЗС-999")
    assert unknown.needs_triage == 1 and "АЗС-999" in unknown.triage_reason
    garbled, _ = services.tickets.create("Грязно в туалете", station="та, что у рынка")
    assert garbled.station_id is None and "не распознана" in garbled.triage_reason


def test_comment_given_with_a_status_change_stays_internal_unless_public(services) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a staff note typed with a status change WHEN the customer opens their status link THEN they
    see the new status but not the note; a comment marked public is shown as a reply."""
    ticket, token = services.tickets.create("Колонка 4 не выдаёт чек, АЗС-012", contact="+7 701 000 00 01")
    services.tickets.set_status(ticket.number, "in_progress", actor="Асель",
                                comment="внутреннее: клиент ругался, проверить кассира")
    services.tickets.set_status(ticket.number, "resolved", actor="Асель", comment="Чек отправлен на почту",
                                public=True)
    _, events = services.tickets.public_view(ticket.number, token)
    shown = " ".join(str(e.data) for e in events)
    assert "кассира" not in shown and "Чек отправлен на почту" in shown
    assert [e.data.get("to") for e in events if e.kind == "status"] == ["in_progress", "resolved"]
