"""Files chosen in a notebook's form refused for another field are kept (pending): the next
successful save joins them without choosing them again; a kept file can be removed; they are
their uploader's alone (download, token); the retention rules delete those left behind."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile

from django.utils import timezone
from django_tenants.utils import schema_context

from apps.attachments.models import Attachment
from apps.homework.models import HomeworkEntry
from apps.liaison.models import LiaisonNote
from apps.privacy.export import personal_zip
from apps.privacy.retention import retention_enforce
from apps.privacy.selectors import personal_data
from tests.attachments import files
from tests.attachments.test_pages import ENTRY, new_entry_url, text

NO_DATE = {**ENTRY, "on": ""}


def token_of(page: str) -> str:
    match = re.search(r'<input type="hidden" name="pending_token"(?: value="([^"]*)")?', page)
    assert match, "no hidden token field on the page"
    return match.group(1) or ""


def refused_with_a_pdf(client, world, name: str = "Fiche son ou.pdf") -> str:
    """A teacher's entry without its date, with a PDF: the page shown again."""
    response = client.post(
        new_entry_url(world), {**NO_DATE, "attachments": [files.upload(name, files.PDF)]}
    )
    assert response.status_code == 200
    return text(response)


def pending(schema: str = "bordeaux") -> list[Attachment]:
    with schema_context(schema):
        return list(Attachment.objects.filter(pending_since__isnull=False))


def test_a_form_refused_for_its_date_keeps_the_pdf_and_the_next_submit_saves_it(
    bordeaux, as_user, s3
):
    client = as_user(bordeaux, "t1")

    page = refused_with_a_pdf(client, bordeaux)

    assert "Ce champ est obligatoire." in page
    assert "Fichier conservé : " in page and "Fiche son ou.pdf</a> (" in page
    assert "choisissez-le de nouveau" not in page
    token = token_of(page)
    [kept] = pending()
    assert kept.uploaded_by_id == bordeaux["t1"].pk and kept.pending_token != token  # a digest
    [key] = s3.keys()
    assert key.startswith("bordeaux/homework/") and s3.read(key) == files.PDF
    # Its uploader may open it; no one else.
    assert client.get(f"/pieces-jointes/{kept.pk}/").status_code == 302
    for who in ("dA", "t2", "par1", "p1"):
        assert as_user(bordeaux, who).get(f"/pieces-jointes/{kept.pk}/").status_code == 404

    # The date given, no file chosen again.
    response = client.post(new_entry_url(bordeaux), {**ENTRY, "pending_token": token})

    assert response.status_code == 302
    with schema_context("bordeaux"):
        entry = HomeworkEntry.objects.get()
        [attachment] = entry.attachments.all()
    assert attachment.pk == kept.pk and attachment.original_name == "Fiche son ou.pdf"
    assert attachment.pending_token == "" and attachment.pending_since is None
    assert pending() == [] and s3.keys() == [key]
    assert as_user(bordeaux, "par1").get(f"/pieces-jointes/{kept.pk}/").status_code == 302


def test_files_kept_twice_add_up_and_a_ticked_one_is_removed(
    bordeaux, as_user, s3, django_capture_on_commit_callbacks
):
    client = as_user(bordeaux, "t1")
    token = token_of(refused_with_a_pdf(client, bordeaux, "premier.pdf"))
    [first] = pending()
    [first_key] = s3.keys()

    # Refused again: the first stays kept under the same token, the second joins it.
    response = client.post(
        new_entry_url(bordeaux),
        {
            **NO_DATE,
            "pending_token": token,
            "attachments": [files.upload("second.pdf", files.PDF)],
        },
    )
    page = text(response)
    assert token_of(page) == token
    assert page.count("Fichier conservé : ") == 2
    assert sorted(a.original_name for a in pending()) == ["premier.pdf", "second.pdf"]

    # The first ticked to be removed, the entry saved: only the second is joined.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_entry_url(bordeaux),
            {**ENTRY, "pending_token": token, "remove_pending": [str(first.pk)]},
        )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        entry = HomeworkEntry.objects.get()
        assert [a.original_name for a in entry.attachments.all()] == ["second.pdf"]
        assert not Attachment.objects.filter(pk=first.pk).exists()
    assert first_key not in s3.keys() and len(s3.keys()) == 1


def test_a_kept_file_removed_while_the_form_is_still_refused(
    bordeaux, as_user, s3, django_capture_on_commit_callbacks
):
    client = as_user(bordeaux, "t1")
    token = token_of(refused_with_a_pdf(client, bordeaux))
    [kept] = pending()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            new_entry_url(bordeaux),
            {**NO_DATE, "pending_token": token, "remove_pending": [str(kept.pk)]},
        )

    page = text(response)
    assert "Ce champ est obligatoire." in page and "Fichier conservé" not in page
    assert pending() == [] and s3.keys() == []


def test_another_users_token_is_ignored(bordeaux, as_user, s3):
    token = token_of(refused_with_a_pdf(as_user(bordeaux, "t1"), bordeaux))
    [kept] = pending()
    director = as_user(bordeaux, "dA")  # may edit the same class's cahier de textes

    # The token does not show nor remove the teacher's file...
    page = text(
        director.post(
            new_entry_url(bordeaux),
            {**NO_DATE, "pending_token": token, "remove_pending": [str(kept.pk)]},
        )
    )
    assert "Fichier conservé" not in page and "Fiche son ou.pdf" not in page
    assert token_of(page) == ""
    # ...nor joins it to the director's entry.
    response = director.post(new_entry_url(bordeaux), {**ENTRY, "pending_token": token})

    assert response.status_code == 302
    with schema_context("bordeaux"):
        assert not HomeworkEntry.objects.get().attachments.exists()
    assert pending() == [kept]


def test_a_token_waits_for_its_own_form_only(bordeaux, as_user, media):
    client = as_user(bordeaux, "t1")
    token = token_of(refused_with_a_pdf(client, bordeaux))

    # The same teacher's liaison note with that token: the homework form's file stays there.
    response = client.post(
        f"/liaison/classes/{bordeaux.classes['A1'].pk}/nouveau/",
        {"title": "Sortie", "text": "Au musée.", "audience": "class", "pending_token": token},
    )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        assert not LiaisonNote.objects.get().attachments.exists()
    assert len(pending()) == 1


def test_a_liaison_note_refused_for_its_title_keeps_its_file(bordeaux, as_user, media):
    client = as_user(bordeaux, "t1")
    url = f"/liaison/classes/{bordeaux.classes['A1'].pk}/nouveau/"
    note = {"title": "", "text": "Autorisation jointe.", "audience": "class"}

    page = text(
        client.post(url, {**note, "attachments": [files.upload("autorisation.pdf", files.PDF)]})
    )

    assert "Fichier conservé : " in page and "autorisation.pdf" in page
    response = client.post(url, {**note, "title": "Sortie", "pending_token": token_of(page)})
    assert response.status_code == 302
    with schema_context("bordeaux"):
        [attachment] = LiaisonNote.objects.get().attachments.all()
    assert attachment.original_name == "autorisation.pdf" and pending() == []


def test_a_refused_file_is_not_kept_and_the_kept_ones_stay(bordeaux, as_user, s3):
    client = as_user(bordeaux, "t1")
    token = token_of(refused_with_a_pdf(client, bordeaux))

    page = text(
        client.post(
            new_entry_url(bordeaux),
            {
                **ENTRY,
                "pending_token": token,
                "attachments": [files.upload("dessin.svg", files.SVG, "image/svg+xml")],
            },
        )
    )

    assert "« dessin.svg » n'est pas d'un type accepté" in page
    assert page.count("Fichier conservé : ") == 1 and token_of(page) == token
    with schema_context("bordeaux"):
        assert not HomeworkEntry.objects.exists()
    assert len(pending()) == 1 and len(s3.keys()) == 1


def test_the_retention_rule_deletes_pending_files_older_than_a_day(
    bordeaux, as_user, s3, django_capture_on_commit_callbacks
):
    client = as_user(bordeaux, "t1")
    refused_with_a_pdf(client, bordeaux, "ancien.pdf")
    refused_with_a_pdf(client, bordeaux, "récent.pdf")
    now = timezone.now()
    with schema_context("bordeaux"):
        old = Attachment.objects.get(original_name="ancien.pdf")
        recent = Attachment.objects.get(original_name="récent.pdf")
        Attachment.objects.filter(pk=old.pk).update(
            pending_since=now - datetime.timedelta(hours=25)
        )
        Attachment.objects.filter(pk=recent.pk).update(
            pending_since=now - datetime.timedelta(hours=23)
        )
        # An attachment of an entry is never pending, whatever its age.
        client.post(
            new_entry_url(bordeaux), {**ENTRY, "attachments": [files.upload("a.pdf", files.PDF)]}
        )
        joined = Attachment.objects.get(publication__isnull=False)
        Attachment.objects.filter(pk=joined.pk).update(created_at=now - datetime.timedelta(days=3))

        with django_capture_on_commit_callbacks(execute=True):
            deleted = retention_enforce(now=now)

        assert deleted["pieces-jointes-en-attente"] == 1
        assert set(Attachment.objects.values_list("pk", flat=True)) == {recent.pk, joined.pk}
    assert sorted(s3.keys()) == sorted([str(recent.file.name), str(joined.file.name)])


def test_the_uploaders_export_holds_the_kept_file_but_not_its_token(bordeaux, as_user, s3):
    token = token_of(refused_with_a_pdf(as_user(bordeaux, "t1"), bordeaux))

    with schema_context("bordeaux"):
        data = personal_data(bordeaux["t1"])
        [row] = data.tables["attachments_attachment.uploaded_by_id"]
        zipped = personal_zip(data, commune_name="Bordeaux")

    assert row["original_name"] == "Fiche son ou.pdf" and row["pending_since"]
    assert [name for name, _ in data.files] == [f"{row['id']}-Fiche son ou.pdf"]
    assert token not in json.dumps(data.tables)  # only its digest is kept
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        assert not any(token in archive.read(name).decode("latin-1") for name in archive.namelist())
        assert any(archive.read(name) == files.PDF for name in archive.namelist())
