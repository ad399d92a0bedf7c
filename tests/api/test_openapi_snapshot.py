"""The OpenAPI document against its committed snapshot: a refactoring that changes a route, a parameter,
a status or a schema by accident fails here; an intended change updates the snapshot in the same commit:

    UPDATE_OPENAPI_SNAPSHOT=1 .venv/bin/python -m pytest tests/api/test_openapi_snapshot.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from tests.conftest import make_settings

SNAPSHOT = Path(__file__).parent / "data" / "openapi.json"


def _changes(old: dict, new: dict) -> list[str]:
    """Where two OpenAPI documents differ, by operation and by schema, for a readable failure."""
    out = []
    for path in sorted(set(old["paths"]) | set(new["paths"])):
        a, b = old["paths"].get(path, {}), new["paths"].get(path, {})
        for method in sorted(set(a) | set(b)):
            if a.get(method) != b.get(method):
                keys = sorted(k for k in set(a.get(method, {})) | set(b.get(method, {}))
                              if a.get(method, {}).get(k) != b.get(method, {}).get(k))
                out.append(f"{method.upper()} {path}: {', '.join(keys) or 'added/removed'}")
    schemas_a, schemas_b = old["components"]["schemas"], new["components"]["schemas"]
    out += [f"schema {name}" for name in sorted(set(schemas_a) | set(schemas_b))
            if schemas_a.get(name) != schemas_b.get(name)]
    return out


def test_openapi_document_matches_its_snapshot(tmp_path: Path) -> None:
    svc = Services(make_settings(tmp_path, embeddings="none"))
    try:
        document = json.loads(json.dumps(create_app(svc, background=False).openapi(), ensure_ascii=False))
    finally:
        svc.close()
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    changes = _changes(committed, document)
    assert not changes, "the OpenAPI document changed (update the snapshot if intended):\n" + "\n".join(changes)
