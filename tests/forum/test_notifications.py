"""Who hears of a forum: a message published tells those who take part in its subject (its
opener and those whose messages are published in it), never its writer, and not before a
moderator published a pupil's; on a Saturday they hear it on Monday at 07:00 (quiet hours);
the notification's link opens the page of the subject where the message is."""

from __future__ import annotations

from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.forum.models import Message
from apps.forum.notifications import NEW_MESSAGE
from apps.forum.selectors import MESSAGES_PER_PAGE
from apps.forum.services import message_add
from apps.notifications.models import Notification
from apps.publications import moderation
from apps.publications.models import Publication, State
from tests.forum.helpers import decide, message_in, subject_in
from tests.quiethours.test_worker import paris
from tests.world import World


def _told() -> set[tuple[int, str]]:
    return set(Notification.objects.filter(kind=NEW_MESSAGE).values_list("recipient_id", "url"))


def test_a_published_message_tells_those_who_take_part_not_its_writer(bordeaux: World):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)  # opened by t1
        waiting = message_add(actor=actor_for(bordeaux["p1"]), subject=subject, body="Moi !")
        assert not _told()  # a pupil's message waits: nobody hears of it yet
        decide(bordeaux, "t1", waiting.publication, moderation.PUBLISH)
        url = f"/forums/messages/{waiting.pk}/"
        assert _told() == {(bordeaux["t1"].pk, url)}
        # The director answers at once: the opener and p1 hear of it.
        answer = message_add(actor=actor_for(bordeaux["dA"]), subject=subject, body="Bravo")
        told = set(
            Notification.objects.filter(
                kind=NEW_MESSAGE, url=f"/forums/messages/{answer.pk}/"
            ).values_list("recipient_id", flat=True)
        )
        assert told == {bordeaux["t1"].pk, bordeaux["p1"].pk}
        # p2 takes no part until a message of theirs is published; a refused one counts not.
        refused = message_in(bordeaux, subject, State.REFUSED, author="p2")
        message_add(actor=actor_for(bordeaux["t1"]), subject=subject, body="Qui d'autre ?")
        last = Message.objects.get(body="Qui d'autre ?")
        told = set(
            Notification.objects.filter(url=f"/forums/messages/{last.pk}/").values_list(
                "recipient_id", flat=True
            )
        )
        assert told == {bordeaux["p1"].pk, bordeaux["dA"].pk}
        assert Publication.objects.get(pk=refused.publication_id).state == State.REFUSED


def test_a_message_published_on_saturday_tells_a_pupil_on_monday_morning(
    bordeaux: World, quiet_hours
):
    quiet_hours.append(paris(2026, 3, 14, 10, 0))  # a Saturday
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux, State.PUBLISHED, author="p2", title="Mon hamster")
        message_add(actor=actor_for(bordeaux["t1"]), subject=subject, body="Il est mignon")
        [told] = Notification.objects.filter(kind=NEW_MESSAGE)
        assert told.recipient_id == bordeaux["p2"].pk
        assert (told.delivered_at, told.deliver_at) == (None, paris(2026, 3, 16, 7, 0))
        assert "Théo Maître a répondu dans « Mon hamster »" == told.title


def test_a_messages_link_opens_the_page_where_it_is(bordeaux: World, as_user):
    with schema_context("bordeaux"):
        subject = subject_in(bordeaux)
        teacher = actor_for(bordeaux["t1"])
        for n in range(MESSAGES_PER_PAGE):
            message_add(actor=teacher, subject=subject, body=f"Message {n}")
        last = message_add(actor=actor_for(bordeaux["dA"]), subject=subject, body="Le dernier")
    client = as_user(bordeaux, "p1")
    opened = client.get(f"/forums/messages/{last.pk}/")
    assert opened["Location"] == f"/forums/sujets/{subject.pk}/?page=2#message-{last.pk}"
    page = client.get(opened["Location"]).content.decode()
    assert f'id="message-{last.pk}"' in page and "Le dernier" in page
