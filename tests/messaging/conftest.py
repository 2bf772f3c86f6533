"""The messagerie in the Bordeaux test world (tests/world.py): helpers to write and send."""

from __future__ import annotations

from collections.abc import Iterable

from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.messaging.models import Field, GroupKind, Message
from apps.messaging.rules import Group
from apps.messaging.services import Recipient, Sent, draft_save, message_send
from tests.world import World


def to_person(world: World, name: str, field: str = Field.TO) -> Recipient:
    return Recipient(field=field, person_id=world[name].pk)


def to_group(
    world: World, kind: str, *, school: str = "A", classroom: str | None = None
) -> Recipient:
    group = Group(
        kind=kind,
        school_id=world.schools[school].pk,
        classroom_id=world.classes[classroom].pk if classroom else None,
    )
    return Recipient(field=Field.TO, group_key=group.key)


def parents_of(world: World, classroom: str = "A1") -> Recipient:
    school = world.classes[classroom].school_id
    group = Group(
        kind=GroupKind.CLASS_PARENTS, school_id=school, classroom_id=world.classes[classroom].pk
    )
    return Recipient(field=Field.TO, group_key=group.key)


def write(
    world: World,
    sender: str,
    recipients: Iterable[Recipient],
    *,
    subject: str = "Sortie au musée",
    body: str = "Sortie jeudi.\nPrévoir un goûter.",
    **options: object,
) -> Message:
    with schema_context(world.schema):
        return draft_save(
            actor=actor_for(world[sender]),
            subject=subject,
            body=body,
            recipients=list(recipients),
            **options,  # type: ignore[arg-type]
        )


def send(world: World, sender: str, recipients: Iterable[Recipient], **options: object) -> Sent:
    confirmed = bool(options.pop("confirmed", False))
    urgent = bool(options.pop("urgent", False))
    draft = write(world, sender, recipients, **options)
    with schema_context(world.schema):
        return message_send(
            actor=actor_for(world[sender]), draft=draft, confirmed=confirmed, urgent=urgent
        )
