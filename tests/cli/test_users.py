"""`azs users …`: accounts with roles and scopes, passwords only from secret references or the prompt."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Azs

PASSWORD = "пароль-оператора-1"


def test_add_list_change_and_disable_a_user(azs: Azs) -> None:
    env = {"OPERATOR_PW": PASSWORD}
    added = azs("users", "add", "aigerim", "--role", "operator,manager", "--station", "АЗС-012",
                "--region", "Алматы", "--password-from", "env:OPERATOR_PW", env=env)
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == "Пользователь aigerim: роли operator, manager; станции АЗС-012; регионы Алматы"

    [row] = [json.loads(line) for line in azs("users", "list", "--json").stdout.splitlines()]
    assert row == {"username": "aigerim", "roles": ["operator", "manager"], "stations": ["АЗС-012"],
                   "regions": ["Алматы"], "department": None, "disabled": False, "telegram": False}

    changed = azs("users", "set-role", "aigerim", "--role", "support", "--department", "finance")
    assert changed.exit_code == 0 and changed.stdout.strip() == "aigerim: роли support"
    assert azs("users", "disable", "aigerim").stdout.strip() == "aigerim: отключён"
    assert "ОТКЛЮЧЁН" in azs("users", "list").stdout
    assert azs("users", "list").stdout.splitlines()[0].split()[:3] == ["ЛОГИН", "РОЛИ", "СТАНЦИИ"]  # columns named
    assert azs("users", "disable", "aigerim", "--enable").stdout.strip() == "aigerim: включён"
    env["NEW_PW"] = "новый-пароль-оператора-2"
    assert azs("users", "password", "aigerim", "--password-from", "env:NEW_PW", env=env).stdout.strip() \
        == "Пароль изменён."


def test_password_is_typed_at_the_prompt_when_no_secret_is_given(azs: Azs) -> None:
    added = azs("users", "add", "dana", "--role", "manager", "--region", "Алматы",
                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert "Пользователь dana: роли manager" in added.stdout
    assert "Повторите пароль" in added.output and "Repeat" not in added.output


def test_a_mistyped_repeat_is_said_in_russian_and_asked_again(azs: Azs) -> None:
    added = azs("users", "add", "dana", "--role", "manager", "--region", "Алматы",
                input=f"{PASSWORD}\nдругой-пароль\n{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert "Пароли не совпадают, введите ещё раз." in added.output and "do not match" not in added.output


def test_a_literal_password_and_an_unknown_user_are_refused(azs: Azs) -> None:
    literal = azs("users", "add", "bob", "--role", "operator", "--station", "АЗС-012", "--password-from", PASSWORD)
    assert literal.exit_code == 2 and "ссылкой на секрет" in literal.stderr
    assert azs("users", "disable", "nobody").exit_code == 4
    assert azs("users", "add", "bob", "--role", "pilot", "--password-from", "env:PW", env={"PW": PASSWORD}) \
        .exit_code == 2


def test_bootstrap_creates_the_first_admin_once(azs: Azs, tmp_path: Path) -> None:
    """Without a configured password the first admin's password goes to <data>/admin-password (mode 600)."""
    first = azs("users", "bootstrap")
    assert first.exit_code == 0, first.output
    secret = tmp_path / "data" / "admin-password"
    assert f"Пароль в файле {secret}" in first.stdout
    assert secret.stat().st_mode & 0o777 == 0o600 and len(secret.read_text().strip()) >= 16
    assert json.loads(azs("users", "list", "--json").stdout)["roles"] == ["admin"]
    again = azs("users", "bootstrap")
    assert again.stdout.strip() == "Пользователи уже есть: ничего не создано."


def test_bootstrap_takes_the_password_from_the_setting(azs: Azs, tmp_path: Path) -> None:
    out = azs("users", "bootstrap", "--username", "root", env={"AZS_ADMIN_PASSWORD": "env:ROOT_PW",
                                                                "ROOT_PW": "корневой-пароль-1"})
    assert out.stdout.strip() == "Создан администратор root."
    assert not (tmp_path / "data" / "admin-password").exists()
