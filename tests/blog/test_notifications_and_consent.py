"""Who hears of a blog, and photo consent on a public post.

* A post published on a Saturday tells the class's families and pupils on Monday at 07:00
  (the school's quiet hours hold the notification); its author is not told of their own.
* A published comment tells the post's author.
* A public post with a tagged pupil whose consent is « non » is refused and stays
  unpublished; a consent withdrawn later makes a published post non-public and tells its
  publisher."""

from __future__ import annotations

from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.accounts.signals import photo_consent_withdrawn
from apps.attachments.services import attachments_change, photo_tags_set
from apps.blog.models import BlogPost
from apps.blog.notifications import COMMENT_PUBLISHED, NO_LONGER_PUBLIC, POST_PUBLISHED
from apps.blog.services import comment_add, post_create, post_submit
from apps.notifications.models import Notification
from apps.publications.models import Publication, State
from apps.publications.services import ModerationError
from tests.attachments import files
from tests.blog.helpers import class_blog, post_in
from tests.quiethours.test_worker import paris
from tests.world import World


def test_a_post_published_on_saturday_tells_the_families_on_monday_morning(
    bordeaux: World, quiet_hours, eager_tasks, django_capture_on_commit_callbacks
):
    quiet_hours.append(paris(2026, 3, 14, 10, 0))  # a Saturday
    with schema_context("bordeaux"):
        with django_capture_on_commit_callbacks(execute=True):
            post = post_in(bordeaux, State.PUBLISHED, author="t1", title="Le carnaval")
            # Told by a task once the decision is committed, not in the moderator's request.
            assert not Notification.objects.filter(kind=POST_PUBLISHED).exists()
        told = Notification.objects.filter(kind=POST_PUBLISHED)
        assert set(told.values_list("recipient__username", flat=True)) == {
            bordeaux[name].username for name in ("p1", "p2", "par1")
        }
        assert {(n.delivered_at, n.deliver_at) for n in told} == {(None, paris(2026, 3, 16, 7, 0))}
        url = f"/blogs/articles/{post.pk}/"
        assert all("Le carnaval" in n.title and n.url == url for n in told)


def test_a_pupils_post_tells_no_one_until_the_teacher_publishes_it(
    bordeaux: World, eager_tasks, django_capture_on_commit_callbacks
):
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        post = post_in(bordeaux, State.SUBMITTED, author="p2")
    with schema_context("bordeaux"):
        assert not Notification.objects.filter(kind=POST_PUBLISHED).exists()
        with django_capture_on_commit_callbacks(execute=True):
            post_in(bordeaux, State.PUBLISHED, author="p2", title="Autre")
        told = set(
            Notification.objects.filter(kind=POST_PUBLISHED).values_list("recipient", flat=True)
        )
        # The author is not told of their own post; A2's family is not told at all.
        assert told == {bordeaux["p1"].pk, bordeaux["par1"].pk}
        assert post.pk


def test_a_published_comment_tells_the_posts_author(bordeaux: World):
    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="p2")
        comment_add(actor=actor_for(bordeaux["t1"]), post=post, body="Très bien, Pia !")
        [told] = Notification.objects.filter(kind=COMMENT_PUBLISHED)
        assert told.recipient_id == bordeaux["p2"].pk and "Théo Maître" in told.title
        # A pupil's comment waits for the teacher: nobody is told yet.
        comment_add(actor=actor_for(bordeaux["p1"]), post=post, body="Bravo")
        assert Notification.objects.filter(kind=COMMENT_PUBLISHED).count() == 1


def _public_post_with_photo_of(world: World, pupil: str) -> BlogPost:
    teacher = world["t1"]
    post = post_create(
        actor=actor_for(teacher),
        blog=class_blog(world),
        title="Au jardin",
        body="<p>Les tomates</p>",
        public=True,
    )
    [photo] = attachments_change(
        user=teacher, publication=post.publication, add=[files.upload("jardin.png", files.png())]
    )
    photo_tags_set(user=teacher, attachment=photo, pupil_ids=[world[pupil].pk])
    return post


def test_a_public_post_showing_a_pupil_without_consent_is_refused_and_stays_unpublished(
    bordeaux: World,
):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p2"].pk).update(photo_consent=False)
        post = _public_post_with_photo_of(bordeaux, "p2")
        try:
            post_submit(actor=actor_for(bordeaux["t1"]), post=post)
        except ModerationError as error:
            assert "Pia Deux" in str(error) and "autorisation photo" in str(error)
        else:
            raise AssertionError("published with a pupil without consent")
        assert Publication.objects.get(pk=post.publication_id).state == State.DRAFT


def test_the_refusal_is_one_french_sentence_on_the_page_and_nothing_is_published(
    bordeaux: World, as_user
):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p2"].pk).update(photo_consent=False)
        post = _public_post_with_photo_of(bordeaux, "p2")
    page = as_user(bordeaux, "t1").post(
        f"/blogs/articles/{post.pk}/etat/", {"action": "submit"}, follow=True
    )
    assert "pas d&#x27;autorisation photo" in page.content.decode()
    with schema_context("bordeaux"):
        assert Publication.objects.get(pk=post.publication_id).state == State.DRAFT


def test_a_withdrawn_consent_makes_the_post_non_public_and_tells_its_publisher(bordeaux: World):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p1"].pk).update(photo_consent=True)
        post = _public_post_with_photo_of(bordeaux, "p1")
        post_submit(actor=actor_for(bordeaux["t1"]), post=post)
        assert Publication.objects.get(pk=post.publication_id).state == State.PUBLISHED
        photo_consent_withdrawn.send(sender=User, user_ids=[bordeaux["p1"].pk])
        post.refresh_from_db()
        assert not post.public
        [told] = Notification.objects.filter(kind=NO_LONGER_PUBLIC)
        assert told.recipient_id == bordeaux["t1"].pk and "Au jardin" in told.title
        # Still on the blog for its readers: only the public site loses it.
        assert Publication.objects.get(pk=post.publication_id).state == State.PUBLISHED


def test_only_a_moderator_makes_a_post_public(bordeaux: World, as_user):
    with schema_context("bordeaux"):
        blog = class_blog(bordeaux)
    client = as_user(bordeaux, "p2")
    page = client.get(f"/blogs/{blog.pk}/nouvel-article/").content.decode()
    assert 'name="public"' not in page
    client.post(
        f"/blogs/{blog.pk}/nouvel-article/",
        {"title": "Mon dessin", "body": "<p>Un chat</p>", "public": "on", "action": "draft"},
    )
    with schema_context("bordeaux"):
        assert not BlogPost.objects.get(title="Mon dessin").public
    teacher_page = as_user(bordeaux, "t1").get(f"/blogs/{blog.pk}/nouvel-article/")
    assert 'name="public"' in teacher_page.content.decode()


def test_the_body_is_sanitised_and_a_missing_title_is_one_french_error(bordeaux: World, as_user):
    with schema_context("bordeaux"):
        blog = class_blog(bordeaux)
    client = as_user(bordeaux, "t1")
    refused = client.post(
        f"/blogs/{blog.pk}/nouvel-article/", {"title": "", "body": "<p>x</p>", "action": "draft"}
    )
    assert refused.status_code == 200 and "obligatoire" in refused.content.decode()
    client.post(
        f"/blogs/{blog.pk}/nouvel-article/",
        {
            "title": "Piscine",
            "body": '<p onclick="x()">Nager<script>alert(1)</script></p>',
            "action": "submit",
        },
    )
    with schema_context("bordeaux"):
        post = BlogPost.objects.get()
        assert "script" not in post.body and "onclick" not in post.body and "Nager" in post.body
        assert post.publication.state == State.PUBLISHED


def test_the_teacher_tags_the_pupils_of_a_photo_and_a_refused_list_changes_nothing(
    bordeaux: World, as_user
):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p1"].pk).update(photo_consent=True)
        post = _public_post_with_photo_of(bordeaux, "p1")
        post_submit(actor=actor_for(bordeaux["t1"]), post=post)  # published, public
        photo = post.publication.attachments.get()
    url = f"/blogs/articles/{post.pk}/photos/"
    teacher = as_user(bordeaux, "t1")
    page = teacher.get(url).content.decode()
    assert "Pia Deux (pas d'autorisation photo)" in page and "Prune" not in page
    # A classmate may not tag; a pupil of another school is refused whole.
    assert as_user(bordeaux, "p1").post(url, {f"photo-{photo.pk}": []}).status_code == 404
    refused = teacher.post(
        url, {f"photo-{photo.pk}": [bordeaux["p2"].pk, bordeaux["p4"].pk]}, follow=True
    )
    assert "élèves de votre école" in refused.content.decode()
    with schema_context("bordeaux"):
        assert set(photo.photo_tags.values_list("pupil_id", flat=True)) == {bordeaux["p1"].pk}
    with schema_context("bordeaux"):
        post.refresh_from_db()
        assert post.public
    # Tagging a pupil without consent on a published public post makes it non-public at once.
    told = teacher.post(
        url, {f"photo-{photo.pk}": [bordeaux["p1"].pk, bordeaux["p2"].pk]}, follow=True
    )
    assert "n&#x27;est plus public" in told.content.decode()
    with schema_context("bordeaux"):
        assert set(photo.photo_tags.values_list("pupil_id", flat=True)) == {
            bordeaux["p1"].pk,
            bordeaux["p2"].pk,
        }
        post.refresh_from_db()
        assert not post.public


def test_the_delivery_tells_each_family_once_and_no_one_for_a_post_taken_down_meanwhile(
    bordeaux: World,
):
    from apps.blog.tasks import deliver_post_published
    from apps.publications import moderation
    from tests.blog.helpers import decide

    with schema_context("bordeaux"):
        post = post_in(bordeaux, State.PUBLISHED, author="t1", title="La chorale")
        assert deliver_post_published(post.publication_id) == 3
        assert deliver_post_published(post.publication_id) == 0  # run again: nobody twice
        other = post_in(bordeaux, State.PUBLISHED, author="t1", title="Retirée")
        other.publication.refresh_from_db()
        decide(bordeaux, "t1", other.publication, moderation.UNPUBLISH)
        assert deliver_post_published(other.publication_id) == 0
