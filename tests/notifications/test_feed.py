"""The feed page, the header badge and the e-mail preference."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.homework.notifications import HOMEWORK
from apps.liaison.notifications import LIAISON_NOTE
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.services import NotificationError, preference_set_email_digest
from tenants.db import use_public_schema
from tenants.models import Commune


def plant(world, name: str, title: str = "Nouveau mot : Piscine") -> Notification:
    with schema_context(world.schema):
        return Notification.objects.create(
            recipient=world[name], kind=LIAISON_NOTE, title=title, url="/liaison/"
        )


def test_the_feed_lists_ones_own_notifications_only(bordeaux, as_user):
    plant(bordeaux, "par1", "Pour Pascale")
    plant(bordeaux, "par3", "Pour Patrick")

    page = as_user(bordeaux, "par1").get("/notifications/").content.decode()

    assert "Pour Pascale" in page and "Pour Patrick" not in page
    assert "1 non lue" in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(bordeaux, as_user):
    notification = plant(bordeaux, "par1")

    response = as_user(bordeaux, "par1").post(f"/notifications/{notification.pk}/ouvrir/")

    assert response.status_code == 302 and response.url == "/liaison/"
    with schema_context("bordeaux"):
        assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_someone_elses_notification_answers_404_and_stays_unread(bordeaux, as_user):
    notification = plant(bordeaux, "par3")
    client = as_user(bordeaux, "par1")

    assert client.post(f"/notifications/{notification.pk}/ouvrir/").status_code == 404
    assert client.post("/notifications/987654/ouvrir/").status_code == 404
    with schema_context("bordeaux"):
        assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read_touches_only_ones_own(bordeaux, as_user):
    plant(bordeaux, "par1")
    plant(bordeaux, "par1")
    other = plant(bordeaux, "par3")

    as_user(bordeaux, "par1").post("/notifications/tout-lu/")

    with schema_context("bordeaux"):
        assert not Notification.objects.filter(recipient=bordeaux["par1"], read_at=None).exists()
        assert Notification.objects.get(pk=other.pk).read_at is None


def test_the_badge_shows_the_unread_count_in_one_query(bordeaux, django_assert_num_queries):
    plant(bordeaux, "par1")
    plant(bordeaux, "par1")
    request = RequestFactory().get("/")
    request.user = bordeaux["par1"]
    template = Template("{% load notifications %}{% notifications_badge %}")

    with schema_context("bordeaux"):
        request.commune = Commune.objects.get(schema_name="bordeaux")  # type: ignore[attr-defined]
        with django_assert_num_queries(1):
            html = template.render(Context({"request": request}))

    assert ">2</span>" in html and 'href="/notifications/"' in html


def test_an_adult_opts_in_to_the_digest_from_the_feed(bordeaux, as_user):
    with schema_context("bordeaux"):
        bordeaux["par1"].email = "pascale@example.org"
        bordeaux["par1"].save()

    as_user(bordeaux, "par1").post("/notifications/resume-par-e-mail/", {"email_digest": "on"})

    with schema_context("bordeaux"):
        assert NotificationPreference.objects.get(user=bordeaux["par1"]).email_digest


def test_a_pupil_can_never_opt_in_to_e_mail(bordeaux, as_user):
    response = as_user(bordeaux, "p1").post(
        "/notifications/resume-par-e-mail/", {"email_digest": "on"}
    )

    assert response.status_code == 404
    with schema_context("bordeaux"):
        assert not NotificationPreference.objects.exists()
        with pytest.raises(NotificationError):
            preference_set_email_digest(user=bordeaux["p1"], enabled=True)


def _header(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_the_page_header_carries_the_badge_with_an_accessible_name(bordeaux, as_user):
    plant(bordeaux, "par1")
    plant(bordeaux, "par1")
    plant(bordeaux, "par3")

    header = _header(as_user(bordeaux, "par1").get("/"))

    assert '<a class="notifications-badge" href="/notifications/">' in header
    # Read aloud: "Notifications, 2 non lues"; seen: "Notifications 2" (the bell and the count
    # on a phone).
    assert (
        'Notifications</span><span class="visually-hidden">,</span> <span class="badge">2</span>'
        '<span class="visually-hidden"> non lues</span></a>'
    ) in header


def test_the_badge_says_nothing_more_when_all_is_read_and_caps_its_count(bordeaux, as_user):
    client = as_user(bordeaux, "par1")
    assert 'class="badge"' not in _header(client.get("/"))
    assert "Notifications</span></a>" in _header(client.get("/"))
    with schema_context("bordeaux"):
        Notification.objects.bulk_create(
            Notification(recipient=bordeaux["par1"], kind=HOMEWORK, title="T", url="/")
            for _ in range(120)
        )

    header = _header(client.get("/"))

    assert '<span aria-hidden="true">99+</span>' in header
    assert 'plus de 99</span></span><span class="visually-hidden"> non lues' in header


def test_no_badge_for_anonymous_visitors_nor_on_the_base_domain(tenant_client, base_login):
    assert (
        "notifications-badge" not in tenant_client("bordeaux").get("/connexion/").content.decode()
    )
    use_public_schema()
    coordinator = User.objects.create_user(
        username="coord",
        first_name="Claire",
        last_name="Coordinatrice",
        profile=Profile.COORDINATOR,
    )

    page = base_login(coordinator).get("/", follow=True)

    assert page.redirect_chain == [("/coordination/", 302)]
    assert page.status_code == 200 and "Claire" in page.content.decode()
    assert "notifications-badge" not in page.content.decode()
