"""A blog's page costs the same number of queries with 5 posts or 500 (it shows 10 of them)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.blog.models import BlogPost
from apps.blog.publications import POST
from apps.publications.models import Publication, State
from tests.blog.helpers import class_blog
from tests.helpers import assert_num_queries

# The session, the user, the Actor (5: year, memberships, guardianships, classes taught,
# enrolments), the blog, the posts' count and their page (with their publication and their
# published comments' count), the school's other blogs, the header's two badges (messages,
# notifications). Adjust once, with the reason.
BLOG_QUERIES = 13


def _posts(world, count: int) -> int:
    with schema_context("bordeaux"):
        blog = class_blog(world)
        publications = Publication.objects.bulk_create(
            Publication(
                kind=POST,
                author_id=world["t1"].pk,
                state=State.PUBLISHED,
                school_id=blog.school_id,
                classroom_id=blog.classroom_id,
            )
            for _ in range(count)
        )
        BlogPost.objects.bulk_create(
            BlogPost(
                publication=publication,
                blog=blog,
                author_name="Théo Maître",
                title=f"Article {n}",
                body="<p>Texte</p>",
            )
            for n, publication in enumerate(publications)
        )
        return blog.pk


@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("who", ["p1", "t1"])
def test_the_blog_page_costs_the_same_whatever_its_number_of_posts(bordeaux, as_user, count, who):
    blog_id = _posts(bordeaux, count)
    client = as_user(bordeaux, who)
    client.get(f"/blogs/{blog_id}/")  # warm: the session and the Actor's cache
    with assert_num_queries(BLOG_QUERIES):
        page = client.get(f"/blogs/{blog_id}/")
    assert page.content.decode().count('class="blog-post"') == min(count, 10)
