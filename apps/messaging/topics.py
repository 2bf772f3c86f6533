"""The messagerie's live topics (``apps.live.topics``): the header's unread badge, and the
moderation queue's count on the teacher's page. The services say when they change
(``changed_for``); each page re-renders what it shows."""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.live import push
from apps.live.topics import Topic, register

BADGE = "messaging.badge"
MODERATION = "messaging.moderation"


def _badge(user: User, argument: str) -> str | None:
    from apps.messaging.templatetags.messaging import badge_context

    return render_to_string("messaging/badge.html", badge_context(user))


def moderation_context(count: int) -> dict[str, object]:
    return {"count": count}


def _moderation(user: User, argument: str) -> str | None:
    from apps.messaging.selectors import moderation_count

    actor = actor_for(user)
    if not actor.taught_class_ids:
        return None
    return render_to_string(
        "messaging/_moderation_count.html", moderation_context(moderation_count(actor))
    )


def register_topics() -> None:
    register(Topic(BADGE, _badge))
    register(Topic(MODERATION, _moderation))


def badges_changed(user_ids: Iterable[int]) -> None:
    push.changed(user_ids, BADGE)


def queue_changed(teacher_ids: Iterable[int]) -> None:
    push.changed(teacher_ids, MODERATION)
