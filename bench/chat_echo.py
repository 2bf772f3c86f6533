"""The ASGI application of bench/chat.py's server: the project's own application, plus a bare
Channels echo consumer on ``/echo/<room>/`` that the rooms are measured against.

The echo consumer is what a chat costs with nothing of the product: no database, no session,
no commune, no rendering. On connect it joins a group per room (from the URL, through the same
channel layer, i.e. the same Redis, as the rooms); whatever a client sends is sent by
``group_send`` to every connection of that room, the sender included, as it came. Every other
path and protocol goes to ``config.asgi.application`` unchanged, in the same process.

Run by uvicorn as ``bench.chat_echo:application`` with the repository and ``platform`` on
PYTHONPATH (bench/chat.py does).
"""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import URLRouter
from django.urls import path

from config.asgi import application as project_application


class EchoConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.group = f"echo.{int(self.scope['url_route']['kwargs']['room'])}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.channel_layer.group_send(self.group, {"type": "echo.out", "text": text_data})

    async def echo_out(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


echo_application = URLRouter([path("echo/<int:room>/", EchoConsumer.as_asgi())])


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "websocket" and scope["path"].startswith("/echo/"):
        await echo_application(scope, receive, send)
    else:
        await project_application(scope, receive, send)
