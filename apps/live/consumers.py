"""The base of every consumer: a connection of one person, in their commune, that hears the
topics its page watches (``apps.live.topics``), with bounds on what a client may send.

A client sends JSON objects. ``{"type": "watch", "topics": [...]}`` names what its page shows
live; every watched topic is rendered at once (so a reconnection repairs whatever was missed)
and again whenever a service says it changed (``apps.live.push``). Each render checks the
session first: a session that ended (logout, blocked account, password changed) closes the
connection.
"""

from __future__ import annotations

import json
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from apps.accounts.models import User
from apps.accounts.security.sessions import session_user
from apps.live import topics
from apps.live.commune import in_commune
from apps.live.push import person_group

# Close codes (4000-4999 are the application's): the client's script reads them.
CLOSE_SESSION_ENDED = 4401
CLOSE_TOO_BIG = 1009
TOO_FAST = "Trop de messages à la fois : attendez quelques secondes."
BAD_MESSAGE = "Message illisible."


class RateBucket:
    """At most ``rate`` messages per ``per`` seconds on average, bursts up to ``rate``."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self.tokens = float(rate)
        self.at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate / self.per)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _rendered(session_key: str, watched: list[str]) -> dict[str, str] | None:
    """The watched topics as the person sees them now; None if their session ended."""
    user = session_user(session_key)
    if user is None:
        return None
    shown = {}
    for name in watched:
        html = topics.render(user, name)
        if html is not None:
            shown[name] = html
    return shown


class PersonConsumer(AsyncWebsocketConsumer):
    """``/ws/live/``: a page's live topics. Rooms (``apps.chat``) extend it, so that a room's
    page needs one connection for both."""

    async def connect(self) -> None:
        self.commune = self.scope["commune"]
        self.user: User = self.scope["user"]
        self.session_key: str = self.scope["session_key"]
        self.watched: list[str] = []
        self.bucket = RateBucket(settings.ENT_WS_MESSAGES_PER_10S, 10.0)
        self.person_group = person_group(self.commune.schema_name, self.user.pk)
        await self.channel_layer.group_add(self.person_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.person_group, self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes the sync thread's old connections before every handler: one hop to
        # that thread per event, for each connection an event reaches. No handler here uses
        # that thread's connection (``in_commune`` runs in threads that close their own).
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > settings.ENT_WS_MAX_MESSAGE_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        if not self.bucket.take():
            await self.send_json({"type": "error", "message": TOO_FAST})
            return
        try:
            content = json.loads(text_data or "")
        except ValueError:
            content = None
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_json({"type": "error", "message": BAD_MESSAGE})
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict[str, Any]) -> None:
        if content["type"] == "watch":
            names = content.get("topics")
            if isinstance(names, list):
                wanted = [n for n in names if isinstance(n, str) and topics.split(n)]
                self.watched = list(dict.fromkeys(wanted))[: topics.MAX_WATCHED]
                await self.show(self.watched)
            return
        await self.send_json({"type": "error", "message": BAD_MESSAGE})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def show(self, names: list[str]) -> None:
        if not names:
            return
        shown = await in_commune(self.commune, _rendered, self.session_key, names)
        if shown is None:
            await self.close(code=CLOSE_SESSION_ENDED)
            return
        for name, html in shown.items():
            await self.send_json({"type": "live", "topic": name, "html": html})

    async def live_changed(self, event: dict[str, Any]) -> None:
        if event["topic"] in self.watched:
            await self.show([event["topic"]])
