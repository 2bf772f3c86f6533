"""The notifications' live topic (``apps.live.topics``): the header's badge, re-rendered on every
page a person has open when a notification reaches them or they read one."""

from __future__ import annotations

from django.template.loader import render_to_string

from apps.accounts.models import User
from apps.live.topics import Topic, register

BADGE_TOPIC = "notifications.badge"


def _badge(user: User, argument: str) -> str | None:
    from apps.notifications.templatetags.notifications import badge_context

    return render_to_string("notifications/badge.html", badge_context(user))


def register_topics() -> None:
    register(Topic(BADGE_TOPIC, _badge))
