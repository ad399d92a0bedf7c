"""The complaint desk's use cases on SQLite and PostgreSQL (issue 23): queue search and «assign to
me», a customer's reply through the status link, department names per language."""

from __future__ import annotations

import pytest

from azs_assistant.auth.principal import SYSTEM
from azs_assistant.errors import NotFound


def test_search_assign_to_me_and_customer_reply(services) -> None:  # type: ignore[no-untyped-def]
    first, token = services.tickets.create("Недолив 7 литров, колонка 3", channel="web_form")
    services.tickets.create("Грязно в туалете", channel="web_form")
    assert [t.number for t in services.tickets.queue(search="литров КОЛОНКА")] == [first.number]
    assert services.tickets.queue(search="нет-такого-слова") == []
    services.tickets.assign_to_me(SYSTEM, first.number)
    assert [t.number for t in services.tickets.queue(assignee=SYSTEM.name)] == [first.number]
    services.tickets.set_status(first.number, "resolved", actor="staff")
    services.tickets.reply_by_customer(first.number, token, "Деньги так и не вернули")
    ticket = services.tickets.get(first.number)
    assert ticket.status == "in_progress" and ticket.resolved_at is None
    _, public = services.tickets.public_view(first.number, token)
    assert public[-1].kind == "customer_reply" and public[-1].data["text"] == "Деньги так и не вернули"
    with pytest.raises(NotFound):
        services.tickets.reply_by_customer(first.number, "чужой", "взлом")


def test_department_names_follow_the_language(services) -> None:  # type: ignore[no-untyped-def]
    assert services.tickets.department_names("kk")["finance"] == "Қаржы қызметі"
    assert services.tickets.department_names("en")["hse"] == "Health, safety and environment"
    assert services.tickets.department_names("ru")["hse"] == "Охрана труда и промышленная безопасность"


def test_search_reads_capitals_and_yo_in_every_alphabet_and_phones_however_written(services) -> None:  # type: ignore[no-untyped-def]
    """SQLite's lower() folds Latin letters only: «грязный» missed «Грязный туалет»; a phone typed as «8…» missed
    «+7…»."""
    dirty, _ = services.tickets.create("Грязный туалет, Ёршика нет", channel="web_form", contact="+7 701 123-45-67")
    short, _ = services.tickets.create("Недолив 5 л: скидка 50% не дали", channel="web_form", contact="+77010000001")
    assert [t.number for t in services.tickets.queue(search="грязный")] == [dirty.number]
    assert [t.number for t in services.tickets.queue(search="ГРЯЗНЫЙ ершика")] == [dirty.number]
    assert [t.number for t in services.tickets.queue(search="недолив")] == [short.number]
    for phone in ("87011234567", "8 (701) 123 45 67", "+7 701 123-45-67", "7011234567"):
        assert [t.number for t in services.tickets.queue(search=phone)] == [dirty.number], phone
    assert [t.number for t in services.tickets.queue(search="50%")] == [short.number]
    # long numbers written in the text are found there too (a receipt's, an ИИН, a phone to call back)
    receipt, _ = services.tickets.create("Чек № 0123456789, перезвоните 87017654321", channel="web_form",
                                         contact="ivan@example.com")
    for number in ("0123456789", "87017654321", "8 701 765 43 21"):
        assert [t.number for t in services.tickets.queue(search=number)] == [receipt.number], number
    assert services.tickets.queue(search="5_%") == []  # a search's % and _ are letters, not patterns
