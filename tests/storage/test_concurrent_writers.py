"""Two real `azs` processes writing one database at once, on SQLite and on PostgreSQL: both finish,
without a traceback, and every file or incident is stored once, at version 1."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from azs_assistant.storage.db import Database
from azs_assistant.storage.models import Document, Incident

ROOT = Path(__file__).resolve().parents[2]
AZS = Path(sys.executable).with_name("azs")
FILES = 30  # enough that the two processes' documents interleave


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "AZS_DATABASE_URL": url, "AZS_EMBEDDINGS": "none", "AZS_OCR": "false"}


def initialise(url: str, data: Path) -> None:
    """One process alone creates the schema and seeds it, so only the writers' race is left."""
    subprocess.run([str(AZS), "--data-dir", str(data), "documents", "list"], env=_env(url), check=True,
                   capture_output=True)


def run_twice(url: str, data: Path, *args: str) -> list[subprocess.CompletedProcess[str]]:
    """Start two `azs` processes on one database at the same moment and wait for both."""
    env = _env(url)
    procs = [subprocess.Popen([str(AZS), "--data-dir", str(data), *args], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Traceback" not in result.stderr + result.stdout, result.stderr[-3000:]
    return results


def documents(tmp: Path) -> Path:
    kb = tmp / "kb"
    kb.mkdir()
    for n in range(FILES):
        (kb / f"guide_{n:02}.md").write_text(
            f"# Инструкция {n}\n\n## Порядок\nШаг {n}: проверить заземление ТРК № {n % 8 + 1}.\n"
            f"Шаг {n + 1}: записать показания счётчика в журнал смены.\n", encoding="utf-8")
    return kb


def versions(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        with db.session() as s:
            return {source: version for source, version in s.execute(select(Document.source, Document.version))}
    finally:
        db.dispose()


def added(result: subprocess.CompletedProcess[str]) -> tuple[int, int]:
    found = re.search(r"добавлено (\d+), обновлено (\d+)", result.stdout)
    assert found, result.stdout
    return int(found[1]), int(found[2])


@pytest.mark.slow
def test_two_ingests_on_a_fresh_database_store_each_file_once(backend_url: str, tmp_path: Path) -> None:
    """GIVEN a fresh database WHEN two `azs ingest` of the same folder run at once
    THEN both finish, each file is added by exactly one of them, and no document reaches version 2."""
    kb = documents(tmp_path)
    results = run_twice(backend_url, tmp_path / "data", "ingest", str(kb))
    counts = [added(r) for r in results]
    assert sum(a for a, _ in counts) == FILES, [r.stdout for r in results]
    assert all(updated == 0 for _, updated in counts), [r.stdout for r in results]
    assert versions(backend_url) == {f"guide_{n:02}.md": 1 for n in range(FILES)}


@pytest.mark.slow
def test_two_ingests_on_an_initialised_database_store_each_file_once(backend_url: str, tmp_path: Path) -> None:
    """GIVEN an initialised, empty database (no schema race) WHEN two ingests of one folder run at once
    THEN the later writer of each file finds it stored and reports it unchanged, not updated."""
    initialise(backend_url, tmp_path / "data")
    kb = documents(tmp_path)
    results = run_twice(backend_url, tmp_path / "data", "ingest", str(kb))
    assert sum(added(r)[0] for r in results) == FILES, [r.stdout for r in results]
    assert set(versions(backend_url).values()) == {1}


def incident_log(tmp: Path, copies: int = 25) -> tuple[Path, int]:
    """The demo log repeated under new ids: several import batches, so two imports interleave."""
    with (ROOT / "demo" / "incidents.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        demo, fields = list(reader), list(reader.fieldnames or [])
    path = tmp / "incidents.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        for copy in range(copies):
            writer.writerows({**row, "incident_id": f"{row['incident_id']}-{copy}"} for row in demo)
    return path, len(demo) * copies


@pytest.mark.slow
@pytest.mark.parametrize("fresh", [True, False], ids=["fresh", "initialised"])
def test_two_incident_imports_store_each_row_once(backend_url: str, tmp_path: Path, fresh: bool) -> None:
    """GIVEN a fresh or an initialised database WHEN two `azs incidents import` of the demo log run
    at once THEN both finish and the rows are inserted once between them."""
    if not fresh:
        initialise(backend_url, tmp_path / "data")
    log, rows = incident_log(tmp_path)
    results = run_twice(backend_url, tmp_path / "data", "incidents", "import", str(log), "--json")
    reports = [json.loads(r.stdout) for r in results]
    assert sum(r["inserted"] for r in reports) == rows, reports
    assert sum(r["updated"] for r in reports) == 0, reports
    db = Database(backend_url)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == rows
    db.dispose()


def _open_fresh(url: str, barrier: Any, failures: Any) -> None:
    """One process of the race below: connect at the barrier, so the switches to WAL and the first write
    happen at once."""
    from azs_assistant.storage.db import make_engine

    engine = make_engine(url)
    try:
        barrier.wait()  # the barrier's own timeout: a sibling that died does not leave this one waiting
        with engine.connect() as conn:  # then write, as a migration does: the first write makes the file
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS seen (pid INTEGER)")
            conn.exec_driver_sql("COMMIT")
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            if mode != "wal":
                failures.put(f"journal mode {mode}")
    except Exception as exc:  # noqa: BLE001 - the parent asserts on what was caught
        failures.put(repr(exc))
    finally:
        engine.dispose()


def test_processes_opening_a_fresh_sqlite_file_at_once_all_connect(tmp_path: Path) -> None:
    """GIVEN a new SQLite file WHEN four processes connect to it at the same moment, round after round
    THEN every one connects and writes, in WAL mode. SQLite refuses the switch to WAL at once, without the busy
    timeout, while another connection makes it: two ingests on a fresh database failed that way."""
    context = multiprocessing.get_context("fork")
    failures: list[str] = []
    for round_ in range(30):
        url = f"sqlite:///{tmp_path / f'fresh{round_}.db'}"
        barrier, found = context.Barrier(4, timeout=30), context.Queue()
        procs = [context.Process(target=_open_fresh, args=(url, barrier, found)) for _ in range(4)]
        try:
            for proc in procs:
                proc.start()
            for proc in procs:
                proc.join(60)
                assert proc.exitcode == 0
        finally:
            for proc in procs:
                if proc.is_alive():
                    proc.terminate()
        while not found.empty():
            failures.append(found.get())
    assert failures == []
