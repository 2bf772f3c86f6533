"""Writes to the blogs. Each service checks its rule (``apps.blog.rules``) on the caller's
``Actor`` and raises ``BlogError``; the views answer 404 for a forbidden act, so it looks
like a missing one. The state of a post or a comment moves only through the moderation
circuit (``apps.publications.services``): ``circuit_submit`` publishes a moderator's writing
at once and submits anyone else's."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.permissions import Actor
from apps.blog import rules
from apps.blog.models import Blog, BlogPost, Comment
from apps.blog.publications import COMMENT, POST, may_edit
from apps.publications.models import Publication, State
from apps.publications.moderation import Scope, may_moderate
from apps.publications.services import (
    ModerationError,
    circuit_submit,
    circuit_withdraw,
    publication_create,
    publication_edited,
)
from apps.richtext.sanitise import PUBLICATION, sanitise
from apps.schools.models import Classroom, School
from apps.site.services import site_changed

__all__ = ["BlogError", "BlogNotAllowed", "ModerationError"]

NOT_PUBLIC_ALLOWED = "Seul un enseignant qui valide ce blog peut rendre un article public."
TITLE_NEEDED = "Donnez un titre à l'article."
BODY_NEEDED = "Écrivez le texte de l'article."
COMMENT_NEEDED = "Écrivez votre commentaire."


class BlogError(Exception):
    """What was written is not coherent: the French sentence to show; nothing changed."""


class BlogNotAllowed(BlogError):
    """The act is not the actor's (the view answers 404); nothing changed."""


def blogs_ensure(actor: Actor) -> None:
    """Create the blogs ``actor`` reads that do not exist yet: those of their classes (for
    staff, of every current class of their schools) and of their schools."""
    if not actor.active or not (actor.is_school_staff or actor.is_pupil or actor.is_parent):
        return
    classes = Q(pk__in=set(actor.class_ids) | set(actor.taught_class_ids))
    if actor.is_school_staff:
        classes |= Q(school_id__in=actor.school_ids)
    missing = Classroom.objects.filter(classes, year__is_current=True).exclude(
        pk__in=Blog.objects.filter(classroom__isnull=False).values("classroom_id")
    )
    for classroom in missing.only("pk", "name", "school_id"):
        _create(school_id=classroom.school_id, classroom=classroom, title=classroom.name)
    have = Blog.objects.filter(classroom__isnull=True, school_id__in=actor.school_ids)
    for school in School.objects.filter(pk__in=actor.school_ids).exclude(
        pk__in=have.values("school_id")
    ):
        _create(school_id=school.pk, classroom=None, title=school.name)


def _create(*, school_id: int, classroom: Classroom | None, title: str) -> None:
    try:
        with transaction.atomic():
            Blog.objects.create(school_id=school_id, classroom=classroom, title=f"Blog — {title}")
    except IntegrityError:
        pass  # created meanwhile by another request


def blog_settings_set(*, actor: Actor, blog: Blog, comments_moderated: bool) -> Blog:
    if not rules.may_configure(actor, blog.scope):
        raise BlogNotAllowed("not a moderator of this blog")
    blog.comments_moderated = comments_moderated
    blog.save(update_fields=["comments_moderated"])
    return blog


def _post_fields(
    actor: Actor, scope: Scope, *, title: str, body: str, public: bool, untagged_confirmed: bool
) -> dict[str, object]:
    title, body = title.strip()[:160], sanitise(body, PUBLICATION)
    if not title:
        raise BlogError(TITLE_NEEDED)
    if not body:
        raise BlogError(BODY_NEEDED)
    if public and not rules.may_make_public(actor, scope):
        raise BlogError(NOT_PUBLIC_ALLOWED)
    return {
        "title": title,
        "body": body,
        "public": public,
        "untagged_confirmed": public and untagged_confirmed,
    }


@transaction.atomic
def post_create(
    *,
    actor: Actor,
    blog: Blog,
    title: str,
    body: str,
    public: bool = False,
    untagged_confirmed: bool = False,
) -> BlogPost:
    """A draft post of ``blog`` (``post_submit`` sends it through the circuit)."""
    if not rules.may_write_post(actor, blog.scope):
        raise BlogNotAllowed("may not write on this blog")
    fields = _post_fields(
        actor,
        blog.scope,
        title=title,
        body=body,
        public=public,
        untagged_confirmed=untagged_confirmed,
    )
    publication = publication_create(kind=POST, author_id=actor.id, scope=blog.scope)
    return BlogPost.objects.create(
        publication=publication, blog=blog, author_name=actor.display_name, **fields
    )


@transaction.atomic
def post_update(
    *,
    actor: Actor,
    post: BlogPost,
    title: str,
    body: str,
    public: bool = False,
    untagged_confirmed: bool = False,
) -> BlogPost:
    """The author changes their draft (or a refused post); a moderator any post. A post that
    stays public and published is checked again for photo consent by ``post_recheck_public``
    once its files are saved."""
    publication = Publication.objects.select_for_update().get(pk=post.publication_id)
    scope = post.blog.scope
    if not may_edit(actor, publication, scope):
        raise BlogNotAllowed("may not change this post")
    moderator = rules.may_make_public(actor, scope)
    fields = _post_fields(
        actor,
        scope,
        title=title,
        body=body,
        public=public and moderator,
        untagged_confirmed=untagged_confirmed,
    )
    if not moderator:
        # Whether it is public is not the author's to change (a moderator set it).
        fields["public"], fields["untagged_confirmed"] = post.public, post.untagged_confirmed
    was_public = post.public
    for name, value in fields.items():
        setattr(post, name, value)
    post.save()
    if was_public or post.public:
        _public_changed(post)
    publication_edited(publication)
    post.publication = publication
    return post


def _public_changed(post: BlogPost) -> None:
    """The school's public site shows this post, or did until now: its cached pages are drawn
    again once the change is committed."""
    site_changed(post.blog.school_id)


def post_public_decided(publication_id: int) -> None:
    """The circuit moved a post (published, unpublished…): if it is a public one, the site
    shows it or stops showing it."""
    school_id = (
        BlogPost.objects.filter(publication_id=publication_id, public=True)
        .values_list("blog__school_id", flat=True)
        .first()
    )
    if school_id is not None:
        site_changed(school_id)


def post_recheck_public(post: BlogPost) -> str | None:
    """A published public post whose files or text changed: made private if a photo now shows
    a pupil without consent; the French reason, or None."""
    from apps.blog.publications import post_check_publish

    if not post.public or post.publication.state != State.PUBLISHED:
        return None
    _public_changed(post)  # its photos may have changed
    refusal = post_check_publish(post.publication_id)
    if refusal:
        BlogPost.objects.filter(pk=post.pk).update(public=False)
        post.public = False
    return refusal


def post_submit(*, actor: Actor, post: BlogPost) -> Publication:
    """Through the circuit: a moderator's post is published at once (its photos checked when
    it is public), anyone else's waits; ``ModerationError`` says why not."""
    if not rules.may_write_post(actor, post.blog.scope) and not may_moderate(
        actor, post.blog.scope
    ):
        raise BlogNotAllowed("may not write on this blog")
    return circuit_submit(actor=actor, publication=post.publication)


def post_withdraw(*, actor: Actor, post: BlogPost) -> Publication:
    return circuit_withdraw(actor=actor, publication=post.publication)


@transaction.atomic
def post_delete(*, actor: Actor, post: BlogPost) -> None:
    """The author's own draft, or a moderator's choice; its files go with it."""
    publication = Publication.objects.select_for_update().get(pk=post.publication_id)
    if not may_edit(actor, publication, post.blog.scope):
        raise BlogNotAllowed("may not delete this post")
    # The comments' publications first: deleting the post deletes its comments, not the
    # publications they own (they would stay in the moderators' queue count).
    Publication.objects.filter(blog_comment__post=post).delete()
    if post.public:
        _public_changed(post)
    publication.delete()  # cascades to the post, its comments and its files


def post_made_private(publication_id: int) -> None:
    """A pupil tagged in one of its photos withdrew their consent: the post leaves the public
    site and its publisher is told."""
    from apps.blog.notifications import tell_no_longer_public

    with transaction.atomic():
        post = (
            BlogPost.objects.select_for_update(of=("self",))
            .select_related("publication", "blog")
            .filter(publication_id=publication_id)
            .first()
        )
        if post is None or not post.public:
            return
        post.public = False
        post.save(update_fields=["public", "updated_at"])
        _public_changed(post)
        tell_no_longer_public(post)


@transaction.atomic
def comment_add(
    *, actor: Actor, post: BlogPost, body: str, parent: Comment | None = None
) -> Comment:
    """A reader's comment on a published post: published at once when its writer moderates
    the blog, or is an adult and the blog does not moderate comments; else (a pupil's,
    always) waiting for a moderator."""
    scope = post.blog.scope
    if post.publication.state != State.PUBLISHED or not rules.may_comment(actor, scope):
        raise BlogNotAllowed("may not comment on this post")
    if parent is not None:
        if parent.post_id != post.pk or parent.publication.state != State.PUBLISHED:
            raise BlogNotAllowed("a reply to a comment of another post")
        parent = parent.parent or parent  # one level of replies
    body = body.strip()
    if not body:
        raise BlogError(COMMENT_NEEDED)
    # A blog that does not moderate comments shows the adults' at once; a pupil's always
    # waits for a teacher (nothing a pupil writes is seen by others before).
    at_once = (
        not post.blog.comments_moderated and not may_moderate(actor, scope) and not actor.is_pupil
    )
    publication = publication_create(
        kind=COMMENT,
        author_id=actor.id,
        scope=scope,
        published_at=timezone.now() if at_once else None,
    )
    comment = Comment.objects.create(
        publication=publication,
        post=post,
        parent=parent,
        author_name=actor.display_name,
        body=body[:2000],
    )
    if at_once:
        from apps.blog.notifications import comment_published

        comment_published(publication.pk)
    else:
        comment.publication = circuit_submit(actor=actor, publication=publication)
    return comment
