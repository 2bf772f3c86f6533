"""Who hears about what in the cahier de liaison: the guardians of the children a note
concerns (and who may read it), and only the note's author for a reply."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_read_liaison_note, can_write_liaison_note
from apps.french.formatting import de
from apps.liaison.models import LiaisonNote, Reminder, Reply
from apps.notifications.kinds import register_kind
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.schools.models import Guardianship

# The kinds it sends (``Notification.kind``), registered with their labels at start-up.
LIAISON_NOTE = "liaison_note"
LIAISON_REMINDER = "liaison_reminder"
LIAISON_REPLY = "liaison_reply"


def register_kinds() -> None:
    register_kind(LIAISON_NOTE, "Nouveau mot du cahier de liaison")
    register_kind(LIAISON_REMINDER, "Mot à confirmer (relance)")
    register_kind(LIAISON_REPLY, "Réponse reçue")


def notify_guardians(
    *,
    note: LiaisonNote,
    child_ids: Iterable[int],
    kind: str,
    event: str = "",
    urgent: bool = False,
) -> list[Notification]:
    """One notification per guardian of ``child_ids`` who may read the note, pointing at the
    notebook of (one of) their concerned children; ``event`` names what is told, so that a
    delivery run again tells no one twice (see ``notify``)."""
    concerned = frozenset(child_ids)
    recipients = frozenset(note.recipients.values_list("child_id", flat=True))
    children_of: dict[int, list[int]] = defaultdict(list)
    for guardian_id, child_id in Guardianship.objects.filter(
        child_id__in=concerned & recipients
    ).values_list("guardian_id", "child_id"):
        children_of[guardian_id].append(child_id)
    if not children_of:
        return []

    def may_see(actor: Actor) -> bool:
        return actor.is_parent and can_read_liaison_note(
            reader=actor,
            school_id=note.school_id,
            classroom_id=note.classroom_id,
            recipient_child_ids=recipients,
        )

    prefix = "À confirmer : " if note.acknowledgement_required else "Nouveau mot : "
    if kind == LIAISON_REMINDER:
        prefix = "Relance, à confirmer : "
    created: list[Notification] = []
    guardians = User.objects.filter(pk__in=children_of)
    # One notify() per child page; guardians of several concerned children get one row.
    by_url: dict[str, list[User]] = defaultdict(list)
    for guardian in guardians:
        child_id = min(children_of[guardian.pk])
        by_url[reverse("liaison:child", kwargs={"child_id": child_id})].append(guardian)
    for url, people in by_url.items():
        created += notify(
            recipients=people,
            kind=kind,
            title=prefix + note.title,
            url=url,
            may_see=may_see,
            event=event,
            school_id=note.school_id,
            urgent=urgent,
        )
    return created


def notify_note_published(note_id: int, *, urgent: bool = False) -> list[Notification]:
    """``urgent``: the direction's emergency override, delivered despite quiet hours."""
    note = LiaisonNote.objects.filter(pk=note_id, published_at__isnull=False).first()
    if note is None:
        return []
    return notify_guardians(
        note=note,
        child_ids=note.recipients.values_list("child_id", flat=True),
        kind=LIAISON_NOTE,
        # A note is published once: its id names the event.
        event=f"liaison_note:{note.pk}",
        urgent=urgent,
    )


def notify_reply_received(reply_id: int) -> list[Notification]:
    reply = Reply.objects.select_related("note__author", "guardian").filter(pk=reply_id).first()
    if reply is None or reply.note.author is None:
        return []
    note, author = reply.note, reply.note.author
    return notify(
        recipients=[author],
        kind=LIAISON_REPLY,
        title=f"Réponse {de(reply.guardian.display_name)} : {note.title}",
        url=reverse("liaison:status", kwargs={"note_id": note.pk}),
        may_see=lambda actor: can_write_liaison_note(
            author=actor, school_id=note.school_id, classroom_id=note.classroom_id
        ),
        event=f"liaison_reply:{reply.pk}",
        school_id=note.school_id,
    )


def notify_reminder_sent(reminder_id: int) -> list[Notification]:
    """The guardians of the children a reminder was sent for (those still waiting then)."""
    reminder = Reminder.objects.select_related("note").filter(pk=reminder_id).first()
    if reminder is None:
        return []
    return notify_guardians(
        note=reminder.note,
        child_ids=reminder.child_ids,
        kind=LIAISON_REMINDER,
        event=f"liaison_reminder:{reminder.pk}",
    )
