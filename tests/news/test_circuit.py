"""A teacher's news goes through the direction: submitted, seen by its author and the
director only; the director publishes it, asks for a correction or refuses it, from the news
page or the one queue ``/a-valider/``; the journal keeps each step and the author is told."""

from __future__ import annotations

from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.news.models import News
from apps.news.selectors import news_for, news_read_by
from apps.notifications.models import Notification
from apps.publications import moderation
from apps.publications.models import Publication, State
from apps.publications.notifications import DECIDED
from apps.publications.selectors import waiting
from apps.publications.services import circuit_decide
from tests.news.helpers import write
from tests.world import World


def test_a_teachers_news_waits_for_the_director_who_publishes_it(bordeaux: World, as_user):
    with schema_context("bordeaux"):
        news = write(bordeaux, "t1", title="Spectacle de Noël")
        assert news.publication.state == State.SUBMITTED
        # Waiting: its author and the director see it, not the families nor another teacher.
        assert news_for(actor_for(bordeaux["t1"]), news.pk) is not None
        assert news_for(actor_for(bordeaux["dA"]), news.pk) is not None
        for other in ("par1", "t2", "dB"):
            assert news_for(actor_for(bordeaux[other]), news.pk) is None
        assert list(waiting(actor_for(bordeaux["dA"]))) == [news.publication]
        assert not waiting(actor_for(bordeaux["dB"])).exists()

    queue = as_user(bordeaux, "dA").get("/a-valider/").content.decode()
    assert "Spectacle de Noël" in queue and "Actualité" in queue
    assert as_user(bordeaux, "par1").get(f"/actualites/{news.pk}/").status_code == 404

    done = as_user(bordeaux, "dA").post(
        f"/actualites/{news.pk}/decision/", {"decision": "publish"}, follow=True
    )
    assert "Publiée." in done.content.decode()
    with schema_context("bordeaux"):
        assert Publication.objects.get(pk=news.publication_id).state == State.PUBLISHED
        titles = news_read_by(actor_for(bordeaux["par1"])).values_list("title", flat=True)
        assert list(titles) == ["Spectacle de Noël"]
        steps = AuditEvent.objects.filter(action__startswith="publication.").order_by("at", "pk")
        assert list(steps.values_list("action", "target")) == [
            ("publication.submitted", f"news.item {news.publication_id}"),
            ("publication.published", f"news.item {news.publication_id}"),
        ]
        [told] = Notification.objects.filter(kind=DECIDED)
        assert told.recipient_id == bordeaux["t1"].pk and "Spectacle de Noël" in told.title
    assert as_user(bordeaux, "par1").get(f"/actualites/{news.pk}/").status_code == 200


def test_a_correction_asked_goes_back_to_the_teacher_who_edits_and_sends_it_again(
    bordeaux: World, as_user
):
    with schema_context("bordeaux"):
        news = write(bordeaux, "t1", title="Piscine")
        circuit_decide(
            actor=actor_for(bordeaux["dA"]),
            publication=news.publication,
            decision=moderation.CORRECT,
            note="Précisez l'heure du départ.",
        )
    teacher = as_user(bordeaux, "t1")
    page = teacher.get(f"/actualites/{news.pk}/").content.decode()
    assert "Précisez l&#x27;heure du départ." in page
    edited = teacher.post(
        f"/actualites/{news.pk}/modifier/",
        {
            "where": str(bordeaux.schools["A"].pk),
            "title": "Piscine jeudi",
            "body": "<p>Départ à 13 h 30.</p>",
            "audience": "families",
            "expires_on": news.expires_on.isoformat(),
            "action": "submit",
        },
        follow=True,
    )
    assert "envoyée à la direction" in edited.content.decode()
    with schema_context("bordeaux"):
        news.refresh_from_db()
        assert news.title == "Piscine jeudi" and news.audience == "families"
        assert news.publication.state == State.SUBMITTED


def test_a_refusal_needs_a_reason_and_the_teacher_reads_it(bordeaux: World, as_user):
    with schema_context("bordeaux"):
        news = write(bordeaux, "t1", title="Collecte")
    director = as_user(bordeaux, "dA")
    no_reason = director.post(
        f"/actualites/{news.pk}/decision/", {"decision": "refuse"}, follow=True
    ).content.decode()
    assert "Dites à l&#x27;auteur" in no_reason
    with schema_context("bordeaux"):
        assert Publication.objects.get(pk=news.publication_id).state == State.SUBMITTED
    director.post(
        f"/actualites/{news.pk}/decision/", {"decision": "refuse", "note": "Pas de collecte."}
    )
    page = as_user(bordeaux, "t1").get(f"/actualites/{news.pk}/").content.decode()
    assert "Refusée" in page and "Pas de collecte." in page


def test_the_teacher_withdraws_what_waits_and_deletes_their_draft(bordeaux: World, as_user):
    with schema_context("bordeaux"):
        news = write(bordeaux, "t1")
    teacher = as_user(bordeaux, "t1")
    teacher.post(f"/actualites/{news.pk}/etat/", {"action": "withdraw"})
    with schema_context("bordeaux"):
        assert Publication.objects.get(pk=news.publication_id).state == State.DRAFT
    # Another teacher may not delete it: 404, nothing changed.
    assert (
        as_user(bordeaux, "t2")
        .post(f"/actualites/{news.pk}/etat/", {"action": "delete"})
        .status_code
        == 404
    )
    teacher.post(f"/actualites/{news.pk}/etat/", {"action": "delete"})
    with schema_context("bordeaux"):
        assert not News.objects.exists() and not Publication.objects.exists()


def test_the_director_writes_from_the_page_and_a_missing_title_is_one_french_error(
    bordeaux: World, as_user
):
    director = as_user(bordeaux, "dA")
    form = director.get("/actualites/nouvelle/").content.decode()
    assert 'name="public"' in form and "École A" in form and "Toute la commune" not in form
    refused = director.post(
        "/actualites/nouvelle/",
        {
            "where": str(bordeaux.schools["A"].pk),
            "title": "",
            "body": "<p>x</p>",
            "audience": "all",
            "expires_on": "2099-01-01",
            "action": "submit",
        },
    )
    assert refused.status_code == 200 and "obligatoire" in refused.content.decode()
    other_school = director.post(
        "/actualites/nouvelle/",
        {
            "where": str(bordeaux.schools["B"].pk),
            "title": "B",
            "body": "<p>x</p>",
            "audience": "all",
            "expires_on": "2099-01-01",
            "action": "submit",
        },
    )
    assert (
        other_school.status_code == 200 and "Choisissez une école" in other_school.content.decode()
    )
    director.post(
        "/actualites/nouvelle/",
        {
            "where": str(bordeaux.schools["A"].pk),
            "title": "Fête",
            "audience": "all",
            "body": '<p onclick="x()">Samedi<script>alert(1)</script></p>',
            "expires_on": "2099-01-01",
            "pinned": "on",
            "action": "submit",
        },
    )
    with schema_context("bordeaux"):
        news = News.objects.get()
        assert "script" not in news.body and "onclick" not in news.body and news.pinned
        assert news.publication.state == State.PUBLISHED
    teacher_form = as_user(bordeaux, "t1").get("/actualites/nouvelle/").content.decode()
    assert 'name="public"' not in teacher_form
    assert "Enregistrer et envoyer à la direction" in teacher_form
    assert ">Publier<" in form and "envoyer à la direction" not in form
    assert as_user(bordeaux, "par1").get("/actualites/nouvelle/").status_code == 404
