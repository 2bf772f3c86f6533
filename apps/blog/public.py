"""The posts a teacher made public, given to the school's public site (``apps.site.public``):
the site lists them, shows each one and serves its photos, without login. Only published
public posts of the school's blogs are ever answered (``selectors.public_posts``); the byline
is the blog's, never a pupil's name."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from apps.attachments.models import Attachment
from apps.blog.publications import excerpt
from apps.blog.selectors import public_posts
from apps.site import public


def _photos(publication_id: OuterRef | int) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        publication_id=publication_id, content_type__startswith="image/"
    ).order_by("created_at", "pk")


class BlogSource:
    key = "blog"
    label = "Article de blog"

    def latest(self, school_id: int, limit: int) -> list[public.PublicItem]:
        posts = public_posts(school_id).annotate(
            first_photo=Subquery(_photos(OuterRef("publication_id")).values("pk")[:1])
        )[:limit]
        return [
            public.PublicItem(
                title=post.title,
                item_id=post.pk,
                date=post.publication.published_at or post.created_at,
                summary=excerpt(post.body),
                photo_id=post.first_photo,
            )
            for post in posts
        ]

    def count(self, school_id: int) -> int:
        return public_posts(school_id).count()

    def entry(self, school_id: int, item_id: int) -> public.PublicEntry | None:
        post = public_posts(school_id).filter(pk=item_id).first()
        if post is None:
            return None
        photo_ids = list(_photos(post.publication_id).values_list("pk", flat=True))
        return public.PublicEntry(
            title=post.title,
            date=post.publication.published_at or post.created_at,
            byline=post.blog.title,
            body=post.body,
            photos=tuple(
                public.PublicPhoto(
                    attachment_id=pk, alt=f"Photo {number} de l'article « {post.title} »"
                )
                for number, pk in enumerate(photo_ids, start=1)
            ),
        )


def register_source() -> None:
    public.unregister(BlogSource.key)  # Django may run ready() again in tests
    public.register(BlogSource())
