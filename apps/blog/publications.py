"""The blogs' two kinds of publication (``apps.publications.registry``): posts and comments,
both through the moderation circuit, seen as ``apps.blog.rules`` says once published and by
their author and moderators only before."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse
from django.utils.html import strip_tags

from apps.accounts.permissions import Actor
from apps.attachments.selectors import consent_refusal
from apps.blog import rules
from apps.blog.models import BlogPost, Comment
from apps.outbox.queue import queue_after_commit
from apps.publications.models import Publication, State
from apps.publications.moderation import Scope, may_moderate, sees_in_circuit
from apps.publications.registry import PublicationKind, QueueItem, register

POST = "blog.post"
COMMENT = "blog.comment"

# The author changes what they wrote while it is theirs (a draft, a correction asked, a
# refusal); a moderator at any time.
AUTHOR_EDITS = frozenset({State.DRAFT, State.REFUSED})


def seen(actor: Actor, publication: Publication, scope: Scope) -> bool:
    """Published: the blog's readers; otherwise its author and moderators only. ``scope``:
    the blog's, which is also the publication's."""
    if publication.state == State.PUBLISHED:
        return rules.may_read(actor, scope)
    return sees_in_circuit(actor, scope, publication.author_id)


def may_edit(actor: Actor, publication: Publication, scope: Scope) -> bool:
    if may_moderate(actor, scope):
        return True
    return (
        actor.active
        and publication.author_id == actor.id
        and publication.state in AUTHOR_EDITS
        and rules.may_read(actor, scope)
    )


def _posts(ids: Collection[int]) -> list[BlogPost]:
    return list(
        BlogPost.objects.filter(publication_id__in=ids).select_related("publication", "blog")
    )


def _comments(ids: Collection[int]) -> list[Comment]:
    return list(
        Comment.objects.filter(publication_id__in=ids).select_related(
            "publication", "post__publication", "post__blog"
        )
    )


def post_visible(actor: Actor, ids: Collection[int]) -> set[int]:
    return {p.publication_id for p in _posts(ids) if seen(actor, p.publication, p.blog.scope)}


def post_editable(actor: Actor, publication_id: int) -> bool:
    post = next(iter(_posts([publication_id])), None)
    return post is not None and may_edit(actor, post.publication, post.blog.scope)


def comment_visible(actor: Actor, ids: Collection[int]) -> set[int]:
    return {
        c.publication_id
        for c in _comments(ids)
        if seen(actor, c.post.publication, c.post.blog.scope)
        and seen(actor, c.publication, c.post.blog.scope)
    }


def comment_editable(actor: Actor, publication_id: int) -> bool:
    # A comment has no file: nobody changes its files.
    return False


def post_url(post: BlogPost) -> str:
    return reverse("blog:post", args=[post.pk])


def excerpt(html: str) -> str:
    text = " ".join(strip_tags(html).split())
    return text if len(text) <= 140 else text[:139] + "…"


def post_describe(ids: Collection[int]) -> dict[int, QueueItem]:
    return {
        p.publication_id: QueueItem(
            title=p.title, url=post_url(p), where=p.blog.title, excerpt=excerpt(p.body)
        )
        for p in _posts(ids)
    }


def comment_describe(ids: Collection[int]) -> dict[int, QueueItem]:
    return {
        c.publication_id: QueueItem(
            title=f"Commentaire sur « {c.post.title} »",
            url=f"{post_url(c.post)}#commentaire-{c.pk}",
            where=c.post.blog.title,
            excerpt=excerpt(c.body),
        )
        for c in _comments(ids)
    }


def post_check_publish(publication_id: int) -> str | None:
    """A public post may not show a pupil without photo consent (``consent_refusal``)."""
    post = BlogPost.objects.filter(publication_id=publication_id).only(
        "public", "untagged_confirmed"
    )
    row = post.first()
    if row is None or not row.public:
        return None
    return consent_refusal(publication_id, untagged_confirmed=row.untagged_confirmed)


def post_decided(publication_id: int, state: str) -> None:
    from apps.blog.services import post_public_decided
    from apps.blog.tasks import deliver_post_published

    post_public_decided(publication_id)
    if state == State.PUBLISHED:
        # The class's or the school's families: told by a task, not in this request.
        queue_after_commit(deliver_post_published, publication_id)


def comment_decided(publication_id: int, state: str) -> None:
    from apps.blog.notifications import comment_published

    if state == State.PUBLISHED:
        comment_published(publication_id)


def post_consent_withdrawn(publication_id: int) -> None:
    from apps.blog.services import post_made_private

    post_made_private(publication_id)


def register_kinds() -> None:
    register(
        PublicationKind(
            name=POST,
            label="Article de blog",
            short="blog",
            visible=post_visible,
            editable=post_editable,
            describe=post_describe,
            check_publish=post_check_publish,
            decided=post_decided,
            consent_withdrawn=post_consent_withdrawn,
        )
    )
    register(
        PublicationKind(
            name=COMMENT,
            label="Commentaire de blog",
            short="blogcomment",
            visible=comment_visible,
            editable=comment_editable,
            describe=comment_describe,
            decided=comment_decided,
        )
    )
