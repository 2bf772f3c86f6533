"""After replying, a guardian sees what they wrote, with its date; nobody else in the family
does — a reply is for the note's author (separated parents are common) — and the child's
other guardian may answer too; the author's status page lists the replies (tests/world.py:
par1 is p1's parent, par3 p3's)."""

from __future__ import annotations

import html
import re

from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.french.formatting import datetime_fr
from apps.liaison.models import Reply
from apps.liaison.services import liaison_note_reply
from apps.schools.models import GuardianKind, Guardianship


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def when(reply: Reply) -> str:
    return datetime_fr(timezone.localtime(reply.at))


def test_the_parent_sees_their_own_reply_and_its_date_after_posting(bordeaux, note, as_user):
    client = as_user(bordeaux, "par1")
    p1 = bordeaux["p1"].pk

    response = client.post(
        f"/liaison/enfants/{p1}/notes/{note.pk}/repondre/",
        {"text": "Merci.\nIl aura son goûter."},
        follow=True,
    )

    page = text(response)
    with schema_context("bordeaux"):
        reply = Reply.objects.get()
    assert "Votre réponse est envoyée à l'auteur du mot." in page
    assert f"Vous avez répondu le {when(reply)} :" in page
    assert "Merci.<br>Il aura son goûter." in page
    assert "Envoyer la réponse" not in page  # one answer each: no second form


def test_a_reply_is_shown_escaped(bordeaux, note, as_user):
    client = as_user(bordeaux, "par1")
    p1 = bordeaux["p1"].pk
    client.post(f"/liaison/enfants/{p1}/notes/{note.pk}/repondre/", {"text": "<b>Oui</b>"})

    raw = client.get(f"/liaison/enfants/{p1}/").content.decode()

    assert "&lt;b&gt;Oui&lt;/b&gt;" in raw and "<b>Oui</b>" not in raw


def test_the_other_guardian_of_the_child_does_not_see_the_reply_and_may_answer(
    bordeaux, note, as_user
):
    with schema_context("bordeaux"):
        Guardianship.objects.create(
            guardian=bordeaux["par3"], child=bordeaux["p1"], kind=GuardianKind.LEGAL_2
        )
        liaison_note_reply(guardian=actor_for(bordeaux["par1"]), note=note, text="Bien reçu.")
    p1 = bordeaux["p1"].pk

    page = text(as_user(bordeaux, "par3").get(f"/liaison/enfants/{p1}/"))

    assert "Bien reçu." not in page
    assert "Vous avez répondu" not in page
    assert "Envoyer la réponse" in page


def test_a_guardian_of_another_child_does_not_see_the_reply(bordeaux, note, as_user):
    """par3 is p3's parent; the note goes to A1 and par3 becomes p2's guardian: p2 is concerned,
    but par1's reply is about p1 and is not shown to p2's family."""
    with schema_context("bordeaux"):
        Guardianship.objects.create(
            guardian=bordeaux["par3"], child=bordeaux["p2"], kind=GuardianKind.LEGAL_1
        )
        liaison_note_reply(guardian=actor_for(bordeaux["par1"]), note=note, text="Bien reçu.")

    page = text(as_user(bordeaux, "par3").get(f"/liaison/enfants/{bordeaux['p2'].pk}/"))

    assert "Sortie au musée" in page
    assert "Bien reçu." not in page and "a répondu" not in page


def test_a_second_reply_is_refused_with_a_message_and_the_first_stands(bordeaux, note, as_user):
    client = as_user(bordeaux, "par1")
    url = f"/liaison/enfants/{bordeaux['p1'].pk}/notes/{note.pk}/repondre/"
    client.post(url, {"text": "Première."})

    response = client.post(url, {"text": "Seconde."}, follow=True)

    assert response.status_code == 200
    page = text(response)
    assert "Vous avez déjà répondu à ce mot" in page and "Première." in page
    with schema_context("bordeaux"):
        assert list(Reply.objects.values_list("text", flat=True)) == ["Première."]


def test_the_author_sees_the_replies_with_their_date(bordeaux, note, as_user):
    with schema_context("bordeaux"):
        reply = liaison_note_reply(
            guardian=actor_for(bordeaux["par1"]), note=note, text="Bien reçu."
        )

    page = text(as_user(bordeaux, "t1").get(f"/liaison/notes/{note.pk}/"))

    assert f"Pascale Un — {when(reply)}" in page and "Bien reçu." in page


def test_pupils_do_not_see_their_parents_replies(bordeaux, note, as_user):
    with schema_context("bordeaux"):
        liaison_note_reply(guardian=actor_for(bordeaux["par1"]), note=note, text="Bien reçu.")

    page = text(as_user(bordeaux, "p1").get("/liaison/"))

    assert "Sortie au musée" in page and "Bien reçu." not in page
