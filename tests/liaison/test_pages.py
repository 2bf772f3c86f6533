"""The cahier de liaison's pages: the author's status table, the families' notebook, the
pupils' read-only list, paper slips. Forbidden answers the same 404 as missing, and changes
nothing."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.liaison.models import Acknowledgement, LiaisonNote, NoteRead, Reminder, Reply
from apps.liaison.services import liaison_note_confirm, liaison_notes_mark_read
from tests.helpers import assert_num_queries
from tests.liaison.conftest import class_note
from tests.world import add_pupils

MISSING_ID = 987654


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def counts() -> tuple[int, int, int, int]:
    return (
        LiaisonNote.objects.count(),
        Acknowledgement.objects.count(),
        Reply.objects.count(),
        Reminder.objects.count(),
    )


# --- authors ----------------------------------------------------------------------------------


def test_the_teacher_publishes_a_note_to_the_class_from_the_form(bordeaux, as_user):
    client = as_user(bordeaux, "t1")
    assert "Nouveau mot pour la classe CP A1" in text(client.get("/liaison/"))
    url = f"/liaison/classes/{bordeaux.classes['A1'].pk}/nouveau/"
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "title": "Piscine",
            "text": "Mardi.\n<b>Bonnet</b> obligatoire.",
            "audience": "class",
            "acknowledgement_required": "on",
        },
    )

    with schema_context("bordeaux"):
        note = LiaisonNote.objects.get()
        assert note.recipients.count() == 2
    assert response.status_code == 302 and response.url == f"/liaison/notes/{note.pk}/"
    page = text(client.get(response.url))
    assert "Mardi.<br>&lt;b&gt;Bonnet&lt;/b&gt; obligatoire." in page  # plain text, escaped
    assert "Paul Un" in page and "Pia Deux" in page
    assert page.count("pas encore lu") == 2


def test_the_status_table_shows_read_and_confirmed(bordeaux, note, as_user):
    with schema_context("bordeaux"):
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
    page = text(as_user(bordeaux, "t1").get(f"/liaison/notes/{note.pk}/"))

    assert "confirmé le" in page and "par Pascale Un" in page
    assert page.count("pas encore lu") == 1
    assert "1 confirmation" in page


# Routing, session, user and its 2FA check (1), the Actor (5), the note, its attachments, its
# status (ONE query whatever the class size), its replies, its reminders, the header's unread
# notifications badge (ONE), the unread messages badge (ONE), the session save.
STATUS_QUERIES = 22


@pytest.mark.parametrize("pupils", [5, 50])
def test_the_status_table_costs_the_same_whatever_the_number_of_pupils(bordeaux, as_user, pupils):
    add_pupils(bordeaux, pupils - 2)  # A1 already has p1 and p2
    note = class_note(bordeaux)
    with schema_context("bordeaux"):
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
        assert note.recipients.count() == pupils
    client = as_user(bordeaux, "t1")

    with assert_num_queries(STATUS_QUERIES):
        response = client.get(f"/liaison/notes/{note.pk}/")

    assert response.status_code == 200
    assert text(response).count("pas encore lu") == pupils - 1


def test_the_reminder_button_records_a_reminder(bordeaux, note, as_user):
    response = as_user(bordeaux, "t1").post(f"/liaison/notes/{note.pk}/relancer/")

    assert response.status_code == 302
    with schema_context("bordeaux"):
        assert Reminder.objects.get().child_ids == sorted([bordeaux["p1"].pk, bordeaux["p2"].pk])


@pytest.mark.parametrize("who", ["t2", "dB", "p1", "par1", "adm"])
def test_the_status_slips_and_reminder_are_404_for_others(bordeaux, note, as_user, who):
    client = as_user(bordeaux, who)
    for url in (f"/liaison/notes/{note.pk}/", f"/liaison/notes/{note.pk}/coupons.pdf"):
        assert client.get(url).status_code == 404
    assert client.post(f"/liaison/notes/{note.pk}/relancer/").status_code == 404
    assert client.get(f"/liaison/notes/{MISSING_ID}/").status_code == 404
    with schema_context("bordeaux"):
        assert Reminder.objects.count() == 0


def test_a_pupil_cannot_write_a_note(bordeaux, as_user):
    client = as_user(bordeaux, "p1")
    url = f"/liaison/classes/{bordeaux.classes['A1'].pk}/nouveau/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "x", "text": "y", "audience": "class"}).status_code == 404
    with schema_context("bordeaux"):
        assert LiaisonNote.objects.count() == 0


def test_a_confirmed_note_is_corrected_not_edited(bordeaux, note, as_user):
    with schema_context("bordeaux"):
        liaison_note_confirm(guardian=actor_for(bordeaux["par1"]), note=note, child=bordeaux["p1"])
    client = as_user(bordeaux, "t1")
    assert "Publier la correction" in text(client.get(f"/liaison/notes/{note.pk}/modifier/"))

    client.post(
        f"/liaison/notes/{note.pk}/modifier/",
        {"title": "Sortie (correction)", "text": "Vendredi.", "acknowledgement_required": "on"},
    )

    with schema_context("bordeaux"):
        note.refresh_from_db()
        assert note.title == "Sortie au musée"
        correction = LiaisonNote.objects.get(corrects=note)
        assert correction.title == "Sortie (correction)"


def test_the_slips_have_one_page_per_concerned_child(bordeaux, note, as_user):
    response = as_user(bordeaux, "t1").get(f"/liaison/notes/{note.pk}/coupons.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    pages = [page.extract_text() for page in reader.pages]
    assert "Paul Un" in pages[1] + pages[0] and "Pia Deux" in pages[0] + pages[1]
    assert all("Signature du responsable légal" in page for page in pages)
    assert all("Sortie au musée" in page and "CP A1" in page for page in pages)


def test_school_slips_cover_every_class_of_the_school(bordeaux, as_user):
    client = as_user(bordeaux, "dA")
    client.post(
        f"/liaison/ecoles/{bordeaux.schools['A'].pk}/nouveau/",
        {"title": "Kermesse", "text": "Samedi.", "acknowledgement_required": "on"},
    )
    with schema_context("bordeaux"):
        note = LiaisonNote.objects.get()

    response = client.get(f"/liaison/notes/{note.pk}/coupons.pdf")

    assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) == 3


# --- families -----------------------------------------------------------------------------------


def test_the_parent_reads_confirms_and_replies(bordeaux, note, as_user):
    client = as_user(bordeaux, "par1")
    p1 = bordeaux["p1"].pk
    assert client.get("/liaison/").url == f"/liaison/enfants/{p1}/"

    page = text(client.get(f"/liaison/enfants/{p1}/"))
    assert "Sortie au musée" in page and "J'ai pris connaissance" in page
    client.post(f"/liaison/enfants/{p1}/notes/{note.pk}/confirmer/")
    client.post(f"/liaison/enfants/{p1}/notes/{note.pk}/repondre/", {"text": "Merci."})

    with schema_context("bordeaux"):
        assert NoteRead.objects.filter(note=note, guardian=bordeaux["par1"]).exists()
        ack = Acknowledgement.objects.get()
        assert (ack.child, ack.guardian) == (bordeaux["p1"], bordeaux["par1"])
        assert Reply.objects.get().text == "Merci."
    page = text(client.get(f"/liaison/enfants/{p1}/"))
    assert "Prise de connaissance confirmée" in page and "Vous avez répondu" in page


def test_a_parent_switches_between_children(bordeaux, as_user):
    with schema_context("bordeaux"):
        from apps.schools.models import GuardianKind, Guardianship

        Guardianship.objects.create(
            guardian=bordeaux["par1"], child=bordeaux["p3"], kind=GuardianKind.LEGAL_1
        )
    class_note(bordeaux, author="t2", classroom="A2", title="Chorale")
    client = as_user(bordeaux, "par1")

    page = text(client.get(f"/liaison/enfants/{bordeaux['p3'].pk}/"))

    assert "Chorale" in page
    assert f'href="/liaison/enfants/{bordeaux["p1"].pk}/"' in page


def test_a_parent_cannot_read_confirm_or_reply_for_a_child_not_theirs(bordeaux, note, as_user):
    client = as_user(bordeaux, "par3")
    p1 = bordeaux["p1"].pk
    p3 = bordeaux["p3"].pk
    with schema_context("bordeaux"):
        before = counts()

    assert client.get(f"/liaison/enfants/{p1}/").status_code == 404
    assert "Sortie au musée" not in text(client.get(f"/liaison/enfants/{p3}/"))
    for child in (p1, p3):
        base = f"/liaison/enfants/{child}/notes/{note.pk}/"
        assert client.post(base + "confirmer/").status_code == 404
        assert client.post(base + "repondre/", {"text": "Coucou"}).status_code == 404
    assert client.post(f"/liaison/enfants/{p3}/notes/{MISSING_ID}/confirmer/").status_code == 404

    with schema_context("bordeaux"):
        assert counts() == before
        assert not NoteRead.objects.filter(guardian=bordeaux["par3"]).exists()


def test_a_parent_without_parental_authority_sees_no_confirm_button(bordeaux, note, as_user):
    with schema_context("bordeaux"):
        from apps.schools.models import Guardianship

        Guardianship.objects.filter(guardian=bordeaux["par1"]).update(parental_authority=False)
    client = as_user(bordeaux, "par1")
    p1 = bordeaux["p1"].pk

    assert "J'ai pris connaissance" not in text(client.get(f"/liaison/enfants/{p1}/"))
    assert client.post(f"/liaison/enfants/{p1}/notes/{note.pk}/confirmer/").status_code == 404
    with schema_context("bordeaux"):
        assert Acknowledgement.objects.count() == 0


def test_pupils_read_the_notes_that_concern_them_only(bordeaux, note, as_user):
    assert "Sortie au musée" in text(as_user(bordeaux, "p1").get("/liaison/"))
    page = text(as_user(bordeaux, "p3").get("/liaison/"))
    assert "Sortie au musée" not in page and "Aucun mot" in page
    client = as_user(bordeaux, "p1")
    assert (
        client.post(f"/liaison/enfants/{bordeaux['p1'].pk}/notes/{note.pk}/confirmer/").status_code
        == 404
    )
    with schema_context("bordeaux"):
        assert Acknowledgement.objects.count() == 0


def test_reading_twice_records_one_read(bordeaux, note):
    with schema_context("bordeaux"):
        liaison_notes_mark_read(guardian=actor_for(bordeaux["par1"]), notes=[note])
        liaison_notes_mark_read(guardian=actor_for(bordeaux["par1"]), notes=[note])
        assert NoteRead.objects.count() == 1


# --- communes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pt", "ppar", "pp"])
def test_nothing_of_another_commune_is_reachable(bordeaux, pessac, note, as_user, who):
    client = as_user(pessac, who)
    child = pessac["pp"].pk

    for url in (f"/liaison/notes/{note.pk}/", f"/liaison/notes/{note.pk}/coupons.pdf"):
        assert client.get(url).status_code == 404
    assert client.post(f"/liaison/notes/{note.pk}/relancer/").status_code == 404
    assert client.post(f"/liaison/enfants/{child}/notes/{note.pk}/confirmer/").status_code == 404
    assert (
        client.post(
            f"/liaison/enfants/{child}/notes/{note.pk}/repondre/", {"text": "x"}
        ).status_code
        == 404
    )
    with schema_context("pessac"):
        assert counts() == (0, 0, 0, 0)
    with schema_context("bordeaux"):
        assert (Acknowledgement.objects.count(), Reply.objects.count()) == (0, 0)
