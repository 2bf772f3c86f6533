"""The news the direction made public, given to the school's public site
(``apps.site.public``): the site lists them, shows each one and serves its photos, without
login. Only the school's news on show (published, its date come, not expired) and made
public are ever answered (``selectors.public_news``); the byline is the school's, never a
person's name; photos are named only while no pupil without photo consent is on one."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from apps.attachments.models import Attachment
from apps.news.publications import check_publish, excerpt
from apps.news.selectors import public_news
from apps.site import public


def _photos(publication_id: OuterRef | int) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        publication_id=publication_id, content_type__startswith="image/"
    ).order_by("created_at", "pk")


class NewsSource:
    key = "actualites"
    label = "Actualité"

    def latest(self, school_id: int, limit: int) -> list[public.PublicItem]:
        rows = public_news(school_id).annotate(
            first_photo=Subquery(_photos(OuterRef("publication_id")).values("pk")[:1])
        )[:limit]
        return [
            public.PublicItem(
                title=news.title,
                item_id=news.pk,
                date=news.publication.published_at or news.created_at,
                summary=excerpt(news.body, 280),
                photo_id=news.first_photo,
            )
            for news in rows
        ]

    def count(self, school_id: int) -> int:
        return public_news(school_id).count()

    def entry(self, school_id: int, item_id: int) -> public.PublicEntry | None:
        news = public_news(school_id).filter(pk=item_id).first()
        if news is None:
            return None
        # Checked again as the page is drawn: a consent recorded « non » without the signal
        # (a correction in the database) shows no photo either.
        shown = check_publish(news.publication_id) is None
        photo_ids = list(_photos(news.publication_id).values_list("pk", flat=True)) if shown else []
        return public.PublicEntry(
            title=news.title,
            date=news.publication.published_at or news.created_at,
            byline=f"Actualité — {news.school.name}" if news.school else "Actualité",
            body=news.body,
            photos=tuple(
                public.PublicPhoto(
                    attachment_id=pk, alt=f"Photo {number} de l'actualité « {news.title} »"
                )
                for number, pk in enumerate(photo_ids, start=1)
            ),
        )


def register_source() -> None:
    public.unregister(NewsSource.key)  # Django may run ready() again in tests
    public.register(NewsSource())
