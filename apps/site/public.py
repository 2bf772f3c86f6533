"""The public items other apps give a school's site: news marked public, public blog posts…

An app registers a source once, at start-up (its ``AppConfig.ready``)::

    from apps.site import public

    class NewsSource:
        key = "actualites"  # in the address: /ecole/<UAI>/publications/actualites/<id>/
        label = "Actualité"

        def latest(self, school_id: int, limit: int) -> list[public.PublicItem]: ...
        def count(self, school_id: int) -> int: ...
        def entry(self, school_id: int, item_id: int) -> public.PublicEntry | None: ...

    public.register(NewsSource())

and calls ``apps.site.services.site_changed(school_id)`` when it publishes, changes or
withdraws an item, so that the cached public pages are drawn again. A source answers in a
constant number of queries and only with what anyone may read without logging in: the site
shows what it is given, and serves a photo only if the item's entry names it. With no source
registered, the site's pages and its feed simply list nothing.

The site owns the addresses (``entry_path``, ``photo_path``): a source names its items by its
own ids and never builds a public URL.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass
from typing import Protocol

# A source's key is a path segment of the public site.
KEY = re.compile(r"[a-z][-a-z0-9]{0,39}")


@dataclass(frozen=True)
class PublicItem:
    title: str
    item_id: int  # the source's own id, given back to ``entry``
    date: datetime.datetime  # aware
    summary: str = ""  # plain text
    photo_id: int | None = None  # an attachment of the item, shown small in the lists
    # Set by ``latest_items``: the source that gave it, and the item's public page.
    source: str = ""
    url: str = ""
    photo_url: str = ""


@dataclass(frozen=True)
class PublicPhoto:
    attachment_id: int
    alt: str  # what the photo shows, for those who do not see it


@dataclass(frozen=True)
class PublicEntry:
    """One public item, whole: what its public page shows."""

    title: str
    date: datetime.datetime
    byline: str  # « Blog de la classe de CE2 »
    body: str  # rich text already sanitised with the PUBLICATION profile (apps.richtext)
    photos: tuple[PublicPhoto, ...] = ()

    def shows(self, attachment_id: int) -> bool:
        return any(photo.attachment_id == attachment_id for photo in self.photos)


class PublicSource(Protocol):
    key: str
    label: str  # what kind of item it is, in a list: « Article de blog », « Actualité »

    def latest(self, school_id: int, limit: int) -> list[PublicItem]: ...

    def count(self, school_id: int) -> int: ...

    def entry(self, school_id: int, item_id: int) -> PublicEntry | None: ...


_SOURCES: dict[str, PublicSource] = {}


def register(source: PublicSource) -> None:
    """Add a source; the same key twice, or a key that is no path segment, is a programming
    error."""
    if not KEY.fullmatch(source.key):
        raise RuntimeError(f"public source key is not a path segment: {source.key!r}")
    if source.key in _SOURCES:
        raise RuntimeError(f"public source registered twice: {source.key}")
    _SOURCES[source.key] = source


def unregister(key: str) -> None:
    _SOURCES.pop(key, None)


def sources() -> tuple[PublicSource, ...]:
    return tuple(_SOURCES.values())


def source(key: str) -> PublicSource | None:
    return _SOURCES.get(key)


def entry_path(base: str, key: str, item_id: int) -> str:
    """``base``: the site's root path, ``/ecole/<uai>/``."""
    return f"{base}publications/{key}/{item_id}/"


# A list's thumbnail, asked of the photo's renditions (``apps.attachments.renditions``).
LIST_PHOTO_WIDTH = 480


def photo_path(
    base: str, key: str, item_id: int, attachment_id: int, width: int | None = None
) -> str:
    """``width``: the rendition about that wide; None: the original."""
    path = f"{entry_path(base, key, item_id)}photos/{attachment_id}"
    return path if width is None else f"{path}?largeur={width}"


def latest_items(school_id: int, base: str, limit: int = 20, offset: int = 0) -> list[PublicItem]:
    """The items ``offset`` to ``offset + limit`` of every source together, newest first,
    with their public addresses under ``base``."""
    found = [
        dataclasses.replace(
            item,
            source=each.key,
            url=entry_path(base, each.key, item.item_id),
            photo_url=(
                photo_path(base, each.key, item.item_id, item.photo_id, LIST_PHOTO_WIDTH)
                if item.photo_id is not None
                else ""
            ),
        )
        for each in sources()
        for item in each.latest(school_id, offset + limit)
    ]
    found.sort(key=lambda item: (item.date, item.source, item.item_id), reverse=True)
    return found[offset : offset + limit]


def items_count(school_id: int) -> int:
    return sum(each.count(school_id) for each in sources())
