"""Each commune chooses when its families are reminded automatically (LiaisonPolicy)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.selectors import actor_for
from apps.liaison import tasks
from apps.liaison.models import LiaisonNote, LiaisonPolicy, Reminder
from apps.liaison.services import liaison_note_publish
from tests.liaison.conftest import class_note


def _published_days_ago(note: LiaisonNote, days: int) -> None:
    LiaisonNote.objects.filter(pk=note.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=days)
    )


def _waiting_note(bordeaux, days_ago: int) -> LiaisonNote:
    note = class_note(bordeaux, acknowledgement_required=True)
    with schema_context(bordeaux.schema):
        if note.published_at is None:
            liaison_note_publish(author=actor_for(bordeaux["t1"]), note=note)
        _published_days_ago(note, days_ago)
    return note


def test_without_a_policy_the_groupement_default_applies(bordeaux, settings):
    settings.ENT_LIAISON_REMINDER_DAYS = 3
    note = _waiting_note(bordeaux, days_ago=2)

    with schema_context(bordeaux.schema):
        assert tasks.reminder_days() == 3
        result = tasks.send_reminders.apply().get()
        assert result["notes"] == []
        assert not Reminder.objects.filter(note=note).exists()


def test_a_commune_that_chose_one_day_reminds_after_one_day(bordeaux, settings):
    settings.ENT_LIAISON_REMINDER_DAYS = 3
    note = _waiting_note(bordeaux, days_ago=2)

    with schema_context(bordeaux.schema):
        LiaisonPolicy.objects.create(reminder_days=1)
        result = tasks.send_reminders.apply().get()
        assert result["notes"] == [note.pk]
        assert Reminder.objects.filter(note=note, sent_by=None).count() == 1


def test_a_commune_that_turned_reminders_off_is_never_reminded(bordeaux, settings):
    settings.ENT_LIAISON_REMINDER_DAYS = 3
    note = _waiting_note(bordeaux, days_ago=10)

    with schema_context(bordeaux.schema):
        LiaisonPolicy.objects.create(reminder_days=0)
        result = tasks.send_reminders.apply().get()
        assert result["off"] is True
        assert not Reminder.objects.filter(note=note).exists()


def test_the_commune_administrator_sets_the_delay_and_no_one_else(bordeaux, verified_login):
    with schema_context(bordeaux.schema):
        admin = User.objects.create_user(username="adm.liaison", profile=Profile.COMMUNE_ADMIN)
    client = verified_login(admin, "bordeaux")

    assert client.get("/liaison/reglages/").status_code == 200
    response = client.post("/liaison/reglages/", {"reminder_days": "5"})
    refused = client.post("/liaison/reglages/", {"reminder_days": "90"})

    assert response.status_code == 302
    assert refused.status_code == 200
    with schema_context(bordeaux.schema):
        assert LiaisonPolicy.objects.get().reminder_days == 5


def test_a_teacher_cannot_reach_the_settings(bordeaux, as_user):
    teacher = as_user(bordeaux, "t1")

    assert teacher.get("/liaison/reglages/").status_code == 404
    assert teacher.post("/liaison/reglages/", {"reminder_days": "1"}).status_code == 404
    with schema_context(bordeaux.schema):
        assert not LiaisonPolicy.objects.exists()
