"""``/api/v1/moderation/``: the moderators' queue of every registered kind that moderates, and
their decisions through the circuit. A kind the API does not know (``tests.wall``, registered
at runtime like news or forums will be) shows up as it is; a publication the caller does not
moderate answers 404; a refused decision answers 400 in French and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.blog.models import BlogPost
from apps.blog.publications import POST
from apps.blog.services import comment_add
from apps.publications import registry, services
from apps.publications.models import Publication, State
from tests.blog.helpers import class_blog, post_in
from tests.helpers import assert_num_queries
from tests.publications.wall import a1, written
from tests.world import World

QUEUE = "/api/v1/moderation/"


def decide(client: Client, publication_id: int, **body: str):
    return client.post(f"{QUEUE}{publication_id}/decision/", body, content_type="application/json")


def rows() -> list[tuple]:
    with schema_context("bordeaux"):
        return sorted(
            Publication.objects.values_list("pk", "state", "note", "submitted_at", "decided_at")
        )


def test_the_queue_shows_every_kind_oldest_first(bordeaux: World, as_user, wall):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.SUBMITTED)  # p2's
        published = post_in(bordeaux, State.PUBLISHED, author="t1", title="Fête")
        comment = comment_add(actor=actor_for(bordeaux["p1"]), post=published, body="Super !")
        mural = written(bordeaux, wall, "p1", "Notre potager", a1(bordeaux))
        services.circuit_submit(actor=actor_for(bordeaux["p1"]), publication=mural)
    answer = as_user(bordeaux, "t1").get(QUEUE)
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 3
    assert [(r["publication"], r["kind_label"]) for r in body["results"]] == [
        (post.publication_id, "Article de blog"),
        (comment.publication_id, "Commentaire de blog"),
        (mural.pk, "Mur de la classe"),
    ]
    first = body["results"][0]
    assert first["title"] == "Sortie" and first["where"] == "Blog — CP A1"
    assert first["excerpt"] == "Texte" and first["url"] == f"/blogs/articles/{post.pk}/"
    assert first["author"] == bordeaux["p2"].display_name and first["submitted_at"]
    assert body["results"][1]["title"] == "Commentaire sur « Fête »"


@pytest.mark.parametrize(("who", "status"), [("par1", 404), ("p1", 404), ("t2", 200)])
def test_others_have_no_queue_or_an_empty_one(bordeaux: World, as_user, tenant_client, who, status):
    with schema_context("bordeaux"):
        post_in(bordeaux, State.SUBMITTED)
    answer = as_user(bordeaux, who).get(QUEUE)
    assert answer.status_code == status
    if status == 200:
        assert answer.json()["count"] == 0  # A2's teacher: nothing of A1
    assert tenant_client("bordeaux").get(QUEUE).status_code == 403


def test_a_non_moderator_gets_404_and_nothing_changes(bordeaux: World, pessac, as_user):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.SUBMITTED)
    before = rows()
    for client in [as_user(bordeaux, n) for n in ("p2", "p1", "par1", "t2", "dA")] + [
        as_user(pessac, "pt")
    ]:
        for decision in ("publish", "correct", "refuse", "unpublish"):
            assert (
                decide(client, post.publication_id, decision=decision, note="x").status_code == 404
            )
    assert decide(as_user(bordeaux, "t1"), 999999, decision="publish").status_code == 404
    assert rows() == before


def test_a_refused_decision_is_a_french_400_and_changes_nothing(bordeaux: World, as_user, wall):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.SUBMITTED)
        mural = written(bordeaux, wall, "p1", "Notre potager", a1(bordeaux))
        services.circuit_submit(actor=actor_for(bordeaux["p1"]), publication=mural)
        wall.refuse_publish.add(mural.pk)
    teacher = as_user(bordeaux, "t1")
    before = rows()
    for body, message in (
        ({"decision": "refuse", "note": "  "}, "Dites à l'auteur"),
        ({"decision": "correct"}, "Dites à l'auteur"),
        ({"decision": "unpublish"}, "n'en est plus là"),
    ):
        answer = decide(teacher, post.publication_id, **body)
        assert answer.status_code == 400 and message in answer.json()["detail"], body
    consent = decide(teacher, mural.pk, decision="publish")
    assert consent.status_code == 400
    assert consent.json()["detail"] == "Une photo montre un élève sans autorisation."
    for body, field in (
        ({"decision": "supprimer"}, "decision"),
        ({}, "decision"),
        ({"decision": "refuse", "note": "x" * 1001}, "note"),
    ):
        answer = decide(teacher, post.publication_id, **body)
        assert answer.status_code == 400 and field in answer.json(), body
    assert (
        "n'est pas un choix valide"
        in decide(teacher, post.publication_id, decision="supprimer").json()["decision"][0]
    )
    assert rows() == before
    assert wall.decisions == []


def test_the_moderator_decides_through_the_circuit(bordeaux: World, as_user):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.SUBMITTED)
    teacher = as_user(bordeaux, "t1")
    asked = decide(teacher, post.publication_id, decision="correct", note="Une faute.")
    assert asked.status_code == 200
    assert asked.json()["state"] == State.DRAFT and asked.json()["note"] == "Une faute."
    author = as_user(bordeaux, "p2")
    # Someone's draft is theirs alone: the moderator no longer sees it in the queue nor decides.
    assert teacher.get(QUEUE).json()["count"] == 0
    refused = decide(teacher, post.publication_id, decision="publish")
    assert refused.status_code == 400
    author.post(f"/api/v1/blogs/posts/{post.pk}/submit/")
    assert decide(teacher, post.publication_id, decision="publish").json()["state"] == "published"
    taken = decide(teacher, post.publication_id, decision="unpublish", note="Photo floue.")
    assert taken.json()["state"] == State.UNPUBLISHED
    assert author.get(f"/api/v1/blogs/posts/{post.pk}/").json()["note"] == "Photo floue."
    assert as_user(bordeaux, "p1").get(f"/api/v1/blogs/posts/{post.pk}/").status_code == 404


@pytest.fixture
def plain():
    """A kind outside the circuit (it describes nothing for the queue), seen by everyone, like
    a liaison note or a homework entry seen by their readers."""
    registry.register(
        registry.PublicationKind(
            name="tests.plain",
            label="Sans modération",
            short="plain",
            visible=lambda actor, ids: set(ids),
            editable=lambda actor, pk: False,
        )
    )
    try:
        yield "tests.plain"
    finally:
        registry.unregister("tests.plain")


def test_kinds_outside_the_circuit_are_never_decided(bordeaux: World, verified_login, plain):
    """Not even by the commune's administrator, whom the scope of an unscoped publication
    (none: the commune's) names as its moderator."""
    with schema_context("bordeaux"):
        publication = services.publication_create(
            kind=plain, author_id=bordeaux["t1"].pk, published_at=timezone.now()
        )
    before = rows()
    administrator = verified_login(bordeaux["adm"], "bordeaux")
    for decision in ("unpublish", "publish"):
        answer = decide(administrator, publication.pk, decision=decision, note="x")
        assert answer.status_code == 404
    assert rows() == before


def _waiting(world: World, count: int) -> None:
    """``count`` posts of p2 waiting for t1, and one comment: both kinds on the page."""
    with schema_context("bordeaux"):
        blog = class_blog(world)
        publications = Publication.objects.bulk_create(
            Publication(
                kind=POST,
                author_id=world["p2"].pk,
                state=State.SUBMITTED,
                school_id=blog.school_id,
                classroom_id=blog.classroom_id,
            )
            for _ in range(count)
        )
        BlogPost.objects.bulk_create(
            BlogPost(
                publication=publication,
                blog=blog,
                author_name="Pia Deux",
                title=f"Article {n}",
                body="<p>Texte</p>",
            )
            for n, publication in enumerate(publications)
        )
        published = post_in(world, State.PUBLISHED, author="t1", title="Fête")
        # Submitted now, it comes before the posts (no submission date: last) on the page.
        comment_add(actor=actor_for(world["p1"]), post=published, body="Super !")


# The session, the user, the Actor (5), the queue's count and its page (with the authors'
# names), one ``describe`` per kind on the page (posts, comments). Adjust once, with the
# reason.
QUEUE_QUERIES = 11


@pytest.mark.parametrize("count", [5, 500])
def test_the_queue_costs_the_same_whatever_its_length(bordeaux: World, as_user, count):
    _waiting(bordeaux, count)
    teacher = as_user(bordeaux, "t1")
    teacher.get(QUEUE)
    with assert_num_queries(QUEUE_QUERIES):
        answer = teacher.get(QUEUE)
    body = answer.json()
    assert body["count"] == count + 1 and len(body["results"]) == min(count + 1, 25)
    assert {r["kind"] for r in body["results"]} == {"blog.post", "blog.comment"}
