"""The names the blogs keep beside what people wrote: written again on a rename, forgotten on
an erasure — a pupil's posts and comments go with their account, a teacher's stay for the
class under « Ancien compte »."""

from __future__ import annotations

from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.accounts.signals import names_changed
from apps.blog.models import BlogPost, Comment
from apps.blog.services import comment_add
from apps.privacy.services import person_erase
from apps.publications.models import Publication, State
from tests.blog.helpers import comment_in, post_in
from tests.world import World


def test_an_erased_pupil_takes_their_posts_and_comments_and_leaves_their_name_nowhere(
    bordeaux: World,
):
    with schema_context(bordeaux.schema):
        theirs = post_in(bordeaux, State.PUBLISHED, author="p2", title="Mon volcan")
        comment_add(actor=actor_for(bordeaux["p1"]), post=theirs, body="Trop bien")
        teachers = post_in(bordeaux, State.PUBLISHED, author="t1", title="La sortie")
        comment_in(bordeaux, teachers, State.PUBLISHED, author="p2")
        kept = comment_in(bordeaux, teachers, State.PUBLISHED, author="p1")
        name = bordeaux["p2"].display_name
        before = Publication.objects.count()

        person_erase(actor=bordeaux["adm"], user=bordeaux["p2"], reason="demande", request=None)

        assert list(BlogPost.objects.values_list("title", flat=True)) == ["La sortie"]
        assert list(Comment.objects.values_list("pk", flat=True)) == [kept.pk]
        # Their post, the comment on it, their comment: no publication left in any queue.
        assert Publication.objects.count() == before - 3
        assert not BlogPost.objects.filter(author_name=name).exists()
        assert not Comment.objects.filter(author_name=name).exists()


def test_an_erased_teachers_posts_stay_without_their_name(bordeaux: World):
    with schema_context(bordeaux.schema):
        post = post_in(bordeaux, State.PUBLISHED, author="t1", title="La sortie")

        person_erase(actor=bordeaux["adm"], user=bordeaux["t1"], reason="demande", request=None)

        post.refresh_from_db()
        assert post.author_name == "Ancien compte" and post.publication.author_id is None


def test_a_renamed_writer_is_named_anew_on_their_posts_and_comments(bordeaux: World):
    with schema_context(bordeaux.schema):
        post = post_in(bordeaux, State.PUBLISHED, author="t1")
        comment = comment_in(bordeaux, post, State.PUBLISHED, author="p2")
        User.objects.filter(pk=bordeaux["p2"].pk).update(last_name="Nouveau")
        User.objects.filter(pk=bordeaux["t1"].pk).update(first_name="Léa")

        names_changed.send(sender=User, user_ids=[bordeaux["p2"].pk, bordeaux["t1"].pk])

        post.refresh_from_db()
        comment.refresh_from_db()
        assert post.author_name.startswith("Léa ") and comment.author_name.endswith(" Nouveau")
