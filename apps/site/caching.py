"""The cached public pages of a school's site.

Each school has a version token in the cache; every cached page's key carries it, so that
``site_changed`` (a new token) makes every page of that school's site stale at once without
knowing which pages exist. Keys carry the schema too (``django_tenants.cache.make_key``,
CACHES in the settings): two communes never share an entry. With Redis down the cache answers
misses (config/cache.py) and the pages are drawn every time.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache

PAGE_SECONDS = 24 * 3600


def _version_key(school_id: int) -> str:
    return f"school_site:version:{school_id}"


def version(school_id: int) -> str:
    key = _version_key(school_id)
    found = cache.get(key)
    if found is None:
        # A token evicted or never set: a new one, never an old one that stale pages carry.
        cache.add(key, secrets.token_hex(8), None)
        found = cache.get(key) or "none"
    return str(found)


def bump(school_id: int) -> None:
    cache.set(_version_key(school_id), secrets.token_hex(8), None)


def page_key(school_id: int, name: str) -> str:
    return f"school_site:page:{school_id}:{version(school_id)}:{name}"


def get(key: str) -> tuple[bytes, str] | None:
    found = cache.get(key)
    return found if isinstance(found, tuple) else None


def put(key: str, content: bytes, content_type: str) -> None:
    cache.set(key, (content, content_type), PAGE_SECONDS)
