"""What the messagerie keeps: the trash for 30 days, messages for the commune's retention
(3 years by default); a departed account's messages stay readable under "Ancien compte"."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.messaging import services
from apps.messaging.models import CommuneSettings, Copy, Message
from apps.privacy.retention import retention_enforce
from tests.messaging.conftest import send, to_person
from tests.world import World


def test_the_trash_is_emptied_after_30_days_and_messages_after_the_retention(
    bordeaux: World,
) -> None:
    old = send(bordeaux, "t1", [to_person(bordeaux, "par1")]).message
    kept = send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Récent").message
    now = timezone.now()
    with schema_context(bordeaux.schema):
        copy = Copy.objects.get(message=kept, owner=bordeaux["par1"])
        services.copies_trash(owner_id=bordeaux["par1"].pk, copy_ids=[copy.pk])
        Copy.objects.filter(pk=copy.pk).update(trashed_at=now - datetime.timedelta(days=29))
        Message.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=2 * 365))
        CommuneSettings.objects.create(pk=1, retention_years=1)

        retention_enforce(now=now)
        assert Copy.objects.filter(pk=copy.pk).exists()  # 29 days in the trash: kept
        assert not Message.objects.filter(pk=old.pk).exists()  # past one year: gone
        assert Message.objects.filter(pk=kept.pk).exists()

        retention_enforce(now=now + datetime.timedelta(days=2))
        assert not Copy.objects.filter(pk=copy.pk).exists()
        # The sender's copy stays: the trash is each person's own.
        assert Copy.objects.filter(message=kept, owner=bordeaux["t1"]).exists()


def test_a_departed_senders_message_stays_readable_under_ancien_compte(
    bordeaux: World, as_user
) -> None:
    message = send(bordeaux, "t1", [to_person(bordeaux, "par1")], body="À lire.").message
    with schema_context(bordeaux.schema):
        User.objects.filter(pk=bordeaux["t1"].pk).update(left_at=timezone.now())
    page = as_user(bordeaux, "par1").get(f"/messagerie/messages/{message.pk}/").content.decode()
    assert "Ancien compte" in page and "À lire." in page
    assert ">Répondre</button>" not in page  # no one to answer any more


def test_an_erased_senders_name_no_longer_finds_their_messages(bordeaux: World) -> None:
    from apps.messaging.search import search_copies
    from apps.privacy.services import person_erase

    send(bordeaux, "t1", [to_person(bordeaux, "par1")], subject="Sortie", body="Jeudi.")
    name = bordeaux["t1"].last_name
    with schema_context(bordeaux.schema):
        owner = bordeaux["par1"].pk
        assert search_copies(owner, name).count() == 1
        person_erase(actor=bordeaux["adm"], user=bordeaux["t1"], reason="demande", request=None)
        assert search_copies(owner, name).count() == 0
        assert search_copies(owner, "sortie").count() == 1  # the message stays
