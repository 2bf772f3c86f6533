"""``{% load messaging %}{% messaging_badge %}``: the header's unread messages (one bounded
query, nothing for anonymous visitors nor on the base domain)."""

from __future__ import annotations

from typing import Any

from django import template

from apps.accounts.models import User
from apps.messaging.selectors import BADGE_CAP, unread_count
from tenants.hosts import request_commune

register = template.Library()


def badge_context(user: User) -> dict[str, Any]:
    """What the badge shows for ``user`` (the page's header and its live updates)."""
    unread = unread_count(user.pk, cap=BADGE_CAP)
    return {"show": True, "unread": unread, "more": unread > BADGE_CAP, "cap": BADGE_CAP}


@register.inclusion_tag("messaging/badge.html", takes_context=True)
def messaging_badge(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or request_commune(request) is None:
        return {"show": False, "unread": 0}
    return badge_context(user)
