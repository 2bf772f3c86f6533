"""The commune's current banners, kept in the cache so that drawing a page costs no query.

Every page of a commune asks for its banners (``templates/news/_banners.html``, from
``base.html``); a page's query count is pinned by the tests, and a banner must not move it.
The current banners (few: not ended, not expired) are one cache entry per schema (the keys
carry it, CACHES in the settings), under a version token that every change replaces after
its commit (``changed``), so that a reader who raced the change writes under the old token,
which nobody reads again. The entry lives until the earliest expiry among its banners (a day
at most): an expired banner leaves the pages without anyone touching it. A miss (the first
page after a change, Redis down) is one query.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.news.models import PAIRS, Banner

VERSION_KEY = "news:banners:version"
LONGEST_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ShownBanner:
    pk: int
    school_id: int | None
    audience: str
    message: str
    colour: str
    expires_at: datetime.datetime

    @property
    def background(self) -> str:
        return PAIRS[self.colour][0]


def _data_key(version: str) -> str:
    return f"news:banners:{version}"


def _version() -> str:
    found = cache.get(VERSION_KEY)
    if found is None:
        # Never an old token that a stale entry carries: a new one.
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        found = cache.get(VERSION_KEY) or "none"
    return str(found)


def _read(now: datetime.datetime) -> list[ShownBanner]:
    rows = Banner.objects.filter(ended_at__isnull=True, expires_at__gt=now).order_by(
        "-created_at", "-id"
    )
    return [
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


def current(now: datetime.datetime | None = None) -> list[ShownBanner]:
    """The banners shown now in this commune, newest first: no query when the cache has them."""
    moment = now or timezone.now()
    key = _data_key(_version())
    found = cache.get(key)
    if not isinstance(found, list):
        found = _read(moment)
        soonest = min((b.expires_at for b in found), default=None)
        seconds = LONGEST_SECONDS
        if soonest is not None:
            seconds = max(1, min(LONGEST_SECONDS, int((soonest - moment).total_seconds()) + 1))
        cache.set(key, found, seconds)
    return [banner for banner in found if banner.expires_at > moment]


def changed() -> None:
    """A banner was set or ended: every page draws the current ones again, once the change is
    committed."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, secrets.token_hex(8), None))
