"""HTTP and WebSockets under one ASGI application (uvicorn serves both).

WebSockets go through ``CommuneWebSocketMiddleware`` (the commune from the Host header, the
session of that commune, refusals) before their routes; an unknown path is refused too."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

# Initialise Django before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from apps.live.tenancy import CommuneWebSocketMiddleware  # noqa: E402
from config.ws_urls import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": CommuneWebSocketMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
