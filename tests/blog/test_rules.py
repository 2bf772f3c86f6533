"""The blogs' rules on the Actor (pure): who reads, writes and comments a class blog and a
school blog, and who makes a post public."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.blog import rules
from apps.blog.selectors import public_posts
from apps.blog.services import BlogNotAllowed, post_create, post_submit
from apps.publications.models import State
from apps.publications.moderation import Scope
from tests.blog.helpers import school_blog
from tests.world import World


def test_who_reads_writes_and_makes_public_on_a_class_blog_and_a_school_blog(bordeaux: World):
    with schema_context("bordeaux"):
        a, a1 = bordeaux.schools["A"].pk, bordeaux.classes["A1"].pk
        klass, school = Scope(a, a1), Scope(a, None)
        actors = {name: actor_for(bordeaux[name]) for name in bordeaux.people}
    readers_of_a1 = {"p1", "p2", "par1", "t1", "t2", "dA"}
    readers_of_a = readers_of_a1 | {"p3", "par3"}
    for name, actor in actors.items():
        assert rules.may_read(actor, klass) == (name in readers_of_a1), name
        assert rules.may_read(actor, school) == (name in readers_of_a), name
        assert rules.may_comment(actor, klass) == (name in readers_of_a1), name
        assert rules.may_write_post(actor, klass) == (name in {"p1", "p2", "t1"}), name
        assert rules.may_write_post(actor, school) == (name in {"t1", "t2", "dA"}), name
        assert rules.may_make_public(actor, klass) == (name == "t1"), name
        assert rules.may_make_public(actor, school) == (name == "dA"), name
    # The commune's administrator reads no blog (see apps/blog/rules.py).
    assert not rules.may_read(actors["adm"], klass) and not rules.may_read(actors["adm"], school)


def test_on_the_school_blog_the_direction_publishes_and_a_teacher_submits(bordeaux: World):
    with schema_context("bordeaux"):
        blog = school_blog(bordeaux)
        by_teacher = post_create(
            actor=actor_for(bordeaux["t1"]), blog=blog, title="Kermesse", body="<p>Juin</p>"
        )
        assert post_submit(actor=actor_for(bordeaux["t1"]), post=by_teacher).state == (
            State.SUBMITTED
        )
        by_director = post_create(
            actor=actor_for(bordeaux["dA"]),
            blog=blog,
            title="Rentrée",
            body="<p>Septembre</p>",
            public=True,
        )
        assert post_submit(actor=actor_for(bordeaux["dA"]), post=by_director).state == (
            State.PUBLISHED
        )
        # The public site shows the published public post only.
        assert list(public_posts(bordeaux.schools["A"].pk)) == [by_director]
        with pytest.raises(BlogNotAllowed):
            post_create(actor=actor_for(bordeaux["p1"]), blog=blog, title="Non", body="<p>x</p>")


def test_without_comment_moderation_a_parents_comment_shows_at_once_and_a_pupils_waits(bordeaux):
    from django_tenants.utils import schema_context

    from apps.accounts.selectors import actor_for
    from apps.blog.models import Blog, BlogPost
    from apps.blog.services import comment_add
    from apps.publications.models import State
    from tests.blog.helpers import post_in

    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED)
        Blog.objects.filter(pk=post.blog_id).update(comments_moderated=False)
        post = BlogPost.objects.select_related("blog").get(pk=post.pk)
        parent = comment_add(actor=actor_for(bordeaux["par1"]), post=post, body="Bravo !")
        pupil = comment_add(actor=actor_for(bordeaux["p2"]), post=post, body="Trop bien")
        assert parent.publication.state == State.PUBLISHED
        assert pupil.publication.state == State.SUBMITTED
