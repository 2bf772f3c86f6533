"""The WebSocket paths of the communes' hosts (``config.asgi`` routes them, once the commune and
the session are known): a page's live topics, and a chat room (which carries its page's live
topics too)."""

from __future__ import annotations

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path, re_path

from apps.chat.consumers import RoomConsumer
from apps.live.consumers import PersonConsumer


class Refused(AsyncWebsocketConsumer):
    """Any other path: the handshake is refused (403), as an unknown page answers 404."""

    async def connect(self) -> None:
        await self.close(code=4404)


websocket_urlpatterns = [
    path("ws/live/", PersonConsumer.as_asgi()),
    path("ws/salons/<int:room_id>/", RoomConsumer.as_asgi()),
    re_path(r"", Refused.as_asgi()),
]
