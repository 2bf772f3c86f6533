"""The public items other apps give a school's site: news marked public, public blog posts…

An app registers a source once, at start-up (its ``AppConfig.ready``)::

    from apps.site import public

    class NewsSource:
        key = "news"

        def latest(self, school_id: int, limit: int) -> list[public.PublicItem]: ...

    public.register(NewsSource())

and calls ``apps.site.services.site_changed(school_id)`` when it publishes, changes or
withdraws an item, so that the cached public pages are drawn again. A source answers in a
constant number of queries and only with what anyone may read without logging in. With no
source registered, the site's pages and its feed simply list nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PublicItem:
    title: str
    url: str  # absolute path on the commune's host (``/ecole/…``) or a full URL
    date: datetime.datetime  # aware
    summary: str = ""  # plain text
    image_url: str = ""


class PublicSource(Protocol):
    key: str

    def latest(self, school_id: int, limit: int) -> list[PublicItem]: ...


_SOURCES: dict[str, PublicSource] = {}


def register(source: PublicSource) -> None:
    """Add a source; the same key twice is a programming error."""
    if source.key in _SOURCES:
        raise RuntimeError(f"public source registered twice: {source.key}")
    _SOURCES[source.key] = source


def unregister(key: str) -> None:
    _SOURCES.pop(key, None)


def sources() -> tuple[PublicSource, ...]:
    return tuple(_SOURCES.values())


def latest_items(school_id: int, limit: int = 20) -> list[PublicItem]:
    """The newest ``limit`` items of every source, newest first."""
    items = [item for source in sources() for item in source.latest(school_id, limit)]
    return sorted(items, key=lambda item: item.date, reverse=True)[:limit]
