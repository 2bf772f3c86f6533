"""S3 down: an upload is refused with a French sentence and leaves no row and no object; a
download answers 503 with Retry-After; both work again once the store is back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.utils.html import escape
from django_tenants.utils import schema_context
from moto.server import ThreadedMotoServer

from apps.attachments.models import Attachment
from apps.attachments.services import STORAGE_UNAVAILABLE
from apps.homework.models import HomeworkEntry
from tests.attachments import files
from tests.attachments.test_s3 import post_entry
from tests.faults.conftest import free_port

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class Store:
    def __init__(self, settings: Any, endpoint: str) -> None:
        self.settings = settings
        self.endpoint = endpoint
        self.client = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS
        )
        self.bucket = f"ent-faults-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=self.bucket)
        self.point_at(endpoint)

    def point_at(self, endpoint: str) -> None:
        from botocore.config import Config

        self.settings.STORAGES = {
            **self.settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": self.bucket,
                    "endpoint_url": endpoint,
                    "region_name": "us-east-1",
                    "access_key": CREDENTIALS["aws_access_key_id"],
                    "secret_key": CREDENTIALS["aws_secret_access_key"],
                    "default_acl": None,
                    "querystring_auth": True,
                    "file_overwrite": False,
                    "addressing_style": "path",
                    # No retries: the store is down for sure in these tests.
                    "client_config": Config(connect_timeout=2, retries={"max_attempts": 1}),
                },
            },
        }

    def down(self) -> None:
        # Nothing listens on a fresh free port: what a stopped store looks like to a client.
        self.point_at(f"http://127.0.0.1:{free_port()}")

    def up(self) -> None:
        self.point_at(self.endpoint)

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def store(moto_endpoint: str, settings: Any) -> Store:
    return Store(settings, moto_endpoint)


def test_an_upload_while_the_store_is_down_is_refused_in_french_and_keeps_nothing(
    bordeaux, as_user, store
):
    teacher = as_user(bordeaux, "t1")
    store.down()

    response = post_entry(teacher, bordeaux, files.upload("Évaluation.pdf", files.PDF))

    assert response.status_code == 200  # the form again, with the reason
    assert escape(STORAGE_UNAVAILABLE) in response.content.decode()
    with schema_context("bordeaux"):
        assert not Attachment.objects.exists()
        assert not HomeworkEntry.objects.exists()  # the entry and its files: one transaction
    store.up()
    assert store.keys() == []

    again = post_entry(teacher, bordeaux, files.upload("Évaluation.pdf", files.PDF))

    assert again.status_code == 302
    assert len(store.keys()) == 1


def test_a_download_while_the_store_is_down_answers_503_with_retry_after(bordeaux, as_user, store):
    post_entry(as_user(bordeaux, "t1"), bordeaux, files.upload("Évaluation.pdf", files.PDF))
    with schema_context("bordeaux"):
        attachment = Attachment.objects.get()
    parent = as_user(bordeaux, "par1")
    store.down()

    response = parent.get(f"/pieces-jointes/{attachment.pk}/")

    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "momentanément indisponibles" in response.content.decode()

    store.up()
    assert parent.get(f"/pieces-jointes/{attachment.pk}/").status_code == 302


def test_a_row_without_its_object_is_a_404_not_a_broken_link(bordeaux, as_user, store):
    post_entry(as_user(bordeaux, "t1"), bordeaux, files.upload("Évaluation.pdf", files.PDF))
    with schema_context("bordeaux"):
        attachment = Attachment.objects.get()
    store.client.delete_object(Bucket=store.bucket, Key=attachment.file.name)

    assert as_user(bordeaux, "par1").get(f"/pieces-jointes/{attachment.pk}/").status_code == 404
