"""Who may write to which group, and what the safety switches change: pure functions on
``Actor`` (no query), beside ``apps.accounts.permissions.can_message`` which rules persons.

A group is offered to a sender only when every person it may hold is someone the sender may
write to under ``can_message`` (a school's parents, pupils and staff for its staff and the
commune administrator; a school's direction for whoever may write to its directors), so
expanding a group at delivery never reaches someone the sender could not have named.
``tests/messaging/test_matrix.py`` checks that for every sender of the permissions matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.accounts.permissions import Actor
from apps.messaging.models import GroupKind

# Groups of families or pupils: the ones "messagerie restreinte" keeps for the direction.
FAMILY_GROUPS = frozenset(
    {
        GroupKind.CLASS_PARENTS,
        GroupKind.CLASS_PUPILS,
        GroupKind.SCHOOL_PARENTS,
        GroupKind.SCHOOL_PUPILS,
    }
)
CLASS_GROUPS = frozenset({GroupKind.CLASS_PARENTS, GroupKind.CLASS_PUPILS})


@dataclass(frozen=True)
class Group:
    """A group address: its kind and the school (and class) it is of."""

    kind: str
    school_id: int
    classroom_id: int | None = None

    def __post_init__(self) -> None:
        if self.kind == GroupKind.PERSON:
            raise ValueError("a person is not a group")
        if (self.kind in CLASS_GROUPS) != (self.classroom_id is not None):
            raise ValueError(f"a group of kind {self.kind} names a class exactly when it is one")

    @property
    def key(self) -> str:
        """How a form names it: ``class_parents:12:34`` (kind, school, class)."""
        parts = [self.kind, str(self.school_id)]
        if self.classroom_id is not None:
            parts.append(str(self.classroom_id))
        return ":".join(parts)

    @classmethod
    def from_key(cls, key: str) -> Group | None:
        """The group a form's key names, or None for a key that names none."""
        parts = key.split(":")
        if len(parts) not in (2, 3) or parts[0] not in GroupKind.values:
            return None
        if not all(part.isdigit() and len(part) < 12 for part in parts[1:]):
            return None
        try:
            return cls(
                kind=parts[0],
                school_id=int(parts[1]),
                classroom_id=int(parts[2]) if len(parts) == 3 else None,
            )
        except ValueError:
            return None


@dataclass(frozen=True)
class Switches:
    """The safety switches in force for a sender: schools under "messagerie restreinte"
    (``commune_restricted``: all of them), and the commune-wide suspension of pupils'
    messaging."""

    restricted_school_ids: frozenset[int] = frozenset()
    commune_restricted: bool = False
    pupils_suspended: bool = False

    def restricts(self, school_id: int) -> bool:
        return self.commune_restricted or school_id in self.restricted_school_ids


NO_SWITCH = Switches()


def _writes_to_school_as_staff(sender: Actor, school_id: int) -> bool:
    return sender.is_commune_admin or (sender.is_school_staff and school_id in sender.school_ids)


def may_write_to_group(sender: Actor, group: Group, switches: Switches = NO_SWITCH) -> bool:
    """May ``sender`` address ``group`` (checked when writing and again at delivery)?"""
    if not sender.active:
        return False
    if sender.is_pupil and switches.pupils_suspended:
        return False
    if group.kind == GroupKind.SCHOOL_DIRECTION:
        # Whoever may write to a school's director: its families, its staff, the commune.
        if sender.is_parent:
            return group.school_id in sender.school_ids
        return _writes_to_school_as_staff(sender, group.school_id)
    if not _writes_to_school_as_staff(sender, group.school_id):
        return False
    if group.kind in FAMILY_GROUPS and switches.restricts(group.school_id):
        return sender.is_commune_admin or group.school_id in sender.directed_school_ids
    return True


def refusal_for_group(sender: Actor, group: Group, switches: Switches = NO_SWITCH) -> str:
    """The French sentence for a refused group (what the compose page shows)."""
    if sender.is_pupil and switches.pupils_suspended:
        return PUPILS_SUSPENDED
    allowed_without_switch = may_write_to_group(sender, group)
    if allowed_without_switch and group.kind in FAMILY_GROUPS:
        return RESTRICTED
    return "Vous ne pouvez pas écrire à ce groupe."


def may_write_at_all(sender: Actor, switches: Switches, *, blocked: bool) -> str | None:
    """Why ``sender`` may not write any message now (French), or None."""
    if not sender.active:
        return "Votre compte ne peut plus envoyer de messages."
    if blocked:
        return BLOCKED
    if sender.is_pupil and switches.pupils_suspended:
        return PUPILS_SUSPENDED
    return None


def may_receive(recipient: Actor, switches: Switches) -> bool:
    """Suspended pupils' messaging holds nothing for them either."""
    return recipient.active and not (recipient.is_pupil and switches.pupils_suspended)


def may_moderate(actor: Actor, classroom_id: int) -> bool:
    """The teachers of the pupil's class moderate the pupils' mail."""
    return actor.active and actor.is_school_staff and classroom_id in actor.taught_class_ids


def is_referent(actor: Actor, school_ids: frozenset[int]) -> bool:
    """The referents of a report: the direction of one of the schools concerned, or the
    commune administrator."""
    return actor.active and (actor.is_commune_admin or bool(actor.directed_school_ids & school_ids))


def may_send_without_reply(actor: Actor) -> bool:
    """Staff (and the commune) may send "sans réponse"; families and pupils may not."""
    return actor.active and (actor.is_school_staff or actor.is_commune_admin)


def may_override_quiet_hours(actor: Actor) -> bool:
    """The direction's emergency override, as for the cahier de liaison."""
    return actor.active and (actor.is_commune_admin or bool(actor.directed_school_ids))


def may_set_restrictions(actor: Actor, school_id: int | None) -> bool:
    """A school's switch: its direction or the commune; the commune's: the commune."""
    if not actor.active:
        return False
    if actor.is_commune_admin:
        return True
    return school_id is not None and school_id in actor.directed_school_ids


RESTRICTED = (
    "La messagerie est restreinte : seules la direction de l'école et l'administration de "
    "la commune peuvent écrire aux groupes d'élèves ou de parents."
)
PUPILS_SUSPENDED = "La messagerie des élèves est suspendue dans la commune."
BLOCKED = (
    "Votre messagerie a été bloquée par un référent : vous ne pouvez plus envoyer de messages."
)
