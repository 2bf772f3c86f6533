"""A moderator locks a subject (no new message, its page says so; unlocked, replies again)
and pins one (first in its forum); « Signaler »: a member reports a published message with
a reason, the forum's moderators are told and see it on their page, remove it or dismiss the
report, and the reporter is told it was handled. Each moderator's act is in the journal."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.forum.models import Message, Report, ReportState, Subject
from apps.forum.notifications import REPORT_HANDLED, REPORTED
from apps.notifications.models import Notification
from apps.publications.models import Publication, State
from apps.publications.notifications import DECIDED
from tests.forum.helpers import message_in, school_forum, subject_in
from tests.forum.test_moderation_matrix import snapshot
from tests.world import World


@pytest.fixture
def forum_people(bordeaux: World, as_user) -> dict[str, Client]:
    return {name: as_user(bordeaux, name) for name in ("p1", "p2", "t1", "t2", "dA")}


def test_a_locked_subject_takes_no_message_and_says_so(bordeaux: World, forum_people):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        draft = message_in(bordeaux, subject, State.DRAFT, author="p2")
    assert (
        forum_people["t1"]
        .post(f"/forums/sujets/{subject.pk}/etat/", {"action": "lock"})
        .status_code
        == 302
    )
    page = forum_people["p1"].get(f"/forums/sujets/{subject.pk}/").content.decode()
    assert "Sujet verrouillé" in page and 'action="/forums/sujets/' not in page.split("Réponses")[1]
    before = snapshot()
    refused = forum_people["p1"].post(
        f"/forums/sujets/{subject.pk}/repondre/", {"body": "Et moi ?"}
    )
    assert refused.status_code == 400
    assert "Ce sujet est verrouillé : on ne peut plus y répondre." in refused.content.decode()
    # The author of a message sent back no longer changes it either.
    assert (
        forum_people["p2"].post(f"/forums/messages/{draft.pk}/modifier/", {"body": "x"}).status_code
        == 404
    )
    assert snapshot() == before
    forum_people["t1"].post(f"/forums/sujets/{subject.pk}/etat/", {"action": "unlock"})
    forum_people["p1"].post(f"/forums/sujets/{subject.pk}/repondre/", {"body": "Et moi ?"})
    with schema_context("bordeaux"):
        assert Message.objects.filter(body="Et moi ?").exists()
        actions = list(
            AuditEvent.objects.filter(action__startswith="forum.subject_").values_list(
                "action", flat=True
            )
        )
    assert sorted(actions) == ["forum.subject_locked", "forum.subject_unlocked"]


def test_a_pinned_subject_comes_first(bordeaux: World, forum_people):
    with schema_context("bordeaux"):
        old = subject_in(bordeaux, title="Le vieux sujet")
        subject_in(bordeaux, title="Le nouveau sujet")
    listing = forum_people["p1"].get(f"/forums/{old.forum_id}/").content.decode()
    assert listing.index("Le nouveau sujet") < listing.index("Le vieux sujet")
    forum_people["t1"].post(f"/forums/sujets/{old.pk}/etat/", {"action": "pin"})
    listing = forum_people["p1"].get(f"/forums/{old.forum_id}/").content.decode()
    assert listing.index("Le vieux sujet") < listing.index("Le nouveau sujet")


def test_a_reported_message_is_removed_by_the_teacher_and_everyone_is_told(bordeaux, forum_people):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        message = message_in(bordeaux, subject, State.PUBLISHED, author="p2", body="Tu es nul")
    form = forum_people["p1"].get(f"/forums/messages/{message.pk}/signaler/")
    assert form.status_code == 200 and "Tu es nul" in form.content.decode()
    forum_people["p1"].post(f"/forums/messages/{message.pk}/signaler/", {"reason": "Il se moque"})
    # Twice: still one report.
    forum_people["p1"].post(f"/forums/messages/{message.pk}/signaler/", {"reason": "Encore"})
    # Its author may not report their own message.
    assert (
        forum_people["p2"].post(f"/forums/messages/{message.pk}/signaler/", {}).status_code == 404
    )
    with schema_context("bordeaux"):
        report = Report.objects.get()
        assert (report.reason, report.state, report.reporter_id) == (
            "Il se moque",
            ReportState.OPEN,
            bordeaux["p1"].pk,
        )
        told = Notification.objects.filter(kind=REPORTED)
        # The class forum's moderator; the notification says nothing of the message.
        assert [(n.recipient_id, n.url) for n in told] == [
            (bordeaux["t1"].pk, "/forums/signalements/")
        ]
        assert "Tu es nul" not in told.get().title
    page = forum_people["t1"].get("/forums/signalements/").content.decode()
    assert "Tu es nul" in page and "Il se moque" in page and "Paul Un" in page
    # The director moderates the school's forum, not A1's: not on her page, not hers to handle.
    assert "Tu es nul" not in forum_people["dA"].get("/forums/signalements/").content.decode()
    before = snapshot()
    assert (
        forum_people["dA"]
        .post("/forums/signalements/", {"report": report.pk, "decision": "remove"})
        .status_code
        == 404
    )
    assert (
        forum_people["t2"]
        .post("/forums/signalements/", {"report": report.pk, "decision": "remove"})
        .status_code
        == 404
    )
    assert forum_people["p1"].get("/forums/signalements/").status_code == 404
    assert snapshot() == before
    forum_people["t1"].post("/forums/signalements/", {"report": report.pk, "decision": "remove"})
    with schema_context("bordeaux"):
        report.refresh_from_db()
        publication = Publication.objects.get(pk=message.publication_id)
        assert (report.state, report.handled_by_id) == (ReportState.REMOVED, bordeaux["t1"].pk)
        assert (publication.state, publication.note) == (
            State.UNPUBLISHED,
            "Retiré après un signalement.",
        )
        [handled] = Notification.objects.filter(kind=REPORT_HANDLED)
        assert handled.recipient_id == bordeaux["p1"].pk and "retiré" in handled.title
        [decided] = Notification.objects.filter(kind=DECIDED, title__startswith="Retiré")
        assert decided.recipient_id == bordeaux["p2"].pk
        assert set(
            AuditEvent.objects.filter(action__startswith="forum.report").values_list(
                "action", flat=True
            )
        ) == {
            "forum.reported",
            "forum.report_removed",
        }
    assert (
        f'id="message-{message.pk}"'
        not in forum_people["p1"].get(f"/forums/sujets/{subject.pk}/").content.decode()
    )
    assert (
        "Aucun signalement à traiter."
        in forum_people["t1"].get("/forums/signalements/").content.decode()
    )


def test_a_dismissed_report_leaves_the_message_and_tells_the_reporter(bordeaux, forum_people):
    with schema_context("bordeaux"):
        forum = school_forum(bordeaux)
        from apps.accounts.selectors import actor_for
        from apps.forum.services import message_add, subject_create

        subject = subject_create(
            actor=actor_for(bordeaux["t2"]),
            forum=forum,
            category=forum.categories.get(),
            title="La kermesse",
            body="Qui tient le stand ?",
        )
        message = message_add(actor=actor_for(bordeaux["t1"]), subject=subject, body="Moi")
    # The subject's opening itself, reported by a pupil of the school.
    forum_people["p1"].post(f"/forums/sujets/{subject.pk}/signaler/", {"reason": ""})
    forum_people["p1"].post(f"/forums/messages/{message.pk}/signaler/", {"reason": "Bof"})
    with schema_context("bordeaux"):
        assert Report.objects.count() == 2
        # The school forum's moderator is its director.
        assert set(
            Notification.objects.filter(kind=REPORTED).values_list("recipient", flat=True)
        ) == {bordeaux["dA"].pk}
        opening = Report.objects.get(message__isnull=True)
    assert (
        forum_people["t1"].get("/forums/signalements/").content.decode().count("report-item") == 0
    )
    forum_people["dA"].post("/forums/signalements/", {"report": opening.pk, "decision": "dismiss"})
    with schema_context("bordeaux"):
        assert Report.objects.get(pk=opening.pk).state == ReportState.DISMISSED
        assert Report.objects.get(message=message).state == ReportState.OPEN
        assert Subject.objects.get(pk=subject.pk).publication.state == State.PUBLISHED
        [handled] = Notification.objects.filter(kind=REPORT_HANDLED)
        assert handled.recipient_id == bordeaux["p1"].pk and "reste" in handled.title
    # Handled already: said, nothing changes.
    before = snapshot()
    again = forum_people["dA"].post(
        "/forums/signalements/", {"report": opening.pk, "decision": "remove"}
    )
    assert again.status_code == 404 and snapshot() == before


def test_what_is_not_published_cannot_be_reported(bordeaux, forum_people):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        waiting = message_in(bordeaux, subject, State.SUBMITTED, author="p2")
    before = snapshot()
    for who in ("p1", "t1", "dA"):
        response = forum_people[who].post(
            f"/forums/messages/{waiting.pk}/signaler/", {"reason": "x"}
        )
        assert response.status_code == 404, who
    assert snapshot() == before


def test_a_moderator_edits_and_deletes_a_subject_and_the_journal_keeps_it(bordeaux, forum_people):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux, State.PUBLISHED, author="p2", title="Mon chat")
        message_in(bordeaux, subject, State.SUBMITTED, author="p1")
        category = subject.forum.categories.get()
    response = forum_people["t1"].post(
        f"/forums/sujets/{subject.pk}/modifier/",
        {"category": category.pk, "title": "Nos chats", "body": "Le mien est roux."},
    )
    assert response.status_code == 302
    with schema_context("bordeaux"):
        subject.refresh_from_db()
        assert (subject.title, subject.publication.state) == ("Nos chats", State.PUBLISHED)
    # A classmate may not; a category of another forum is refused too.
    before = snapshot()
    assert (
        forum_people["p1"]
        .post(
            f"/forums/sujets/{subject.pk}/modifier/",
            {"category": category.pk, "title": "Non", "body": "Non"},
        )
        .status_code
        == 404
    )
    assert forum_people["p1"].post(f"/forums/sujets/{subject.pk}/supprimer/").status_code == 404
    assert snapshot() == before
    assert forum_people["t1"].post(f"/forums/sujets/{subject.pk}/supprimer/").status_code == 302
    with schema_context("bordeaux"):
        assert not Subject.objects.exists() and not Message.objects.exists()
        assert not Publication.objects.filter(kind__startswith="forum.").exists()
        assert {"forum.subject_edited", "forum.subject_deleted"} <= set(
            AuditEvent.objects.values_list("action", flat=True)
        )
    assert "Rien n'attend votre décision." in forum_people["t1"].get("/a-valider/").content.decode()


def test_categories_are_the_moderators_and_a_used_one_stays(bordeaux, forum_people):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        forum_id, used = subject.forum_id, subject.category_id
    url = f"/forums/{forum_id}/categories/"
    before = snapshot()
    assert forum_people["p1"].get(url).status_code == 404
    assert forum_people["dA"].post(url, {"title": "Non"}).status_code == 404  # not A1's moderator
    assert snapshot() == before
    assert forum_people["t1"].post(url, {"title": "Nos lectures"}).status_code == 302
    taken = forum_people["t1"].post(url, {"title": "nos lectures"})
    assert taken.status_code == 400
    assert "Ce forum a déjà une catégorie de ce nom." in taken.content.decode()
    forum_people["t1"].post(url, {"delete": used})
    with schema_context("bordeaux"):
        from apps.forum.models import Category

        assert sorted(
            Category.objects.filter(forum_id=forum_id).values_list("title", flat=True)
        ) == [
            "Discussions",
            "Nos lectures",
        ]
    listing = forum_people["p1"].get(f"/forums/{forum_id}/").content.decode()
    assert "Nos lectures (0)" in listing and "Discussions (1)" in listing


def test_bad_input_gets_one_french_answer_and_changes_nothing(bordeaux, forum_people):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        other = school_forum(bordeaux).categories.get()
    teacher = forum_people["t1"]
    before = snapshot()
    # A category of another forum: the choice is refused in French.
    wrong = teacher.post(
        f"/forums/{subject.forum_id}/nouveau-sujet/",
        {"category": other.pk, "title": "Titre", "body": "Texte"},
    )
    assert wrong.status_code == 400
    assert "Choisissez une catégorie de ce forum." in wrong.content.decode()
    # An empty title, an empty reply.
    empty = teacher.post(
        f"/forums/{subject.forum_id}/nouveau-sujet/",
        {"category": subject.category_id, "title": "  ", "body": "Texte"},
    )
    assert empty.status_code == 400 and "Donnez un titre au sujet." in empty.content.decode()
    reply = teacher.post(f"/forums/sujets/{subject.pk}/repondre/", {"body": " "})
    assert reply.status_code == 400 and "Écrivez votre message." in reply.content.decode()
    # Ids that are not whole numbers, or of nothing: 404, as for a missing one.
    for url, data in (
        (f"/forums/sujets/{subject.pk}/decision/", {"decision": "publish", "message": "١٢"}),
        (f"/forums/sujets/{subject.pk}/decision/", {"decision": "n'importe", "message": "1"}),
        (f"/forums/sujets/{subject.pk}/etat/", {"action": "verrouiller"}),
        ("/forums/signalements/", {"report": "x", "decision": "remove"}),
        (f"/forums/{subject.forum_id}/categories/", {"delete": "99999999999999999999"}),
    ):
        assert teacher.post(url, data).status_code == 404, (url, data)
    assert teacher.get(f"/forums/{subject.forum_id}/?categorie=abc").status_code == 404
    assert snapshot() == before
