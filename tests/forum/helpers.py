"""A class forum of A1 (bordeaux) and its subjects and messages in each state of the
circuit, written through the forum's services as its pages do."""

from __future__ import annotations

from apps.accounts.selectors import actor_for
from apps.forum.models import Category, Forum, Message, Subject
from apps.forum.services import forums_ensure, message_add, subject_create
from apps.publications import moderation
from apps.publications.models import Publication, State
from apps.publications.services import circuit_decide
from tests.world import World

# Every state a pupil's message can be in: a correction asked is the author's draft again,
# taken down is « unpublished ».
STATES = (State.SUBMITTED, State.PUBLISHED, State.DRAFT, State.REFUSED, State.UNPUBLISHED)


def class_forum(world: World, name: str = "A1") -> Forum:
    forums_ensure(actor_for(world["t1"]))
    return Forum.objects.get(classroom=world.classes[name])


def school_forum(world: World, school: str = "A") -> Forum:
    forums_ensure(actor_for(world["dA"]))
    return Forum.objects.get(school=world.schools[school], classroom__isnull=True)


def first_category(forum: Forum) -> Category:
    return Category.objects.filter(forum=forum).order_by("pk").first()  # type: ignore[return-value]


def decide(world: World, moderator: str, publication: Publication, decision: str, note=""):
    publication.refresh_from_db()
    circuit_decide(
        actor=actor_for(world[moderator]), publication=publication, decision=decision, note=note
    )
    publication.refresh_from_db()


def bring_to(world: World, publication: Publication, state: str, moderator: str = "t1") -> None:
    """From submitted, through the moderator's decisions, to ``state``."""
    publication.refresh_from_db()
    assert publication.state == State.SUBMITTED
    if state == State.DRAFT:
        decide(world, moderator, publication, moderation.CORRECT, "Reformule ta phrase.")
    elif state == State.REFUSED:
        decide(world, moderator, publication, moderation.REFUSE, "Hors sujet.")
    elif state in (State.PUBLISHED, State.UNPUBLISHED):
        decide(world, moderator, publication, moderation.PUBLISH)
        if state == State.UNPUBLISHED:
            decide(world, moderator, publication, moderation.UNPUBLISH, "Pas ici.")
    assert publication.state == state


def subject_in(
    world: World, state: str = State.PUBLISHED, *, author: str = "t1", title: str = "La sortie"
) -> Subject:
    """A subject of A1's forum by ``author``: a teacher's is published at once; a pupil's is
    brought to ``state`` by t1."""
    forum = class_forum(world)
    subject = subject_create(
        actor=actor_for(world[author]),
        forum=forum,
        category=first_category(forum),
        title=title,
        body="Qui vient au musée ?\nOn part à 9 h.",
    )
    if subject.publication.state != State.PUBLISHED or state != State.PUBLISHED:
        bring_to(world, subject.publication, state)
    return Subject.objects.select_related("publication", "forum").get(pk=subject.pk)


def message_in(
    world: World, subject: Subject, state: str, *, author: str = "p2", body: str = "Moi !"
) -> Message:
    """A pupil's reply in the published ``subject``, brought to ``state`` by t1."""
    message = message_add(actor=actor_for(world[author]), subject=subject, body=body)
    if message.publication.state == State.SUBMITTED:
        bring_to(world, message.publication, state)
    message.publication.refresh_from_db()
    assert message.publication.state == state
    return message
