"""`azs incidents sources`: the configured sources and where each one's sync stands."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Azs
from tests.incidents.incident_log import make_log
from tests.incidents.test_sync import COLUMNS, fill


def test_sources_say_where_each_sync_stopped(azs: Azs, tmp_path: Path) -> None:
    assert "Источники не настроены" in azs("incidents", "sources").stdout
    company = tmp_path / "company.db"
    fill(f"sqlite:///{company}", make_log(12))
    data = tmp_path / "data"
    cols = "".join(f"\n      {k}: {v}" for k, v in COLUMNS.items())
    (data / "incident_sources.yaml").write_text(
        f"sources:\n  - name: company\n    url: sqlite:///{company}\n    table: incidents_src\n"
        f"    watermark: UPDATED_AT\n    columns:{cols}\n", encoding="utf-8")
    assert azs("incidents", "sources").stdout.strip() == "company: incidents_src; синхронизация: ещё не запускалась"
    assert azs("incidents", "sync").exit_code == 0
    after = azs("incidents", "sources").stdout.strip()
    assert after.startswith("company: incidents_src; синхронизация: ") and after.endswith("UTC, всего строк 12")
