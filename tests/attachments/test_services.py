"""Checking, storing and removing attachments (filesystem storage, see ``media``)."""

from __future__ import annotations

import io
import re

import pytest
from django_tenants.utils import schema_context
from PIL import Image

from apps.accounts.selectors import actor_for
from apps.attachments import kinds
from apps.attachments.models import Attachment
from apps.attachments.services import (
    MAX_PER_ITEM,
    AttachmentError,
    AttachmentNotAllowed,
    attachments_change,
    display_name,
    files_atomic,
    safe_name,
    size_text,
)
from apps.homework.services import homework_entry_delete
from apps.liaison.services import liaison_note_confirm
from tests.attachments import files
from tests.homework.conftest import entry
from tests.liaison.conftest import class_note

KEY = re.compile(r"^bordeaux/(homework|liaison)/\d{4}/[0-9a-f]{32}/[a-z0-9-]+\.[a-z0-9]+$")


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("raw", "kind", "shown", "key_part"),
    [
        (
            "Sortie au zoo — été 2026.JPG",
            kinds.JPEG,
            "Sortie au zoo — été 2026.JPG",
            "sortie-au-zoo-ete-2026.jpg",
        ),
        ("../../etc/passwd", kinds.PDF, "passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\prof\\fiche.docx", kinds.DOCX, "fiche.docx", "fiche.docx"),
        ("devoir.pdf", kinds.PNG, "devoir.pdf.png", "devoirpdf.png"),
        ("\x00\u202e.odt", kinds.ODT, "fichier.odt", "fichier.odt"),
    ],
)
def test_names_never_carry_a_path_and_end_with_the_real_kind(raw, kind, shown, key_part):
    assert display_name(raw, kind) == shown
    assert safe_name(display_name(raw, kind), kind) == key_part


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (1, "1 octet"),
        (850, "850 octets"),
        (12 * 1024, "12 ko"),
        (1536 * 1024, "1,5 Mo"),
        (20 * 1024 * 1024, "20 Mo"),
    ],
)
def test_sizes_are_written_the_french_way(size, text):
    assert size_text(size) == text


def test_a_file_is_stored_under_the_schema_kind_year_and_a_uuid(bordeaux, media):
    math = entry(bordeaux)
    with schema_context("bordeaux"):
        [attachment] = attachments_change(
            user=bordeaux["t1"],
            publication=math.publication,
            add=[files.upload("Fiche ../de lecture.pdf", files.PDF)],
        )
        attachment.refresh_from_db()
    key = str(attachment.file.name)
    assert KEY.match(key), key
    assert key.endswith("/de-lecture.pdf")
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "de lecture.pdf",
        "application/pdf",
        len(files.PDF),
    )
    assert attachment.uploaded_by_id == bordeaux["t1"].pk
    assert stored_files(media) == [attachment.file.name]
    assert (media / attachment.file.name).read_bytes() == files.PDF


def test_photos_lose_their_gps_position_and_camera(bordeaux, media):
    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(files.GPS_IFD) is not None
    math = entry(bordeaux)
    with schema_context("bordeaux"):
        [attachment] = attachments_change(
            user=bordeaux["t1"],
            publication=math.publication,
            add=[files.upload("sortie.jpg", original)],
        )
    stored = (media / attachment.file.name).read_bytes()
    picture = Image.open(io.BytesIO(stored))
    assert picture.format == "JPEG" and picture.size == (40, 20)
    assert dict(picture.getexif()) == {}
    assert b"GPS" not in stored and "Téléphone".encode() not in stored
    assert attachment.size == len(stored)


def test_a_damaged_photo_is_refused(bordeaux, media):
    math = entry(bordeaux)
    broken = files.jpeg_with_gps()[:60]
    with schema_context("bordeaux"), pytest.raises(AttachmentError, match="illisible"):
        attachments_change(
            user=bordeaux["t1"],
            publication=math.publication,
            add=[files.upload("photo.jpg", broken)],
        )
    assert stored_files(media) == []


def test_one_refused_file_stores_none_of_the_others(bordeaux, media):
    math = entry(bordeaux)
    with schema_context("bordeaux"):
        with pytest.raises(AttachmentError) as refused:
            attachments_change(
                user=bordeaux["t1"],
                publication=math.publication,
                add=[files.upload("a.pdf", files.PDF), files.upload("page.pdf", files.HTML)],
            )
        assert Attachment.objects.count() == 0
    assert str(refused.value).startswith("« page.pdf » n'est pas d'un type accepté.")
    assert stored_files(media) == []


def test_at_most_five_per_item(bordeaux, media):
    math = entry(bordeaux)
    with schema_context("bordeaux"):
        attachments_change(
            user=bordeaux["t1"],
            publication=math.publication,
            add=[files.upload(f"{n}.pdf", files.PDF) for n in range(MAX_PER_ITEM)],
        )
        with pytest.raises(AttachmentError, match="5 pièces jointes au plus"):
            attachments_change(
                user=bordeaux["t1"],
                publication=math.publication,
                add=[files.upload("6.pdf", files.PDF)],
            )
        first = Attachment.objects.order_by("pk")[0]
        # Removing one makes room in the same change.
        attachments_change(
            user=bordeaux["t1"],
            publication=math.publication,
            add=[files.upload("6.pdf", files.PDF)],
            remove_ids=[first.pk],
        )
        assert Attachment.objects.count() == MAX_PER_ITEM
    assert len(stored_files(media)) == MAX_PER_ITEM + 1  # the removed one goes at commit


def test_oversize_is_refused_before_reading(bordeaux, media, settings):
    settings.ENT_ATTACHMENT_MAX_BYTES = len(files.PDF) - 1
    math = entry(bordeaux)
    with schema_context("bordeaux"), pytest.raises(AttachmentError, match="trop gros"):
        attachments_change(
            user=bordeaux["t1"],
            publication=math.publication,
            add=[files.upload("gros.pdf", files.PDF)],
        )
    assert stored_files(media) == []


@pytest.mark.parametrize("who", ["t2", "p1", "par1", "adm"])
def test_only_the_items_editors_change_its_attachments(bordeaux, media, who):
    math = entry(bordeaux)
    with schema_context("bordeaux"), pytest.raises(AttachmentNotAllowed):
        attachments_change(
            user=bordeaux[who], publication=math.publication, add=[files.upload("a.pdf", files.PDF)]
        )
    assert stored_files(media) == []


def test_a_confirmed_note_keeps_its_attachments(bordeaux, media):
    note = class_note(bordeaux)
    with schema_context("bordeaux"):
        [kept] = attachments_change(
            user=bordeaux["t1"],
            publication=note.publication,
            add=[files.upload("menu.pdf", files.PDF)],
        )
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
        for change in ({"add": [files.upload("b.pdf", files.PDF)]}, {"remove_ids": [kept.pk]}):
            with pytest.raises(AttachmentError, match="déjà confirmé"):
                attachments_change(user=bordeaux["t1"], publication=note.publication, **change)
        assert list(Attachment.objects.all()) == [kept]
    assert stored_files(media) == [kept.file.name]


def test_deleting_an_entry_deletes_its_objects_once_committed(
    bordeaux, media, django_capture_on_commit_callbacks
):
    math = entry(bordeaux)
    with schema_context("bordeaux"):
        attachments_change(
            user=bordeaux["t1"],
            publication=math.publication,
            add=[files.upload("a.pdf", files.PDF)],
        )
        with django_capture_on_commit_callbacks(execute=True):
            homework_entry_delete(author=actor_for(bordeaux["t1"]), entry=math)
        assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_a_block_that_fails_after_storing_leaves_no_object(bordeaux, media):
    math = entry(bordeaux)
    with schema_context("bordeaux"), pytest.raises(RuntimeError):
        with files_atomic():
            attachments_change(
                user=bordeaux["t1"],
                publication=math.publication,
                add=[files.upload("a.pdf", files.PDF)],
            )
            with files_atomic():  # nested: its objects wait for the outer block
                attachments_change(
                    user=bordeaux["t1"],
                    publication=math.publication,
                    add=[files.upload("b.pdf", files.PDF)],
                )
            assert len(stored_files(media)) == 2
            raise RuntimeError("the notebook's own write failed")
    with schema_context("bordeaux"):
        assert Attachment.objects.count() == 0
    assert stored_files(media) == []
