"""Who hears of the blogs: a post published tells the blog's pupils and families (held by the
school's quiet hours), a comment published tells the post's author, and a post taken off the
public site for a withdrawn photo consent tells its publisher."""

from __future__ import annotations

from django.db.models import Q

from apps.accounts.models import Profile, User
from apps.blog import rules
from apps.blog.models import BlogPost, Comment
from apps.notifications.kinds import register_kind
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.publications.moderation import Scope
from apps.schools.models import Enrolment

POST_PUBLISHED = "blog_post"
COMMENT_PUBLISHED = "blog_comment"
NO_LONGER_PUBLIC = "blog_not_public"


def register_kinds() -> None:
    register_kind(POST_PUBLISHED, "Nouvel article de blog")
    register_kind(COMMENT_PUBLISHED, "Commentaire sur votre article")
    register_kind(NO_LONGER_PUBLIC, "Article retiré du site public")


def _families(scope: Scope) -> Q:
    """The pupils of the blog's class (or school) this year, and their parents."""
    enrolled = Enrolment.objects.this_year()
    if scope.classroom_id is not None:
        enrolled = enrolled.filter(classroom_id=scope.classroom_id)
    elif scope.school_id is not None:
        enrolled = enrolled.filter(classroom__school_id=scope.school_id)
    pupils = enrolled.values("pupil_id")
    return Q(profile=Profile.PUPIL, pk__in=pupils) | Q(
        profile=Profile.PARENT, guardianships__child_id__in=pupils
    )


def post_published(publication_id: int) -> list[Notification]:
    post = BlogPost.objects.select_related("publication", "blog").get(publication_id=publication_id)
    scope = post.blog.scope
    families = User.objects.filter(_families(scope)).distinct()
    author_id = post.publication.author_id
    if author_id is not None:
        families = families.exclude(pk=author_id)
    return notify(
        recipients=families,
        kind=POST_PUBLISHED,
        title=f"{post.blog.title} : {post.title}",
        url=post_url(post),
        may_see=lambda actor: rules.may_read(actor, scope),
        # Published again after being taken down: nobody is told twice.
        event=f"{POST_PUBLISHED}:{publication_id}",
        school_id=scope.school_id,
    )


def comment_published(publication_id: int) -> None:
    comment = Comment.objects.select_related("publication", "post__publication", "post__blog").get(
        publication_id=publication_id
    )
    post_author = comment.post.publication.author_id
    if post_author is None or post_author == comment.publication.author_id:
        return
    scope = comment.post.blog.scope
    notify(
        recipients=User.objects.filter(pk=post_author),
        kind=COMMENT_PUBLISHED,
        title=f"{comment.author_name} a commenté « {comment.post.title} »",
        url=f"{post_url(comment.post)}#commentaire-{comment.pk}",
        may_see=lambda actor: rules.may_read(actor, scope),
        event=f"{COMMENT_PUBLISHED}:{publication_id}",
        school_id=scope.school_id,
    )


def tell_no_longer_public(post: BlogPost) -> None:
    author_id = post.publication.author_id
    if author_id is None:
        return
    notify(
        recipients=User.objects.filter(pk=author_id),
        kind=NO_LONGER_PUBLIC,
        title=f"Plus sur le site public (autorisation photo retirée) : {post.title}",
        url=post_url(post),
        school_id=post.blog.school_id,
    )


def post_url(post: BlogPost) -> str:
    from apps.blog.publications import post_url as url

    return url(post)
