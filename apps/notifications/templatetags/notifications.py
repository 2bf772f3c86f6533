"""``{% load notifications %}{% notifications_badge %}``: the header's unread count (one
query, nothing for anonymous visitors nor on the base domain)."""

from __future__ import annotations

from typing import Any

from django import template

from apps.accounts.models import User
from apps.notifications.selectors import BADGE_CAP, unread_count_capped
from tenants.hosts import request_commune

register = template.Library()


@register.inclusion_tag("notifications/badge.html", takes_context=True)
def notifications_badge(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    # Notifications live in the communes' schemas: nothing on the base domain.
    if not isinstance(user, User) or request_commune(request) is None:
        return {"show": False, "unread": 0}
    return badge_context(user)


def badge_context(user: User) -> dict[str, Any]:
    """What the badge shows for ``user`` (the page's header and its live updates)."""
    unread = unread_count_capped(user)
    return {"show": True, "unread": unread, "more": unread > BADGE_CAP, "cap": BADGE_CAP}
