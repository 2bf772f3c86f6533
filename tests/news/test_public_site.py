"""News the direction made public appear on the school's public site (its home page and its
Atom feed), each with a public page of its own; publishing, taking down and expiring make
the site's cached pages stale; a pupil's photo is shown publicly only with their consent.
The pages are the site's (``/ecole/<UAI>/publications/actualites/<id>/``)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.attachments.services import attachments_change, photo_tags_set
from apps.news.models import News
from apps.news.services import news_expired_sweep, news_submit
from apps.publications import moderation
from apps.publications.services import circuit_decide
from apps.site.services import site_changed
from tests.attachments import files
from tests.news.helpers import write
from tests.site.test_site import base, opened
from tests.world import World


def test_a_public_news_is_on_the_school_site_and_leaves_it_when_taken_down(
    bordeaux: World, tenant_client, django_capture_on_commit_callbacks
):
    opened(bordeaux)
    visitor = tenant_client("bordeaux")
    assert "Kermesse" not in visitor.get(base(bordeaux)).content.decode()  # now cached
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        news = write(bordeaux, "dA", title="Kermesse", public=True)
        write(bordeaux, "dA", title="Réunion privée")
    home = visitor.get(base(bordeaux)).content.decode()
    assert "Kermesse" in home and "Réunion privée" not in home
    entry = f"{base(bordeaux)}publications/actualites/{news.pk}/"
    assert f'href="{entry}"' in home
    feed = visitor.get(base(bordeaux) + "actualites.atom").content.decode()
    assert "Kermesse" in feed
    page = visitor.get(entry)
    text = page.content.decode()
    assert page.status_code == 200 and "Rendez-vous à 9 h" in text
    # The byline is the school's: the author's name is not published.
    assert "École A" in text and "Diane" not in text

    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        circuit_decide(
            actor=actor_for(bordeaux["dA"]),
            publication=news.publication,
            decision=moderation.UNPUBLISH,
        )
    assert "Kermesse" not in visitor.get(base(bordeaux)).content.decode()
    assert visitor.get(entry).status_code == 404


def test_a_private_news_has_no_public_page(bordeaux: World, tenant_client):
    opened(bordeaux)
    with schema_context("bordeaux"):
        news = write(bordeaux, "dA", title="Réunion privée")
    entries = f"{base(bordeaux)}publications/actualites/"
    assert tenant_client("bordeaux").get(f"{entries}{news.pk}/").status_code == 404
    assert tenant_client("bordeaux").get(f"{entries}99999999/").status_code == 404


def test_an_expired_public_news_leaves_the_site_at_midnight(
    bordeaux: World, tenant_client, django_capture_on_commit_callbacks
):
    opened(bordeaux)
    with schema_context("bordeaux"):
        news = write(bordeaux, "dA", title="Kermesse", public=True)
    visitor = tenant_client("bordeaux")
    assert "Kermesse" in visitor.get(base(bordeaux)).content.decode()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        News.objects.filter(pk=news.pk).update(expires_on=yesterday)
        assert news_expired_sweep(timezone.localdate()) == {bordeaux.schools["A"].pk}
    assert "Kermesse" not in visitor.get(base(bordeaux)).content.decode()


def test_a_public_photo_is_served_without_login_only_with_consent(
    bordeaux: World, tenant_client, media, django_capture_on_commit_callbacks
):
    opened(bordeaux)
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p1"].pk).update(photo_consent=True)
        news = write(bordeaux, "dA", title="Au jardin", public=True, submit=False)
        [photo] = attachments_change(
            user=bordeaux["dA"],
            publication=news.publication,
            add=[files.upload("jardin.png", files.png())],
        )
        photo_tags_set(user=bordeaux["dA"], attachment=photo, pupil_ids=[bordeaux["p1"].pk])
        news_submit(actor=actor_for(bordeaux["dA"]), news=news)
    visitor = tenant_client("bordeaux")
    entry = f"{base(bordeaux)}publications/actualites/{news.pk}/"
    url = f"{entry}photos/{photo.pk}"
    assert url in visitor.get(entry).content.decode()
    assert visitor.get(url).status_code == 200
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        # A consent recorded « non » without the signal (a direct change), the site then
        # drawn again: the photo is no longer shown.
        User.objects.filter(pk=bordeaux["p1"].pk).update(photo_consent=False)
        site_changed(bordeaux.schools["A"].pk)
    assert visitor.get(url).status_code == 404
    assert url not in visitor.get(entry).content.decode()
