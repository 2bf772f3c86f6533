"""The blogs keep their writers' names beside what they wrote (``author_name``): written again
when a name changes (``names_changed``), forgotten when an account is erased
(``person_erased``: a pupil's or a parent's posts and comments go with them, a teacher's stay
under « Ancien compte »)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from apps.accounts.models import User
from apps.accounts.signals import names_changed, person_erased
from apps.blog.models import BlogPost, Comment
from apps.publications.models import Publication
from apps.site.services import site_changed

FORMER_ACCOUNT = "Ancien compte"


@receiver(names_changed, dispatch_uid="blog_names_changed")
def _names_changed(sender: Any, user_ids: list[int], **kwargs: Any) -> None:
    for user in User.objects.filter(pk__in=user_ids).only("pk", "first_name", "last_name"):
        name = user.display_name
        BlogPost.objects.filter(publication__author_id=user.pk).update(author_name=name)
        Comment.objects.filter(publication__author_id=user.pk).update(author_name=name)


@receiver(person_erased, dispatch_uid="blog_person_erased")
def _person_erased(sender: Any, user_id: int, family: bool, **kwargs: Any) -> None:
    posts = BlogPost.objects.filter(publication__author_id=user_id)
    comments = Comment.objects.filter(publication__author_id=user_id)
    if not family:
        posts.update(author_name=FORMER_ACCOUNT)
        comments.update(author_name=FORMER_ACCOUNT)
        return
    for school_id in set(posts.filter(public=True).values_list("blog__school_id", flat=True)):
        site_changed(school_id)
    # Their posts with every comment on them (those comments' publications first: deleting a
    # post does not delete the publications its comments own), then their other comments.
    Publication.objects.filter(blog_comment__post__in=posts).delete()
    Publication.objects.filter(blog_post__in=posts).delete()
    Publication.objects.filter(blog_comment__in=comments).delete()
