"""Attachments through the notebooks' pages, on the filesystem storage (development's)."""

from __future__ import annotations

import html
import re

from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.attachments.models import Attachment
from apps.homework.models import HomeworkEntry
from apps.liaison.models import LiaisonNote
from apps.liaison.services import liaison_note_confirm
from tests.attachments import files
from tests.attachments.test_services import stored_files
from tests.homework.conftest import MONDAY, entry
from tests.liaison.conftest import class_note

WEEK = f"?semaine={MONDAY.isoformat()}"
ENTRY = {
    "domain": "francais",
    "on": "2026-10-05",
    "done": "Le son [ou].",
    "due_on": "2026-10-08",
    "todo": "Lire la fiche.",
    "repeat": "",
    "publish": "on",
}


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def new_entry_url(world) -> str:
    return f"/cahier-de-textes/classes/{world.classes['A1'].pk}/nouvelle-seance/"


def test_the_teacher_joins_files_that_pupils_and_parents_see_and_download(bordeaux, as_user, media):
    response = as_user(bordeaux, "t1").post(
        new_entry_url(bordeaux),
        {
            **ENTRY,
            "attachments": [
                files.upload("Fiche son ou.pdf", files.PDF),
                files.upload("Chanson.mp3", files.MP3),
            ],
        },
    )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        fiche, chanson = Attachment.objects.select_related("publication")
        assert fiche.publication == HomeworkEntry.objects.get().publication
    assert stored_files(media) == sorted([str(fiche.file.name), str(chanson.file.name)])
    for who, url in (
        ("p1", "/cahier-de-textes/" + WEEK),
        ("par1", f"/cahier-de-textes/enfants/{bordeaux['p1'].pk}/" + WEEK),
        ("t1", f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/" + WEEK),
    ):
        page = text(as_user(bordeaux, who).get(url))
        assert f'href="/pieces-jointes/{fiche.pk}/"' in page, who
        assert 'Fiche son ou.pdf</a> <span class="attachment-meta">(PDF, ' in page
        assert 'Chanson.mp3</a> <span class="attachment-meta">(son MP3, ' in page

    download = as_user(bordeaux, "par1").get(f"/pieces-jointes/{fiche.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == files.PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Fiche son ou.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_refused_file_keeps_the_form_with_one_french_error_and_stores_nothing(
    bordeaux, as_user, media
):
    response = as_user(bordeaux, "t1").post(
        new_entry_url(bordeaux),
        {**ENTRY, "attachments": [files.upload("dessin.svg", files.SVG, "image/svg+xml")]},
    )

    assert response.status_code == 200
    page = text(response)
    assert "« dessin.svg » n'est pas d'un type accepté. Types acceptés : PDF," in page
    assert page.count("n'est pas d'un type accepté") == 1
    with schema_context("bordeaux"):
        assert HomeworkEntry.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_the_teacher_removes_an_attachment_while_editing(
    bordeaux, as_user, media, django_capture_on_commit_callbacks
):
    math = entry(bordeaux)
    client = as_user(bordeaux, "t1")
    url = f"/cahier-de-textes/seances/{math.pk}/modifier/"
    data = {**ENTRY, "domain": "mathematiques"}
    client.post(
        url,
        {
            **data,
            "attachments": [files.upload("a.pdf", files.PDF), files.upload("b.png", files.png())],
        },
    )
    with schema_context("bordeaux"):
        a, b = Attachment.objects.all()
    form = text(client.get(url))
    assert 'enctype="multipart/form-data"' in form
    assert f'name="remove_attachments" value="{a.pk}"' in form and "a.pdf (PDF, " in form

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "remove_attachments": [a.pk]})

    assert response.status_code == 302
    with schema_context("bordeaux"):
        assert list(Attachment.objects.all()) == [b]
    assert stored_files(media) == [b.file.name]


def test_a_draft_attachment_is_for_its_editors_only(bordeaux, as_user, media):
    draft = entry(bordeaux, publish=False)
    with schema_context("bordeaux"):
        from apps.attachments.services import attachments_change

        [attachment] = attachments_change(
            user=bordeaux["t1"],
            publication=draft.publication,
            add=[files.upload("a.pdf", files.PDF)],
        )
    url = f"/pieces-jointes/{attachment.pk}/"
    assert as_user(bordeaux, "t1").get(url).status_code == 200
    assert as_user(bordeaux, "dA").get(url).status_code == 200  # the school's director edits too
    for who in ("p1", "par1", "t2", "par3", "adm"):
        assert as_user(bordeaux, who).get(url).status_code == 404, who


def test_liaison_notes_carry_files_for_the_families_they_concern(bordeaux, as_user, media):
    client = as_user(bordeaux, "t1")
    response = client.post(
        f"/liaison/classes/{bordeaux.classes['A1'].pk}/nouveau/",
        {
            "title": "Sortie au musée",
            "text": "Autorisation jointe.",
            "audience": "class",
            "acknowledgement_required": "on",
            "attachments": [files.upload("autorisation.odt", files.odt())],
        },
    )
    assert response.status_code == 302
    with schema_context("bordeaux"):
        note = LiaisonNote.objects.get()
        attachment = note.attachments.get()
    assert attachment.content_type == "application/vnd.oasis.opendocument.text"
    link = f'href="/pieces-jointes/{attachment.pk}/"'
    assert link in text(as_user(bordeaux, "par1").get(f"/liaison/enfants/{bordeaux['p1'].pk}/"))
    assert link in text(as_user(bordeaux, "p1").get("/liaison/"))
    assert link in text(client.get(f"/liaison/notes/{note.pk}/"))
    for who in ("par1", "p1", "t1", "dA"):
        assert as_user(bordeaux, who).get(f"/pieces-jointes/{attachment.pk}/").status_code == 200
    for who in ("par3", "p3", "t2", "par4", "dB", "adm"):
        assert as_user(bordeaux, who).get(f"/pieces-jointes/{attachment.pk}/").status_code == 404


def test_a_confirmed_note_offers_no_removal_and_its_correction_carries_new_files(
    bordeaux, as_user, media
):
    note = class_note(bordeaux)
    client = as_user(bordeaux, "t1")
    url = f"/liaison/notes/{note.pk}/modifier/"
    base = {"title": note.title, "text": note.text, "acknowledgement_required": "on"}
    assert (
        client.post(url, {**base, "attachments": [files.upload("menu.pdf", files.PDF)]}).status_code
        == 302
    )
    with schema_context("bordeaux"):
        kept = note.attachments.get()
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])

    form = text(client.get(url))
    assert "remove_attachments" not in form
    assert "Les pièces jointes du mot d'origine lui restent" in form

    response = client.post(
        url,
        {
            **base,
            "remove_attachments": [kept.pk],
            "attachments": [files.upload("menu2.pdf", files.PDF)],
        },
    )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        correction = LiaisonNote.objects.get(corrects=note)
        assert list(note.attachments.all()) == [kept]
        assert [a.original_name for a in correction.attachments.all()] == ["menu2.pdf"]


def test_an_unknown_or_unreachable_attachment_looks_the_same(
    bordeaux, pessac, as_user, media, client
):
    math = entry(bordeaux)
    with schema_context("bordeaux"):
        from apps.attachments.services import attachments_change

        [attachment] = attachments_change(
            user=bordeaux["t1"],
            publication=math.publication,
            add=[files.upload("a.pdf", files.PDF)],
        )
    missing = as_user(bordeaux, "par3").get("/pieces-jointes/987654/")
    hidden = as_user(bordeaux, "par3").get(f"/pieces-jointes/{attachment.pk}/")
    assert missing.status_code == hidden.status_code == 404
    assert missing.content == hidden.content
