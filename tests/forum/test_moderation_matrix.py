"""The moderation matrix of a forum message (and of the subject it answers), through the
pages: in each state of the circuit (submitted, published, a correction asked, refused, taken
down, deleted), exactly the right people see it and act on it — publish, edit, delete, lock,
report — and a refused act changes nothing in the database.

The message is a pupil's (p2) in a subject of class A1's forum: its classmate p1, p1's parent
par1, A1's teacher t1 (its moderator), A2's teacher t2, the director dA, Pessac's teacher and
an anonymous visitor (see ``apps/forum/rules.py``: a class forum is its pupils', its
teachers' and the direction's; not the parents' nor other classes' teachers')."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.forum.models import Message, Report, Subject
from apps.notifications.models import Notification
from apps.publications.models import Publication, State
from tests.forum.helpers import STATES, message_in, subject_in
from tests.world import World

PEOPLE = {
    "author": "p2",
    "classmate": "p1",
    "classmate_parent": "par1",
    "teacher": "t1",
    "other_teacher": "t2",
    "director": "dA",
}
MEMBERS = {"author", "classmate", "teacher", "director"}  # of A1's forum
IN_CIRCUIT = {"author", "teacher"}  # what is not published: its author and its moderator
ALL = [*PEOPLE, "other_commune", "anonymous"]


@pytest.fixture
def forum_clients(bordeaux: World, pessac: World, as_user, tenant_client) -> dict[str, Client]:
    made = {who: as_user(bordeaux, name) for who, name in PEOPLE.items()}
    made["other_commune"] = as_user(pessac, "pt")
    made["anonymous"] = tenant_client("bordeaux")
    return made


def snapshot() -> tuple:
    """Every row an act on the forum could change, as it is now."""
    with schema_context("bordeaux"):
        return (
            list(Message.objects.order_by("pk").values_list("pk", "body")),
            list(
                Subject.objects.order_by("pk").values_list(
                    "pk", "title", "body", "locked", "pinned", "category_id"
                )
            ),
            list(
                Publication.objects.order_by("pk").values_list(
                    "pk", "state", "note", "edited_at", "decided_at"
                )
            ),
            list(Report.objects.order_by("pk").values_list("pk", "state")),
            Notification.objects.count(),
            AuditEvent.objects.count(),
        )


def refused(response, who: str) -> bool:
    """Refused as a stranger to the act: 404 (the same as a missing message), or the login
    page for the anonymous visitor."""
    if who == "anonymous":
        return response.status_code == 302 and "/connexion/" in response["Location"]
    return response.status_code == 404


def sees(who: str, state: str) -> bool:
    return who in (MEMBERS if state == State.PUBLISHED else IN_CIRCUIT)


@pytest.mark.parametrize("state", STATES)
def test_who_sees_a_pupils_message_in_each_state(bordeaux: World, forum_clients, state):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        message = message_in(bordeaux, subject, state)
    marker = f'id="message-{message.pk}"'
    for who in ALL:
        own = forum_clients[who].get(f"/forums/messages/{message.pk}/")
        page = forum_clients[who].get(f"/forums/sujets/{subject.pk}/")
        if sees(who, state):
            assert own.status_code == 302, (who, state)
            assert own["Location"] == f"/forums/sujets/{subject.pk}/#message-{message.pk}"
            assert marker in page.content.decode(), (who, state)
        else:
            assert refused(own, who), (who, state)
            if who in MEMBERS:  # the subject, without the message
                assert page.status_code == 200 and marker not in page.content.decode()
            else:
                assert refused(page, who), (who, state)
    if state in (State.DRAFT, State.REFUSED, State.UNPUBLISHED):
        # The moderator's note is the author's and the moderator's to read, nobody else's.
        note = {State.DRAFT: "Reformule", State.REFUSED: "Hors sujet", State.UNPUBLISHED: "Pas ici"}
        for who in ("author", "teacher"):
            assert (
                note[state]
                in forum_clients[who].get(f"/forums/sujets/{subject.pk}/").content.decode()
            )
        assert (
            note[state]
            not in forum_clients["director"].get(f"/forums/sujets/{subject.pk}/").content.decode()
        )


def _acts(subject: Subject, message: Message) -> dict[str, tuple[str, dict[str, object]]]:
    return {
        "publish": (
            f"/forums/sujets/{subject.pk}/decision/",
            {"decision": "publish", "message": message.pk},
        ),
        "unpublish": (
            f"/forums/sujets/{subject.pk}/decision/",
            {"decision": "unpublish", "message": message.pk, "note": "x"},
        ),
        "refuse": (
            f"/forums/sujets/{subject.pk}/decision/",
            {"decision": "refuse", "message": message.pk, "note": "x"},
        ),
        "edit": (f"/forums/messages/{message.pk}/modifier/", {"body": "Changé"}),
        "delete": (f"/forums/messages/{message.pk}/supprimer/", {}),
        "lock": (f"/forums/sujets/{subject.pk}/etat/", {"action": "lock"}),
        "pin": (f"/forums/sujets/{subject.pk}/etat/", {"action": "pin"}),
        "report": (f"/forums/messages/{message.pk}/signaler/", {"reason": "Méchant"}),
    }


# The moderator's decisions, in the states the circuit allows them
# (``apps.publications.moderation.DECISIONS``); in another state the page says so and nothing
# changes.
DECIDABLE = {
    "publish": {State.SUBMITTED, State.UNPUBLISHED},
    "refuse": {State.SUBMITTED},
    "unpublish": {State.PUBLISHED},
}


def allowed(who: str, act: str, state: str) -> bool:
    if act in DECIDABLE:
        return who == "teacher" and state in DECIDABLE[act]
    if act in ("lock", "pin"):
        return who == "teacher"
    if act in ("edit", "delete"):
        return who == "teacher" or (who == "author" and state in (State.DRAFT, State.REFUSED))
    # report: a member, on what is published and not their own
    return state == State.PUBLISHED and who in MEMBERS - {"author"}


@pytest.mark.parametrize("state", STATES)
def test_who_acts_on_a_pupils_message_in_each_state(bordeaux: World, forum_clients, state):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        message = message_in(bordeaux, subject, state)
    acts = _acts(subject, message)
    for who in ALL:
        for act, (url, data) in acts.items():
            if allowed(who, act, state):
                continue
            before = snapshot()
            response = forum_clients[who].post(url, data)
            if who == "teacher" and act in DECIDABLE:  # not in this state: said, not done
                assert response.status_code == 302, (act, state)
                page = forum_clients[who].get(response["Location"]).content.decode()
                assert (
                    "la page a été mise à jour" in page or "Vous ne pouvez pas décider" in page
                ), (act, state)
            else:
                assert refused(response, who), (who, act, state, response.status_code)
            assert snapshot() == before, (who, act, state)
    # Those who may, do: the change is there (each act on a message of its own).
    for who in ALL:
        for act in acts:
            if not allowed(who, act, state):
                continue
            with schema_context("bordeaux"):
                fresh = message_in(bordeaux, subject, state, body=f"{who} {act}")
            url, data = _acts(subject, fresh)[act]
            response = forum_clients[who].post(url, data)
            assert response.status_code == 302, (who, act, state)
            with schema_context("bordeaux"):
                row = Message.objects.filter(pk=fresh.pk).select_related("publication").first()
                locked = Subject.objects.values_list("locked", "pinned").get(pk=subject.pk)
                if act == "delete":
                    assert (
                        row is None
                        and not Publication.objects.filter(pk=fresh.publication_id).exists()
                    )
                    continue
                assert row is not None, (who, act, state)
                if act == "edit":
                    assert row.body == "Changé", (who, state)
                elif act == "publish":
                    assert row.publication.state == State.PUBLISHED
                elif act == "unpublish":
                    assert row.publication.state == State.UNPUBLISHED
                elif act == "refuse":
                    assert row.publication.state == State.REFUSED
                elif act == "lock":
                    assert locked[0]
                    Subject.objects.filter(pk=subject.pk).update(locked=False)
                elif act == "pin":
                    assert locked[1]
                elif act == "report":
                    assert Report.objects.filter(
                        message=fresh, reporter=bordeaux[PEOPLE[who]]
                    ).exists()


def test_a_deleted_message_is_gone_for_everyone(bordeaux: World, forum_clients):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        message = message_in(bordeaux, subject, State.PUBLISHED)
    assert (
        forum_clients["teacher"].post(f"/forums/messages/{message.pk}/supprimer/").status_code
        == 302
    )
    for who in ALL:
        assert refused(forum_clients[who].get(f"/forums/messages/{message.pk}/"), who), who
        assert refused(
            forum_clients[who].post(f"/forums/messages/{message.pk}/modifier/", {"body": "x"}), who
        )
    with schema_context("bordeaux"):
        assert AuditEvent.objects.filter(action="forum.message_deleted").count() == 1


@pytest.mark.parametrize("state", STATES)
def test_who_sees_a_pupils_subject_in_each_state(bordeaux: World, forum_clients, state):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux, state, author="p2", title="Mon exposé")
        forum_id = subject.forum_id
    for who in ALL:
        page = forum_clients[who].get(f"/forums/sujets/{subject.pk}/")
        if sees(who, state):
            assert page.status_code == 200, (who, state)
        else:
            assert refused(page, who), (who, state)
        if who in MEMBERS:
            listing = forum_clients[who].get(f"/forums/{forum_id}/").content.decode()
            assert ("Mon exposé" in listing) == sees(who, state), (who, state, "list")
    # Nobody but the moderator decides, locks or pins it; nothing changes.
    for who in ALL:
        if who == "teacher":
            continue
        for url, data in (
            (f"/forums/sujets/{subject.pk}/decision/", {"decision": "publish"}),
            (f"/forums/sujets/{subject.pk}/decision/", {"decision": "unpublish"}),
            (f"/forums/sujets/{subject.pk}/etat/", {"action": "lock"}),
            (f"/forums/sujets/{subject.pk}/etat/", {"action": "pin"}),
        ):
            before = snapshot()
            assert refused(forum_clients[who].post(url, data), who), (who, url, state)
            assert snapshot() == before


def test_a_pupils_subject_waits_then_the_teacher_publishes_it_from_the_queue(
    bordeaux: World, forum_clients
):
    with schema_context("bordeaux"):
        forum = subject_in(bordeaux).forum
        category = forum.categories.get()
    response = forum_clients["author"].post(
        f"/forums/{forum.pk}/nouveau-sujet/",
        {"category": category.pk, "title": "Nos lapins", "body": "Ils mangent des carottes."},
    )
    assert response.status_code == 302
    with schema_context("bordeaux"):
        subject = Subject.objects.select_related("publication").get(title="Nos lapins")
        assert subject.publication.state == State.SUBMITTED
    assert forum_clients["classmate"].get(f"/forums/sujets/{subject.pk}/").status_code == 404
    queue = forum_clients["teacher"].get("/a-valider/").content.decode()
    assert "Sujet « Nos lapins »" in queue and f"/forums/sujets/{subject.pk}/" in queue
    # Not in the queue of A2's teacher nor of the director (a class forum's are its teachers').
    for who in ("other_teacher", "director"):
        assert "Nos lapins" not in forum_clients[who].get("/a-valider/").content.decode()
    forum_clients["teacher"].post(
        "/a-valider/", {"publication": subject.publication_id, "decision": "publish"}
    )
    assert forum_clients["classmate"].get(f"/forums/sujets/{subject.pk}/").status_code == 200


def test_a_correction_asked_goes_back_to_the_pupil_who_sends_it_again(
    bordeaux: World, forum_clients
):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        message = message_in(bordeaux, subject, State.DRAFT)
    page = forum_clients["author"].get(f"/forums/sujets/{subject.pk}/").content.decode()
    assert "Reformule ta phrase." in page and "À corriger" in page
    response = forum_clients["author"].post(
        f"/forums/messages/{message.pk}/modifier/", {"body": "Moi, je viens !"}
    )
    assert response.status_code == 302
    with schema_context("bordeaux"):
        message.refresh_from_db()
        publication = Publication.objects.get(pk=message.publication_id)
        assert (message.body, publication.state) == ("Moi, je viens !", State.SUBMITTED)
    # An empty message: one French error, nothing changed.
    before = snapshot()
    with schema_context("bordeaux"):
        Publication.objects.filter(pk=message.publication_id).update(state=State.DRAFT)
    before = snapshot()
    empty = forum_clients["author"].post(
        f"/forums/messages/{message.pk}/modifier/", {"body": "   "}
    )
    assert empty.status_code == 400 and "Écrivez votre message." in empty.content.decode()
    assert snapshot() == before


def test_adults_write_at_once_a_pupil_waits(bordeaux: World, forum_clients):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
    for who in ("teacher", "director", "classmate"):
        forum_clients[who].post(
            f"/forums/sujets/{subject.pk}/repondre/", {"body": f"Réponse {who}"}
        )
    with schema_context("bordeaux"):
        states = dict(Message.objects.values_list("body", "publication__state"))
    assert states == {
        "Réponse teacher": State.PUBLISHED,
        "Réponse director": State.PUBLISHED,
        "Réponse classmate": State.SUBMITTED,
    }
    # Strangers to the forum may not reply: nothing written.
    for who in ("classmate_parent", "other_teacher", "other_commune", "anonymous"):
        before = snapshot()
        response = forum_clients[who].post(
            f"/forums/sujets/{subject.pk}/repondre/", {"body": "Non"}
        )
        assert refused(response, who) and snapshot() == before, who
