"""Telling people's open pages that something they watch changed.

``changed(user_ids, topic)`` is called by a feature's service; once the transaction commits,
each person's connections hear that ``topic`` changed and render it again (the event carries
no content: what a page shows is read in the consumer, under that person's rights). The
channel layer may drop an event (over capacity, Redis restarting): a page is still right at its
next reload and at each reconnection, which renders every watched topic again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from tenants.db import current_schema

log = logging.getLogger("ent.live")

# The event's ``type``: a consumer's ``live_changed`` method receives it.
CHANGED = "live.changed"


def person_group(schema: str, user_id: int) -> str:
    """The channel-layer group of one person's connections. It carries the schema's name: two
    communes' user ids are never the same group."""
    return f"person.{schema}.{user_id}"


def changed(user_ids: Iterable[int], topic: str) -> None:
    ids = sorted({int(pk) for pk in user_ids})
    if not ids:
        return
    schema = current_schema()
    transaction.on_commit(lambda: send_changed(schema, ids, topic))


def send_changed(schema: str, user_ids: list[int], topic: str) -> None:
    event = {"type": CHANGED, "topic": topic}
    send_to_groups([(person_group(schema, pk), event) for pk in user_ids])


def send_to_groups(sends: list[tuple[str, dict[str, Any]]]) -> None:
    """Each event to its channel-layer group, at once. A failure is logged, never raised: the
    writer's transaction has committed, and what a page shows is right at its next reload (a
    chat client catches up from the database)."""
    layer = get_channel_layer()
    if layer is None or not sends:
        return

    async def send_all() -> None:
        await asyncio.gather(*(layer.group_send(group, event) for group, event in sends))

    try:
        async_to_sync(send_all)()
    except Exception:
        log.exception("live events not sent to %s", [group for group, _event in sends][:5])
