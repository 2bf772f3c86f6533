"""Who hears of a news item, and photo consent on a public one.

* A news item published on a Saturday tells its audience on Monday at 07:00 (the school's
  quiet hours hold the notification); its author is not told of their own; the staff who
  read a family's news are not told of it.
* A scheduled news item tells nobody before its date; the five-minute task tells its
  audience when the date comes, under quiet hours (a Saturday's: Monday 07:00), once.
* A public news item with a tagged pupil whose consent is « non » is refused and stays
  unpublished; a consent withdrawn later takes it off the public site and tells its
  publisher."""

from __future__ import annotations

import datetime

from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.accounts.signals import photo_consent_withdrawn
from apps.attachments.services import attachments_change, photo_tags_set
from apps.news.models import Audience, News
from apps.news.notifications import NEWS_PUBLISHED, NO_LONGER_PUBLIC
from apps.news.services import news_submit
from apps.news.tasks import announce_due
from apps.notifications.models import Notification
from apps.publications.models import Publication, State
from apps.publications.services import ModerationError
from tests.attachments import files
from tests.news.helpers import write
from tests.quiethours.test_worker import paris
from tests.world import World


def _told(kind: str = NEWS_PUBLISHED) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_a_news_published_on_saturday_tells_the_families_on_monday_morning(
    bordeaux: World, quiet_hours
):
    quiet_hours.append(paris(2026, 3, 14, 10, 0))  # a Saturday
    with schema_context("bordeaux"):
        news = write(bordeaux, "dA", title="Classe découverte", audience=Audience.FAMILIES)
        assert _told() == {bordeaux["par1"].username, bordeaux["par3"].username}
        told = Notification.objects.filter(kind=NEWS_PUBLISHED)
        assert {(n.delivered_at, n.deliver_at) for n in told} == {(None, paris(2026, 3, 16, 7, 0))}
        assert all(
            n.url == f"/actualites/{news.pk}/" and "Classe découverte" in n.title for n in told
        )


def test_everyones_news_tells_pupils_parents_and_staff_but_not_its_author(bordeaux: World):
    with schema_context("bordeaux"):
        write(bordeaux, "dA", title="Tous")
        assert _told() == {
            bordeaux[name].username for name in ("p1", "p2", "p3", "par1", "par3", "t1", "t2")
        }


def test_a_scheduled_news_tells_its_audience_when_its_date_comes_under_quiet_hours(
    bordeaux: World, quiet_hours
):
    saturday = paris(2027, 3, 13, 10, 0)  # a Saturday to come
    quiet_hours.append(paris(2026, 12, 1, 9, 0))
    with schema_context("bordeaux"):
        news = write(
            bordeaux,
            "dA",
            title="Portes ouvertes",
            audience=Audience.FAMILIES,
            publish_at=saturday,
            expires_on=datetime.date(2027, 4, 1),
        )
        assert news.publication.state == State.PUBLISHED
        assert news.publication.published_at == saturday
        assert _told() == set()
        # Before its date, the task tells nobody.
        assert announce_due.run(now=(saturday - datetime.timedelta(minutes=5)).isoformat()) == {
            "schema": "bordeaux",
            "told": [],
        }
        moment = saturday + datetime.timedelta(minutes=3)
        quiet_hours.append(moment)
        assert announce_due.run(now=moment.isoformat())["told"] == [news.pk]
        told = Notification.objects.filter(kind=NEWS_PUBLISHED)
        assert _told() == {bordeaux["par1"].username, bordeaux["par3"].username}
        assert {n.deliver_at for n in told} == {paris(2027, 3, 15, 7, 0)}
        # Run again: nobody is told twice.
        assert announce_due.run(now=moment.isoformat())["told"] == []
        assert told.count() == 2
    # The task runs in a commune's schema only.
    assert announce_due.run()["skipped"] is True


def _public_news_with_photo_of(world: World, pupil: str) -> News:
    director = world["dA"]
    news = write(world, "dA", title="Au jardin", public=True, submit=False)
    [photo] = attachments_change(
        user=director, publication=news.publication, add=[files.upload("jardin.png", files.png())]
    )
    photo_tags_set(user=director, attachment=photo, pupil_ids=[world[pupil].pk])
    return news


def test_a_public_news_showing_a_pupil_without_consent_is_refused_and_stays_unpublished(
    bordeaux: World,
):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p2"].pk).update(photo_consent=False)
        news = _public_news_with_photo_of(bordeaux, "p2")
        try:
            news_submit(actor=actor_for(bordeaux["dA"]), news=news)
        except ModerationError as error:
            assert "Pia Deux" in str(error) and "autorisation photo" in str(error)
        else:
            raise AssertionError("published with a pupil without consent")
        assert Publication.objects.get(pk=news.publication_id).state == State.DRAFT
        assert _told() == set()


def test_the_refusal_is_one_french_sentence_on_the_page(bordeaux: World, as_user):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p2"].pk).update(photo_consent=False)
        news = _public_news_with_photo_of(bordeaux, "p2")
    page = as_user(bordeaux, "dA").post(
        f"/actualites/{news.pk}/etat/", {"action": "submit"}, follow=True
    )
    assert "pas d&#x27;autorisation photo" in page.content.decode()
    with schema_context("bordeaux"):
        assert Publication.objects.get(pk=news.publication_id).state == State.DRAFT


def test_a_withdrawn_consent_takes_the_news_off_the_public_site_and_tells_its_publisher(
    bordeaux: World,
):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p1"].pk).update(photo_consent=True)
        news = _public_news_with_photo_of(bordeaux, "p1")
        news_submit(actor=actor_for(bordeaux["dA"]), news=news)
        assert Publication.objects.get(pk=news.publication_id).state == State.PUBLISHED
        photo_consent_withdrawn.send(sender=User, user_ids=[bordeaux["p1"].pk])
        news.refresh_from_db()
        assert not news.public
        [told] = Notification.objects.filter(kind=NO_LONGER_PUBLIC)
        assert told.recipient_id == bordeaux["dA"].pk and "Au jardin" in told.title
        # Still read in the ENT: only the public site loses it.
        assert Publication.objects.get(pk=news.publication_id).state == State.PUBLISHED


def test_the_director_tags_the_pupils_of_a_photo(bordeaux: World, as_user):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["p1"].pk).update(photo_consent=True)
        news = _public_news_with_photo_of(bordeaux, "p1")
        news_submit(actor=actor_for(bordeaux["dA"]), news=news)
        photo = news.publication.attachments.get()
    url = f"/actualites/{news.pk}/photos/"
    director = as_user(bordeaux, "dA")
    page = director.get(url).content.decode()
    assert "Pia Deux (pas d'autorisation photo)" in page and "Prune" not in page
    assert as_user(bordeaux, "t1").post(url, {f"photo-{photo.pk}": []}).status_code == 404
    told = director.post(
        url, {f"photo-{photo.pk}": [bordeaux["p1"].pk, bordeaux["p2"].pk]}, follow=True
    )
    assert "n&#x27;est plus publique" in told.content.decode()
    with schema_context("bordeaux"):
        news.refresh_from_db()
        assert not news.public
