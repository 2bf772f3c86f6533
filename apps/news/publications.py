"""The news kind (``apps.publications.registry``), through the moderation circuit: a news
item is read as ``apps.news.rules`` says once published, from its publication date through
its expiry date; before, after, or while it is not published, by its author and its
moderators only."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from apps.accounts.permissions import Actor
from apps.attachments.selectors import consent_refusal
from apps.news import rules
from apps.news.models import News
from apps.publications.models import Publication, State
from apps.publications.moderation import Scope, may_moderate, sees_in_circuit
from apps.publications.registry import PublicationKind, QueueItem, register

NEWS = "news.item"

# The author changes what they wrote while it is theirs (a draft, a correction asked, a
# refusal); a moderator at any time.
AUTHOR_EDITS = frozenset({State.DRAFT, State.REFUSED})


def scope_of(publication: Publication) -> Scope:
    return Scope(school_id=publication.school_id, classroom_id=publication.classroom_id)


def on_show(news: News, now: datetime.datetime | None = None) -> bool:
    """Published, its date come, its expiry date not passed."""
    moment = now or timezone.now()
    publication = news.publication
    return (
        publication.state == State.PUBLISHED
        and publication.published_at is not None
        and publication.published_at <= moment
        and news.expires_on >= timezone.localdate(moment)
    )


def seen(actor: Actor, news: News) -> bool:
    """On show: its readers; otherwise (and also) its author and moderators."""
    if on_show(news) and rules.may_read(actor, news.school_id, news.audience):
        return True
    return sees_in_circuit(actor, scope_of(news.publication), news.publication.author_id)


def may_edit(actor: Actor, news: News) -> bool:
    publication = news.publication
    if may_moderate(actor, scope_of(publication)):
        return True
    return (
        actor.active
        and publication.author_id == actor.id
        and publication.state in AUTHOR_EDITS
        and rules.may_write(actor, news.school_id)
    )


def _news(ids: Collection[int]) -> list[News]:
    return list(News.objects.filter(publication_id__in=ids).select_related("publication", "school"))


def visible(actor: Actor, ids: Collection[int]) -> set[int]:
    return {n.publication_id for n in _news(ids) if seen(actor, n)}


def editable(actor: Actor, publication_id: int) -> bool:
    news = next(iter(_news([publication_id])), None)
    return news is not None and may_edit(actor, news)


def news_url(news: News) -> str:
    return reverse("news:detail", args=[news.pk])


def excerpt(html: str, length: int = 140) -> str:
    text = " ".join(strip_tags(html).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def where(news: News) -> str:
    return news.school.name if news.school is not None else "Commune"


def describe(ids: Collection[int]) -> dict[int, QueueItem]:
    return {
        n.publication_id: QueueItem(
            title=n.title, url=news_url(n), where=where(n), excerpt=excerpt(n.body)
        )
        for n in _news(ids)
    }


def check_publish(publication_id: int) -> str | None:
    """A public news item may not show a pupil without photo consent (``consent_refusal``)."""
    row = News.objects.filter(publication_id=publication_id).only("public", "untagged_confirmed")
    news = row.first()
    if news is None or not news.public:
        return None
    return consent_refusal(publication_id, untagged_confirmed=news.untagged_confirmed)


def decided(publication_id: int, state: str) -> None:
    from apps.news.services import news_decided

    news_decided(publication_id, state)


def consent_withdrawn(publication_id: int) -> None:
    from apps.news.services import news_made_private

    news_made_private(publication_id)


def register_kinds() -> None:
    register(
        PublicationKind(
            name=NEWS,
            label="Actualité",
            short="news",
            visible=visible,
            editable=editable,
            describe=describe,
            check_publish=check_publish,
            decided=decided,
            consent_withdrawn=consent_withdrawn,
        )
    )
