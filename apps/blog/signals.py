"""The blogs' writers' names (``author_name``) follow the kernel's rule
(``apps.publications.authors``): written again on a rename; on an erasure a pupil's or a
parent's posts and comments go with the account, a teacher's stay under « Ancien compte »."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from apps.accounts.signals import names_changed, person_erased
from apps.blog.models import BlogPost, Comment
from apps.publications.authors import authors_forgotten, authors_renamed
from apps.publications.models import Publication
from apps.site.services import site_changed


@receiver(names_changed, dispatch_uid="blog_names_changed")
def _names_changed(sender: Any, user_ids: list[int], **kwargs: Any) -> None:
    authors_renamed([BlogPost, Comment], user_ids)


@receiver(person_erased, dispatch_uid="blog_person_erased")
def _person_erased(sender: Any, user_id: int, family: bool, **kwargs: Any) -> None:
    if not family:
        authors_forgotten([BlogPost, Comment], user_id)
        return
    posts = BlogPost.objects.filter(publication__author_id=user_id)
    for school_id in set(posts.filter(public=True).values_list("blog__school_id", flat=True)):
        site_changed(school_id)
    # Their posts with every comment on them (those comments' publications first: deleting a
    # post does not delete the publications its comments own), then their other comments.
    Publication.objects.filter(blog_comment__post__in=posts).delete()
    Publication.objects.filter(blog_post__in=posts).delete()
    Publication.objects.filter(blog_comment__publication__author_id=user_id).delete()
