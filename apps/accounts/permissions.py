"""Who may see what, do what, and write to whom — one module of pure functions.

Every rule takes ``Actor`` values (a person and their relations, computed once by
``apps.accounts.selectors.actor_for``) and answers without touching the database, so that
pages, the API, messaging, chat, blogs and the notebooks all ask the same question the same
way, and a matrix test can cover every pair of profiles and relations.

Defaults follow what French primary-school ENTs usually allow, so that families and
teachers find the rules they know:

* a pupil writes to the teachers of their class, and to classmates only where the teacher
  allows it;
* a parent writes to the teachers of their children's classes and to the direction of their
  children's schools — never to other parents by default;
* teachers, directors and other staff write to everyone in their school (its staff, its
  pupils and those pupils' parents);
* a commune administrator writes to, and manages, everyone in the commune;
* a blocked or departed account writes to no one and receives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.accounts.models import TWO_FACTOR_REQUIRED, Profile

STAFF_PROFILES = frozenset({Profile.TEACHER, Profile.DIRECTOR, Profile.STAFF})
# Profiles that may add a second factor of their own accord (mandatory for TWO_FACTOR_REQUIRED).
TWO_FACTOR_OPTIONAL = frozenset({Profile.TEACHER, Profile.DIRECTOR})


@dataclass(frozen=True)
class Actor:
    """A person and the relations the rules need, all as ids (no database access).

    * ``class_ids``: the classes of the current year the person belongs to — taught (teacher),
      enrolled in (pupil), or their children's (parent).
    * ``school_ids``: the schools the person belongs to — as staff (any role), as a pupil, or
      through their children (parent).
    * ``directed_school_ids``: schools the person directs.
    * ``taught_class_ids``: classes the person teaches.
    * ``child_ids`` / ``guardian_ids``: parent–child links (``authority_child_ids``: those
      where the parent holds parental authority).
    * ``peer_messaging_class_ids``: for a pupil, their classes whose teacher lets pupils
      write to one another.
    * ``display_name``: the name a service writes beside what the person authors (so that a
      service handed the Actor needs no ``User`` for it).
    """

    id: int
    profile: str
    active: bool = True
    display_name: str = ""
    class_ids: frozenset[int] = field(default_factory=frozenset)
    school_ids: frozenset[int] = field(default_factory=frozenset)
    directed_school_ids: frozenset[int] = field(default_factory=frozenset)
    taught_class_ids: frozenset[int] = field(default_factory=frozenset)
    child_ids: frozenset[int] = field(default_factory=frozenset)
    authority_child_ids: frozenset[int] = field(default_factory=frozenset)
    guardian_ids: frozenset[int] = field(default_factory=frozenset)
    peer_messaging_class_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_pupil(self) -> bool:
        return self.profile == Profile.PUPIL

    @property
    def is_parent(self) -> bool:
        return self.profile == Profile.PARENT

    @property
    def is_school_staff(self) -> bool:
        return self.profile in STAFF_PROFILES

    @property
    def is_commune_admin(self) -> bool:
        return self.profile == Profile.COMMUNE_ADMIN


# --- communication ------------------------------------------------------------------------


def _staff_reaches(staff: Actor, person: Actor) -> bool:
    """Anyone whose school is one of the staff member's schools."""
    return bool(staff.school_ids & person.school_ids)


def can_message(*, sender: Actor, recipient: Actor) -> bool:
    """May ``sender`` write to ``recipient`` (messaging, chat invitations, mentions)?"""
    if sender.id == recipient.id or not sender.active or not recipient.active:
        return False
    if sender.is_commune_admin:
        return True
    if recipient.is_commune_admin:
        # Staff reach their commune's administration; families and pupils go through school.
        return sender.is_school_staff
    if sender.is_school_staff:
        return _staff_reaches(sender, recipient)
    if sender.is_pupil:
        if recipient.is_school_staff:
            return bool(recipient.taught_class_ids & sender.class_ids)
        if recipient.is_pupil:
            return bool(sender.peer_messaging_class_ids & recipient.class_ids)
        return False
    if sender.is_parent:
        if recipient.profile == Profile.TEACHER or recipient.profile == Profile.DIRECTOR:
            return bool(
                recipient.taught_class_ids & sender.class_ids
                or recipient.directed_school_ids & sender.school_ids
            )
        return False
    return False


def may_send_external_email(*, actor: Actor) -> bool:
    """Pupils never send e-mail outside the ENT."""
    return actor.active and not actor.is_pupil


# --- seeing people, classes and schools -----------------------------------------------------


def can_view_person(*, viewer: Actor, person: Actor) -> bool:
    """May ``viewer`` see ``person``'s name and profile page (directory, class lists)?"""
    if viewer.id == person.id:
        return True
    if not viewer.active:
        return False
    if viewer.is_commune_admin:
        return True
    if viewer.is_school_staff:
        return _staff_reaches(viewer, person)
    if viewer.is_parent:
        # Their children, and the adults who teach or direct them.
        return person.id in viewer.child_ids or (
            person.is_school_staff
            and bool(
                person.taught_class_ids & viewer.class_ids
                or person.directed_school_ids & viewer.school_ids
            )
        )
    if viewer.is_pupil:
        # Classmates and the adults of their class.
        return bool(viewer.class_ids & person.class_ids) and (
            person.is_pupil or bool(person.taught_class_ids & viewer.class_ids)
        )
    return False


def can_view_classroom(*, viewer: Actor, classroom_id: int, school_id: int) -> bool:
    if not viewer.active:
        return False
    if viewer.is_commune_admin:
        return True
    if viewer.is_school_staff:
        return school_id in viewer.school_ids
    return classroom_id in viewer.class_ids


def can_view_school(*, viewer: Actor, school_id: int) -> bool:
    if not viewer.active:
        return False
    return viewer.is_commune_admin or school_id in viewer.school_ids


def can_view_pupils_of_classroom(*, viewer: Actor, classroom_id: int, school_id: int) -> bool:
    """The class list with its pupils: the school's adults, not the families."""
    if not viewer.active:
        return False
    if viewer.is_commune_admin:
        return True
    if viewer.is_school_staff:
        return school_id in viewer.school_ids
    return viewer.is_pupil and classroom_id in viewer.class_ids


# --- acting on accounts and schools -----------------------------------------------------------


def can_manage_account(*, actor: Actor, target: Actor) -> bool:
    """Print login cards, reset a pupil's password, unlock after failed logins, block.

    Teachers act on the pupils of their classes and on those pupils' parents; directors on
    everyone of their schools except other directors; the commune administrator on everyone.
    """
    if not actor.active or actor.id == target.id:
        return False
    if actor.is_commune_admin:
        return not target.is_commune_admin
    if actor.profile == Profile.DIRECTOR:
        return bool(actor.directed_school_ids & target.school_ids) and (
            target.profile != Profile.DIRECTOR and not target.is_commune_admin
        )
    if actor.profile == Profile.TEACHER:
        if target.is_pupil:
            return bool(actor.taught_class_ids & target.class_ids)
        if target.is_parent:
            return bool(actor.taught_class_ids & target.class_ids)
    return False


def can_manage_classroom(*, actor: Actor, classroom_id: int, school_id: int) -> bool:
    """Edit the class: its notebooks, its moderation, its pupils' accounts."""
    if not actor.active:
        return False
    if actor.is_commune_admin:
        return True
    return classroom_id in actor.taught_class_ids or school_id in actor.directed_school_ids


def can_manage_school(*, actor: Actor, school_id: int) -> bool:
    """Branding, school site, staff of the school."""
    return actor.active and (actor.is_commune_admin or school_id in actor.directed_school_ids)


def can_edit_school_site(*, actor: Actor, school_id: int) -> bool:
    """The school's public site (its pages, colours, logo, publication): the school's director
    and the commune's administrator, as for the school's other branding."""
    return can_manage_school(actor=actor, school_id=school_id)


def can_administer_commune(*, actor: Actor) -> bool:
    """Schools, imports, all accounts, the audit log of the commune."""
    return actor.active and actor.is_commune_admin


def can_act_for_child(*, parent: Actor, child_id: int) -> bool:
    """Sign the cahier de liaison and similar acts that need parental authority."""
    return parent.active and child_id in parent.authority_child_ids


def can_unlock_account(*, actor: Actor, target: Actor) -> bool:
    """Lift a lock-out after failed logins, or set a pupil's new password: pupils only."""
    return target.is_pupil and can_manage_account(actor=actor, target=target)


def can_enrol_two_factor(*, actor: Actor) -> bool:
    """Mandatory for administrators and coordinators, optional for teachers and directors."""
    return actor.active and (
        actor.profile in TWO_FACTOR_REQUIRED or actor.profile in TWO_FACTOR_OPTIONAL
    )


def can_export_personal_data(*, actor: Actor, person_id: int) -> bool:
    """The right of access: a person's own data, or a child's for a guardian holding
    parental authority."""
    return actor.active and (person_id == actor.id or person_id in actor.authority_child_ids)


def can_erase_person(*, actor: Actor, target: Actor) -> bool:
    """The commune administrator handles erasure requests; never their own account nor another
    administrator's (the commune would lose its administration)."""
    return (
        can_administer_commune(actor=actor)
        and actor.id != target.id
        and not target.is_commune_admin
    )


def can_view_audit_log(*, actor: Actor) -> bool:
    return can_administer_commune(actor=actor)


# --- cahier de liaison ------------------------------------------------------------------------


def can_write_liaison_note(*, author: Actor, school_id: int, classroom_id: int | None) -> bool:
    """Write, publish, correct and remind: the class's teacher or the school's director; a note
    to the whole school (``classroom_id`` None) only the director. Pupils and parents never."""
    if not author.active or not author.is_school_staff:
        return False
    if classroom_id is None:
        return school_id in author.directed_school_ids
    return can_manage_classroom(actor=author, classroom_id=classroom_id, school_id=school_id)


def can_read_liaison_note(
    *,
    reader: Actor,
    school_id: int,
    classroom_id: int | None,
    recipient_child_ids: frozenset[int],
) -> bool:
    """The note's writers (staff who may write it), the guardians of a child it concerns, and
    those children themselves."""
    if not reader.active:
        return False
    if reader.is_school_staff:
        return can_write_liaison_note(author=reader, school_id=school_id, classroom_id=classroom_id)
    if reader.is_parent:
        return bool(reader.child_ids & recipient_child_ids)
    if reader.is_pupil:
        return reader.id in recipient_child_ids
    return False


def can_confirm_liaison_note(
    *, parent: Actor, child_id: int, recipient_child_ids: frozenset[int]
) -> bool:
    """Confirm ("J'ai pris connaissance") for a child the note concerns: parental authority."""
    return (
        parent.is_parent
        and child_id in recipient_child_ids
        and can_act_for_child(parent=parent, child_id=child_id)
    )


def can_reply_liaison_note(*, parent: Actor, recipient_child_ids: frozenset[int]) -> bool:
    """A guardian of a child the note concerns may answer its author (once)."""
    return parent.active and parent.is_parent and bool(parent.child_ids & recipient_child_ids)


# --- cahier de textes -------------------------------------------------------------------------


def can_edit_homework(*, author: Actor, classroom_id: int, school_id: int) -> bool:
    """Write, publish and change a class's cahier de textes (drafts included): its teachers and
    its school's director. Pupils, parents and the commune administrator never."""
    return (
        author.active
        and author.is_school_staff
        and can_manage_classroom(actor=author, classroom_id=classroom_id, school_id=school_id)
    )


def can_view_homework(*, viewer: Actor, classroom_id: int, school_id: int) -> bool:
    """Read a class's published cahier de textes: the school's staff, the class's pupils and
    their parents (``class_ids``), not the commune administrator (no business there)."""
    if not viewer.active or viewer.is_commune_admin:
        return False
    return can_view_classroom(viewer=viewer, classroom_id=classroom_id, school_id=school_id)
