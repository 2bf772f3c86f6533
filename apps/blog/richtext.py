"""The blogs' rich-text field, registered with ``apps.richtext.registry``: a post's text,
sanitised with the ``publication`` profile (headings and the post's own images) and printed
in ``<div class="blog-text">`` through ``|rich_text`` (``templates/blog/post.html``)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from apps.accounts.permissions import Actor
from apps.blog.models import Blog, BlogPost
from apps.blog.publications import POST
from apps.blog.services import blogs_ensure, post_submit
from apps.publications.services import publication_create
from apps.richtext.registry import RichTextField, register
from apps.richtext.sanitise import PUBLICATION, sanitise
from apps.schools.models import Classroom

REGION = "blog-text"


def show(value: str, *, author: Actor, classroom: Classroom, on: datetime.date) -> str:
    """A post of the class's blog written and published by its teacher. Stored as the
    service stores it, even a value the sanitiser leaves empty (which ``post_create``
    refuses): the page is what is tested."""
    blogs_ensure(author)
    blog = Blog.objects.get(classroom=classroom)
    publication = publication_create(kind=POST, author_id=author.id, scope=blog.scope)
    post = BlogPost.objects.create(
        publication=publication,
        blog=blog,
        author_name=author.display_name,
        title=f"Article du {on:%d/%m/%Y}",
        body=sanitise(value, PUBLICATION),
    )
    post_submit(actor=author, post=post)
    return reverse("blog:post", args=[post.pk])


def register_fields() -> None:
    register(
        RichTextField(name="blog.post.body", profile=PUBLICATION, region_class=REGION, show=show)
    )
