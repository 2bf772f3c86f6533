"""A class blog of A1 (bordeaux) and its posts and comments in each state of the circuit,
written through the blog's services as its pages do."""

from __future__ import annotations

from apps.accounts.selectors import actor_for
from apps.blog.models import Blog, BlogPost, Comment
from apps.blog.services import blogs_ensure, comment_add, post_create, post_submit
from apps.publications import moderation
from apps.publications.models import State
from apps.publications.services import circuit_decide
from tests.world import World

STATES = (State.DRAFT, State.SUBMITTED, State.PUBLISHED, State.UNPUBLISHED, State.REFUSED)


def class_blog(world: World, name: str = "A1") -> Blog:
    blogs_ensure(actor_for(world["t1"]))
    return Blog.objects.get(classroom=world.classes[name])


def school_blog(world: World, school: str = "A") -> Blog:
    blogs_ensure(actor_for(world["dA"]))
    return Blog.objects.get(school=world.schools[school], classroom__isnull=True)


def decide(world: World, moderator: str, publication, decision: str, note: str = "") -> None:
    circuit_decide(
        actor=actor_for(world[moderator]), publication=publication, decision=decision, note=note
    )


def post_in(world: World, state: str, *, author: str = "p2", title: str = "Sortie") -> BlogPost:
    """A post of ``author`` on A1's blog, brought to ``state`` by A1's teacher t1."""
    blog = class_blog(world)
    post = post_create(actor=actor_for(world[author]), blog=blog, title=title, body="<p>Texte</p>")
    if state == State.DRAFT:
        return post
    post_submit(actor=actor_for(world[author]), post=post)
    post.publication.refresh_from_db()
    if state == State.REFUSED:
        decide(world, "t1", post.publication, moderation.REFUSE, "Pas de nom de famille.")
    elif (
        state in (State.PUBLISHED, State.UNPUBLISHED) and post.publication.state != State.PUBLISHED
    ):
        decide(world, "t1", post.publication, moderation.PUBLISH)
    if state == State.UNPUBLISHED:
        post.publication.refresh_from_db()
        decide(world, "t1", post.publication, moderation.UNPUBLISH)
    post.publication.refresh_from_db()
    assert post.publication.state == state
    return post


def comment_in(world: World, post: BlogPost, state: str, *, author: str = "p2") -> Comment:
    """A comment of ``author`` on the published ``post`` (comments moderated), in ``state``:
    submitted as written, then decided by t1. A draft comment does not exist (a comment is
    sent as it is written), so ``draft`` is a correction asked."""
    comment = comment_add(actor=actor_for(world[author]), post=post, body="Bravo à tous")
    publication = comment.publication
    publication.refresh_from_db()
    if state == State.DRAFT:
        decide(world, "t1", publication, moderation.CORRECT, "Reformule.")
    elif state == State.REFUSED:
        decide(world, "t1", publication, moderation.REFUSE, "Hors sujet.")
    elif state in (State.PUBLISHED, State.UNPUBLISHED):
        decide(world, "t1", publication, moderation.PUBLISH)
        if state == State.UNPUBLISHED:
            publication.refresh_from_db()
            decide(world, "t1", publication, moderation.UNPUBLISH)
    publication.refresh_from_db()
    assert publication.state == state
    return comment
