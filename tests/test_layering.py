"""The package layering: no import cycles between top-level packages, and imports only point down.

Every module under ``src/azs_assistant`` is parsed with ``ast``; module-level imports, imports in
``if TYPE_CHECKING`` blocks and imports inside functions all count, since a lazy import is still a
dependency (hiding one in a function is how the old cycles grew). Alembic revision scripts are left
out: Alembic loads them by file path while migrating, and they are history, not part of the layers.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "src" / "azs_assistant"
PACKAGE = "azs_assistant"
SKIPPED = ("storage/migrations/",)

# Lowest first. A package may import its own layer (the cycle test keeps that a DAG) or any layer
# below; never one above. Front ends may import the services, the services never a front end.
LAYERS: list[tuple[str, set[str]]] = [
    ("foundation", {"__init__", "errors", "settings", "secrets", "logs", "metrics", "exporters", "i18n"}),
    ("storage", {"storage"}),
    ("registries over storage", {"stations"}),  # the station registry (issue 20), where it exists
    ("text, OCR, search", {"language", "ocr", "search"}),
    # documents: the ingestion pipeline and the document use cases (visibility for a Principal, delete)
    ("use cases", {"documents", "auth", "tickets", "incidents", "forms", "reports", "assistant", "llm", "summaries",
                   "learning", "notify", "jobs", "backup"}),
    ("composition root", {"services", "readiness"}),  # readiness probes what the root built
    ("shared by the HTTP front ends", {"http"}),  # who is asking, errors, limits: imports no front end
    ("front ends", {"api", "web", "cli", "telegram"}),
]

# Cycles allowed for now; each entry must still be a cycle (so the allowance is dropped with the fix).
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = module.split(".") if is_package else module.split(".")[:-1]
        parts = parts[:len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    if base == PACKAGE:  # from azs_assistant import cli (a module) or __version__ (a name)
        return [f"{PACKAGE}.{a.name}" if (ROOT / a.name).is_dir() or (ROOT / f"{a.name}.py").is_file() else PACKAGE
                for a in node.names]
    return [base]


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def package_graph() -> dict[str, dict[str, list[str]]]:
    """top-level package → imported top-level package → where («module:line»)."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        if any(skip in path.relative_to(ROOT).as_posix() for skip in SKIPPED):
            continue
        module, is_package = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _targets(node, module, is_package):
                if target.split(".")[0] != PACKAGE or _top(target) == _top(module):
                    continue
                graph[_top(module)][_top(target)].append(f"{module}:{node.lineno}")
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan), each as a cycle path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_path(graph, set(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _path(graph: dict[str, dict[str, list[str]]], component: set[str]) -> list[str]:
    """The shortest cycle through the component's first package, as a path a → b → … → a."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt: list[str] = []
        for here in frontier:
            for w in sorted(graph[here]):
                if w == start:
                    path = [here]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if w in component and w not in came_from:
                    came_from[w] = here
                    nxt.append(w)
        frontier = nxt
    return sorted(component)  # unreachable for a strongly connected component


def _describe(graph: dict[str, dict[str, list[str]]], path: list[str]) -> str:
    steps = [f"{a} → {b} ({', '.join(graph[a][b][:3])})" for a, b in zip(path, path[1:], strict=False)]
    return " → ".join(path) + "\n    " + "\n    ".join(steps)


def test_no_cycle_between_top_level_packages() -> None:
    graph = package_graph()
    unexpected = [c for c in cycles(graph) if frozenset(c) not in KNOWN_CYCLES]
    assert not unexpected, "import cycles between packages:\n" + "\n".join(_describe(graph, c) for c in unexpected)


def test_known_cycles_are_still_cycles() -> None:
    """An allowance is removed together with the cycle it excuses."""
    found = {frozenset(c) for c in cycles(package_graph())}
    gone = [", ".join(sorted(c)) for c in KNOWN_CYCLES if c not in found]
    assert not gone, f"no longer a cycle, drop it from KNOWN_CYCLES: {gone}"


def test_imports_point_down_the_layers() -> None:
    rank = {name: n for n, (_, names) in enumerate(LAYERS) for name in names}
    graph = package_graph()
    unknown = sorted(({a for a in graph} | {b for a in graph for b in graph[a]}) - set(rank))
    assert not unknown, f"packages missing from LAYERS in {__file__}: {unknown}"
    upward = [f"{a} ({LAYERS[rank[a]][0]}) → {b} ({LAYERS[rank[b]][0]}): {', '.join(graph[a][b][:3])}"
              for a in sorted(graph) for b in sorted(graph[a])
              if rank[b] > rank[a] and frozenset({a, b}) not in KNOWN_CYCLES]
    assert not upward, "imports that point up the layers:\n" + "\n".join(upward)


@pytest.mark.parametrize(("source", "expected"), [
    ("from azs_assistant.llm import prompts", {"llm"}),
    ("from azs_assistant import cli", {"cli"}),
    ("def f():\n    from azs_assistant.tickets.facts import station_id", {"tickets"}),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from azs_assistant.storage.db import Database",
     {"storage"}),
])
def test_lazy_and_type_only_imports_count(tmp_path: Path, source: str, expected: set[str]) -> None:
    module = "azs_assistant.assistant.example"
    found = {_top(t) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import | ast.ImportFrom)
             for t in _targets(node, module, False) if t.startswith(PACKAGE)}
    assert found == expected


def test_a_cycle_is_reported_with_its_path() -> None:
    graph = {"a": {"b": ["azs_assistant.a.x:3"]}, "b": {"c": ["azs_assistant.b.y:5"]},
             "c": {"a": ["azs_assistant.c.z:7"]}, "d": {"a": ["azs_assistant.d:1"]}}
    found = cycles(graph)
    assert found == [["a", "b", "c", "a"]]
    assert "azs_assistant.c.z:7" in _describe(graph, found[0])
