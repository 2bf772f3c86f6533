"""What the rooms' services tell the connections, once their transaction commits (the post is
stored first: a dropped event costs a client nothing but a catch-up, ``apps.chat.consumers``)."""

from __future__ import annotations

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from apps.chat.models import Post, Room
from apps.chat.rendering import AUTHOR, MEMBER, MODERATOR, post_htmls
from tenants.db import current_schema

log = logging.getLogger("ent.live")

CHANGE = "room.change"
STATE = "room.state"


def room_group(schema: str, room_id: int, *, moderators: bool = False) -> str:
    """A room's channel-layer group: its members' connections, or its moderators' (who see the
    posts differently: each change is sent to each group in the form its people see, so no
    connection receives the others' HTML). It carries the schema's name, so two communes'
    rooms of the same id are never one group."""
    return f"room.{schema}.{room_id}{'.moderators' if moderators else ''}"


def _send(sends: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all() -> None:
        for group, event in sends:
            await layer.group_send(group, event)

    try:
        async_to_sync(send_all)()
    except Exception:  # the clients catch up from the database at their next event or beat
        log.exception("room event not sent to %s", [group for group, _event in sends])


def changed(room: Room, post: Post) -> None:
    """A post written, deleted or released: every connection of the room hears it (each keeps
    what its person may see)."""
    schema = current_schema()
    html = post_htmls(post)
    head = {"type": CHANGE, "id": post.version, "number": post.number, "author_id": post.author_id}
    sends = [
        (
            room_group(schema, room.pk),
            {**head, "html": {AUTHOR: html[AUTHOR], MEMBER: html[MEMBER]}},
        ),
        (
            room_group(schema, room.pk, moderators=True),
            {**head, "html": {MODERATOR: html[MODERATOR]}},
        ),
    ]
    transaction.on_commit(lambda: _send(sends))


def state_changed(room: Room) -> None:
    """Opened, closed, a teacher arrived or left, a pupil muted: each connection works out
    again what its person may do."""
    schema = current_schema()
    groups = [room_group(schema, room.pk), room_group(schema, room.pk, moderators=True)]
    # ``at``: when it was sent (after the commit); a fact read later already sees the change.
    transaction.on_commit(
        lambda: _send([(group, {"type": STATE, "at": time.time()}) for group in groups])
    )
