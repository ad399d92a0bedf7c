"""`azs apikeys …`: a key is shown once on stdout (the note goes to stderr), listed without itself, revoked."""

from __future__ import annotations

from tests.cli.conftest import Azs


def test_create_list_and_revoke_a_key(azs: Azs) -> None:
    created = azs("apikeys", "create", "1c-export", "--role", "manager", "--region", "Алматы", "--rate", "60")
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert len(key.splitlines()) == 1 and len(key) >= 20  # stdout is the key alone, for scripts
    assert "показать ещё раз нельзя" in created.stderr
    prefix = created.stderr.split("(")[1].split(")")[0]
    assert prefix in key

    [line] = azs("apikeys", "list").stdout.splitlines()
    assert line.startswith(prefix) and "1c-export" in line and "manager" in line and "действует" in line
    assert "/мин" in line or "без лимита" in line  # its rate is shown, as its scope
    assert key not in line

    assert azs("apikeys", "revoke", prefix).stdout.strip() == f"Ключ «1c-export» ({prefix}) отозван."
    assert "отозван" in azs("apikeys", "list").stdout


def test_unknown_key_and_role_are_errors(azs: Azs) -> None:
    assert azs("apikeys", "revoke", "azs_nope").exit_code == 4
    bad = azs("apikeys", "create", "x", "--role", "pilot")
    assert bad.exit_code == 2 and "Ошибка:" in bad.stderr
