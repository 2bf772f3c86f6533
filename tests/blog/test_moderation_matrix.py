"""The moderation matrix of a blog post and of a comment, through the pages: in each state
of the circuit (draft, submitted, published, unpublished, refused), exactly the right people
see it (200 against 404) and act on it; a refused act changes nothing.

The post is a pupil's (p2) on class A1's blog: its classmate p1, p1's parent par1, A1's
teacher t1 (its moderator), A2's teacher t2, the director dA, Pessac's teacher and an
anonymous visitor."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.blog.models import BlogPost, Comment
from apps.publications.models import Publication, State
from tests.blog.helpers import STATES, comment_in, post_in
from tests.world import World

PEOPLE = {
    "author": "p2",
    "classmate": "p1",
    "classmate_parent": "par1",
    "teacher": "t1",
    "other_teacher": "t2",
    "director": "dA",
}
READERS = set(PEOPLE)  # a published post: every reader of A1's blog
IN_CIRCUIT = {"author", "teacher"}  # before: its author and its moderator only
ALL = [*PEOPLE, "other_commune", "anonymous"]


@pytest.fixture
def clients(bordeaux: World, pessac: World, as_user, tenant_client) -> dict[str, Client]:
    made = {who: as_user(bordeaux, name) for who, name in PEOPLE.items()}
    made["other_commune"] = as_user(pessac, "pt")
    made["anonymous"] = tenant_client("bordeaux")
    return made


def expected(who: str, state: str) -> int:
    if who == "anonymous":
        return 302  # to the login page
    allowed = READERS if state == State.PUBLISHED else IN_CIRCUIT
    return 200 if who in allowed else 404


def snapshot(post: BlogPost) -> tuple:
    with schema_context("bordeaux"):
        post.refresh_from_db()
        publication = Publication.objects.get(pk=post.publication_id)
        return (post.title, post.body, publication.state, publication.note, Comment.objects.count())


@pytest.mark.parametrize("state", STATES)
def test_who_sees_a_pupils_post_in_each_state(bordeaux: World, clients, state):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, state)
        blog_id = post.blog_id
    for who in ALL:
        page = clients[who].get(f"/blogs/articles/{post.pk}/")
        assert page.status_code == expected(who, state), (who, state)
        printed = clients[who].get(f"/blogs/articles/{post.pk}/imprimer/")
        assert printed.status_code == expected(who, state), (who, state, "print")
        if who in PEOPLE:
            listing = clients[who].get(f"/blogs/{blog_id}/").content.decode()
            assert ("Sortie" in listing) == (expected(who, state) == 200), (who, state, "list")
    if state != State.PUBLISHED:
        # The moderator sees it with its state; the note is the author's and the moderator's.
        teacher_page = clients["teacher"].get(f"/blogs/articles/{post.pk}/").content.decode()
        assert dict(State.choices)[state] in teacher_page
    if state == State.REFUSED:
        author_page = clients["author"].get(f"/blogs/articles/{post.pk}/").content.decode()
        assert "Pas de nom de famille." in author_page


@pytest.mark.parametrize("state", STATES)
def test_who_acts_on_a_pupils_post_in_each_state(bordeaux: World, clients, state):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, state)
    editors = IN_CIRCUIT if state in (State.DRAFT, State.REFUSED) else {"teacher"}
    commenters = READERS if state == State.PUBLISHED else set()
    for who in ALL:
        client = clients[who]
        before = snapshot(post)
        edit = client.post(
            f"/blogs/articles/{post.pk}/modifier/",
            {"title": f"Par {who}", "body": "<p>Autre</p>", "action": "draft"},
        )
        if who in editors:
            assert edit.status_code == 302, (who, state)
            assert snapshot(post)[0] == f"Par {who}"
        else:
            assert edit.status_code in (302, 404) and snapshot(post) == before, (who, state)
            assert edit.status_code == 404 or who == "anonymous"
        before = snapshot(post)
        comment = client.post(f"/blogs/articles/{post.pk}/commenter/", {"body": "Coucou"})
        if who in commenters:
            assert comment.status_code == 302 and snapshot(post)[4] == before[4] + 1, who
        else:
            assert comment.status_code in (302, 404) and snapshot(post) == before, (who, state)
            assert comment.status_code == 404 or who == "anonymous"
        # A moderator's decision, from anyone but the moderator: refused, nothing changes.
        if who != "teacher":
            before = snapshot(post)
            for decision in ("publish", "refuse", "unpublish", "correct"):
                refused = client.post(
                    f"/blogs/articles/{post.pk}/decision/", {"decision": decision, "note": "x"}
                )
                assert refused.status_code in (302, 404) and snapshot(post) == before, (
                    who,
                    decision,
                )
                assert refused.status_code == 404 or who == "anonymous"


def test_the_author_submits_and_withdraws_the_teacher_decides(bordeaux: World, clients):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.DRAFT)
    # The classmate may not submit someone else's draft.
    assert (
        clients["classmate"]
        .post(f"/blogs/articles/{post.pk}/etat/", {"action": "submit"})
        .status_code
        == 404
    )
    assert snapshot(post)[2] == State.DRAFT
    clients["author"].post(f"/blogs/articles/{post.pk}/etat/", {"action": "submit"})
    assert snapshot(post)[2] == State.SUBMITTED
    clients["author"].post(f"/blogs/articles/{post.pk}/etat/", {"action": "withdraw"})
    assert snapshot(post)[2] == State.DRAFT
    clients["author"].post(f"/blogs/articles/{post.pk}/etat/", {"action": "submit"})
    # A correction needs a note: refused, nothing changes.
    clients["teacher"].post(f"/blogs/articles/{post.pk}/decision/", {"decision": "correct"})
    assert snapshot(post)[2] == State.SUBMITTED
    clients["teacher"].post(
        f"/blogs/articles/{post.pk}/decision/", {"decision": "correct", "note": "Une faute."}
    )
    assert snapshot(post)[2:4] == (State.DRAFT, "Une faute.")
    assert "Une faute." in clients["author"].get(f"/blogs/articles/{post.pk}/").content.decode()
    clients["author"].post(f"/blogs/articles/{post.pk}/etat/", {"action": "submit"})
    clients["teacher"].post(f"/blogs/articles/{post.pk}/decision/", {"decision": "publish"})
    assert snapshot(post)[2] == State.PUBLISHED
    assert clients["classmate_parent"].get(f"/blogs/articles/{post.pk}/").status_code == 200


@pytest.mark.parametrize("state", STATES)
def test_who_sees_and_decides_a_pupils_comment_in_each_state(bordeaux: World, clients, state):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1")
        comment = comment_in(bordeaux, post, state)
    marker = f'id="commentaire-{comment.pk}"'
    for who in ALL:
        page = clients[who].get(f"/blogs/articles/{post.pk}/")
        if who == "anonymous":
            assert page.status_code == 302
            continue
        if who == "other_commune":
            assert page.status_code == 404
            continue
        sees = who in (READERS if state == State.PUBLISHED else IN_CIRCUIT)
        assert (marker in page.content.decode()) == sees, (who, state)
        if who != "teacher":
            with schema_context("bordeaux"):
                before = Publication.objects.get(pk=comment.publication_id).state
            refused = clients[who].post(
                f"/blogs/articles/{post.pk}/decision/",
                {"decision": "publish", "comment": comment.pk},
            )
            assert refused.status_code == 404, who
            with schema_context("bordeaux"):
                assert Publication.objects.get(pk=comment.publication_id).state == before
    if state == State.SUBMITTED:
        clients["teacher"].post(
            f"/blogs/articles/{post.pk}/decision/", {"decision": "publish", "comment": comment.pk}
        )
        page = clients["classmate_parent"].get(f"/blogs/articles/{post.pk}/").content.decode()
        assert marker in page


def test_a_comment_is_published_at_once_when_the_blog_does_not_moderate_them(
    bordeaux: World, clients
):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1")
        blog_id = post.blog_id
    # Only the blog's teacher changes its settings.
    assert clients["classmate_parent"].post(f"/blogs/{blog_id}/reglages/", {}).status_code == 404
    assert clients["director"].get(f"/blogs/{blog_id}/reglages/").status_code == 404
    clients["classmate_parent"].post(f"/blogs/articles/{post.pk}/commenter/", {"body": "Merci"})
    with schema_context("bordeaux"):
        assert Comment.objects.get().publication.state == State.SUBMITTED
    assert clients["teacher"].post(f"/blogs/{blog_id}/reglages/", {}).status_code == 302
    clients["classmate_parent"].post(f"/blogs/articles/{post.pk}/commenter/", {"body": "Super"})
    with schema_context("bordeaux"):
        assert Comment.objects.get(body="Super").publication.state == State.PUBLISHED
    # An empty comment from a pupil: one French error, spoken to as a pupil, nothing written.
    empty = clients["classmate"].post(f"/blogs/articles/{post.pk}/commenter/", {"body": "  "})
    assert empty.status_code == 400 and "Écris ton commentaire." in empty.content.decode()
    with schema_context("bordeaux"):
        assert Comment.objects.count() == 2


def test_the_teachers_queue_lists_a_submitted_post_and_comment_and_publishes_them(
    bordeaux: World, clients
):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.SUBMITTED, title="Mon exposé")
        published = post_in(bordeaux, State.PUBLISHED, author="t1", title="La classe verte")
        comment = comment_in(bordeaux, published, State.SUBMITTED, author="par1")
    queue = clients["teacher"].get("/a-valider/").content.decode()
    assert "Mon exposé" in queue and f"/blogs/articles/{post.pk}/" in queue
    assert "Commentaire sur « La classe verte »" in queue
    assert f"/blogs/articles/{published.pk}/#commentaire-{comment.pk}" in queue
    # Not in the queue of A2's teacher nor of the director (a class blog's are its teachers').
    for who in ("other_teacher", "director"):
        assert "Mon exposé" not in clients[who].get("/a-valider/").content.decode()
    clients["teacher"].post(
        "/a-valider/", {"publication": post.publication_id, "decision": "publish"}
    )
    assert snapshot(post)[2] == State.PUBLISHED


def test_the_author_deletes_their_draft_and_a_classmate_cannot(bordeaux: World, clients):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.DRAFT)
    url = f"/blogs/articles/{post.pk}/etat/"
    assert clients["classmate"].post(url, {"action": "delete"}).status_code == 404
    with schema_context("bordeaux"):
        assert BlogPost.objects.filter(pk=post.pk).exists()
    assert clients["author"].post(url, {"action": "delete"}).status_code == 302
    with schema_context("bordeaux"):
        assert not BlogPost.objects.filter(pk=post.pk).exists()
        assert not Publication.objects.filter(pk=post.publication_id).exists()


def test_the_teacher_deletes_a_post_with_its_comments_and_their_publications(
    bordeaux: World, clients
):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1")
        comment_in(bordeaux, post, State.SUBMITTED, author="par1")
    response = clients["teacher"].post(f"/blogs/articles/{post.pk}/etat/", {"action": "delete"})
    assert response.status_code == 302
    with schema_context("bordeaux"):
        assert not Comment.objects.exists()
        assert not Publication.objects.filter(kind__startswith="blog.").exists()
    assert "Rien n'attend votre décision." in clients["teacher"].get("/a-valider/").content.decode()
