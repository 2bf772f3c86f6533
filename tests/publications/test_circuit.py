"""The one moderation circuit, through a kind that exists only in this test (a class's
"mur" of short texts, registered at runtime as a feature does): who submits, who decides,
what each decision does, who is told, what the journal keeps, and the one queue across
kinds."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.notifications.models import Notification
from apps.publications import moderation, selectors, services
from apps.publications.models import Publication, State
from apps.publications.moderation import Scope
from tests.publications.wall import WALL, a1, written
from tests.world import World


def test_a_pupils_text_waits_for_a_teacher_of_the_class_who_publishes_it(bordeaux: World, wall):
    with schema_context("bordeaux"):
        post = written(bordeaux, wall, "p1", "Notre sortie", a1(bordeaux))
        post = services.circuit_submit(actor=actor_for(bordeaux["p1"]), publication=post)
        assert post.state == State.SUBMITTED and post.submitted_at is not None
        queues = {
            name: [
                line.publication.pk
                for line in selectors.queue_lines(selectors.queue_rows(actor_for(bordeaux[name])))
            ]
            for name in bordeaux.people
        }
        assert {name for name, ids in queues.items() if ids} == {"t1"}
        assert selectors.waiting_count(actor_for(bordeaux["t1"])) == 1
        # Nobody else may decide; a refused action changes nothing.
        for name in ("t2", "dA", "adm", "par1", "p2", "p1"):
            with pytest.raises(services.ModerationError):
                services.circuit_decide(
                    actor=actor_for(bordeaux[name]), publication=post, decision=moderation.PUBLISH
                )
        assert Publication.objects.get(pk=post.pk).state == State.SUBMITTED
        done = services.circuit_decide(
            actor=actor_for(bordeaux["t1"]), publication=post, decision=moderation.PUBLISH
        )
        assert done.state == State.PUBLISHED and done.published_at is not None
        assert done.decided_by_id == bordeaux["t1"].pk
        assert wall.decisions == [(post.pk, State.PUBLISHED)]
        told = Notification.objects.get(recipient=bordeaux["p1"], kind="publication_decided")
        assert told.title == "Publié : Notre sortie" and told.url == f"/mur/{post.pk}/"
        assert list(
            AuditEvent.objects.filter(target=f"{WALL} {post.pk}")
            .order_by("pk")
            .values_list("action", flat=True)
        ) == ["publication.submitted", "publication.published"]


def test_a_correction_goes_back_to_the_author_with_the_note_and_a_refusal_needs_a_reason(
    bordeaux: World, wall
):
    with schema_context("bordeaux"):
        teacher, pupil = actor_for(bordeaux["t1"]), actor_for(bordeaux["p2"])
        post = written(bordeaux, wall, "p2", "Mon dessin", a1(bordeaux))
        services.circuit_submit(actor=pupil, publication=post)
        with pytest.raises(services.ModerationError, match="Dites à l'auteur"):
            services.circuit_decide(actor=teacher, publication=post, decision=moderation.CORRECT)
        assert Publication.objects.get(pk=post.pk).state == State.SUBMITTED
        back = services.circuit_decide(
            actor=teacher, publication=post, decision=moderation.CORRECT, note="Ajoute un titre."
        )
        assert (back.state, back.note, back.submitted_at) == (State.DRAFT, "Ajoute un titre.", None)
        assert not selectors.waiting(teacher).exists()
        # The teacher may not publish the pupil's draft behind their back.
        with pytest.raises(services.ModerationError):
            services.circuit_decide(actor=teacher, publication=back, decision=moderation.PUBLISH)
        again = services.circuit_submit(actor=pupil, publication=back)
        refused = services.circuit_decide(
            actor=teacher, publication=again, decision=moderation.REFUSE, note="Hors sujet."
        )
        assert refused.state == State.REFUSED
        titles = set(
            Notification.objects.filter(recipient=bordeaux["p2"]).values_list("title", flat=True)
        )
        assert {"À corriger : Mon dessin", "Refusé : Mon dessin"} <= titles
        # Reworked, it may be submitted again; withdrawn, it is a draft.
        resent = services.circuit_submit(actor=pupil, publication=refused)
        assert resent.state == State.SUBMITTED
        assert services.circuit_withdraw(actor=pupil, publication=resent).state == State.DRAFT


def test_a_moderator_publishes_their_own_at_once_and_a_feature_may_refuse_publication(
    bordeaux: World, wall
):
    with schema_context("bordeaux"):
        teacher = actor_for(bordeaux["t1"])
        own = written(bordeaux, wall, "t1", "Le mot de la maîtresse", a1(bordeaux))
        assert services.circuit_submit(actor=teacher, publication=own).state == State.PUBLISHED
        blocked = written(bordeaux, wall, "p1", "Photo de classe", a1(bordeaux))
        wall.refuse_publish.add(blocked.pk)
        services.circuit_submit(actor=actor_for(bordeaux["p1"]), publication=blocked)
        with pytest.raises(services.ModerationError, match="sans autorisation"):
            services.circuit_decide(actor=teacher, publication=blocked, decision=moderation.PUBLISH)
        assert Publication.objects.get(pk=blocked.pk).state == State.SUBMITTED
        taken = services.circuit_decide(
            actor=teacher, publication=own, decision=moderation.UNPUBLISH, note="Erreur de date."
        )
        assert taken.state == State.UNPUBLISHED


def test_school_and_commune_scopes_go_to_the_direction_and_the_administrator(bordeaux: World, wall):
    with schema_context("bordeaux"):
        school = written(
            bordeaux, wall, "t1", "Kermesse", Scope(school_id=bordeaux.schools["A"].pk)
        )
        commune = written(bordeaux, wall, "dA", "Inscriptions", Scope())
        services.circuit_submit(actor=actor_for(bordeaux["t1"]), publication=school)
        services.circuit_submit(actor=actor_for(bordeaux["dA"]), publication=commune)
        assert [p.pk for p in selectors.waiting(actor_for(bordeaux["dA"]))] == [school.pk]
        assert [p.pk for p in selectors.waiting(actor_for(bordeaux["dB"]))] == []
        assert [p.pk for p in selectors.waiting(actor_for(bordeaux["adm"]))] == [commune.pk]
        assert [p.pk for p in selectors.waiting(actor_for(bordeaux["t1"]))] == []
