"""The *Heures calmes* pages and rules: the commune administrator sets the commune's slots,
a director their school's (nobody else, and a refused act changes nothing); every change is
journalled; a held notification is in no feed, badge nor digest; the liaison note form
offers the urgent box to the direction only."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.liaison.models import LiaisonNote, Recipients
from apps.liaison.notifications import LIAISON_NOTE
from apps.liaison.services import LiaisonError, liaison_note_create
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.selectors import feed_for, unread_count_capped
from apps.notifications.services import digests_send, notify, release_due
from apps.quiethours import clock
from apps.quiethours.models import QuietHours
from apps.quiethours.schedule import PARIS
from apps.quiethours.selectors import schedule_for

SLOTS = {"morning_end": "07:45", "evening_start": "19:00"}


def paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def test_the_commune_administrator_sets_the_communes_slots(bordeaux, as_user):
    client = as_user(bordeaux, "adm")

    assert "Heures calmes" in client.get("/").content.decode()  # one click from home
    page = client.get("/heures-calmes/")
    response = client.post("/heures-calmes/", SLOTS)

    assert page.status_code == 200 and "École A" in page.content.decode()
    assert response.status_code == 302
    with schema_context("bordeaux"):
        row = QuietHours.objects.get(school__isnull=True)
        event = AuditEvent.objects.get(action="quiethours.commune_changed")
        schedule = schedule_for(bordeaux.schools["A"].pk)
    assert (row.morning_end, row.evening_start) == (datetime.time(7, 45), datetime.time(19))
    assert event.actor_id == bordeaux["adm"].pk and event.details["evening_start"] == "19:00"
    assert schedule.evening_start == datetime.time(19)  # the school follows the commune


def test_an_evening_before_the_morning_is_refused_in_french_and_nothing_is_saved(bordeaux, as_user):
    response = as_user(bordeaux, "adm").post(
        "/heures-calmes/", {"morning_end": "20:00", "evening_start": "07:00"}
    )

    assert response.status_code == 200
    assert "doit venir après la fin du matin" in response.content.decode()
    with schema_context("bordeaux"):
        assert (
            not QuietHours.objects.exists()
            and not AuditEvent.objects.filter(action__startswith="quiethours").exists()
        )


def test_a_director_sets_their_schools_slots_and_returns_to_the_communes(bordeaux, as_user):
    client = as_user(bordeaux, "dA")
    school = bordeaux.schools["A"]

    assert "Heures calmes" in client.get("/").content.decode()
    index = client.get("/heures-calmes/").content.decode()
    saved = client.post(f"/heures-calmes/ecoles/{school.pk}/", SLOTS)
    with schema_context("bordeaux"):
        override = QuietHours.objects.get(school=school)
        own = schedule_for(school.pk)
        other = schedule_for(bordeaux.schools["B"].pk)
    reset = client.post(f"/heures-calmes/ecoles/{school.pk}/commune/")

    assert "École A" in index and "École B" not in index
    assert saved.status_code == 302 and override.morning_end == datetime.time(7, 45)
    assert own.morning_end == datetime.time(7, 45) and other.morning_end == datetime.time(7)
    assert reset.status_code == 302
    with schema_context("bordeaux"):
        assert not QuietHours.objects.exists()
        assert list(
            AuditEvent.objects.filter(action__startswith="quiethours")
            .order_by("id")
            .values_list("action", flat=True)
        ) == [
            "quiethours.school_changed",
            "quiethours.school_reset",
        ]


@pytest.mark.parametrize(
    ("name", "method", "path"),
    [
        ("dA", "post", "/heures-calmes/"),  # a director does not set the commune's
        ("dA", "post", "/heures-calmes/ecoles/{B}/"),  # nor another school's
        ("dA", "get", "/heures-calmes/ecoles/{B}/"),
        ("t1", "get", "/heures-calmes/"),
        ("t1", "post", "/heures-calmes/ecoles/{A}/"),
        ("par1", "get", "/heures-calmes/"),
    ],
)
def test_others_get_404_and_nothing_changes(bordeaux, as_user, name, method, path):
    url = path.format(A=bordeaux.schools["A"].pk, B=bordeaux.schools["B"].pk)
    response = getattr(as_user(bordeaux, name), method)(url, SLOTS)

    assert response.status_code == 404
    with schema_context("bordeaux"):
        assert (
            not QuietHours.objects.exists()
            and not AuditEvent.objects.filter(action__startswith="quiethours").exists()
        )


@pytest.fixture
def friday_evening(settings, monkeypatch):
    settings.ENT_QUIET_HOURS = True
    monkeypatch.setattr(clock, "now", lambda: paris(2026, 3, 13, 21, 0))


def test_a_held_notification_is_in_no_feed_badge_nor_digest_until_delivered(
    bordeaux, friday_evening
):
    parent = bordeaux["par1"]
    mail.outbox = []
    with schema_context("bordeaux"):
        parent.email = "pascale@example.org"
        parent.save()
        NotificationPreference.objects.create(user=parent, email_digest=True)
        [held] = notify(
            recipients=[parent],
            kind=LIAISON_NOTE,
            title="Piscine",
            url="/liaison/",
            school_id=bordeaux.schools["A"].pk,
        )
        assert held.delivered_at is None and held.deliver_at == paris(2026, 3, 16, 7, 0)
        assert list(feed_for(parent)) == [] and unread_count_capped(parent) == 0
        assert digests_send().sent == 0 and mail.outbox == []

        assert release_due(paris(2026, 3, 16, 7, 0)) == [held.pk]
        assert release_due(paris(2026, 3, 16, 7, 0)) == []  # once
        assert list(feed_for(parent)) == [held] and unread_count_capped(parent) == 1
        assert digests_send().sent == 1 and "Piscine" in mail.outbox[0].body


def test_the_urgent_box_is_offered_to_the_direction_only(bordeaux, as_user):
    school_form = as_user(bordeaux, "dA").get(
        f"/liaison/ecoles/{bordeaux.schools['A'].pk}/nouveau/"
    )
    class_form = as_user(bordeaux, "t1").get(
        f"/liaison/classes/{bordeaux.classes['A1'].pk}/nouveau/"
    )

    assert "Urgent : prévenir les familles tout de suite" in school_form.content.decode()
    assert "Urgent" not in class_form.content.decode()


def test_a_teacher_cannot_send_urgently_and_nothing_is_written(bordeaux):
    with schema_context("bordeaux"):
        with pytest.raises(LiaisonError):
            liaison_note_create(
                author=actor_for(bordeaux["t1"]),
                classroom=bordeaux.classes["A1"],
                audience=Recipients.CLASS,
                title="Urgent",
                text="…",
                urgent=True,
            )
        assert (
            not LiaisonNote.objects.exists()
            and not AuditEvent.objects.filter(action__startswith="quiethours").exists()
        )
        assert not Notification.objects.exists()
