"""A post's HTML, from one template for the page and for the live updates: a page reloaded and
a page kept open show the same thing. Three audiences see a post differently: the class's
teachers (``MODERATOR``: held posts and the buttons to decide), its author (``AUTHOR``: their own
post waiting for the teacher), everyone else (``MEMBER``: nothing of a held post)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from apps.chat.models import Post, PostState
from apps.chat.selectors import post_view

MODERATOR = "moderator"
AUTHOR = "author"
MEMBER = "member"


def audience_of(*, moderator: bool, mine: bool) -> str:
    if moderator:
        return MODERATOR
    return AUTHOR if mine else MEMBER


def post_html(post: Post, audience: str, *, csrf_token: str = "") -> str | None:
    """The post's ``<li>`` for ``audience``; None when they see nothing of it. ``csrf_token``:
    the page's (its forms then work without JavaScript); the live updates carry none, their
    buttons go over the connection."""
    if audience == MEMBER:
        if post.state == PostState.HELD:
            return None
        if post.state == PostState.DELETED and not post.was_shown:
            return None
    view: dict[str, Any] = post_view(post, moderator=audience == MODERATOR)
    return render_to_string(
        "chat/_post.html",
        {
            "p": view,
            "moderator": audience == MODERATOR,
            "mine": audience == AUTHOR,
            "csrf_token": csrf_token,
        },
    )


def post_htmls(post: Post) -> dict[str, str | None]:
    """The post for each audience (what a change event carries)."""
    return {audience: post_html(post, audience) for audience in (MODERATOR, AUTHOR, MEMBER)}
