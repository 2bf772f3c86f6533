"""Reads: a person's feed, a page at a time, and unread count (one query each). A
notification held by quiet hours (``delivered_at`` empty) is in none of them."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.notifications.models import Notification

FEED_PAGE_SIZE = 20
# The header badge counts up to this and then says "99+": its query reads at most this many
# rows of the partial index of unread notifications, however many there are.
BADGE_CAP = 99


def delivered() -> QuerySet[Notification]:
    """The notifications people may see: delivered, not held by quiet hours."""
    return Notification.objects.filter(delivered_at__isnull=False)


def feed_for(user: User) -> QuerySet[Notification]:
    """Newest first; the id breaks ties, so that pages neither repeat nor skip a row."""
    return delivered().filter(recipient=user).order_by("-created_at", "-id")


def feed_page(user: User, number: str | int | None) -> Page:
    """One page of the feed (the first for a missing or malformed number, the last past the
    end): a count and the page's rows, two queries whatever the page."""
    return Paginator(feed_for(user), FEED_PAGE_SIZE).get_page(number)


def unread_count(user: User) -> int:
    return delivered().filter(recipient=user, read_at__isnull=True).count()


def unread_count_capped(user: User, cap: int = BADGE_CAP) -> int:
    """The unread count up to ``cap + 1`` (more than ``cap`` means "cap+"): one query bounded
    by ``cap``, on the partial index ``notification_unread``."""
    unread = delivered().filter(recipient=user, read_at__isnull=True).order_by()
    return unread[: cap + 1].count()
