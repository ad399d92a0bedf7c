"""Front ends only translate: the HTTP API, the web pages, the CLI and the Telegram bot parse input, call
one service method and render the result. The services own the use case: they check scope, write the
audit entry and touch storage. This test fails when a front-end module imports ``azs_assistant.storage``,
reaches the database (``svc.db``, ``.session()``) or writes an audit entry (``.audit``) itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.test_layering import PACKAGE, ROOT, _module_name, _targets

FRONT_ENDS = ("api", "web", "cli", "telegram")
# Where something truly cannot move, name the module and the reason here; nothing needs it today.
ALLOWED: dict[str, str] = {}


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """What in ``source`` is the services' work: storage imports, database handles, audit calls."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [f"{node.lineno}: imports {t}" for t in _targets(node, module, is_package)
                      if t == f"{PACKAGE}.storage" or t.startswith(f"{PACKAGE}.storage.")]
        elif isinstance(node, ast.Attribute) and node.attr in ("db", "audit"):
            why = "the service writes the audit entry" if node.attr == "audit" else "the service owns storage"
            found.append(f"{node.lineno}: .{node.attr} ({why})")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("session", "writing")):
            found.append(f"{node.lineno}: .{node.func.attr}() opens a database session")
    return found


def front_end_modules() -> list[Path]:
    return sorted(p for name in FRONT_ENDS for p in (ROOT / name).rglob("*.py"))


def test_front_ends_leave_storage_and_audit_to_the_services() -> None:
    found = []
    for path in front_end_modules():
        module, is_package = _module_name(path)
        if module in ALLOWED:
            continue
        found += [f"{module}:{v}" for v in violations(path.read_text("utf-8"), module, is_package)]
    assert not found, "front ends doing the services' work (move it into the service method):\n" + "\n".join(found)


def test_allowances_name_existing_modules() -> None:
    modules = {_module_name(p)[0] for p in front_end_modules()}
    assert not set(ALLOWED) - modules


@pytest.mark.parametrize(("source", "caught"), [
    ("from azs_assistant.storage.models import Incident", True),
    ("from azs_assistant import storage", True),
    ("def f(svc):\n    with svc.db.session() as s:\n        pass", True),
    ("def f(svc, who):\n    svc.access.audit(who, 'logout')", True),
    ("async def f(self, who):\n    await asyncio.to_thread(self.s.access.audit, who, 'ask')", True),
    ("def f(svc, who):\n    return svc.documents.visible_to(who, 0, 50)", False),
    ("def f(svc, who):\n    return svc.access.audit_search(actor=who.name)", False),
])
def test_the_check_sees_storage_and_audit(source: str, caught: bool) -> None:
    assert bool(violations(source, "azs_assistant.api.routers.example")) is caught
