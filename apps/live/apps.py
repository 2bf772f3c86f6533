import logging

from django.apps import AppConfig
from django.conf import settings

log = logging.getLogger("ent.live")


class LiveConfig(AppConfig):
    """WebSockets in the right commune: the ASGI middleware that routes a connection to its
    commune's schema, the running of a consumer's database calls in that schema, and the live
    updates of a page (its topics). Knows no feature: features register their topics."""

    name = "apps.live"
    label = "live"
    verbose_name = "Temps réel"

    def ready(self) -> None:
        backend = str(settings.CHANNEL_LAYERS["default"]["BACKEND"])
        if backend.endswith("InMemoryChannelLayer"):
            # Said once: two processes would not hear each other (fine under `make run`).
            log.warning(
                "temps réel : couche de canaux en mémoire (pas de REDIS_URL), un seul processus"
            )
