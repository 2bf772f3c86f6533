"""What the rooms' services tell the connections, once their transaction commits (the post is
stored first: a dropped event costs a client nothing but a catch-up, ``apps.chat.consumers``)."""

from __future__ import annotations

import time

from django.db import transaction

from apps.chat.models import Post, Room
from apps.chat.rendering import post_htmls
from apps.live.push import send_to_groups
from tenants.db import current_schema

CHANGE = "room.change"
STATE = "room.state"


def room_group(schema: str, room_id: int) -> str:
    """A room's channel-layer group; it carries the schema's name, so two communes' rooms of
    the same id are never one group."""
    return f"room.{schema}.{room_id}"


def changed(room: Room, post: Post) -> None:
    """A post written, deleted or released: every connection of the room hears it (each keeps
    what its person may see)."""
    group = room_group(current_schema(), room.pk)
    event = {
        "type": CHANGE,
        "id": post.version,
        "number": post.number,
        "author_id": post.author_id,
        "html": post_htmls(post),
    }
    transaction.on_commit(lambda: send_to_groups([(group, event)]))


def state_changed(room: Room) -> None:
    """Opened, closed, a teacher arrived or left, a pupil muted: each connection works out
    again what its person may do."""
    group = room_group(current_schema(), room.pk)
    # ``at``: when it was sent (after the commit); a fact read later already sees the change.
    transaction.on_commit(lambda: send_to_groups([(group, {"type": STATE, "at": time.time()})]))
