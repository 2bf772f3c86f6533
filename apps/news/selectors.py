"""Reads of the news and the banners. Getters answer ``None`` for "missing" and "forbidden"
alike; the list of news costs the same number of queries whatever their number."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.attachments.selectors import PhotoLine
from apps.attachments.selectors import photo_tagging as attachment_photo_tagging
from apps.news import banners, rules
from apps.news.models import Banner, News
from apps.news.publications import may_edit, scope_of, seen
from apps.publications.models import State
from apps.publications.moderation import may_moderate
from apps.schools.models import School

PAGE_SIZE = 10


def _on_show(now: datetime.datetime) -> Q:
    return Q(
        publication__state=State.PUBLISHED,
        publication__published_at__lte=now,
        expires_on__gte=timezone.localdate(now),
    )


def news_read_by(actor: Actor, now: datetime.datetime | None = None) -> QuerySet[News]:
    """What ``actor`` reads now: « à la une » first, then the newest."""
    readable = rules.readable(actor)
    if readable is None:
        return News.objects.none()
    return (
        News.objects.filter(readable, _on_show(now or timezone.now()))
        .select_related("publication", "school")
        .order_by("-pinned", "-publication__published_at", "-id")
    )


def _moderated_or_own(actor: Actor) -> Q | None:
    if not actor.active:
        return None
    mine = Q(publication__author_id=actor.id)
    if actor.directed_school_ids:
        mine |= Q(publication__school_id__in=actor.directed_school_ids)
    if actor.is_commune_admin:
        mine |= Q(publication__school__isnull=True)
    return mine


def news_managed_by(actor: Actor) -> QuerySet[News]:
    """The news ``actor`` wrote or moderates, whatever their state and dates, newest
    first."""
    managed = _moderated_or_own(actor)
    if managed is None:
        return News.objects.none()
    return (
        News.objects.filter(managed)
        .select_related("publication", "school")
        .order_by("-created_at", "-id")
    )


def writes_news(actor: Actor) -> bool:
    return actor.active and (
        actor.is_commune_admin
        or bool(actor.directed_school_ids)
        or (actor.profile == "teacher" and bool(actor.school_ids))
    )


def schools_for_writer(actor: Actor) -> list[School]:
    """The schools whose news ``actor`` writes (every school for the administrator)."""
    if not actor.active:
        return []
    schools = School.objects.order_by("name")
    if not actor.is_commune_admin:
        schools = schools.filter(pk__in=actor.school_ids)
    return [school for school in schools if rules.may_write(actor, school.pk)]


def schools_for_banners(actor: Actor) -> list[School]:
    if not rules.sets_banners(actor):
        return []
    schools = School.objects.order_by("name")
    if not actor.is_commune_admin:
        schools = schools.filter(pk__in=actor.directed_school_ids)
    return list(schools)


@dataclass(frozen=True)
class NewsView:
    news: News
    on_show: bool
    may_edit: bool
    moderator: bool
    is_author: bool


def news_for(actor: Actor, news_id: int) -> NewsView | None:
    news = News.objects.select_related("publication", "school").filter(pk=news_id).first()
    if news is None or not seen(actor, news):
        return None
    from apps.news.publications import on_show

    return NewsView(
        news=news,
        on_show=on_show(news),
        may_edit=may_edit(actor, news),
        moderator=may_moderate(actor, scope_of(news.publication)),
        is_author=news.publication.author_id == actor.id,
    )


def public_news(school_id: int, now: datetime.datetime | None = None) -> QuerySet[News]:
    """What the school's public site may show without login, newest first: its news on show
    that the direction made public (photo consent checked on publication, taken down on a
    consent withdrawn)."""
    return (
        News.objects.filter(_on_show(now or timezone.now()), school_id=school_id, public=True)
        .select_related("publication", "school")
        .order_by("-publication__published_at", "-id")
    )


def banners_shown_to(profile: str, actor: Callable[[], Actor]) -> list[banners.ShownBanner]:
    """The banners on the pages of a person of ``profile``: from the cache, no query
    (``apps.news.banners``). The person's ``actor`` (their schools: the relationship
    queries, unless the page read them already) is asked for only when a current banner's
    audience includes their profile."""
    shown = banners.current()
    if not shown:
        return []
    mine = rules.audiences_of(Actor(id=0, profile=profile))
    shown = [banner for banner in shown if banner.audience in mine]
    if not shown:
        return []
    person = actor()
    return [b for b in shown if rules.concerned(person, b.school_id, b.audience)]


def banners_managed_by(actor: Actor) -> QuerySet[Banner]:
    """The banners ``actor`` may end or has set, current first."""
    if not rules.sets_banners(actor):
        return Banner.objects.none()
    rows = Banner.objects.select_related("school")
    if not actor.is_commune_admin:
        rows = rows.filter(school_id__in=actor.directed_school_ids)
    return rows.order_by("-created_at", "-id")


def banner_for(actor: Actor, banner_id: int) -> Banner | None:
    banner = Banner.objects.filter(pk=banner_id).first()
    if banner is None or not rules.may_set_banner(actor, banner.school_id):
        return None
    return banner


def photo_tagging(news: News) -> tuple[list[PhotoLine], list[User]]:
    """The photos of ``news`` with their tagged pupils, and the pupils one may tag
    (``apps.attachments.selectors.photo_tagging``)."""
    return attachment_photo_tagging(news.publication_id, school_id=news.school_id)
