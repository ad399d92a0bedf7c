"""Backups of an install whose originals live in S3 (``AZS_ORIGINALS_URL``, moto's S3): the backup holds
every object of that store beside the database snapshot, says so in its label, and a restore puts them back,
refusing to run without a store to put them in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from azs_assistant import cli
from azs_assistant.backup import Backups
from azs_assistant.errors import ConfigError, Conflict
from azs_assistant.services import Services
from azs_assistant.storage.originals import open_originals
from tests.backup.conftest import photo, picture
from tests.conftest import make_settings
from tests.factories import document, principal
from tests.storage.test_originals import BUCKET, GUIDE, aws  # noqa: F401  (aws: the moto fixture)

URL = f"s3://{BUCKET}/prod"


def _empty_bucket(s3: Any) -> None:
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])


def test_a_backup_of_an_s3_install_holds_its_originals_and_restores_them(
        tmp_path: Path, backup_key: str, aws: Any) -> None:  # noqa: F811
    """GIVEN documents and a complaint photo in S3 WHEN backed up, the bucket emptied and the data destroyed
    THEN the restore needs AZS_ORIGINALS_URL, and with it every row and every original is back."""
    settings = make_settings(tmp_path / "data", embeddings="none", originals_url=URL, backup_key=backup_key)
    svc = Services(settings)
    doc_id = document(svc, GUIDE, "uploads/smena.md").document_id
    made, _ = svc.tickets.create("Колонка 3 не работает", station="АЗС-012", photo=photo(), photo_name="p.png")
    svc.close()
    before, keys = picture(settings.resolved_database_url), open_originals(URL).keys()
    assert len(keys) == 2

    info = Backups(settings).create(str(tmp_path / "store"))
    assert (info.originals, info.original_objects) == (URL, 2)
    assert Backups(settings).list(str(tmp_path / "store"))[0].originals == URL  # the label says it, keyless
    assert Backups(settings).verify(info.id, str(tmp_path / "store")).items == 3  # database + 2 objects

    _empty_bucket(aws)
    (tmp_path / "data" / "azs.db").unlink()
    without = make_settings(tmp_path / "data", embeddings="none", backup_key=backup_key)
    with pytest.raises(ConfigError, match="AZS_ORIGINALS_URL"):
        Backups(without).restore(info.id, str(tmp_path / "store"))
    assert not (tmp_path / "data" / "azs.db").exists()  # refused before touching anything
    Backups(settings).restore(info.id, str(tmp_path / "store"))

    assert picture(settings.resolved_database_url) == before
    assert open_originals(URL).keys() == keys
    svc = Services(settings)
    try:
        assert svc.documents.original(principal("operator"), doc_id)[2] == GUIDE.encode()  # type: ignore[arg-type]
        assert svc.tickets.photo_for(principal("admin"), made.number)[2] == photo()
        with pytest.raises(Conflict):  # a store that holds originals is data: --force to overwrite
            Backups(settings).restore(info.id, str(tmp_path / "store"))
    finally:
        svc.close()


def test_create_says_where_the_originals_in_the_backup_came_from(
        tmp_path: Path, backup_key: str, monkeypatch: pytest.MonkeyPatch, aws: Any) -> None:  # noqa: F811
    data = tmp_path / "data"
    svc = Services(make_settings(data, embeddings="none", originals_url=URL))
    document(svc, GUIDE, "uploads/smena.md")
    svc.close()
    monkeypatch.setenv("AZS_BACKUP_KEY", backup_key)
    monkeypatch.setenv("AZS_ORIGINALS_URL", URL)
    made = CliRunner().invoke(cli.app, ["--data-dir", str(data), "backup", "create", "--to", str(tmp_path / "s")])
    assert made.exit_code == 0, made.output
    assert f"Оригиналы из {URL} внутри копии: объектов 1." in made.output
    assert made.output.strip().splitlines()[-1].startswith("azs-")  # the id stays the last line
