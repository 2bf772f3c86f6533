"""Reads of the messagerie: a person's boxes and folders, a thread as they may see it, the
unread badge, the people they may write to, the safety switches in force. Each costs a
constant number of queries, whatever the number of messages (pinned in tests/messaging).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Collate
from django.utils import timezone

from apps.accounts.models import Profile, User
from apps.accounts.permissions import Actor, can_message
from apps.accounts.selectors import actors_for, names_only
from apps.attachments.models import Attachment
from apps.french.formatting import jour_semaine
from apps.french.ordering import FRENCH_COLLATION, name_key
from apps.messaging.groups import active_users
from apps.messaging.models import (
    Address,
    Box,
    ClassPolicy,
    CommuneSettings,
    Copy,
    Field,
    Folder,
    Message,
    Report,
    ReportState,
    Restriction,
    SenderBlock,
    Settings,
    State,
)
from apps.messaging.rules import Switches
from apps.schools.models import (
    Classroom,
    Enrolment,
    Guardianship,
    School,
    SchoolMembership,
)

# What the others read in place of a sender whose account is gone.
FORMER_ACCOUNT = "Ancien compte"
# What the recipients read in place of a recalled message's text (and files).
RECALLED = "Message rappelé par l'expéditeur."

TRASH = "trash"
BOXES = (Box.INBOX.value, Box.SENT.value, Box.DRAFTS.value, TRASH)


def switches() -> Switches:
    """The switches in force in this commune: one query."""
    restricted: set[int] = set()
    commune_restricted = suspended = False
    for school_id, is_restricted, pupils_suspended in Restriction.objects.values_list(
        "school_id", "restricted", "pupils_suspended"
    ):
        if school_id is None:
            commune_restricted, suspended = is_restricted, pupils_suspended
        elif is_restricted:
            restricted.add(school_id)
    return Switches(
        restricted_school_ids=frozenset(restricted),
        commune_restricted=commune_restricted,
        pupils_suspended=suspended,
    )


def is_blocked(user_id: int) -> bool:
    return SenderBlock.objects.filter(user_id=user_id).exists()


def signature_of(user_id: int) -> str:
    return (
        Settings.objects.filter(user_id=user_id).values_list("signature", flat=True).first() or ""
    )


def signature_block(user_id: int) -> str:
    """The signature as it goes under a new message ("-- " then the text), or nothing."""
    signature = signature_of(user_id)
    return f"\n\n-- \n{signature}" if signature else ""


def commune_settings() -> CommuneSettings:
    return CommuneSettings.objects.filter(pk=1).first() or CommuneSettings(pk=1)


def moderated_class_of(pupil: Actor) -> int | None:
    """The class whose teachers moderate ``pupil``'s mail, or None when their class lets
    them write freely (no policy row: moderated, the default)."""
    if not pupil.class_ids:
        return None
    free = set(
        ClassPolicy.objects.filter(classroom_id__in=pupil.class_ids, moderated=False).values_list(
            "classroom_id", flat=True
        )
    )
    moderated = sorted(pupil.class_ids - free)
    return moderated[0] if moderated else None


# --- boxes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    unread: bool = False
    with_files: bool = False
    sender_id: int | None = None


def _with_files() -> Exists:
    return Exists(Attachment.objects.filter(publication_id=OuterRef("message__publication_id")))


def copies_placed(owner_id: int, where: str | int) -> QuerySet[Copy]:
    """The copies of a box (``inbox``, ``sent``, ``drafts``, ``trash``) or of a folder (its
    id, already checked to be the owner's), unordered: a box holds what no folder holds."""
    copies = Copy.objects.filter(owner_id=owner_id)
    if where == TRASH:
        return copies.filter(trashed_at__isnull=False)
    if isinstance(where, int):
        return copies.filter(trashed_at__isnull=True, folder_id=where)
    return copies.filter(trashed_at__isnull=True, box=where, folder__isnull=True)


def copies_listed(copies: QuerySet[Copy], filters: Filters = Filters()) -> QuerySet[Copy]:
    """``copies`` narrowed by the list's filters, with what a list line shows (the message,
    its sender, whether it has files): one query, whatever the page holds."""
    if filters.unread:
        copies = copies.filter(read_at__isnull=True)
    if filters.with_files:
        copies = copies.filter(_with_files())
    if filters.sender_id is not None:
        copies = copies.filter(message__sender_id=filters.sender_id)
    listed = copies.select_related("message", "message__sender").annotate(has_files=_with_files())
    return names_only(listed, "message__sender")


def copies_in(owner_id: int, where: str | int, filters: Filters = Filters()) -> QuerySet[Copy]:
    """The copies of a box or of a folder (``copies_placed``), newest first (the trash: last
    thrown first), with what a list line shows."""
    copies = copies_listed(copies_placed(owner_id, where), filters)
    if where == TRASH:
        return copies.order_by("-trashed_at", "-pk")
    return copies.order_by("-sort_at", "-pk")


BADGE_CAP = 99


def unread_count(owner_id: int, cap: int | None = None) -> int:
    """Unread messages in the inbox and folders, up to ``cap + 1`` when given (the header
    badge shows "99+"): one query on the partial index ``messaging_copy_unread``."""
    unread = Copy.objects.filter(
        owner_id=owner_id, box=Box.INBOX, read_at__isnull=True, trashed_at__isnull=True
    ).order_by()
    return unread[: cap + 1].count() if cap is not None else unread.count()


def senders_of(owner_id: int, limit: int = 100) -> list[tuple[int, str]]:
    """Who has written to the person (the search's "from" filter), in French order: one
    query, at most ``limit`` people."""
    rows = (
        User.objects.filter(
            pk__in=Copy.objects.filter(owner_id=owner_id, box=Box.INBOX).values(
                "message__sender_id"
            )
        )
        .order_by(Collate("last_name", FRENCH_COLLATION), Collate("first_name", FRENCH_COLLATION))
        .only("pk", "first_name", "last_name", "username")[:limit]
    )
    return [(user.pk, user.display_name) for user in rows]


def folders_of(owner_id: int) -> list[Folder]:
    """The person's folders, each parent followed by its sub-folders, in French order."""
    rows = list(
        Folder.objects.filter(owner_id=owner_id).order_by(Collate("name", FRENCH_COLLATION), "pk")
    )
    tops = [folder for folder in rows if folder.parent_id is None]
    ordered: list[Folder] = []
    for top in tops:
        ordered.append(top)
        ordered.extend(folder for folder in rows if folder.parent_id == top.pk)
    return ordered


def folder_of(owner_id: int, folder_id: int) -> Folder | None:
    return Folder.objects.filter(owner_id=owner_id, pk=folder_id).first()


@dataclass(frozen=True)
class Tally:
    """What a box or folder holds: its copies, and those of them received and not read."""

    total: int = 0
    unread: int = 0


def tallies(owner_id: int) -> tuple[dict[str, Tally], dict[int, Tally]]:
    """Each box's (``BOXES``) and each folder's tally, as ``copies_in`` counts them: one
    query whatever the number of messages. Only received copies count as unread (the
    sender's own copies are never "read")."""
    unread = Q(read_at__isnull=True, box=Box.INBOX)
    rows = (
        Copy.objects.filter(owner_id=owner_id)
        .values("box", "folder_id")
        .annotate(
            kept=Count("pk", filter=Q(trashed_at__isnull=True)),
            kept_unread=Count("pk", filter=Q(unread, trashed_at__isnull=True)),
            trashed=Count("pk", filter=Q(trashed_at__isnull=False)),
            trashed_unread=Count("pk", filter=Q(unread, trashed_at__isnull=False)),
        )
        .order_by()
    )
    boxes = dict.fromkeys(BOXES, Tally())
    folders: dict[int, Tally] = {}
    trash = Tally()
    for row in rows:
        trash = Tally(trash.total + row["trashed"], trash.unread + row["trashed_unread"])
        kept = Tally(row["kept"], row["kept_unread"])
        if row["folder_id"] is None:
            boxes[row["box"]] = Tally(
                boxes[row["box"]].total + kept.total, boxes[row["box"]].unread + kept.unread
            )
        else:
            before = folders.get(row["folder_id"], Tally())
            folders[row["folder_id"]] = Tally(
                before.total + kept.total, before.unread + kept.unread
            )
    boxes[TRASH] = trash
    return boxes, folders


def held_copy_ids(owner_id: int, copy_ids: list[int]) -> set[int]:
    """Of ``copy_ids``, those ``owner_id`` holds (a list naming any other answers 404)."""
    return set(Copy.objects.filter(owner_id=owner_id, pk__in=copy_ids).values_list("pk", flat=True))


# --- a thread ------------------------------------------------------------------------------


def copy_of(owner_id: int, message_id: int) -> Copy | None:
    """The copy ``owner_id`` holds of a message (None: not theirs, answered 404)."""
    return (
        names_only(
            Copy.objects.select_related("message", "message__sender", "message__publication"),
            "message__sender",
        )
        .filter(owner_id=owner_id, message_id=message_id)
        .first()
    )


def draft_of(owner_id: int, message_id: int) -> Message | None:
    """``owner_id``'s draft (None: not theirs, or sent already)."""
    return (
        Message.objects.filter(pk=message_id, sender_id=owner_id, state=State.DRAFT)
        .select_related("publication")
        .first()
    )


def thread_copies(owner_id: int, message: Message) -> list[Copy]:
    """The messages of ``message``'s thread that ``owner_id`` holds (trash included), oldest
    first: two queries whatever the thread's length."""
    root = message.thread_root_id
    copies = (
        Copy.objects.filter(owner_id=owner_id)
        .filter(Q(message_id=root) | Q(message__thread_id=root))
        .exclude(box=Box.DRAFTS)
        .select_related("message", "message__sender")
        .prefetch_related("message__addresses")
        .annotate(has_files=_with_files())
        .order_by("sort_at", "pk")
    )
    return list(names_only(copies, "message__sender"))


def addresses_shown(message: Message, *, to_sender: bool) -> dict[str, list[Address]]:
    """To / Cc (and Bcc for the sender only) as written: groups by their labels, so that
    families in a group never see one another."""
    shown: dict[str, list[Address]] = {Field.TO: [], Field.CC: [], Field.BCC: []}
    for address in message.addresses.all():
        if address.field == Field.BCC and not to_sender:
            continue
        shown[address.field].append(address)
    return shown


def addresses_by_message(message_ids: list[int]) -> dict[int, list[Address]]:
    grouped: dict[int, list[Address]] = {pk: [] for pk in message_ids}
    addresses = Address.objects.filter(message_id__in=message_ids).select_related("person")
    for address in names_only(addresses, "person"):
        grouped[address.message_id].append(address)
    return grouped


def delivery_note(message: Message) -> str:
    """What the sender reads of a message held by quiet hours: "Heures calmes : ce message
    sera remis lundi 16 mars à 7 h 00." (empty when it is not waiting for its slot)."""
    if message.state != State.SCHEDULED or message.deliver_at is None:
        return ""
    local = timezone.localtime(message.deliver_at)
    return (
        f"Heures calmes : ce message sera remis {jour_semaine(local)} "
        f"à {local.hour} h {local.minute:02d}."
    )


def sender_label(message: Message) -> str:
    sender = message.sender
    if sender is None or sender.left_at is not None:
        return FORMER_ACCOUNT
    return sender.display_name


@dataclass(frozen=True)
class Receipt:
    """One family's (or person's) line of a message's read table."""

    name: str
    child: str
    read: bool
    acknowledged: bool


def receipts(message: Message) -> list[Receipt]:
    """Who has read the message (and acknowledged it, if asked): one line per recipient,
    families by their child's name, in French order. Two queries."""
    copies = (
        Copy.objects.filter(message=message)
        .exclude(box__in=[Box.SENT, Box.DRAFTS])
        .select_related("owner", "child")
    )
    rows = list(names_only(copies, "owner", "child"))
    lines = [
        Receipt(
            name=row.owner.display_name,
            child=row.child.get_full_name() if row.child else "",
            read=row.read_at is not None,
            acknowledged=row.acknowledged_at is not None,
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: (name_key(line.child or line.name), name_key(line.name)))


# --- whom a person may write to --------------------------------------------------------------


def _candidates(sender: Actor) -> QuerySet[User]:
    """Everyone the rules could let ``sender`` write to (a superset, one SQL query): the
    exact rule (``can_message``) is applied to what this returns."""
    people = active_users().exclude(pk=sender.id).exclude(profile=Profile.COORDINATOR)
    if sender.is_commune_admin:
        return people
    in_schools = Q(
        pk__in=SchoolMembership.objects.filter(school_id__in=sender.school_ids).values("user_id")
    )
    admins = Q(profile=Profile.COMMUNE_ADMIN)
    if sender.is_school_staff:
        pupils = Enrolment.objects.this_year().filter(classroom__school_id__in=sender.school_ids)
        guardians = Guardianship.objects.filter(child_id__in=pupils.values("pupil_id"))
        return people.filter(
            in_schools
            | admins
            | Q(pk__in=pupils.values("pupil_id"))
            | Q(pk__in=guardians.values("guardian_id"))
        )
    teachers = Classroom.teachers.through.objects.filter(classroom_id__in=sender.class_ids)
    if sender.is_pupil:
        peers = Enrolment.objects.this_year().filter(
            classroom_id__in=sender.peer_messaging_class_ids
        )
        return people.filter(
            Q(pk__in=teachers.values("user_id")) | Q(pk__in=peers.values("pupil_id"))
        )
    if sender.is_parent:
        directors = SchoolMembership.objects.filter(
            school_id__in=sender.school_ids, role=Profile.DIRECTOR
        )
        return people.filter(
            Q(pk__in=teachers.values("user_id")) | Q(pk__in=directors.values("user_id"))
        )
    return people.none()


SEARCH_LIMIT = 20


def people_for(sender: Actor, query: str = "", *, limit: int = SEARCH_LIMIT) -> list[User]:
    """The people ``sender`` may write to whose name matches ``query`` (accents and case
    ignored), in French order, at most ``limit``: a constant number of queries."""
    people = _candidates(sender)
    for word in query.split()[:4]:
        people = people.filter(
            Q(first_name__unaccent__icontains=word) | Q(last_name__unaccent__icontains=word)
        )
    found = list(
        people.order_by(
            Collate("last_name", FRENCH_COLLATION), Collate("first_name", FRENCH_COLLATION), "pk"
        )[: limit * 2]
    )
    if not found:
        return []
    actors = actors_for(found)
    allowed = [user for user in found if can_message(sender=sender, recipient=actors[user.pk])]
    return allowed[:limit]


def person_may_receive(sender: Actor, user_ids: list[int]) -> dict[int, User]:
    """Of ``user_ids``, the people ``sender`` may write to (by ``can_message``)."""
    people = list(_candidates(sender).filter(pk__in=user_ids))
    if not people:
        return {}
    actors = actors_for(people)
    return {
        user.pk: user for user in people if can_message(sender=sender, recipient=actors[user.pk])
    }


# --- moderation and reports ----------------------------------------------------------------


def moderation_queue(actor: Actor) -> QuerySet[Message]:
    """The pupils' messages waiting for a teacher of their class, oldest first."""
    queue = Message.objects.filter(
        state=State.MODERATION, moderation_class_id__in=actor.taught_class_ids
    ).select_related("sender", "moderation_class")
    return names_only(queue, "sender").order_by("sent_at", "pk")


def class_moderation(actor: Actor) -> list[dict[str, object]]:
    """The classes ``actor`` teaches this year, in name order, each with whether its pupils'
    messages wait for validation (``ClassPolicy``; a class without a row: they do)."""
    classes = list(
        Classroom.objects.filter(pk__in=actor.taught_class_ids, year__is_current=True).order_by(
            "name"
        )
    )
    free = set(
        ClassPolicy.objects.filter(classroom__in=classes, moderated=False).values_list(
            "classroom_id", flat=True
        )
    )
    return [{"classroom": c, "moderated": c.pk not in free} for c in classes]


def moderated_message(actor: Actor, message_id: int) -> Message | None:
    """A message of ``actor``'s moderation queue (None: missing, not theirs, decided)."""
    return moderation_queue(actor).filter(pk=message_id).first()


def moderation_count(actor: Actor) -> int:
    if not actor.taught_class_ids:
        return 0
    return Message.objects.filter(
        state=State.MODERATION, moderation_class_id__in=actor.taught_class_ids
    ).count()


def sent_pending(sender_id: int) -> QuerySet[Message]:
    """The sender's messages not delivered yet (moderation, held, scheduled)."""
    return Message.objects.filter(
        sender_id=sender_id, state__in=[State.MODERATION, State.HELD, State.SCHEDULED]
    )


def concerning(actor: Actor) -> QuerySet[Message]:
    """The messages whose reports and holds are ``actor``'s to decide: every one for the
    commune administrator; for a director, those addressed to one of their schools or sent
    by someone of it (staff, pupil, parent of a pupil), the rule of
    ``services.referent_schools`` written as one query."""
    messages = Message.objects.all()
    if actor.is_commune_admin:
        return messages
    schools = actor.directed_school_ids
    if not schools:
        return messages.none()
    pupils = Enrolment.objects.this_year().filter(classroom__school_id__in=schools)
    senders = (
        Q(sender_id__in=SchoolMembership.objects.filter(school_id__in=schools).values("user_id"))
        | Q(sender_id__in=pupils.values("pupil_id"))
        | Q(
            sender_id__in=Guardianship.objects.filter(
                child_id__in=pupils.values("pupil_id")
            ).values("guardian_id")
        )
    )
    addressed = Q(pk__in=Address.objects.filter(school_id__in=schools).values("message_id"))
    return messages.filter(senders | addressed)


def open_reports(actor: Actor) -> QuerySet[Report]:
    reports = Report.objects.filter(
        state=ReportState.OPEN, message__in=concerning(actor)
    ).select_related("message", "message__sender", "reporter")
    return names_only(reports, "message__sender", "reporter").order_by("created_at", "pk")


def report_of(report_id: int) -> Report | None:
    return Report.objects.select_related("message").filter(pk=report_id).first()


def switchable_schools(actor: Actor) -> list[School]:
    """The schools whose "messagerie restreinte" ``actor`` sets: every one for the commune
    administrator, their own for a director."""
    if actor.is_commune_admin:
        return list(School.objects.order_by("name"))
    return list(School.objects.filter(pk__in=actor.directed_school_ids).order_by("name"))


def handled_reports(actor: Actor, last: int = 20) -> QuerySet[Report]:
    """The ``last`` reports decided among those ``actor`` may see, the latest first."""
    reports = (
        Report.objects.exclude(state=ReportState.OPEN)
        .filter(message__in=concerning(actor))
        .select_related("message", "handled_by", "reporter")
    )
    return names_only(reports, "handled_by", "reporter").order_by("-handled_at")[:last]


def held_messages(actor: Actor) -> QuerySet[Message]:
    held = concerning(actor).filter(state=State.HELD).select_related("sender")
    return names_only(held, "sender").order_by("sent_at")
