"""The messagerie's pages cost a constant number of queries, pinned: the inbox, a thread, the
compose page's recipient search and the moderation queue, with 10 and with 1,000 messages
(and 5 or 30 pupils for the search)."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.messaging.models import Address, Box, Copy, Field, GroupKind, Message, State
from apps.messaging.publications import MESSAGE
from apps.publications.models import Publication
from apps.publications.models import State as PublicationState
from tests.helpers import count_queries
from tests.world import World, add_pupils

# Each page: session and user (2), the Actor (5), the header's two badges (2), the messagerie's
# side menu (folders, unread, pupils' messages to validate, switches, blocked: 5); then the
# page: the inbox its count and page of copies with their addresses; a thread its copy, the
# read mark, the thread with its addresses and files; the search the people and their Actors;
# the queue its count, its page of messages and their addresses, and the classes' switches.
INBOX, THREAD, SEARCH, MODERATION = 16, 18, 24, 19


def plant(world: World, sender: str, owner: str, count: int, **fields: object) -> list[Message]:
    """``count`` messages from ``sender``, each with a copy in ``owner``'s inbox (delivered)
    or none (``state`` given, e.g. waiting for moderation), one thread when ``thread``."""
    now = timezone.now()
    state = fields.pop("state", State.DELIVERED)
    thread = fields.pop("thread", None)
    # Published when delivered; a draft until then, as the services leave it.
    published = PublicationState.PUBLISHED if state == State.DELIVERED else PublicationState.DRAFT
    with schema_context(world.schema):
        publications = Publication.objects.bulk_create(
            Publication(kind=MESSAGE, author=world[sender], state=published) for _ in range(count)
        )
        messages = Message.objects.bulk_create(
            Message(
                publication=publication,
                sender=world[sender],
                subject=f"Message {n}",
                body="Bonjour",
                state=state,
                sent_at=now,
                delivered_at=now if state == State.DELIVERED else None,
                thread=thread,
                **fields,
            )
            for n, publication in enumerate(publications)
        )
        Address.objects.bulk_create(
            Address(
                message=m, field=Field.TO, kind=GroupKind.PERSON, person=world[owner], label="x"
            )
            for m in messages
        )
        if state == State.DELIVERED:
            Copy.objects.bulk_create(
                Copy(message=m, owner=world[owner], box=Box.INBOX, field=Field.TO, sort_at=now)
                for m in messages
            )
    return messages


def cost(client: Client, path: str) -> int:
    client.get(path)  # warm: routing cache, session state
    with count_queries() as queries:
        answer = client.get(path)
        executed = len(queries)
    assert answer.status_code == 200, path
    return executed


def test_the_inbox_costs_the_same_with_10_or_1000_messages(bordeaux: World, as_user) -> None:
    client = as_user(bordeaux, "par1")
    plant(bordeaux, "t1", "par1", 10)
    with_10 = cost(client, "/messagerie/")
    plant(bordeaux, "t1", "par1", 990)
    assert (with_10, cost(client, "/messagerie/")) == (INBOX, INBOX)


def test_a_thread_costs_the_same_with_10_or_1000_messages(bordeaux: World, as_user) -> None:
    client = as_user(bordeaux, "par1")
    (first,) = plant(bordeaux, "t1", "par1", 1)
    plant(bordeaux, "t1", "par1", 9, thread=first)
    with_10 = cost(client, f"/messagerie/messages/{first.pk}/")
    plant(bordeaux, "t1", "par1", 990, thread=first)
    assert (with_10, cost(client, f"/messagerie/messages/{first.pk}/")) == (THREAD, THREAD)


def test_the_recipient_search_costs_the_same_with_5_or_30_pupils(bordeaux: World, as_user) -> None:
    client = as_user(bordeaux, "t1")
    add_pupils(bordeaux, 3)
    with_5 = cost(client, "/messagerie/ecrire/?q=e")
    add_pupils(bordeaux, 25)
    assert (with_5, cost(client, "/messagerie/ecrire/?q=e")) == (SEARCH, SEARCH)


def test_the_moderation_queue_costs_the_same_with_10_or_1000_messages(
    bordeaux: World, as_user
) -> None:
    client = as_user(bordeaux, "t1")
    waiting = {"state": State.MODERATION, "moderation_class": bordeaux.classes["A1"]}
    plant(bordeaux, "p1", "t1", 10, **waiting)
    with_10 = cost(client, "/messagerie/moderation/")
    plant(bordeaux, "p1", "t1", 990, **waiting)
    assert (with_10, cost(client, "/messagerie/moderation/")) == (MODERATION, MODERATION)


# Columns of a person's row that no message page needs (the user's own row, read by the
# session's middleware, is the one query allowed to hold them).
PRIVATE_COLUMNS = ('."password"', '."ine"', '."birth_date"', '."phone"', '."activation_code"')


def test_message_pages_read_only_the_names_of_the_people_they_show(
    bordeaux: World, as_user
) -> None:
    (first,) = plant(bordeaux, "t1", "par1", 1)
    plant(bordeaux, "p1", "t1", 2, state=State.MODERATION, moderation_class=bordeaux.classes["A1"])
    pages = [
        ("par1", "/messagerie/"),
        ("par1", f"/messagerie/messages/{first.pk}/"),
        ("t1", "/messagerie/moderation/"),
    ]
    for name, path in pages:
        client = as_user(bordeaux, name)
        client.get(path)
        with count_queries() as queries:
            assert client.get(path).status_code == 200
            read = [
                query["sql"]
                for query in queries.captured_queries
                if "messaging_" in query["sql"]
                and any(column in query["sql"] for column in PRIVATE_COLUMNS)
            ]
        assert read == [], path
