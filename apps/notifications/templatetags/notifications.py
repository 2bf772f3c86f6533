"""``{% load notifications %}{% notifications_badge %}``: the header's unread count (one
query, nothing for anonymous visitors)."""

from __future__ import annotations

from typing import Any

from django import template

from apps.accounts.models import User
from apps.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/badge.html", takes_context=True)
def notifications_badge(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {"show": False, "unread": 0}
    return {"show": True, "unread": unread_count(user)}
