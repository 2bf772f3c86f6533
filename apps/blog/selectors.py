"""Reads of the blogs. Getters answer ``None`` for "missing" and "forbidden" alike; a blog's
page costs the same number of queries whatever its number of posts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.attachments.selectors import PhotoLine
from apps.attachments.selectors import photo_tagging as attachment_photo_tagging
from apps.blog import rules
from apps.blog.models import Blog, BlogPost, Comment
from apps.blog.publications import may_edit, seen
from apps.publications.models import State
from apps.publications.moderation import may_moderate

PAGE_SIZE = 10


def blogs_read_by(actor: Actor) -> list[Blog]:
    """The blogs ``actor`` reads: the school's first, then its classes by name."""
    if not actor.active:
        return []
    candidates = Blog.objects.filter(school_id__in=actor.school_ids).select_related(
        "school", "classroom"
    )
    blogs = [b for b in candidates if rules.may_read(actor, b.scope)]
    return sorted(
        blogs,
        key=lambda b: (
            b.school.name,
            b.classroom is not None,
            b.classroom.name if b.classroom else "",
        ),
    )


def blog_for(actor: Actor, blog_id: int) -> Blog | None:
    blog = Blog.objects.select_related("school", "classroom").filter(pk=blog_id).first()
    return blog if blog is not None and rules.may_read(actor, blog.scope) else None


def posts_of(actor: Actor, blog: Blog) -> QuerySet[BlogPost]:
    """The posts ``actor`` sees on the blog, newest first: the published ones and their own,
    and for a moderator every one, with its state (``sees_in_circuit``)."""
    posts = BlogPost.objects.filter(blog=blog)
    if not may_moderate(actor, blog.scope):
        posts = posts.filter(
            Q(publication__state=State.PUBLISHED) | Q(publication__author_id=actor.id)
        )
    return (
        posts.select_related("publication")
        .annotate(
            comment_count=Count("comments", filter=Q(comments__publication__state=State.PUBLISHED))
        )
        .order_by("-created_at", "-id")
    )


def _published_comments() -> Subquery:
    return Subquery(
        Comment.objects.filter(post=OuterRef("pk"), publication__state=State.PUBLISHED)
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class PostView:
    post: BlogPost
    may_edit: bool
    moderator: bool
    is_author: bool


def post_for(actor: Actor, post_id: int) -> PostView | None:
    post = (
        BlogPost.objects.select_related("publication", "blog__school", "blog__classroom")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not seen(actor, post.publication, post.blog.scope):
        return None
    return PostView(
        post=post,
        may_edit=may_edit(actor, post.publication, post.blog.scope),
        moderator=may_moderate(actor, post.blog.scope),
        is_author=post.publication.author_id == actor.id,
    )


def comments_of(actor: Actor, post: BlogPost) -> list[Comment]:
    """The post's comments ``actor`` sees, first-level ones with their ``shown_replies``: the
    published ones and the actor's own; a moderator sees every one, with its state."""
    rows_of = Comment.objects.filter(post=post)
    if not may_moderate(actor, post.blog.scope):
        rows_of = rows_of.filter(
            Q(publication__state=State.PUBLISHED) | Q(publication__author_id=actor.id)
        )
    rows = list(rows_of.select_related("publication").order_by("created_at", "id"))
    by_parent: dict[int, list[Comment]] = {}
    for row in rows:
        if row.parent_id is not None:
            by_parent.setdefault(row.parent_id, []).append(row)
    top = [row for row in rows if row.parent_id is None]
    for row in top:
        row.shown_replies = by_parent.get(row.pk, [])  # type: ignore[attr-defined]
    return top


def comment_for(actor: Actor, comment_id: int) -> Comment | None:
    comment = (
        Comment.objects.select_related("publication", "post__publication", "post__blog")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return None
    scope = comment.post.blog.scope
    if not (
        seen(actor, comment.post.publication, scope) and seen(actor, comment.publication, scope)
    ):
        return None
    return comment


def public_posts(school_id: int) -> QuerySet[BlogPost]:
    """What the school's public site may show without login: the published posts of its
    blogs that a moderator made public (photo consent checked on publication, taken down on
    a consent withdrawn)."""
    return (
        BlogPost.objects.filter(
            blog__school_id=school_id, public=True, publication__state=State.PUBLISHED
        )
        .select_related("blog", "publication")
        .order_by("-publication__published_at", "-id")
    )


def photo_tagging(post: BlogPost) -> tuple[list[PhotoLine], list[User]]:
    """The photos of ``post`` with their tagged pupils, and the pupils one may tag
    (``apps.attachments.selectors.photo_tagging``)."""
    return attachment_photo_tagging(
        post.publication_id, school_id=post.blog.school_id, classroom_id=post.blog.classroom_id
    )
