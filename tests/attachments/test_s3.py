"""Attachments on S3 (production's storage), against moto's server on loopback."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request

import pytest
from django_tenants.utils import schema_context

from apps.attachments.models import Attachment
from apps.homework.models import HomeworkEntry
from tests.attachments import files
from tests.attachments.test_pages import ENTRY
from tests.world import log_in


def post_entry(client, world, *uploads):
    return client.post(
        f"/cahier-de-textes/classes/{world.classes[next(iter(world.classes))].pk}/nouvelle-seance/",
        {**ENTRY, "attachments": list(uploads)},
    )


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    assert urllib.parse.urlsplit(url).hostname == "127.0.0.1"
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - moto on loopback
        return answer.read(), {name.lower(): value for name, value in answer.headers.items()}


def test_an_upload_through_the_page_is_stored_under_the_communes_schema(bordeaux, as_user, s3):
    response = post_entry(
        as_user(bordeaux, "t1"), bordeaux, files.upload("Évaluation n°2.pdf", files.PDF)
    )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        attachment = Attachment.objects.get()
    [key] = s3.keys()
    assert key == attachment.file.name
    assert key.startswith("bordeaux/homework/") and key.endswith("/evaluation-n2.pdf")
    assert s3.read(key) == files.PDF


def test_the_download_is_a_short_presigned_link_to_the_same_bytes(bordeaux, as_user, s3):
    post_entry(as_user(bordeaux, "t1"), bordeaux, files.upload("Évaluation n°2.pdf", files.PDF))
    with schema_context("bordeaux"):
        attachment = Attachment.objects.get()

    response = as_user(bordeaux, "par1").get(f"/pieces-jointes/{attachment.pk}/")

    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(response["Location"]).query)
    if "X-Amz-Expires" in query:  # signature version 4
        assert query["X-Amz-Expires"] == ["60"]
    else:
        assert 0 < int(query["Expires"][0]) - time.time() <= 60
    content, headers = fetch(response["Location"])
    assert content == files.PDF
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("attachment; filename*=utf-8''")
    assert "%C3%89valuation%20n%C2%B02.pdf" in headers["content-disposition"]


# Other staff of the school read its classes' published cahiers de textes: t2 may.
@pytest.mark.parametrize("who", ["par3", "p3", "par4", "dB", "adm"])
def test_no_download_link_for_those_who_may_not_see_the_entry(bordeaux, as_user, s3, who):
    post_entry(as_user(bordeaux, "t1"), bordeaux, files.upload("a.pdf", files.PDF))
    with schema_context("bordeaux"):
        attachment = Attachment.objects.get()

    response = as_user(bordeaux, who).get(f"/pieces-jointes/{attachment.pk}/")

    assert response.status_code == 404 and "Location" not in response


def test_no_download_link_for_anonymous_visitors_nor_another_commune(
    bordeaux, pessac, as_user, tenant_client, s3
):
    post_entry(as_user(bordeaux, "t1"), bordeaux, files.upload("a.pdf", files.PDF))
    with schema_context("bordeaux"):
        attachment = Attachment.objects.get()
    url = f"/pieces-jointes/{attachment.pk}/"

    assert tenant_client("bordeaux").get(url).status_code == 404
    assert as_user(pessac, "ppar").get(url).status_code == 404
    assert as_user(pessac, "pt").get(url).status_code == 404
    # Bordeaux's session replayed on Pessac's host is anonymous there.
    replayed = log_in(tenant_client, "bordeaux", bordeaux["par1"])
    replayed.defaults["HTTP_HOST"] = "pessac." + replayed.defaults["HTTP_HOST"].split(".", 1)[1]
    assert replayed.get(url).status_code == 404


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (files.upload("page.pdf", files.HTML, "application/pdf"), "n'est pas d'un type accepté"),
        (files.upload("virus.docx", files.docx(macros=True)), "n'est pas d'un type accepté"),
        (files.upload("gros.pdf", files.PDF + bytes(20_000)), "est trop gros"),
    ],
)
def test_refused_files_leave_no_row_and_no_object(bordeaux, as_user, s3, settings, upload, error):
    settings.ENT_ATTACHMENT_MAX_BYTES = 10_000
    response = post_entry(
        as_user(bordeaux, "t1"), bordeaux, files.upload("bon.pdf", files.PDF), upload
    )

    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    with schema_context("bordeaux"):
        assert HomeworkEntry.objects.count() == 0 and Attachment.objects.count() == 0
    assert s3.keys() == []


def test_each_commune_stores_under_its_own_schema_name(bordeaux, pessac, as_user, s3):
    post_entry(as_user(bordeaux, "t1"), bordeaux, files.upload("a.pdf", files.PDF))
    post_entry(as_user(pessac, "pt"), pessac, files.upload("a.pdf", files.PDF))

    keys = s3.keys()
    assert len(keys) == 2
    assert {key.split("/")[0] for key in keys} == {"bordeaux", "pessac"}
    with schema_context("pessac"):
        [pessac_attachment] = Attachment.objects.all()
    assert str(pessac_attachment.file.name).startswith("pessac/homework/")
