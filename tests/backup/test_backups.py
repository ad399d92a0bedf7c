"""Backups: encryption and its refusal without a key, checksums that catch damage, retention, the S3 store
(moto), the restore guard, what is and is not copied, and the CLI."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from azs_assistant import cli
from azs_assistant.auth.service import Access
from azs_assistant.backup import BackupDamaged, Backups
from azs_assistant.backup.crypto import decrypt, encrypt
from azs_assistant.errors import BackupKeyError, ConfigError, Conflict, InvalidInput, NotFound
from azs_assistant.settings import Settings
from azs_assistant.storage.db import Database
from tests.backup.conftest import PASSPHRASE, picture


def _system(data: Path, **overrides) -> Settings:  # type: ignore[no-untyped-def]
    """A migrated SQLite database with one audit entry, a complaint photo, routing rules and a secret file."""
    settings = Settings(data_dir=data, **overrides)
    db = Database(settings.resolved_database_url)
    db.migrate()
    Access(db).audit("cli:test", "test.marker", "x")
    db.dispose()
    (data / "tickets" / "photos").mkdir(parents=True)
    (data / "tickets" / "photos" / "T-000001.jpg").write_bytes(b"\xff\xd8photo")
    (data / "routing.yaml").write_text("rules: []\n", encoding="utf-8")
    (data / "admin-password").write_text("hunter2-secret", encoding="utf-8")
    return settings


def test_encryption_round_trips_and_any_damage_or_wrong_key_is_refused() -> None:
    plain = bytes(range(256)) * 9000  # three segments
    sealed = io.BytesIO()
    encrypt(io.BytesIO(plain), sealed, PASSPHRASE)
    assert plain[:1000] not in sealed.getvalue()
    out = io.BytesIO()
    decrypt(io.BytesIO(sealed.getvalue()), out, PASSPHRASE)
    assert out.getvalue() == plain
    with pytest.raises(BackupKeyError):
        decrypt(io.BytesIO(sealed.getvalue()), io.BytesIO(), "wrong passphrase")
    flipped = bytearray(sealed.getvalue())
    flipped[len(flipped) // 2] ^= 1
    with pytest.raises(BackupKeyError):
        decrypt(io.BytesIO(bytes(flipped)), io.BytesIO(), PASSPHRASE)
    with pytest.raises(BackupKeyError, match="обрезан"):  # the last segment cut off
        decrypt(io.BytesIO(sealed.getvalue()[: 8 + 24 + 4 + SEGMENT_SEALED]), io.BytesIO(), PASSPHRASE)


SEGMENT_SEALED = 1024 * 1024 + 16


def test_create_refuses_without_a_key_unless_told_not_to_encrypt(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = _system(tmp_path / "data")
    with pytest.raises(ConfigError, match="AZS_BACKUP_KEY"):
        Backups(settings).create(str(tmp_path / "store"))
    assert not (tmp_path / "store").exists()
    info = Backups(settings).create(str(tmp_path / "store"), encrypt=False)
    assert not info.encrypted
    assert Backups(settings).verify(info.id, str(tmp_path / "store")).content_checked


def test_backup_holds_database_originals_and_config_but_never_the_secret(tmp_path, backup_key) -> None:  # type: ignore[no-untyped-def]
    settings = _system(tmp_path / "data", backup_key=backup_key)
    store = tmp_path / "store"
    info = Backups(settings).create(str(store))
    assert info.encrypted and info.database == "sqlite" and info.files == 3  # database, photo, routing.yaml
    archive = (store / f"{info.id}.azsbak").read_bytes()
    assert b"hunter2" not in archive and b"photo" not in archive  # encrypted, and the secret left out anyway
    label = json.loads((store / f"{info.id}.json").read_text())
    assert label["sha256"] == info.sha256 and label["encrypted"] is True
    result = Backups(settings).verify(info.id, str(store))
    assert result.content_checked and result.items == 3


def test_verify_catches_a_damaged_archive_and_checks_less_without_the_key(tmp_path, backup_key) -> None:  # type: ignore[no-untyped-def]
    settings = _system(tmp_path / "data", backup_key=backup_key)
    store = tmp_path / "store"
    info = Backups(settings).create(str(store))
    keyless = Backups(Settings(data_dir=tmp_path / "other"))
    assert keyless.verify(info.id, str(store)).content_checked is False
    archive = store / f"{info.id}.azsbak"
    data = bytearray(archive.read_bytes())
    data[-5] ^= 0xFF
    archive.write_bytes(bytes(data))
    with pytest.raises(BackupDamaged, match="контрольная сумма"):
        Backups(settings).verify(info.id, str(store))
    with pytest.raises(NotFound):
        Backups(settings).verify("azs-19990101T000000Z-000000", str(store))
    with pytest.raises(InvalidInput):
        Backups(settings).verify("../etc/passwd", str(store))


def test_restore_refuses_to_overwrite_data_without_force_then_brings_back_the_state(tmp_path, backup_key) -> None:  # type: ignore[no-untyped-def]
    settings = _system(tmp_path / "data", backup_key=backup_key)
    before = picture(settings.resolved_database_url)
    store = tmp_path / "store"
    info = Backups(settings).create(str(store))
    db = Database(settings.resolved_database_url)
    Access(db).audit("cli:test", "after.backup", "y")
    db.dispose()
    (tmp_path / "data" / "tickets" / "photos" / "T-000002.jpg").write_bytes(b"later")
    with pytest.raises(Conflict, match="--force"):
        Backups(settings).restore(info.id, str(store))
    Backups(settings).restore(info.id, str(store), force=True)
    assert picture(settings.resolved_database_url) == before
    assert sorted(p.name for p in (tmp_path / "data" / "tickets" / "photos").iterdir()) == ["T-000001.jpg"]


def test_restore_with_a_wrong_key_is_refused_and_changes_nothing(tmp_path, backup_key, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings = _system(tmp_path / "data", backup_key=backup_key)
    info = Backups(settings).create(str(tmp_path / "store"))
    monkeypatch.setenv("AZS_TEST_BACKUP_PASSPHRASE", "not the passphrase")
    with pytest.raises(BackupKeyError):
        Backups(settings).restore(info.id, str(tmp_path / "store"), force=True)
    assert (tmp_path / "data" / "tickets" / "photos" / "T-000001.jpg").exists()


def test_retention_keeps_the_newest(tmp_path, backup_key) -> None:  # type: ignore[no-untyped-def]
    settings = _system(tmp_path / "data", backup_key=backup_key, backup_keep=2)
    store = tmp_path / "store"
    made = [Backups(settings).create(str(store)).id for _ in range(3)]
    assert [b.id for b in Backups(settings).list(str(store))] == made[1:]
    kept = sorted(f"{i}{ext}" for i in made[1:] for ext in (".azsbak", ".json"))
    assert sorted(p.name for p in store.iterdir()) == kept
    Backups(settings).create(str(store), keep=0)
    assert len(Backups(settings).list(str(store))) == 3


def test_a_wrong_data_dir_neither_backs_up_nothing_nor_pushes_real_backups_out(tmp_path, backup_key) -> None:  # type: ignore[no-untyped-def]
    """An IT walk ran `backup create --keep 1` from a wrong data dir: a command there had made an empty database,
    its backup was written and the real one deleted. Now a data dir with no database is refused, naming it, and the
    backup of an empty one deletes no older backup."""
    store = tmp_path / "store"
    real = Backups(_system(tmp_path / "data", backup_key=backup_key)).create(str(store)).id
    with pytest.raises(ConfigError, match="--data-dir"):
        Backups(Settings(data_dir=tmp_path / "typo", backup_key=backup_key)).create(str(store), keep=1)
    empty = Settings(data_dir=tmp_path / "empty", backup_key=backup_key)
    db = Database(empty.resolved_database_url)
    db.migrate()
    db.dispose()
    made = Backups(empty).create(str(store), keep=1).id
    assert [b.id for b in Backups(empty).list(str(store))] == [real, made]


@pytest.mark.parametrize("key", ["/etc/azs/backup.key", "./backup.key"])
def test_a_backup_key_given_as_a_bare_path_is_refused(tmp_path, key) -> None:  # type: ignore[no-untyped-def]
    """A path without «file:» became the key: backups verified with the same setting and the key file kept off-site
    opened none of them. The passphrase itself, as ECS puts a secret's value into the variable, stays allowed."""
    settings = _system(tmp_path / "data", backup_key=key)
    with pytest.raises(ConfigError, match=f"file:{re.escape(key)}") as refused:
        Backups(settings).create(str(tmp_path / "store"))
    assert refused.value.exit_code == 78 and not (tmp_path / "store").exists()
    literal = _system(tmp_path / "other", backup_key="correct horse battery staple")
    assert Backups(literal).create(str(tmp_path / "store")).encrypted


def test_s3_store_through_boto3(tmp_path, backup_key, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a bucket (moto's S3) WHEN a backup is created there, listed, verified and restored THEN it all works
    under the prefix, and only complete backups (label and archive) are listed."""
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-central-1"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="azs-backups", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        settings = _system(tmp_path / "data", backup_key=backup_key)
        before = picture(settings.resolved_database_url)
        info = Backups(settings).create("s3://azs-backups/nightly")
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="azs-backups")["Contents"])
        assert keys == [f"nightly/{info.id}.azsbak", f"nightly/{info.id}.json"]
        s3.put_object(Bucket="azs-backups", Key="nightly/azs-20990101T000000Z-aaaaaa.json", Body=b"{}")
        assert [b.id for b in Backups(settings).list("s3://azs-backups/nightly")] == [info.id]
        assert Backups(settings).verify(info.id, "s3://azs-backups/nightly").items == 3
        Backups(settings).restore(info.id, "s3://azs-backups/nightly", force=True)
        assert picture(settings.resolved_database_url) == before
        with pytest.raises(NotFound):
            Backups(settings).verify("azs-20000101T000000Z-bbbbbb", "s3://azs-backups/nightly")


def test_cli_prints_the_id_last_and_says_in_russian_what_is_missing(tmp_path, backup_key, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _system(tmp_path / "data")
    runner, store = CliRunner(), str(tmp_path / "store")
    monkeypatch.delenv("AZS_BACKUP_KEY", raising=False)
    refused = runner.invoke(cli.app, ["--data-dir", str(tmp_path / "data"), "backup", "create", "--to", store])
    assert refused.exit_code == 78 and "AZS_BACKUP_KEY" in refused.output
    monkeypatch.setenv("AZS_BACKUP_KEY", backup_key)
    made = runner.invoke(cli.app, ["--data-dir", str(tmp_path / "data"), "backup", "create", "--to", store])
    assert made.exit_code == 0, made.output
    backup_id = made.output.strip().splitlines()[-1]
    assert backup_id.startswith("azs-") and (tmp_path / "store" / f"{backup_id}.azsbak").exists()
    listed = runner.invoke(cli.app, ["backup", "list", "--from", store, "--json"])
    assert json.loads(listed.output.splitlines()[0])["id"] == backup_id
    checked = runner.invoke(cli.app, ["backup", "verify", backup_id, "--from", store])
    assert checked.exit_code == 0 and "целы" in checked.output
    again = runner.invoke(cli.app, ["--data-dir", str(tmp_path / "data"), "backup", "restore", backup_id,
                                    "--from", store])
    assert again.exit_code == 5 and "--force" in again.output


def test_restore_over_changed_data_needs_force_and_a_freshly_started_database_does_not(
        tmp_path, backend_url, backup_key) -> None:  # type: ignore[no-untyped-def]
    """On SQLite and PostgreSQL: data written after the backup is only replaced with --force; a database a
    new installation has just created (tables, no data) takes the backup without it."""
    from sqlalchemy import create_engine, text

    from azs_assistant.backup.pgtools import connection

    settings = Settings(data_dir=tmp_path / "data", database_url=backend_url, backup_key=backup_key)
    db = Database(backend_url)
    db.migrate()
    Access(db).audit("cli:test", "before", "x")
    db.dispose()
    before = picture(backend_url)
    store = str(tmp_path / "store")
    backup_id = Backups(settings).create(store).id

    db = Database(backend_url)
    Access(db).audit("cli:test", "after", "y")
    db.dispose()
    with pytest.raises(Conflict):
        Backups(settings).restore(backup_id, store)
    Backups(settings).restore(backup_id, store, force=True)
    assert picture(backend_url) == before

    if backend_url.startswith("sqlite"):
        Path(backend_url.split("///", 1)[1]).unlink()
    else:
        admin = create_engine(backend_url.split("?")[0], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"drop schema {connection(backend_url)[1]} cascade"))
            conn.execute(text(f"create schema {connection(backend_url)[1]}"))
        admin.dispose()
    fresh = Database(backend_url)
    fresh.migrate()
    fresh.dispose()
    Backups(settings).restore(backup_id, store)
    assert picture(backend_url) == before


def test_a_store_that_is_not_there_a_cut_label_and_a_file_in_the_way_are_said_plainly(tmp_path, backup_key) -> None:  # type: ignore[no-untyped-def]
    """An IT walk: `backup list --from` a share not mounted printed nothing (as an empty store), a label with
    broken JSON and a `--to` that is a file were «Непредвиденная ошибка: JSONDecodeError / FileExistsError», exit 1.
    A backup's files are for their owner alone (an unencrypted one was readable by every local user)."""
    settings = _system(tmp_path / "data", backup_key=backup_key)
    with pytest.raises(ConfigError, match="не найден или не смонтирован"):
        Backups(settings).list(str(tmp_path / "not-mounted"))
    store = tmp_path / "store"
    info = Backups(settings).create(str(store), encrypt=False)
    assert all(p.stat().st_mode & 0o077 == 0 for p in store.iterdir())
    (store / f"{info.id}.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(BackupDamaged, match="не читается") as damaged:
        Backups(settings).verify(info.id, str(store))
    assert damaged.value.exit_code == 65
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="не записать"):
        Backups(settings).create(str(tmp_path / "a-file"))
