"""Safety: a reported message deleted by a referent disappears for everyone and its steps
are in the journal; under "messagerie restreinte" a teacher's message to a school's parents
is refused in French and nothing is stored; an account past its limits has its message held
and delivered only on release; pupils' messaging suspended for the commune."""

from __future__ import annotations

import html

import pytest
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.messaging import rules, services
from apps.messaging.models import (
    Box,
    CommuneSettings,
    Copy,
    GroupKind,
    Message,
    ReportState,
    SenderBlock,
    State,
)
from tests.messaging.conftest import parents_of, send, to_group, to_person, write
from tests.world import World


def copy_of(world: World, name: str, message: Message) -> Copy:
    with schema_context(world.schema):
        return Copy.objects.select_related("message").get(owner=world[name], message=message)


def journal(world: World) -> list[str]:
    with schema_context(world.schema):
        return list(
            AuditEvent.objects.filter(action__startswith="messaging.").values_list(
                "action", flat=True
            )
        )


@pytest.mark.parametrize("decision", [ReportState.DELETED, ReportState.BLOCKED])
def test_a_reported_message_deleted_by_the_referent_disappears_for_everyone(
    bordeaux: World, as_user, decision: str
) -> None:
    message = send(bordeaux, "t1", [to_person(bordeaux, "par1"), to_person(bordeaux, "t2")]).message
    with schema_context(bordeaux.schema):
        report = services.message_report(
            actor=actor_for(bordeaux["par1"]),
            copy=copy_of(bordeaux, "par1", message),
            reason="Menace",
        )
        services.report_handle(actor=actor_for(bordeaux["dA"]), report=report, decision=decision)
        assert not Copy.objects.filter(message=message).exists()
        assert Message.objects.get(pk=message.pk).state == State.REMOVED
        assert SenderBlock.objects.filter(user=bordeaux["t1"]).exists() == (
            decision == ReportState.BLOCKED
        )
    for name in ("par1", "t2", "t1"):
        assert as_user(bordeaux, name).get(f"/messagerie/messages/{message.pk}/").status_code == 404
    assert "messaging.reported" in journal(bordeaux)
    assert f"messaging.report_{decision}" in journal(bordeaux)
    if decision == ReportState.BLOCKED:
        with pytest.raises(services.MessagingError, match="bloquée"):
            write(bordeaux, "t1", [to_person(bordeaux, "par1")])


def test_a_report_goes_to_the_referents_only(bordeaux: World, as_user) -> None:
    message = send(bordeaux, "t1", [to_person(bordeaux, "par1")]).message
    answer = as_user(bordeaux, "par1").post(
        f"/messagerie/messages/{message.pk}/signaler/", {"reason": "Propos déplacés"}
    )
    assert answer.status_code == 302
    assert (
        "Propos déplacés"
        in as_user(bordeaux, "dA").get("/messagerie/signalements/").content.decode()
    )
    assert as_user(bordeaux, "t2").get("/messagerie/signalements/").status_code == 404
    assert (
        as_user(bordeaux, "dB")
        .get("/messagerie/signalements/")
        .content.decode()
        .count("Propos déplacés")
        == 0
    )


def test_under_restricted_messaging_a_teachers_message_to_the_schools_parents_is_refused(
    bordeaux: World, as_user
) -> None:
    with schema_context(bordeaux.schema):
        services.restriction_set(
            actor=actor_for(bordeaux["dA"]), school_id=bordeaux.schools["A"].pk, restricted=True
        )
    group = to_group(bordeaux, GroupKind.SCHOOL_PARENTS)
    with pytest.raises(services.MessagingError) as refused:
        write(bordeaux, "t1", [group])
    assert str(refused.value) == rules.RESTRICTED
    answer = as_user(bordeaux, "t1").post(
        "/messagerie/ecrire/",
        {"add_groups": [group.group_key], "subject": "x", "action": "envoyer"},
    )
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 200
    assert rules.RESTRICTED in page
    with schema_context(bordeaux.schema):
        assert not Message.objects.exists()
    # The direction still may; the banner tells the staff.
    assert send(bordeaux, "dA", [group]).state == State.DELIVERED
    assert "seules la direction" in as_user(bordeaux, "t1").get("/messagerie/").content.decode()
    assert "messaging.restriction" in journal(bordeaux)


def test_an_account_past_its_limits_has_its_message_held_until_released(bordeaux: World) -> None:
    with schema_context(bordeaux.schema):
        CommuneSettings.objects.create(pk=1, limits={"teacher": {"recipients": 1}})
    sent = send(bordeaux, "t1", [parents_of(bordeaux), to_person(bordeaux, "t2")])
    assert sent.state == State.HELD
    with schema_context(bordeaux.schema):
        assert not Copy.objects.filter(message=sent.message, box=Box.INBOX).exists()
        with pytest.raises(services.MessagingError):
            services.held_release(
                actor=actor_for(bordeaux["dB"]), message_id=sent.message.pk, deliver=True
            )
        services.held_release(
            actor=actor_for(bordeaux["dA"]), message_id=sent.message.pk, deliver=True
        )
        owners = set(
            Copy.objects.filter(message=sent.message, box=Box.INBOX).values_list(
                "owner_id", flat=True
            )
        )
    assert owners == {bordeaux["par1"].pk, bordeaux["t2"].pk}
    assert {"messaging.held", "messaging.released"} <= set(journal(bordeaux))


def test_suspended_pupils_messaging_refuses_pupils_and_is_shown(bordeaux: World, as_user) -> None:
    with schema_context(bordeaux.schema):
        services.restriction_set(
            actor=actor_for(bordeaux["adm"]),
            school_id=None,
            restricted=False,
            pupils_suspended=True,
        )
        with pytest.raises(services.MessagingError):
            services.restriction_set(
                actor=actor_for(bordeaux["dA"]), school_id=None, restricted=False
            )
    with pytest.raises(services.MessagingError, match="suspendue"):
        write(bordeaux, "p1", [to_person(bordeaux, "t1")])
    assert "suspendue" in as_user(bordeaux, "p1").get("/messagerie/").content.decode()
    sent = send(bordeaux, "t1", [to_group(bordeaux, GroupKind.CLASS_PUPILS, classroom="A1")])
    with schema_context(bordeaux.schema):
        assert not Copy.objects.filter(message=sent.message, box=Box.INBOX).exists()


def test_a_director_sees_the_reports_and_holds_of_their_school_only(
    bordeaux: World, as_user
) -> None:
    message = send(bordeaux, "t1", [to_person(bordeaux, "par1")]).message
    with schema_context(bordeaux.schema):
        services.message_report(
            actor=actor_for(bordeaux["par1"]), copy=copy_of(bordeaux, "par1", message)
        )
    assert "1 message signalé" in as_user(bordeaux, "dA").get("/").content.decode()
    assert "message signalé" not in as_user(bordeaux, "dB").get("/").content.decode()
    assert "1 message signalé" in as_user(bordeaux, "adm").get("/").content.decode()
