"""What a message to a group costs does not grow with the group: the copies are one
statement, and an immediate delivery reads neither the sender nor the members twice
(``services._deliver_locked``; bench/messaging.py measures it at 600 families)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.messaging import services
from apps.messaging.models import Box, Copy, Field, State
from tests.messaging.conftest import parents_of, to_person, write
from tests.world import World, add_pupils


def _send_counted(world: World, extra_families: int) -> tuple[int, set[int]]:
    add_pupils(world, extra_families, tag=f"cost{extra_families}")
    # The same person through a group and by name in Cc: one copy, through the group.
    draft = write(world, "t1", [parents_of(world), to_person(world, "par1", Field.CC)])
    with schema_context(world.schema), CaptureQueriesContext(connection) as queries:
        sent = services.message_send(actor=actor_for(world["t1"]), draft=draft, confirmed=True)
    assert sent.state == State.DELIVERED
    with schema_context(world.schema):
        copies = Copy.objects.filter(message=sent.message, box=Box.INBOX)
        par1 = copies.get(owner=world["par1"])
        assert (par1.field, par1.via_id, par1.child_id) == (
            Field.TO,
            sent.message.addresses.get(field=Field.TO).pk,
            world["p1"].pk,
        )
        return len(queries), set(copies.values_list("owner_id", flat=True))


def test_a_message_to_a_group_costs_the_same_queries_for_1_or_8_families(
    bordeaux: World,
) -> None:
    small, reached_small = _send_counted(bordeaux, 0)
    large, reached_large = _send_counted(bordeaux, 7)
    assert len(reached_small) == 1 and len(reached_large) == 8
    assert large == small


def test_delivering_again_writes_no_copy_twice(bordeaux: World) -> None:
    draft = write(bordeaux, "t1", [parents_of(bordeaux)])
    with schema_context(bordeaux.schema):
        sent = services.message_send(actor=actor_for(bordeaux["t1"]), draft=draft)
        message = sent.message
        services._write_inbox_copies(
            message,
            message.delivered_at,  # type: ignore[arg-type]
            {bordeaux["par1"].pk: (message.addresses.get(), None)},
        )
        assert Copy.objects.filter(message=message, owner=bordeaux["par1"]).count() == 1
