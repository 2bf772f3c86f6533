"""A post a teacher made public, on the school's public site without login: listed on the
home page and on the list of publications, shown on its own page with its photos, and gone
from all of them — photos too — as soon as it is unpublished or a pupil in a photo withdraws
their consent (the cached pages are drawn again: ``apps.site.services.site_changed``)."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.accounts.signals import photo_consent_withdrawn
from apps.attachments.services import attachments_change, photo_tags_set
from apps.blog.models import BlogPost
from apps.blog.services import post_create, post_submit
from apps.publications import moderation
from apps.publications.models import State
from apps.site.services import site_open, site_publish
from tests.attachments import files
from tests.blog.helpers import class_blog, decide, post_in
from tests.helpers import assert_num_queries
from tests.world import World


def base(world: World) -> str:
    return f"/ecole/{world.schools['A'].uai.lower()}/"


@pytest.fixture
def site(bordeaux: World, media):
    with schema_context(bordeaux.schema):
        actor = actor_for(bordeaux["dA"])
        opened = site_open(actor=actor, school=bordeaux.schools["A"])
        site_publish(actor=actor, site=opened, published=True)
        return opened


def _public_post(world: World, *, title: str = "Au jardin", pupil: str = "p1") -> BlogPost:
    teacher = world["t1"]
    with schema_context(world.schema):
        User.objects.filter(pk=world[pupil].pk).update(photo_consent=True)
        post = post_create(
            actor=actor_for(teacher),
            blog=class_blog(world),
            title=title,
            body="<p>Les tomates ont poussé.</p>",
            public=True,
        )
        [photo] = attachments_change(
            user=teacher,
            publication=post.publication,
            add=[files.upload("jardin.png", files.png())],
        )
        photo_tags_set(user=teacher, attachment=photo, pupil_ids=[world[pupil].pk])
        post_submit(actor=actor_for(teacher), post=post)
        post.refresh_from_db()
        assert post.publication.state == State.PUBLISHED and post.public
        return post


def _photo_id(world: World, post: BlogPost) -> int:
    with schema_context(world.schema):
        return post.publication.attachments.get().pk


def test_a_public_post_is_listed_shown_and_its_photo_served_without_login(
    bordeaux, site, tenant_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = _public_post(bordeaux)
        with schema_context(bordeaux.schema):
            private = post_in(bordeaux, State.PUBLISHED, author="t1", title="Réservé à la classe")
    photo = _photo_id(bordeaux, post)
    entry = f"{base(bordeaux)}publications/blog/{post.pk}/"
    visitor = tenant_client("bordeaux")

    home = visitor.get(base(bordeaux)).content.decode()
    assert "Au jardin" in home and f'href="{entry}"' in home
    assert "Réservé à la classe" not in home
    listing = visitor.get(f"{base(bordeaux)}publications/").content.decode()
    assert "Au jardin" in listing and "Réservé à la classe" not in listing

    page = visitor.get(entry)
    text = page.content.decode()
    assert page.status_code == 200 and "Les tomates ont poussé." in text
    assert f'src="{entry}photos/{photo}?largeur=1024"' in text
    assert "Blog de la classe" in text or bordeaux.classes["A1"].name in text
    # The byline is the blog's: no pupil's name is published with the post.
    assert "Pia" not in text and "Paul" not in text

    served = visitor.get(f"{entry}photos/{photo}?largeur=1024")
    # A photo narrower than every rendition is served as it is.
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "no-cache"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")

    for bad in ("0", "abc", "-5", "99999999999999999999", "٣"):
        assert visitor.get(f"{entry}photos/{photo}?largeur={bad}").status_code == 404, bad
    # A post that is not public, and a photo of another item, are no one's business here.
    assert visitor.get(f"{base(bordeaux)}publications/blog/{private.pk}/").status_code == 404
    assert visitor.get(f"{base(bordeaux)}publications/inconnu/{post.pk}/").status_code == 404
    other = _public_post(bordeaux, title="Au verger")
    assert visitor.get(f"{entry}photos/{_photo_id(bordeaux, other)}").status_code == 404


def test_unpublishing_takes_the_post_and_its_photo_off_the_cached_site(
    bordeaux, site, tenant_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = _public_post(bordeaux)
    entry = f"{base(bordeaux)}publications/blog/{post.pk}/"
    photo = f"{entry}photos/{_photo_id(bordeaux, post)}"
    visitor = tenant_client("bordeaux")
    assert "Au jardin" in visitor.get(base(bordeaux)).content.decode()  # now cached
    assert visitor.get(entry).status_code == 200

    with django_capture_on_commit_callbacks(execute=True), schema_context(bordeaux.schema):
        post.publication.refresh_from_db()
        decide(bordeaux, "t1", post.publication, moderation.UNPUBLISH)

    assert "Au jardin" not in visitor.get(base(bordeaux)).content.decode()
    assert visitor.get(entry).status_code == 404
    assert visitor.get(photo).status_code == 404


def test_a_withdrawn_consent_takes_the_post_and_its_photo_off_the_site(
    bordeaux, site, tenant_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = _public_post(bordeaux, pupil="p1")
    entry = f"{base(bordeaux)}publications/blog/{post.pk}/"
    photo = f"{entry}photos/{_photo_id(bordeaux, post)}"
    visitor = tenant_client("bordeaux")
    assert visitor.get(entry).status_code == 200  # cached
    assert "Au jardin" in visitor.get(base(bordeaux)).content.decode()

    with django_capture_on_commit_callbacks(execute=True), schema_context(bordeaux.schema):
        photo_consent_withdrawn.send(sender=User, user_ids=[bordeaux["p1"].pk])

    assert visitor.get(entry).status_code == 404
    assert visitor.get(photo).status_code == 404
    assert "Au jardin" not in visitor.get(base(bordeaux)).content.decode()
    feed = visitor.get(f"{base(bordeaux)}actualites.atom").content.decode()
    assert "Au jardin" not in feed


def test_the_list_pages_through_twenty_at_a_time_and_refuses_a_page_that_is_not_there(
    bordeaux, site, tenant_client
):
    with schema_context(bordeaux.schema):
        for number in range(25):
            post_in(bordeaux, State.PUBLISHED, author="t1", title=f"Article {number:02d}")
        BlogPost.objects.update(public=True)
    visitor = tenant_client("bordeaux")

    first = visitor.get(f"{base(bordeaux)}publications/").content.decode()
    second = visitor.get(f"{base(bordeaux)}publications/?page=2").content.decode()

    assert first.count('class="site-item"') == 20 and "Page 1 sur 2" in first
    assert second.count('class="site-item"') == 5 and "Article 00" in second
    assert "Article 24" in first and "Article 24" not in second
    for bad in ("3", "0", "abc", "99999999999999999999", "٣"):
        assert visitor.get(f"{base(bordeaux)}publications/?page={bad}").status_code == 404, bad
    assert "Toutes les publications" in visitor.get(base(bordeaux)).content.decode()


# Routing (search path, stamp, host, search path), the school with its site, the posts'
# count, the page of posts with their first photo, the news' count and page (apps/news, the
# other source), the site's pages (its menu): the same for 5 posts or 500.
LIST_QUERIES = 10


@pytest.mark.parametrize("count", [5, 500])
def test_the_list_of_publications_costs_the_same_with_5_or_500_posts(
    bordeaux, site, tenant_client, count
):
    with schema_context(bordeaux.schema):
        for number in range(count if count == 5 else 1):
            post_in(bordeaux, State.PUBLISHED, author="t1", title=f"Article {number}")
        if count == 500:
            post = BlogPost.objects.get()
            publication = post.publication
            copies = []
            for number in range(count - 1):
                publication.pk, publication.id = None, None
                publication.save()
                copies.append(
                    BlogPost(
                        publication_id=publication.pk,
                        blog_id=post.blog_id,
                        author_name=post.author_name,
                        title=f"Article {number}",
                        body=post.body,
                    )
                )
            BlogPost.objects.bulk_create(copies)
        BlogPost.objects.update(public=True)

    with assert_num_queries(LIST_QUERIES):
        answer = tenant_client("bordeaux").get(f"{base(bordeaux)}publications/")

    assert answer.content.decode().count('class="site-item"') == min(count, 20)


def test_a_large_photo_is_served_as_the_rendition_the_page_asks_for(
    bordeaux, site, tenant_client, django_capture_on_commit_callbacks
):
    from PIL import Image

    from tests.attachments import files as samples

    teacher = bordeaux["t1"]
    with django_capture_on_commit_callbacks(execute=True), schema_context(bordeaux.schema):
        post = post_create(
            actor=actor_for(teacher),
            blog=class_blog(bordeaux),
            title="Le grand arbre",
            body="<p>Vu de la cour.</p>",
            public=True,
            untagged_confirmed=True,
        )
        image = Image.new("RGB", (2000, 1500), (30, 120, 40))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG")
        attachments_change(
            user=teacher,
            publication=post.publication,
            add=[samples.upload("arbre.jpg", buffer.getvalue(), "image/jpeg")],
        )
        post_submit(actor=actor_for(teacher), post=post)
    photo = f"{base(bordeaux)}publications/blog/{post.pk}/photos/{_photo_id(bordeaux, post)}"
    visitor = tenant_client("bordeaux")

    for asked, width in (("480", 480), ("1024", 1024)):
        answer = visitor.get(f"{photo}?largeur={asked}")
        assert answer.status_code == 200 and answer["Content-Type"] == "image/webp"
        served = Image.open(io.BytesIO(b"".join(answer.streaming_content)))
        assert served.width == width
    original = visitor.get(photo)
    assert original["Content-Type"] == "image/jpeg"
    home = visitor.get(base(bordeaux)).content.decode()
    assert f'src="{photo}?largeur=480"' in home
