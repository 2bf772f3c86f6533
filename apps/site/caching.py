"""The cached public pages of a school's site, found by the site's address alone.

Each site has a version token in the cache, under its school's UAI (the ``/ecole/<uai>/`` of
its address); every cached page is stored with the token it was drawn under, read before the
drawing began. A visit reads the token and the page in one round trip (``lookup``) and serves
the page only if the two tokens agree, without asking the database anything; ``bump`` (a new
token, from ``site_changed``) makes every page of that site stale at once without knowing
which pages exist, and a page drawn while a change was committed carries the old token, so it
is never served. Keys carry the schema too (``django_tenants.cache.make_key``, CACHES in the
settings): two communes never share an entry. With Redis down the cache answers misses
(config/cache.py) and the pages are drawn every time.
"""

from __future__ import annotations

import re
import secrets

from django.core.cache import cache

PAGE_SECONDS = 24 * 3600
# The address part that can name a site: a UAI, in the lower case of the site's links. Any
# other text is no site's and is never looked up.
_UAI = re.compile(r"[0-9]{7}[a-z]")


def address(uai: str) -> str | None:
    """The cache's name for the site at ``/ecole/<uai>/``, or None when ``uai`` is no UAI."""
    name = uai.strip().lower()
    return name if _UAI.fullmatch(name) else None


def _version_key(site: str) -> str:
    return f"school_site:version:{site}"


def _page_key(site: str, name: str) -> str:
    return f"school_site:page:{site}:{name}"


def version(site: str) -> str:
    """The site's current token (a new one if it was evicted or never set: never an old one
    that stale pages carry)."""
    key = _version_key(site)
    found = cache.get(key)
    if found is None:
        cache.add(key, secrets.token_hex(8), None)
        found = cache.get(key) or "none"
    return str(found)


def bump(site: str) -> None:
    cache.set(_version_key(site), secrets.token_hex(8), None)


def lookup(site: str, name: str) -> tuple[bytes, str] | None:
    """The page's bytes and type if it was drawn under the site's current token."""
    version_key, page_key = _version_key(site), _page_key(site, name)
    found = cache.get_many([version_key, page_key])
    current, page = found.get(version_key), found.get(page_key)
    if current is None or not isinstance(page, tuple) or len(page) != 3 or page[0] != current:
        return None
    return page[1], page[2]


def put(site: str, name: str, drawn_under: str, content: bytes, content_type: str) -> None:
    """``drawn_under``: the token read before the page was drawn."""
    cache.set(_page_key(site, name), (drawn_under, content, content_type), PAGE_SECONDS)
