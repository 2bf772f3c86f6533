"""The news a school's public site shows (``apps.site.public``): its news on show that the
direction made public, each linked to its public page (``/actualites/publique/<id>/``)."""

from __future__ import annotations

from django.urls import reverse

from apps.news.publications import excerpt
from apps.news.selectors import public_news
from apps.site import public


class NewsSource:
    key = "news"

    def latest(self, school_id: int, limit: int) -> list[public.PublicItem]:
        return [
            public.PublicItem(
                title=news.title,
                url=reverse("news:public", args=[news.pk]),
                date=news.publication.published_at or news.created_at,
                summary=excerpt(news.body, 280),
            )
            for news in public_news(school_id, limit)
        ]


def register_source() -> None:
    # ``ready()`` may run again in tests: the same key is replaced, not refused.
    public.unregister(NewsSource.key)
    public.register(NewsSource())
