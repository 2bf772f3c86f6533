"""The commune's current banners, kept in the cache so that drawing a page costs no query.

Every page of a commune asks for its banners (``templates/news/_banners.html``, from
``base.html``), and every page's query count is pinned by the tests: a banner, or its
absence, must not move them. So a page reads the cache only, never the database, even on a
miss (the first page after the cache was emptied would otherwise pay the query the pins do
not count). The cache is written from the database instead:

* after each change, once it is committed (``changed``): the banner is on the pages at once;
* every five minutes in every live commune (``news.refresh_banners_all_communes``), which
  puts them back after the cache lost them (a restart of Redis, an eviction) and mends the
  rare race of two changes committed together.

The entry carries the schema (the keys do: CACHES in the settings), holds the current
banners (few: not ended, not expired) and lives until the last of them expires; a page also
drops one whose expiry has passed, so that a banner leaves the pages at its expiry without
anyone touching it. With Redis unreachable the pages show no banner (config/cache.py answers
misses) rather than fail.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.news.models import Banner

KEY = "news:banners"
# A banner is shown 30 days at most (apps.news.services): the entry never needs longer.
LONGEST_SECONDS = 31 * 24 * 3600


@dataclass(frozen=True)
class ShownBanner:
    pk: int
    school_id: int | None
    audience: str
    message: str
    colour: str
    expires_at: datetime.datetime


def current(now: datetime.datetime | None = None) -> list[ShownBanner]:
    """The banners shown now in this commune, newest first. No query: the cache only."""
    found = cache.get(KEY)
    if not isinstance(found, list):
        return []
    moment = now or timezone.now()
    return [banner for banner in found if banner.expires_at > moment]


def refresh(now: datetime.datetime | None = None) -> list[ShownBanner]:
    """Read this commune's current banners (one query) and put them in the cache."""
    moment = now or timezone.now()
    rows = Banner.objects.filter(ended_at__isnull=True, expires_at__gt=moment).order_by(
        "-created_at", "-id"
    )
    shown = [
        ShownBanner(
            pk=row.pk,
            school_id=row.school_id,
            audience=row.audience,
            message=row.message,
            colour=row.colour,
            expires_at=row.expires_at,
        )
        for row in rows.only("pk", "school_id", "audience", "message", "colour", "expires_at")
    ]
    if shown:
        last = max(banner.expires_at for banner in shown)
        seconds = min(LONGEST_SECONDS, int((last - moment).total_seconds()) + 1)
        cache.set(KEY, shown, max(1, seconds))
    else:
        cache.delete(KEY)
    return shown


def changed() -> None:
    """A banner was set or ended: the pages show the current ones once it is committed."""
    transaction.on_commit(refresh)
