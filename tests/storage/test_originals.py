"""Uploaded originals kept where ``AZS_ORIGINALS_URL`` says: a directory or S3 (moto's, through boto3), the
database holding only where each one is; unset, the embedded default keeps them as before (documents in
the database, photos under the data directory). Downloads through the web page and the API read them back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from fastapi.testclient import TestClient

from azs_assistant.api.app import create_app
from azs_assistant.errors import InvalidInput, NotFound
from azs_assistant.services import Services
from azs_assistant.storage.models import DocumentOriginal
from azs_assistant.storage.originals import open_originals
from tests.backup.conftest import photo
from tests.conftest import authorize, make_settings
from tests.factories import document

GUIDE = "# Приём смены\n\n## Размен\n1. Пересчитайте наличные.\n2. Оставьте размен 40 000 тенге.\n"
BUCKET = "azs-originals"
PASSWORD = "пароль-для-теста-2026"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's S3 with one bucket; what boto3 needs in the environment, as on a machine with a role."""
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "eu-central-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        yield s3


@pytest.fixture(params=["directory", "s3"])
def originals_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "s3":
        request.getfixturevalue("aws")
        return f"s3://{BUCKET}/prod/originals"
    return str(tmp_path / "originals")


def test_a_store_keeps_reads_lists_and_deletes_by_key(originals_url: str) -> None:
    store = open_originals(originals_url)
    store.write("documents/1/abc", b"first")
    store.write("tickets/photos/T-000001.png", b"photo")
    assert store.read("documents/1/abc") == b"first"
    assert store.keys() == ["documents/1/abc", "tickets/photos/T-000001.png"]
    store.delete("documents/1/abc")
    assert store.keys() == ["tickets/photos/T-000001.png"]
    with pytest.raises(NotFound):
        store.read("documents/1/abc")
    with pytest.raises(InvalidInput):
        store.write("../outside", b"x")


def test_s3_objects_sit_under_the_prefix(aws: Any) -> None:
    open_originals(f"s3://{BUCKET}/prod/originals").write("documents/7/0123", b"data")
    assert [o["Key"] for o in aws.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["prod/originals/documents/7/0123"]


def _row(svc: Services, document_id: int) -> tuple[bytes | None, str | None]:
    with svc.db.session() as s:
        row = s.get(DocumentOriginal, document_id)
        assert row is not None
        return row.data, row.location


def test_document_originals_go_to_the_store_and_download_from_the_web_page_and_the_api(
        tmp_path: Path, originals_url: str) -> None:
    """GIVEN AZS_ORIGINALS_URL WHEN a document is ingested, replaced and deleted THEN the database row points
    to one object holding the file as uploaded, both downloads send it, and no object outlives its version."""
    svc = Services(make_settings(tmp_path / "data", embeddings="none", originals_url=originals_url))
    store = open_originals(originals_url)
    try:
        doc_id = document(svc, GUIDE, "uploads/smena.md").document_id
        assert doc_id is not None
        data, location = _row(svc, doc_id)
        assert data is None and location is not None and location.startswith(f"documents/{doc_id}/")
        assert store.keys() == [location] and store.read(location) == GUIDE.encode()
        svc.access.add_user("aigerim", PASSWORD, ["operator"], stations=["*"])
        with TestClient(create_app(svc, background=False)) as api, \
                TestClient(create_app(svc, background=False)) as web:
            authorize(api, svc, roles=("operator",))
            sent = api.get(f"/api/v1/documents/{doc_id}/original")
            assert sent.status_code == 200 and sent.content == GUIDE.encode()
            assert sent.headers["content-disposition"] == "attachment; filename*=UTF-8''smena.md"
            assert web.post("/login", data={"username": "aigerim", "password": PASSWORD}).status_code == 200
            assert web.get(f"/documents/{doc_id}/original").content == GUIDE.encode()

            changed = GUIDE + "3. Сдайте ключи.\n"
            assert document(svc, changed, "uploads/smena.md").document_id == doc_id
            _, replaced = _row(svc, doc_id)
            assert replaced != location and store.keys() == [replaced]  # the old version's object is gone
            assert api.get(f"/api/v1/documents/{doc_id}/original").content == changed.encode()

            svc.documents.remove(doc_id)
            assert store.keys() == []
            assert api.get(f"/api/v1/documents/{doc_id}/original").status_code == 404
    finally:
        svc.close()


def test_complaint_photos_go_to_the_store_and_staff_get_them_back(tmp_path: Path, originals_url: str) -> None:
    svc = Services(make_settings(tmp_path / "data", embeddings="none", originals_url=originals_url))
    store = open_originals(originals_url)
    try:
        made, token = svc.tickets.create("Колонка 3 не работает, чек не выдали", station="АЗС-012",
                                         photo=photo(), photo_name="p.png")
        assert made.photo_path == f"tickets/photos/{made.number}.png"
        assert store.read(made.photo_path) == photo()
        assert not (tmp_path / "data" / "tickets").exists()  # nothing on the replica's own disk
        reply = svc.tickets.reply_by_customer(made.number, token, "Вот ещё фото", photo=photo(), photo_name="q.png")
        name = reply.data["photo"]
        assert store.read(f"tickets/photos/{name}") == photo()
        with TestClient(create_app(svc, background=False)) as api:
            authorize(api, svc, roles=("admin",))
            sent = api.get(f"/api/v1/tickets/{made.number}/photo")
            assert sent.status_code == 200 and sent.content == photo()
            assert sent.headers["content-type"] == "image/png"
        staff = svc.tickets.reply_photo_for(_admin(), made.number, name)
        assert staff == (name, "image/png", photo())
    finally:
        svc.close()


def test_photos_kept_before_the_setting_are_still_read_from_the_data_directory(tmp_path: Path,
                                                                              originals_url: str) -> None:
    """GIVEN a complaint with a photo and a customer's reply photo taken while the default kept them under the
    data directory WHEN the install then sets AZS_ORIGINALS_URL THEN staff still get both photos."""
    before = Services(make_settings(tmp_path / "data", embeddings="none"))
    try:
        made, token = before.tickets.create("Колонка 3 не работает", station="АЗС-012", photo=photo(),
                                            photo_name="p.png")
        name = before.tickets.reply_by_customer(made.number, token, "Ещё фото", photo=photo(),
                                                photo_name="q.png").data["photo"]
    finally:
        before.close()
    after = Services(make_settings(tmp_path / "data", embeddings="none", originals_url=originals_url))
    try:
        assert after.tickets.photo_for(_admin(), made.number)[2] == photo()
        assert after.tickets.reply_photo_for(_admin(), made.number, name) == (name, "image/png", photo())
    finally:
        after.close()


def _admin() -> Any:
    from tests.factories import principal

    return principal("admin", name="boss")


def test_without_the_setting_originals_stay_where_they_always_were(tmp_path: Path) -> None:
    """The embedded default is unchanged: the file in the database row, the photo under the data directory."""
    svc = Services(make_settings(tmp_path, embeddings="none"))
    try:
        doc_id = document(svc, GUIDE, "uploads/smena.md").document_id
        assert doc_id is not None
        assert _row(svc, doc_id) == (GUIDE.encode(), None)
        made, _ = svc.tickets.create("Грязно в туалете", station="АЗС-012", photo=photo(), photo_name="p.png")
        path = tmp_path / "tickets" / "photos" / f"{made.number}.png"
        assert made.photo_path == str(path) and path.read_bytes() == photo()
        assert svc.tickets.photo_for(_admin(), made.number)[2] == photo()
    finally:
        svc.close()


def test_the_s3_endpoint_setting_reaches_both_s3_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """AZS_S3_ENDPOINT_URL (an on-premises MinIO) is where the originals' store and the backups' store connect."""
    from azs_assistant.backup import Backups
    from azs_assistant.backup.stores import S3Store

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AZS_S3_ENDPOINT_URL", "http://minio:9000")
    settings = make_settings(tmp_path, embeddings="none", originals_url=f"s3://{BUCKET}/originals")
    svc = Services(settings)
    try:
        assert svc.originals is not None
        assert svc.originals.client.meta.endpoint_url == "http://minio:9000"  # type: ignore[attr-defined]
    finally:
        svc.close()
    backups = Backups(settings)
    stored = backups._originals_store()
    assert stored is not None and stored.client.meta.endpoint_url == "http://minio:9000"  # type: ignore[attr-defined]
    seen: list[str] = []
    monkeypatch.setattr(S3Store, "names", lambda self: seen.append(self.client.meta.endpoint_url) or [])
    assert backups.list(f"s3://{BUCKET}/backups") == [] and seen == ["http://minio:9000"]
    monkeypatch.delenv("AZS_S3_ENDPOINT_URL")
    assert "amazonaws.com" in open_originals(f"s3://{BUCKET}/x").client.meta.endpoint_url  # type: ignore[attr-defined]
