"""``azs originals migrate``: the originals kept before ``AZS_ORIGINALS_URL`` (document bytes in the database,
complaint and reply photos under the data directory) move into the store, checked, once, and resumably; into a
directory and into S3 (moto's), with one object failing while the others go on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from azs_assistant import cli
from azs_assistant.auth.principal import SYSTEM
from azs_assistant.errors import NotFound
from azs_assistant.services import Services
from azs_assistant.storage.models import DocumentOriginal
from azs_assistant.storage.moving import OriginalsMove
from azs_assistant.storage.originals import open_originals
from tests.backup.conftest import photo
from tests.conftest import make_settings
from tests.factories import document
from tests.storage.test_originals import BUCKET, GUIDE, aws, originals_url  # noqa: F401  (fixtures)

OTHER = "# Инкассация\n\n1. Вызовите инкассатора.\n2. Сверьте сумму по кассовой книге.\n"


def _installation(data: Path) -> dict[str, Any]:
    """An install that ran without AZS_ORIGINALS_URL: two documents, a complaint photo and a reply photo."""
    svc = Services(make_settings(data, embeddings="none"))
    try:
        docs = {document(svc, GUIDE, "uploads/smena.md").document_id: GUIDE.encode(),
                document(svc, OTHER, "uploads/inkassacia.md").document_id: OTHER.encode()}
        made, token = svc.tickets.create("Колонка 3 не работает", station="АЗС-012", photo=photo(), photo_name="p.png")
        reply = svc.tickets.reply_by_customer(made.number, token, "Ещё фото", photo=photo(), photo_name="q.png")
        return {"docs": docs, "ticket": made.number, "reply": reply.data["photo"]}
    finally:
        svc.close()


def _azs(data: Path, url: str, *args: str) -> Result:
    return CliRunner().invoke(cli.app, ["--data-dir", str(data), "originals", "migrate", *args],
                              env={"AZS_EMBEDDINGS": "none", "AZS_ORIGINALS_URL": url})


def _rows(data: Path, url: str) -> dict[int, tuple[bytes | None, str | None]]:
    svc = Services(make_settings(data, embeddings="none", originals_url=url))
    try:
        with svc.db.session() as s:
            return {r.document_id: (r.data, r.location) for r in s.query(DocumentOriginal)}
    finally:
        svc.close()


def _readable(data: Path, url: str | None, before: dict[str, Any]) -> None:
    """Every original downloads as it was uploaded, wherever it is kept now (``url`` None: no store set)."""
    svc = Services(make_settings(data, embeddings="none", originals_url=url))
    try:
        for doc_id, content in before["docs"].items():
            assert svc.documents.original(SYSTEM, doc_id)[2] == content
        assert svc.tickets.photo_for(SYSTEM, before["ticket"])[2] == photo()
        assert svc.tickets.reply_photo_for(SYSTEM, before["ticket"], before["reply"])[2] == photo()
    finally:
        svc.close()


def test_migrate_moves_checks_and_is_idempotent_then_deletes_the_sources(
        tmp_path: Path, originals_url: str) -> None:  # noqa: F811
    """GIVEN an install with originals in the database and the data directory WHEN it sets AZS_ORIGINALS_URL and
    runs the move (dry run, move, again, with --delete-source) THEN each original is copied once, the database
    points at the copies, the old copies go only when asked, and every original stays downloadable."""
    data = tmp_path / "data"
    before = _installation(data)
    photos = data / "tickets" / "photos"
    assert len(list(photos.iterdir())) == 2

    dry = _azs(data, originals_url, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout) | {"items": []} == {
        "store": open_originals(originals_url).where, "dry_run": True, "delete_source": False, "moved": 0,
        "already_there": 0, "failed": 0, "pending": 4, "missing": 0, "sources_deleted": 0, "items": []}
    assert open_originals(originals_url).keys() == []  # a dry run writes nothing

    first = _azs(data, originals_url, "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert (report["moved"], report["already_there"], report["failed"]) == (4, 0, 0)
    store = open_originals(originals_url)
    keys = store.keys()
    assert len(keys) == 4 and f"tickets/photos/{before['ticket']}.png" in keys
    assert f"tickets/photos/{before['reply']}" in keys
    rows = _rows(data, originals_url)
    for doc_id, content in before["docs"].items():
        kept, location = rows[doc_id]
        assert kept == content and location in keys and store.read(location) == content  # the old copy stays
    assert len(list(photos.iterdir())) == 2
    _readable(data, originals_url, before)

    again = _azs(data, originals_url, "--json")
    report = json.loads(again.stdout)
    assert (report["moved"], report["already_there"], report["failed"]) == (0, 4, 0)
    assert store.keys() == keys  # no duplicates

    cleaned = _azs(data, originals_url)
    assert cleaned.exit_code == 0 and "перенесено 0, уже в хранилище 4, ошибок 0" in cleaned.stdout
    deleted = _azs(data, originals_url, "--delete-source", "--json")
    assert json.loads(deleted.stdout)["sources_deleted"] == 4
    assert all(kept is None and location in keys for kept, location in _rows(data, originals_url).values())
    assert list(photos.iterdir()) == []
    _readable(data, originals_url, before)

    svc = Services(make_settings(data, embeddings="none", originals_url=originals_url))
    try:
        audit = svc.access.audit_search(action="originals.migrate")
        assert len(audit) == 4 and audit[-1].target == store.where  # the dry run is not recorded
        assert audit[-1].details["moved"] == 4 and audit[0].details["sources_deleted"] == 4
    finally:
        svc.close()


def test_unsetting_the_store_after_a_move_without_delete_source_is_a_way_back(
        tmp_path: Path, originals_url: str) -> None:  # noqa: F811
    """GIVEN originals moved without --delete-source WHEN the installation drops AZS_ORIGINALS_URL again THEN every
    document and photo still downloads from its old copy, and with the store set again they still do."""
    data = tmp_path / "data"
    before = _installation(data)
    moved = _azs(data, originals_url, "--json")
    assert moved.exit_code == 0 and json.loads(moved.stdout)["moved"] == 4, moved.output
    assert all(location is not None for _, location in _rows(data, originals_url).values())

    _readable(data, None, before)  # the services rebuilt without a store: the database's bytes, the data dir's files
    _readable(data, originals_url, before)


def test_one_failing_object_in_s3_leaves_the_others_moved_and_itself_readable_where_it_was(
        tmp_path: Path, aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """GIVEN S3 refusing one upload and corrupting another WHEN the move runs THEN those two are reported with
    their reason, stay in the database or the data directory and download from there; the others are moved, and
    the next run moves the two."""
    from botocore.exceptions import ClientError

    data, url = tmp_path / "data", f"s3://{BUCKET}/prod/originals"
    before = _installation(data)
    svc = Services(make_settings(data, embeddings="none", originals_url=url))
    refused, corrupted = sorted(before["docs"])[0], f"tickets/photos/{before['ticket']}.png"
    client = svc.originals.client  # type: ignore[union-attr]
    put = client.put_object

    def flaky(**kw: Any) -> Any:
        if kw["Key"].startswith(f"prod/originals/documents/{refused}/"):
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "Reduce your request rate"}}, "PutObject")
        if kw["Key"] == f"prod/originals/{corrupted}":
            kw["Body"] = kw["Body"][:-10]  # a truncated upload
        return put(**kw)

    try:
        monkeypatch.setattr(client, "put_object", flaky)
        report = svc.originals_move.run(SYSTEM)
        assert (report.moved, report.failed) == (2, 2)
        failures = {i.ref: i.reason or "" for i in report.items if i.status == "failed"}
        assert "SlowDown" in failures[str(refused)] and "не совпадает" in failures[f"{before['ticket']}.png"]
        with svc.db.session() as s:
            row = s.get(DocumentOriginal, refused)
            assert row is not None and row.location is None and row.data == before["docs"][refused]
        assert svc.documents.original(SYSTEM, refused)[2] == before["docs"][refused]
        assert svc.tickets.photo_for(SYSTEM, before["ticket"])[2] == photo()  # from the data directory

        monkeypatch.setattr(client, "put_object", put)
        report = svc.originals_move.run(SYSTEM)
        assert (report.moved, report.present, report.failed) == (2, 2, 0)
    finally:
        svc.close()
    _readable(data, url, before)


def test_a_dry_run_reports_a_store_error_on_one_original_and_looks_at_the_others(
        tmp_path: Path, aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """GIVEN S3 answering one read with an error WHEN a dry run looks at what to copy THEN that original is failed
    with the store's reason and the run still reports the other three as pending."""
    from botocore.exceptions import ClientError

    data, url = tmp_path / "data", f"s3://{BUCKET}/prod/originals"
    before = _installation(data)
    svc = Services(make_settings(data, embeddings="none", originals_url=url))
    refused = sorted(before["docs"])[0]
    client = svc.originals.client  # type: ignore[union-attr]
    get = client.get_object

    def flaky(**kw: Any) -> Any:
        if kw["Key"].startswith(f"prod/originals/documents/{refused}/"):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "GetObject")
        return get(**kw)

    try:
        monkeypatch.setattr(client, "get_object", flaky)
        report = svc.originals_move.run(SYSTEM, dry_run=True)
    finally:
        svc.close()
    assert (report.failed, report.pending, report.present) == (1, 3, 0)
    failed = next(i for i in report.items if i.status == "failed")
    assert failed.ref == str(refused) and "AccessDenied" in (failed.reason or "")


def test_a_photo_whose_file_is_gone_fails_every_run_until_the_operator_accepts_it(tmp_path: Path) -> None:
    """GIVEN a complaint photo deleted from the data directory WHEN the move runs (dry, for real) THEN that photo is
    failed with "source missing" and the run exits 1 while the others move; with --accept-missing it is reported
    as missing and the run exits 0; the ticket still says its photo is missing."""
    data, url = tmp_path / "data", str(tmp_path / "store")
    before = _installation(data)
    gone = data / "tickets" / "photos" / f"{before['ticket']}.png"
    gone.unlink()

    for args in (("--dry-run", "--json"), ("--json",)):
        made = _azs(data, url, *args)
        report = json.loads(made.stdout)
        assert made.exit_code == 1 and (report["failed"], report["missing"]) == (1, 0), made.output
        failed = [i for i in report["items"] if i["status"] == "failed"]
        assert failed[0]["ref"] == gone.name and failed[0]["reason"].startswith("source missing")
    assert len(open_originals(url).keys()) == 3  # the other three moved

    accepted = _azs(data, url, "--accept-missing")
    assert accepted.exit_code == 0, accepted.output
    assert "ошибок 0" in accepted.stdout and "файлов нет (принято) 1" in accepted.stdout
    assert f"{gone.name:<24} → tickets/photos/{gone.name}: файла нет, принято — source missing" in accepted.stdout
    svc = Services(make_settings(data, embeddings="none", originals_url=url))
    try:
        with pytest.raises(NotFound):
            svc.tickets.photo_for(SYSTEM, before["ticket"])
        assert svc.access.audit_search(action="originals.migrate")[0].details["missing_refs"] == [f"photo:{gone.name}"]
    finally:
        svc.close()


def test_a_run_that_dies_between_copy_and_database_loses_nothing_and_the_next_run_finishes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIVEN the process killed after the first document's copy but before the database points at it WHEN the
    move runs again THEN the copy already there is checked and used, and nothing is copied twice."""
    data, url = tmp_path / "data", str(tmp_path / "store")
    before = _installation(data)
    svc = Services(make_settings(data, embeddings="none", originals_url=url))
    try:
        def killed(*args: Any) -> None:
            raise SystemExit(137)

        with monkeypatch.context() as m:
            m.setattr(OriginalsMove, "_point_document", killed)
            with pytest.raises(SystemExit):
                svc.originals_move.run(SYSTEM)
        assert len(open_originals(url).keys()) == 1
        assert all(location is None for _, location in _rows(data, url).values())
        _readable(data, url, before)

        report = svc.originals_move.run(SYSTEM)
        assert (report.moved, report.present, report.failed) == (3, 1, 0)
        assert len(open_originals(url).keys()) == 4
    finally:
        svc.close()
    _readable(data, url, before)


def test_a_store_that_is_the_data_directory_never_loses_the_photos(tmp_path: Path) -> None:
    """AZS_ORIGINALS_URL naming the data directory itself: the photos are their own copies, so --delete-source
    must keep them."""
    data = tmp_path / "data"
    before = _installation(data)
    made = _azs(data, str(data), "--delete-source", "--json")
    assert made.exit_code == 0, made.output
    report = json.loads(made.stdout)
    assert report["failed"] == 0 and report["sources_deleted"] == 2  # the two documents' bytes in the database
    assert len(list((data / "tickets" / "photos").iterdir())) == 2
    _readable(data, str(data), before)


def test_without_a_store_the_command_says_what_to_set(tmp_path: Path) -> None:
    made = CliRunner().invoke(cli.app, ["--data-dir", str(tmp_path), "originals", "migrate"],
                              env={"AZS_EMBEDDINGS": "none", "AZS_ORIGINALS_URL": ""})
    assert made.exit_code != 0 and "AZS_ORIGINALS_URL не задан" in made.output
