"""``{% news_banners %}``: the emergency banners on every page of the people they concern
(``templates/base.html``). No query on a normal page: the banners come from the cache
(``apps.news.banners``), and the person's schools are read only when a current banner's
audience includes their profile."""

from __future__ import annotations

from typing import Any

from django import template
from django_tenants.utils import get_public_schema_name

from apps.accounts.context import caller
from apps.accounts.models import User
from apps.accounts.security.two_factor import is_verified
from apps.news.selectors import banners_shown_to
from tenants.db import current_schema
from tenants.hosts import request_commune

register = template.Library()


@register.inclusion_tag("news/_banners.html", takes_context=True)
def news_banners(context: Any) -> dict[str, Any]:
    request = context.get("request")
    # The template's user, not the request's: the school's public site draws its cached
    # pages for nobody in particular.
    user = context.get("user")
    if request is None or not isinstance(user, User) or getattr(request, "user", None) != user:
        return {"banners": []}
    if getattr(user, "requires_two_factor", False) and not is_verified(user):
        return {"banners": []}
    if request_commune(request) is None or current_schema() == get_public_schema_name():
        return {"banners": []}
    return {"banners": banners_shown_to(user.profile, lambda: caller(request).actor)}
