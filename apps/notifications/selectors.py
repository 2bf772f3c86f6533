"""Reads: a person's feed and unread count (one query each)."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.notifications.models import Notification

FEED_LENGTH = 100
# The header badge counts up to this and then says "99+": its query reads at most this many
# rows of the partial index of unread notifications, however many there are.
BADGE_CAP = 99


def feed_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:FEED_LENGTH]


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_count_capped(user: User, cap: int = BADGE_CAP) -> int:
    """The unread count up to ``cap + 1`` (more than ``cap`` means "cap+"): one query bounded
    by ``cap``, on the partial index ``notification_unread``."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by()
    return unread[: cap + 1].count()
