"""The life of a message through the services: drafts, delivery to persons and groups,
replies, recall, trash and folders, moderation of pupils' mail."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.messaging import services
from apps.messaging.models import Box, Copy, Field, GroupKind, Message, State
from apps.messaging.selectors import copies_in, unread_count
from tests.messaging.conftest import parents_of, send, to_group, to_person, write
from tests.world import World


def owners(world: World, message: Message) -> set[str]:
    with schema_context(world.schema):
        ids = set(
            Copy.objects.filter(message=message, box=Box.INBOX).values_list("owner_id", flat=True)
        )
    return {name for name, user in world.people.items() if user.pk in ids}


def test_a_teacher_writes_to_the_parents_of_the_class(bordeaux: World) -> None:
    sent = send(bordeaux, "t1", [parents_of(bordeaux)])
    assert sent.state == State.DELIVERED
    assert owners(bordeaux, sent.message) == {"par1"}
    with schema_context(bordeaux.schema):
        assert unread_count(bordeaux["par1"].pk) == 1
        sender_copy = Copy.objects.get(message=sent.message, owner=bordeaux["t1"])
        assert sender_copy.box == Box.SENT


def test_a_parent_replies_and_the_thread_holds_both(bordeaux: World) -> None:
    first = send(bordeaux, "t1", [parents_of(bordeaux)]).message
    with schema_context(bordeaux.schema):
        parent = actor_for(bordeaux["par1"])
        draft = services.reply_draft(actor=parent, message=first)
        assert draft.subject.startswith("RE : ")
        reply = services.message_send(actor=parent, draft=draft).message
        assert reply.state == State.DELIVERED
        assert reply.thread_id == first.pk
    assert owners(bordeaux, reply) == {"t1"}


def test_a_no_reply_message_refuses_replies(bordeaux: World) -> None:
    first = send(bordeaux, "t1", [parents_of(bordeaux)], no_reply=True).message
    with schema_context(bordeaux.schema):
        with pytest.raises(services.MessagingError, match="pas de réponse"):
            services.reply_draft(actor=actor_for(bordeaux["par1"]), message=first)


def test_a_parent_may_not_write_to_a_group_of_parents(bordeaux: World) -> None:
    with pytest.raises(services.MessagingError):
        write(bordeaux, "par1", [parents_of(bordeaux)])
    with schema_context(bordeaux.schema):
        assert not Message.objects.exists()


def test_a_pupils_message_waits_for_the_teacher_then_arrives(bordeaux: World) -> None:
    sent = send(bordeaux, "p1", [to_person(bordeaux, "t1")])
    assert sent.state == State.MODERATION
    assert owners(bordeaux, sent.message) == set()
    with schema_context(bordeaux.schema):
        services.moderation_approve(actor=actor_for(bordeaux["t1"]), message_id=sent.message.pk)
    assert owners(bordeaux, sent.message) == {"t1"}


def test_recall_trash_restore_and_folders(bordeaux: World) -> None:
    sent = send(bordeaux, "t1", [to_person(bordeaux, "par1"), to_person(bordeaux, "dA", Field.BCC)])
    with schema_context(bordeaux.schema):
        teacher = actor_for(bordeaux["t1"])
        recalled = services.message_recall(actor=teacher, message=sent.message)
        assert recalled.is_recalled
        owner = bordeaux["par1"].pk
        copy = Copy.objects.get(message=sent.message, owner_id=owner)
        folder = services.folder_create(owner_id=owner, name="École")
        sub = services.folder_create(owner_id=owner, name="Sorties", parent=folder)
        with pytest.raises(services.MessagingError):
            services.folder_create(owner_id=owner, name="Trop", parent=sub)
        services.copies_move(owner_id=owner, copy_ids=[copy.pk], folder=sub)
        assert list(copies_in(owner, sub.pk)) == [copy]
        services.copies_trash(owner_id=owner, copy_ids=[copy.pk])
        assert list(copies_in(owner, "trash")) == [copy]
        services.copies_restore(owner_id=owner, copy_ids=[copy.pk])
        assert list(copies_in(owner, sub.pk)) == [copy]
        services.folder_delete(owner_id=owner, folder=folder)
        assert list(copies_in(owner, Box.INBOX)) == [copy]


def test_a_teacher_writes_to_the_teachers_of_the_school(bordeaux: World) -> None:
    sent = send(bordeaux, "t1", [to_group(bordeaux, GroupKind.SCHOOL_TEACHERS)])
    assert owners(bordeaux, sent.message) == {"t2", "dA"}
