"""Writes of the messagerie. Every service takes the caller's Actor, checks the rules itself
(a refused act raises ``MessagingError`` with the French sentence to show, and changes
nothing), and runs in one transaction.

The life of a message: a draft (saved as one types) is sent; it then waits for a teacher
(a pupil's message, when the class moderates), for a referent (past the sender's limits),
or for the end of the quiet slot, or it is delivered at once. Delivery expands the groups by
the rules then in force, writes one copy per recipient and tells them (a Celery task, after
commit, through ``apps.notifications``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Expression, F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import CombinedExpression
from django.utils import timezone
from django.utils.formats import date_format

from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.accounts.selectors import actor_for, display_name_expression
from apps.attachments.services import AttachmentError, attachments_copy, files_atomic
from apps.audit.services import record_event
from apps.messaging import limits, rules, topics
from apps.messaging.groups import Member, group_label, members_of
from apps.messaging.models import (
    Address,
    Box,
    ClassPolicy,
    CommuneSettings,
    Copy,
    Field,
    Folder,
    GroupKind,
    Message,
    Report,
    ReportState,
    Restriction,
    SenderBlock,
    Settings,
    State,
)
from apps.messaging.publications import MESSAGE
from apps.messaging.rules import Group
from apps.messaging.selectors import (
    commune_settings,
    is_blocked,
    moderated_class_of,
    person_may_receive,
    signature_block,
    switches,
)
from apps.outbox.queue import queue_after_commit
from apps.publications.services import publication_create, publication_publish
from apps.quiethours import clock
from apps.quiethours.schedule import delivery_time
from apps.quiethours.selectors import schedule_for
from apps.schools.models import Classroom


class MessagingError(Exception):
    """A refused act: ``str(error)`` is the French sentence to show."""


class NeedsConfirmation(MessagingError):
    """The message would reach more than ``FAMILIES_TO_CONFIRM`` families: the sender
    confirms first."""

    def __init__(self, families: int) -> None:
        self.families = families
        super().__init__(f"Ce message sera remis à {families} familles. Confirmez pour l'envoyer.")


FAMILIES_TO_CONFIRM = 30
RECALL_MINUTES = 60
TRASH_DAYS = 30
MAX_ADDRESSES = 50
MAX_FOLDER_DEPTH = 2

REFUSED_PERSON = "Vous ne pouvez pas écrire à l'une des personnes choisies."
NO_RECIPIENT = "Choisissez au moins un destinataire."
NOTHING_WRITTEN = "Écrivez un objet ou un message."
NO_REPLY = "L'expéditeur de ce message n'accepte pas de réponse."


@dataclass(frozen=True)
class Recipient:
    """One entry of To / Cc / Bcc from a form: a person (``person_id``) or a group key."""

    field: str
    person_id: int | None = None
    group_key: str = ""


def _now() -> datetime.datetime:
    return clock.now()


# --- addresses -----------------------------------------------------------------------------


def _addresses(sender: Actor, recipients: Iterable[Recipient]) -> list[Address]:
    """The unsaved addresses of ``recipients``, each checked by the rules in force; the first
    refused one raises (nothing is written)."""
    entries = list(recipients)
    if len(entries) > MAX_ADDRESSES:
        raise MessagingError(f"Un message a au plus {MAX_ADDRESSES} destinataires ou groupes.")
    in_force = switches()
    person_ids = sorted({e.person_id for e in entries if e.person_id is not None})
    people = person_may_receive(sender, person_ids) if person_ids else {}
    seen: set[tuple[str, int | str]] = set()
    addresses: list[Address] = []
    for entry in entries:
        if entry.field not in Field.values:
            raise MessagingError("Ce champ de destinataires n'existe pas.")
        if entry.person_id is not None:
            person = people.get(entry.person_id)
            if person is None:
                raise MessagingError(REFUSED_PERSON)
            if ("person", person.pk) in seen:
                continue
            seen.add(("person", person.pk))
            addresses.append(
                Address(
                    field=entry.field,
                    kind=GroupKind.PERSON,
                    person=person,
                    label=person.display_name,
                )
            )
            continue
        group = Group.from_key(entry.group_key)
        if group is None:
            raise MessagingError("Ce groupe n'existe pas.")
        if not rules.may_write_to_group(sender, group, in_force):
            raise MessagingError(rules.refusal_for_group(sender, group, in_force))
        if ("group", group.key) in seen:
            continue
        label = group_label(group)
        if label is None:
            raise MessagingError("Ce groupe n'existe pas.")
        seen.add(("group", group.key))
        addresses.append(
            Address(
                field=entry.field,
                kind=group.kind,
                school_id=group.school_id,
                classroom_id=group.classroom_id,
                label=label,
            )
        )
    return addresses


def _group_of(address: Address) -> Group | None:
    if address.kind == GroupKind.PERSON or address.school_id is None:
        return None
    try:
        return Group(
            kind=address.kind, school_id=address.school_id, classroom_id=address.classroom_id
        )
    except ValueError:
        return None


def recipients_of(address: Address) -> list[Recipient]:
    if address.kind == GroupKind.PERSON:
        return (
            [Recipient(field=address.field, person_id=address.person_id)]
            if address.person_id
            else []
        )
    group = _group_of(address)
    return [Recipient(field=address.field, group_key=group.key)] if group else []


# --- drafts --------------------------------------------------------------------------------


def _check_may_write(actor: Actor) -> None:
    refusal = rules.may_write_at_all(actor, switches(), blocked=is_blocked(actor.id))
    if refusal:
        raise MessagingError(refusal)


def _indexed(message: Message, sender_name: str | None = None) -> None:
    """The message's French full text (subject, body, sender's name), accents folded, for
    ``apps.messaging.search``: written with each draft saved (its owner searches their
    drafts too) and again when it is sent or its text is edited. ``sender_name``: the
    sender's as the caller knows it (else read)."""
    if sender_name is None:
        sender_name = message.sender.display_name if message.sender else ""

    Message.objects.filter(pk=message.pk).update(search=_text_vector(sender_name))


def _text_vector(sender_name: str | Expression | Subquery) -> CombinedExpression:
    def folded(expression: F | Expression | Subquery) -> Func:
        return Func(expression, function="unaccent")

    name = Value(sender_name) if isinstance(sender_name, str) else sender_name
    return (
        SearchVector(folded(F("subject")), weight="A", config="french")
        + SearchVector(folded(F("body")), weight="B", config="french")
        + SearchVector(folded(name), weight="A", config="french")
    )


def senders_renamed(user_ids: Iterable[int]) -> int:
    """Those people's names changed (an import): the search text of their messages takes the
    new ones, in one statement whatever their number. Returns how many messages changed."""
    name = Subquery(
        User.objects.filter(pk=OuterRef("sender_id"))
        .annotate(shown=display_name_expression())
        .values("shown")[:1]
    )
    return (
        Message.objects.filter(sender_id__in=list(user_ids))
        .exclude(state=State.REMOVED)
        .update(search=_text_vector(name))
    )


def sender_forgotten(user_id: int) -> int:
    """An account erased (``apps.privacy``): its messages stay for those who received them,
    under "ancien compte", and its name leaves their search text (it would still find them).
    Removed messages keep no text at all."""
    return (
        Message.objects.filter(sender_id=user_id)
        .exclude(state=State.REMOVED)
        .update(search=_text_vector(""))
    )


def draft_save(
    *,
    actor: Actor,
    draft: Message | None = None,
    subject: str = "",
    body: str = "",
    recipients: Iterable[Recipient] = (),
    reply_to: Message | None = None,
    forwarded_from: Message | None = None,
    no_reply: bool = False,
    acknowledgement_requested: bool = False,
) -> Message:
    """Create or update ``actor``'s draft (saved as one types: any part may be empty)."""
    _check_may_write(actor)
    addresses = _addresses(actor, recipients)
    if no_reply and not rules.may_send_without_reply(actor):
        no_reply = False
    if acknowledgement_requested and not rules.may_send_without_reply(actor):
        acknowledgement_requested = False
    now = _now()
    with transaction.atomic():
        if draft is None:
            if reply_to is not None and reply_to.no_reply:
                raise MessagingError(NO_REPLY)
            draft = Message.objects.create(
                publication=publication_create(kind=MESSAGE, author_id=actor.id),
                sender_id=actor.id,
                thread_id=(reply_to.thread_root_id if reply_to else None),
                reply_to=reply_to,
                forwarded_from=forwarded_from,
            )
            # The sender's own copy is read: no box counts it as unread.
            Copy.objects.create(
                message=draft, owner_id=actor.id, box=Box.DRAFTS, sort_at=now, read_at=now
            )
        else:
            draft = Message.objects.select_for_update().get(pk=draft.pk)
            if draft.sender_id != actor.id or draft.state != State.DRAFT:
                raise MessagingError("Ce brouillon n'existe plus.")
            Copy.objects.filter(message=draft, owner_id=actor.id).update(sort_at=now)
        draft.subject = subject.strip()[:200]
        draft.body = body
        draft.no_reply = no_reply
        draft.acknowledgement_requested = acknowledgement_requested
        draft.save(
            update_fields=["subject", "body", "no_reply", "acknowledgement_requested", "updated_at"]
        )
        _indexed(draft, actor.display_name)
        draft.addresses.all().delete()
        for address in addresses:
            address.message = draft
        Address.objects.bulk_create(addresses)
    return draft


def draft_delete(*, actor: Actor, draft: Message) -> None:
    with transaction.atomic():
        locked = Message.objects.select_for_update().filter(pk=draft.pk).first()
        if locked is None or locked.sender_id != actor.id or locked.state != State.DRAFT:
            raise MessagingError("Ce brouillon n'existe plus.")
        locked.publication.delete()  # the message, its copy, addresses and files follow


def _quote(message: Message, sender_name: str) -> str:
    when = date_format(
        timezone.localtime(message.delivered_at or message.created_at), "j F Y à H:i"
    )
    quoted = "\n".join(f"> {line}" for line in message.body.splitlines())
    return f"\n\nLe {when}, {sender_name} a écrit :\n{quoted}"


def reply_draft(*, actor: Actor, message: Message, to_all: bool = False) -> Message:
    """A draft answering ``message`` (to its sender; ``to_all``: and to its To and Cc, as far
    as the rules let ``actor`` write to them)."""
    from apps.messaging.selectors import sender_label

    if message.no_reply:
        raise MessagingError(NO_REPLY)
    if message.state != State.DELIVERED or message.is_recalled:
        raise MessagingError("Ce message ne peut plus recevoir de réponse.")
    wanted: list[Recipient] = []
    if message.sender_id and message.sender_id != actor.id:
        wanted.append(Recipient(field=Field.TO, person_id=message.sender_id))
    if to_all:
        for address in message.addresses.exclude(field=Field.BCC):
            wanted += [r for r in recipients_of(address) if r.person_id != actor.id]
    allowed = _allowed_only(actor, wanted)
    # "RE : " once, whatever the replies before: but "Rentrée" or "Recette" are no reply.
    already = message.subject.lower().startswith(("re :", "re:"))
    subject = message.subject if already else f"RE : {message.subject}"
    return draft_save(
        actor=actor,
        subject=subject,
        body=signature_block(actor.id) + _quote(message, sender_label(message)),
        recipients=allowed,
        reply_to=message,
    )


def forward_draft(*, actor: Actor, message: Message) -> Message:
    """A draft forwarding ``message``: its text and a copy of its files (the recipients are to
    be chosen). A file store that cannot copy raises ``MessagingError``, and no draft is left."""
    from apps.messaging.selectors import sender_label

    if message.state != State.DELIVERED or message.is_recalled:
        raise MessagingError("Ce message ne peut pas être transféré.")
    when = date_format(timezone.localtime(message.delivered_at), "j F Y à H:i")
    body = (
        signature_block(actor.id)
        + f"\n\n---------- Message transféré ----------\nDe : {sender_label(message)}\n"
        + f"Date : {when}\nObjet : {message.subject}\n\n{message.body}"
    )
    try:
        with files_atomic():
            draft = draft_save(
                actor=actor,
                subject=f"TR : {message.subject}",
                body=body,
                forwarded_from=message,
            )
            attachments_copy(actor=actor, source=message.publication, target=draft.publication)
    except AttachmentError as error:
        raise MessagingError(str(error)) from error
    return draft


def _allowed_only(actor: Actor, wanted: list[Recipient]) -> list[Recipient]:
    in_force = switches()
    people = person_may_receive(actor, [r.person_id for r in wanted if r.person_id is not None])
    kept: list[Recipient] = []
    for recipient in wanted:
        if recipient.person_id is not None:
            if recipient.person_id in people:
                kept.append(recipient)
            continue
        group = Group.from_key(recipient.group_key)
        if group and rules.may_write_to_group(actor, group, in_force):
            kept.append(recipient)
    return kept


def signature_save(*, actor: Actor, signature: str) -> Settings:
    if len(signature) > 500:
        raise MessagingError("La signature a au plus 500 caractères.")
    row, _created = Settings.objects.update_or_create(
        user_id=actor.id, defaults={"signature": signature.strip()}
    )
    return row


# --- sending -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """What became of a message sent: its state, and when it will be delivered."""

    message: Message
    state: str
    deliver_at: datetime.datetime | None = None


@dataclass(frozen=True)
class Reach:
    """Whom the addresses reach today: how many people and families, and each group
    address's members (by the address's id), which an immediate delivery reuses."""

    people: int
    families: int
    members: dict[int, list[Member]]


def _reach(addresses: list[Address]) -> Reach:
    people: set[int] = set()
    families: set[int] = set()
    expanded: dict[int, list[Member]] = {}
    for address in addresses:
        if address.kind == GroupKind.PERSON:
            if address.person_id:
                people.add(address.person_id)
            continue
        group = _group_of(address)
        if group is None:
            continue
        expanded[address.pk] = members_of(group)
        for member in expanded[address.pk]:
            people.add(member.user_id)
            if member.child_id is not None:
                families.add(member.child_id)
    return Reach(people=len(people), families=len(families), members=expanded)


def _school_of(actor: Actor, addresses: list[Address]) -> int | None:
    """Whose quiet hours apply: the school addressed, else the sender's own, else the
    commune's (None)."""
    schools = {a.school_id for a in addresses if a.school_id is not None}
    if len(schools) == 1:
        return schools.pop()
    own = sorted(actor.school_ids)
    return own[0] if own else None


def message_send(
    *, actor: Actor, draft: Message, confirmed: bool = False, urgent: bool = False
) -> Sent:
    """Send ``actor``'s draft. Refused (``MessagingError``): nothing changes, the draft stays.
    ``NeedsConfirmation``: past 30 families, ask the sender and call again with
    ``confirmed``. ``urgent``: the direction's emergency override of quiet hours (journal)."""
    _check_may_write(actor)
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=draft.pk).first()
        if message is None or message.sender_id != actor.id or message.state != State.DRAFT:
            raise MessagingError("Ce brouillon n'existe plus.")
        addresses = list(message.addresses.all())
        if not addresses:
            raise MessagingError(NO_RECIPIENT)
        if not message.subject.strip() and not message.body.strip():
            raise MessagingError(NOTHING_WRITTEN)
        if (
            message.reply_to_id
            and Message.objects.filter(pk=message.reply_to_id, no_reply=True).exists()
        ):
            raise MessagingError(NO_REPLY)
        # The rules may have changed since the draft was saved: checked again, as written.
        _addresses(actor, [r for a in addresses for r in recipients_of(a)])
        reach = _reach(addresses)
        if urgent and not rules.may_override_quiet_hours(actor):
            raise MessagingError("Seule la direction peut envoyer un message urgent.")
        if reach.families > FAMILIES_TO_CONFIRM and not confirmed:
            raise NeedsConfirmation(reach.families)
        now = _now()
        message.sent_at = now
        message.urgent = urgent
        Copy.objects.filter(message=message, owner_id=actor.id).update(box=Box.SENT, sort_at=now)
        sent_last_hour = (
            Message.objects.filter(
                sender_id=actor.id, sent_at__gte=now - datetime.timedelta(hours=1)
            )
            .exclude(pk=message.pk)
            .count()
        )
        limit = limits.limits_for(actor.profile, commune_settings().limits)
        over = limits.passed(limit, recipients=reach.people, sent_last_hour=sent_last_hour)
        moderated = moderated_class_of(actor) if actor.is_pupil else None
        school_id = _school_of(actor, addresses)
        if over:
            message.state, message.held_reason = State.HELD, over
        elif moderated is not None:
            message.state, message.moderation_class_id = State.MODERATION, moderated
            _queue_changed(moderated)
        else:
            message.state = State.SCHEDULED
            message.deliver_at = now if urgent else _due(now, school_id)
        message.save(
            update_fields=[
                "sent_at",
                "urgent",
                "state",
                "held_reason",
                "moderation_class",
                "deliver_at",
                "updated_at",
            ]
        )
        _indexed(message, actor.display_name)
        if urgent:
            record_event(
                action="quiethours.emergency",
                actor=actor,
                target=f"message {message.pk}",
                details={"message_id": message.pk, "school_id": school_id},
            )
        if message.state == State.HELD:
            record_event(
                action="messaging.held",
                actor=actor,
                target=f"message {message.pk}",
                details={"message_id": message.pk, "reason": over},
            )
            _tell_referents_after_commit(message.pk, "held")
        elif message.state == State.SCHEDULED and message.deliver_at and message.deliver_at <= now:
            _deliver_locked(message, now, sender_actor=actor, members=reach.members)
        return Sent(message=message, state=message.state, deliver_at=message.deliver_at)


def _due(now: datetime.datetime, school_id: int | None) -> datetime.datetime:
    """When a message let through now is delivered: at once, or when the quiet slot of
    ``school_id`` ends."""
    if not django_settings.ENT_QUIET_HOURS:
        return now
    return delivery_time(now, schedule_for(school_id))


def _let_through(message: Message, now: datetime.datetime) -> None:
    """A message approved by a teacher or released by a referent: delivered now, or at the
    end of the quiet slot (the sender reads when), as if it had just been sent."""
    sender = User.objects.filter(pk=message.sender_id).first() if message.sender_id else None
    school_id = _school_of(actor_for(sender), list(message.addresses.all())) if sender else None
    message.state = State.SCHEDULED
    message.deliver_at = now if message.urgent else _due(now, school_id)
    message.save()
    if message.deliver_at <= now:
        _deliver_locked(message, now)


def message_deliver(message_id: int, *, now: datetime.datetime | None = None) -> int:
    """Deliver a message whose time has come (quiet hours over, approved, released): the
    copies it makes. Run again, it delivers nothing twice."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != State.SCHEDULED:
            return 0
        return _deliver_locked(message, now or _now())


def _deliver_locked(
    message: Message,
    now: datetime.datetime,
    sender_actor: Actor | None = None,
    members: dict[int, list[Member]] | None = None,
) -> int:
    """Write the message's inbox copies by the rules in force now. ``message_send``, when it
    delivers at once, passes what it has just read in the same transaction: the sender
    (``sender_actor``) and the groups' members by address (``members``, from ``_reach``),
    so that neither is read twice; a later delivery (quiet hours, moderation, release)
    reads both again, since accounts and classes may have changed in between."""
    actor = sender_actor
    if actor is None:
        sender = User.objects.filter(pk=message.sender_id).first() if message.sender_id else None
        actor = actor_for(sender) if sender else None
    if actor is None or not actor.active:
        message.state, message.review_note = (
            State.REFUSED,
            "Le compte de l'expéditeur ne peut plus écrire.",
        )
        message.save(update_fields=["state", "review_note", "updated_at"])
        return 0
    in_force = switches()
    order: dict[str, int] = {Field.TO: 0, Field.CC: 1, Field.BCC: 2}
    chosen: dict[int, tuple[Address, int | None]] = {}
    person_ids = []
    addresses = sorted(message.addresses.all(), key=lambda a: (order[a.field], a.pk))
    for address in addresses:
        if address.kind == GroupKind.PERSON:
            if address.person_id:
                person_ids.append(address.person_id)
            continue
        group = _group_of(address)
        if group is None or not rules.may_write_to_group(actor, group, in_force):
            continue
        known = members.get(address.pk) if members is not None else None
        for member in known if known is not None else members_of(group):
            chosen.setdefault(member.user_id, (address, member.child_id))
    allowed_people = person_may_receive(actor, person_ids) if person_ids else {}
    for address in addresses:
        if address.kind == GroupKind.PERSON and address.person_id in allowed_people:
            previous = chosen.get(address.person_id)
            if previous is None or order[previous[0].field] > order[address.field]:
                chosen[address.person_id] = (address, None)
    chosen.pop(actor.id, None)
    if in_force.pupils_suspended and chosen:
        pupils = set(
            User.objects.filter(pk__in=chosen, profile="pupil").values_list("pk", flat=True)
        )
        for pupil_id in pupils:
            chosen.pop(pupil_id)
    _write_inbox_copies(message, now, chosen)
    message.state, message.delivered_at = State.DELIVERED, now
    message.save(update_fields=["state", "delivered_at", "updated_at"])
    publication_publish(message.publication, at=now)
    from apps.messaging.tasks import notify_delivered

    queue_after_commit(notify_delivered, message.pk)
    return len(chosen)


def _write_inbox_copies(
    message: Message, now: datetime.datetime, chosen: dict[int, tuple[Address, int | None]]
) -> None:
    """One ``INSERT … SELECT`` over four arrays rather than ``bulk_create``: a message to a
    school's 600 families is then one statement with seven parameters, not 600 model
    instances and 7,000 values (bench/messaging.py, ``group_send_ratio``). Same rows as
    ``bulk_create(ignore_conflicts=True)`` would write: a copy already there is kept. The
    columns not named take their NULL (dates, folder); a new NOT NULL column of ``Copy``
    must be added here."""
    owners, fields, vias, children = [], [], [], []
    for user_id, (address, child_id) in chosen.items():
        owners.append(user_id)
        fields.append(address.field)
        vias.append(address.pk if address.kind != GroupKind.PERSON else None)
        children.append(child_id)
    if not owners:
        return
    topics.badges_changed(owners)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(Copy._meta.db_table)}"  # noqa: S608 - the model's
            " (message_id, owner_id, box, field, via_id, child_id, sort_at, flagged)"
            " SELECT %s, t.owner, %s, t.field, t.via, t.child, %s, false"
            " FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::bigint[])"
            " AS t(owner, field, via, child)"
            " ON CONFLICT (message_id, owner_id) DO NOTHING",
            [message.pk, Box.INBOX.value, now, owners, fields, vias, children],
        )


def release_due(now: datetime.datetime) -> list[int]:
    """Deliver this commune's scheduled messages due at ``now`` (quiet hours over), once."""
    delivered: list[int] = []
    due = list(
        Message.objects.filter(state=State.SCHEDULED, deliver_at__lte=now)
        .order_by("deliver_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    for message_id in due:
        if (
            message_deliver(message_id, now=now)
            or Message.objects.filter(pk=message_id, state=State.DELIVERED).exists()
        ):
            delivered.append(message_id)
    return delivered


def message_recall(*, actor: Actor, message: Message) -> Message:
    """The sender takes a delivered message back within ``RECALL_MINUTES``: the recipients
    then read "message rappelé par l'expéditeur"."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.sender_id != actor.id or locked.state != State.DELIVERED:
            raise MessagingError("Ce message ne peut pas être rappelé.")
        if locked.is_recalled:
            return locked
        if locked.delivered_at and _now() - locked.delivered_at > datetime.timedelta(
            minutes=RECALL_MINUTES
        ):
            raise MessagingError(
                f"Un message se rappelle dans les {RECALL_MINUTES} minutes qui suivent sa remise."
            )
        locked.recalled_at = _now()
        locked.save(update_fields=["recalled_at", "updated_at"])
        return locked


def may_recall(message: Message, now: datetime.datetime | None = None) -> bool:
    return (
        message.state == State.DELIVERED
        and not message.is_recalled
        and message.delivered_at is not None
        and (now or _now()) - message.delivered_at <= datetime.timedelta(minutes=RECALL_MINUTES)
    )


# --- a person's copies ---------------------------------------------------------------------


def _own(owner_id: int, copy_ids: Iterable[int]) -> QuerySet[Copy]:
    return Copy.objects.filter(owner_id=owner_id, pk__in=list(copy_ids))


def copies_mark_read(*, owner_id: int, copy_ids: Iterable[int], read: bool = True) -> int:
    done = _own(owner_id, copy_ids).update(read_at=_now() if read else None)
    if done:
        topics.badges_changed([owner_id])  # the badge of their other pages
    return done


def copy_open(copy: Copy) -> None:
    """Reading a message marks it read (the read table of its sender)."""
    if copy.read_at is None:
        if Copy.objects.filter(pk=copy.pk, read_at__isnull=True).update(read_at=_now()):
            topics.badges_changed([copy.owner_id])


def copies_flag(*, owner_id: int, copy_ids: Iterable[int], flagged: bool) -> int:
    return _own(owner_id, copy_ids).update(flagged=flagged)


def copies_trash(*, owner_id: int, copy_ids: Iterable[int]) -> int:
    """Drafts in the trash are drafts no more: they are deleted."""
    copies = _own(owner_id, copy_ids)
    drafts = list(copies.filter(box=Box.DRAFTS).values_list("message__publication_id", flat=True))
    with transaction.atomic():
        if drafts:
            from apps.publications.models import Publication

            Publication.objects.filter(pk__in=drafts).delete()
        return copies.filter(trashed_at__isnull=True).update(trashed_at=_now()) + len(drafts)


def copies_restore(*, owner_id: int, copy_ids: Iterable[int]) -> int:
    return _own(owner_id, copy_ids).filter(trashed_at__isnull=False).update(trashed_at=None)


def trash_empty(*, owner_id: int) -> int:
    deleted, _by_model = Copy.objects.filter(owner_id=owner_id, trashed_at__isnull=False).delete()
    return deleted


def copies_move(*, owner_id: int, copy_ids: Iterable[int], folder: Folder | None) -> int:
    if folder is not None and folder.owner_id != owner_id:
        raise MessagingError("Ce dossier n'existe pas.")
    return _own(owner_id, copy_ids).exclude(box=Box.DRAFTS).update(folder=folder, trashed_at=None)


def copy_acknowledge(*, owner_id: int, copy: Copy) -> None:
    if copy.owner_id != owner_id or not copy.message.acknowledgement_requested:
        raise MessagingError("Ce message ne demande pas d'accusé de lecture.")
    Copy.objects.filter(pk=copy.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=_now(), read_at=copy.read_at or _now()
    )


# --- folders -------------------------------------------------------------------------------


def _folder_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise MessagingError("Donnez un nom au dossier.")
    if len(name) > 60:
        raise MessagingError("Le nom d'un dossier a au plus 60 caractères.")
    return name


def folder_create(*, owner_id: int, name: str, parent: Folder | None = None) -> Folder:
    name = _folder_name(name)
    if parent is not None:
        if parent.owner_id != owner_id:
            raise MessagingError("Ce dossier n'existe pas.")
        if parent.parent_id is not None:
            raise MessagingError("Un sous-dossier ne contient pas d'autre dossier.")
    if Folder.objects.filter(owner_id=owner_id, parent=parent, name=name).exists():
        raise MessagingError("Un dossier porte déjà ce nom.")
    return Folder.objects.create(owner_id=owner_id, parent=parent, name=name)


def folder_rename(*, owner_id: int, folder: Folder, name: str) -> Folder:
    name = _folder_name(name)
    if folder.owner_id != owner_id:
        raise MessagingError("Ce dossier n'existe pas.")
    clash = Folder.objects.filter(owner_id=owner_id, parent_id=folder.parent_id, name=name)
    if clash.exclude(pk=folder.pk).exists():
        raise MessagingError("Un dossier porte déjà ce nom.")
    folder.name = name
    folder.save(update_fields=["name"])
    return folder


def folder_delete(*, owner_id: int, folder: Folder) -> None:
    """Its messages (and those of its sub-folders) go back to their box; nothing is lost."""
    if folder.owner_id != owner_id:
        raise MessagingError("Ce dossier n'existe pas.")
    with transaction.atomic():
        Copy.objects.filter(owner_id=owner_id, folder__in=[folder, *folder.children.all()]).update(
            folder=None
        )
        folder.delete()


# --- safety --------------------------------------------------------------------------------


def _journal(*, action: str, actor: Actor, message: Message, **details: object) -> None:
    record_event(
        action=action,
        actor=actor,
        target=f"message {message.pk}",
        details={"message_id": message.pk, **details},
    )


def _moderated_by(actor: Actor, message_id: int) -> Message:
    message = Message.objects.select_for_update().filter(pk=message_id).first()
    if (
        message is None
        or message.state != State.MODERATION
        or message.moderation_class_id is None
        or not rules.may_moderate(actor, message.moderation_class_id)
    ):
        raise MessagingError("Ce message n'attend plus de validation.")
    _queue_changed(message.moderation_class_id)  # decided: it leaves the queue
    return message


def _queue_changed(classroom_id: int) -> None:
    """The moderation queue of a class changed: its teachers' open pages show it."""
    teachers = Classroom.teachers.through.objects.filter(classroom_id=classroom_id)
    topics.queue_changed(teachers.values_list("user_id", flat=True))


def moderation_approve(
    *, actor: Actor, message_id: int, subject: str | None = None, body: str | None = None
) -> Message:
    """Approve a pupil's message (edited first, if ``subject``/``body`` are given): it is
    delivered at once (outside quiet hours)."""
    with transaction.atomic():
        message = _moderated_by(actor, message_id)
        edited = False
        if subject is not None and subject.strip() != message.subject:
            message.subject, edited = subject.strip()[:200], True
        if body is not None and body != message.body:
            message.body, edited = body, True
        message.reviewed_by_id, message.reviewed_at = actor.id, _now()
        message.review_note = "Modifié par l'enseignant" if edited else ""
        if edited:
            message.save()
            _indexed(message)
        _journal(action="messaging.approved", actor=actor, message=message, edited=edited)
        _let_through(message, _now())
        return message


def moderation_refuse(*, actor: Actor, message_id: int, reason: str = "") -> Message:
    with transaction.atomic():
        message = _moderated_by(actor, message_id)
        message.state = State.REFUSED
        message.reviewed_by_id, message.reviewed_at = actor.id, _now()
        message.review_note = reason.strip()[:300]
        message.save()
        _journal(action="messaging.refused", actor=actor, message=message)
        return message


def moderation_approve_all(*, actor: Actor, message_ids: Iterable[int]) -> int:
    done = 0
    for message_id in message_ids:
        try:
            moderation_approve(actor=actor, message_id=message_id)
        except MessagingError:
            continue
        done += 1
    return done


def class_moderation_set(*, actor: Actor, classroom_id: int, moderated: bool) -> ClassPolicy:
    if not rules.may_moderate(actor, classroom_id):
        raise MessagingError("Seuls les enseignants de la classe choisissent.")
    policy, _created = ClassPolicy.objects.update_or_create(
        classroom_id=classroom_id, defaults={"moderated": moderated}
    )
    record_event(
        action="messaging.class_moderation",
        actor=actor,
        target=f"classe {classroom_id}",
        details={"classroom_id": classroom_id, "moderated": moderated},
    )
    return policy


def referent_schools(message: Message) -> frozenset[int]:
    """The schools concerned by a message: its sender's and its addresses'."""
    schools = {a.school_id for a in message.addresses.all() if a.school_id is not None}
    if message.sender_id:
        sender = User.objects.filter(pk=message.sender_id).first()
        if sender is not None:
            schools |= actor_for(sender).school_ids
    return frozenset(schools)


def may_handle(actor: Actor, message: Message) -> bool:
    return rules.is_referent(actor, referent_schools(message))


def message_report(*, actor: Actor, copy: Copy, reason: str = "") -> Report:
    """ "Signaler": a received message goes to the commune's referents."""
    if copy.owner_id != actor.id or copy.box != Box.INBOX:
        raise MessagingError("Vous ne pouvez signaler qu'un message reçu.")
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            message=copy.message, reporter_id=actor.id, defaults={"reason": reason.strip()[:500]}
        )
        if created:
            _journal(
                action="messaging.reported", actor=actor, message=copy.message, report_id=report.pk
            )
            _tell_referents_after_commit(copy.message.pk, "report")
        return report


REPORT_ACTIONS: dict[str, str] = {
    ReportState.KEPT: "messaging.report_kept",
    ReportState.DELETED: "messaging.report_deleted",
    ReportState.BLOCKED: "messaging.report_blocked",
}


def report_handle(*, actor: Actor, report: Report, decision: str) -> Report:
    """A referent keeps the message, deletes it for everyone, or deletes it and blocks its
    sender's messaging. Every step is journalled."""
    if decision not in (ReportState.KEPT, ReportState.DELETED, ReportState.BLOCKED):
        raise MessagingError("Choisissez une décision.")
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("message").get(pk=report.pk)
        message = locked.message
        if not may_handle(actor, message):
            raise MessagingError("Ce signalement n'est pas de votre ressort.")
        if locked.state != ReportState.OPEN:
            raise MessagingError("Ce signalement a déjà été traité.")
        now = _now()
        Report.objects.filter(message=message, state=ReportState.OPEN).update(
            state=decision, handled_by_id=actor.id, handled_at=now
        )
        if decision in (ReportState.DELETED, ReportState.BLOCKED):
            message_remove(actor=actor, message=message)
        if decision == ReportState.BLOCKED and message.sender_id:
            sender_block(actor=actor, user_id=message.sender_id, reason=f"signalement {locked.pk}")
        _journal(action=REPORT_ACTIONS[decision], actor=actor, message=message, report_id=locked.pk)
        locked.refresh_from_db()
        return locked


def message_remove(*, actor: Actor, message: Message) -> None:
    """Delete a message for everyone: every copy goes (the sender's too), the row stays
    for the journal and the report, emptied of its text and files."""
    Copy.objects.filter(message=message).delete()
    Message.objects.filter(pk=message.pk).update(
        state=State.REMOVED,
        subject="",
        body="",
        search=None,
        reviewed_by_id=actor.id,
        reviewed_at=_now(),
    )
    from apps.attachments.models import Attachment

    for attachment in Attachment.objects.filter(publication_id=message.publication_id):
        attachment.delete()  # the stored object goes once this commits


def sender_block(*, actor: Actor, user_id: int, reason: str = "") -> SenderBlock:
    target = User.objects.filter(pk=user_id).first()
    if target is None or not rules.is_referent(
        actor, actor_for(target).school_ids | actor.school_ids
    ):
        raise MessagingError("Vous ne pouvez pas bloquer ce compte.")
    block, _created = SenderBlock.objects.get_or_create(
        user_id=user_id, defaults={"blocked_by_id": actor.id, "reason": reason[:300]}
    )
    record_event(
        action="messaging.sender_blocked",
        actor=actor,
        target=target.username,
        details={"user_id": user_id, "reason": reason},
    )
    return block


def sender_unblock(*, actor: Actor, user_id: int) -> None:
    target = User.objects.filter(pk=user_id).first()
    if target is None or not rules.is_referent(
        actor, actor_for(target).school_ids | actor.school_ids
    ):
        raise MessagingError("Vous ne pouvez pas débloquer ce compte.")
    SenderBlock.objects.filter(user_id=user_id).delete()
    record_event(
        action="messaging.sender_unblocked",
        actor=actor,
        target=target.username,
        details={"user_id": user_id},
    )


def held_release(*, actor: Actor, message_id: int, deliver: bool) -> Message:
    """A referent releases a held message (delivered now, outside quiet hours) or refuses
    it."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != State.HELD or not may_handle(actor, message):
            raise MessagingError("Ce message n'est plus retenu.")
        message.reviewed_by_id, message.reviewed_at = actor.id, _now()
        if deliver:
            _journal(action="messaging.released", actor=actor, message=message)
            _let_through(message, _now())
        else:
            message.state = State.REFUSED
            message.save()
            _journal(action="messaging.held_refused", actor=actor, message=message)
        return message


def restriction_set(
    *, actor: Actor, school_id: int | None, restricted: bool, pupils_suspended: bool = False
) -> Restriction:
    """ "Messagerie restreinte" for a school (its direction, the commune) or the whole commune
    (the commune administrator), and the suspension of pupils' messaging (commune only)."""
    if not rules.may_set_restrictions(actor, school_id):
        raise MessagingError("Vous ne pouvez pas changer ce réglage.")
    if school_id is not None and pupils_suspended:
        raise MessagingError(
            "La suspension de la messagerie des élèves vaut pour toute la commune."
        )
    with transaction.atomic():
        rows = Restriction.objects.select_for_update()
        row = (
            rows.filter(school__isnull=True)
            if school_id is None
            else rows.filter(school_id=school_id)
        ).first()
        if row is None:
            row = Restriction(school_id=school_id)
        before = (row.restricted, row.pupils_suspended)
        row.restricted, row.pupils_suspended, row.changed_by_id = (
            restricted,
            pupils_suspended,
            actor.id,
        )
        row.save()
        if before != (restricted, pupils_suspended):
            record_event(
                action="messaging.restriction",
                actor=actor,
                target=f"école {school_id}" if school_id else "commune",
                details={
                    "school_id": school_id,
                    "restricted": restricted,
                    "pupils_suspended": pupils_suspended,
                },
            )
        return row


def commune_settings_save(
    *, actor: Actor, retention_years: int, limits_by_profile: dict[str, dict[str, int]]
) -> CommuneSettings:
    if not actor.is_commune_admin or not actor.active:
        raise MessagingError("Seule l'administration de la commune change ces réglages.")
    if not 1 <= retention_years <= 10:
        raise MessagingError("La conservation va de 1 à 10 ans.")
    row, _created = CommuneSettings.objects.update_or_create(
        pk=1, defaults={"retention_years": retention_years, "limits": limits_by_profile}
    )
    record_event(
        action="messaging.settings",
        actor=actor,
        target="commune",
        details={"retention_years": retention_years, "limits": limits_by_profile},
    )
    return row


def _tell_referents_after_commit(message_id: int, what: str) -> None:
    from apps.messaging.tasks import notify_referents

    queue_after_commit(notify_referents, message_id, what)


# --- retention -----------------------------------------------------------------------------


def trash_purge(now: datetime.datetime) -> int:
    """Copies in the trash for more than ``TRASH_DAYS`` days are deleted."""
    limit = now - datetime.timedelta(days=TRASH_DAYS)
    deleted, _by_model = Copy.objects.filter(trashed_at__lt=limit).delete()
    return deleted


def messages_purge(now: datetime.datetime) -> int:
    """Messages older than the commune's retention go, with their copies and files."""
    years = commune_settings().retention_years
    limit = now - datetime.timedelta(days=365 * years + years // 4)
    from apps.publications.models import Publication

    old = Message.objects.filter(created_at__lt=limit).values("publication_id")
    deleted, _by_model = Publication.objects.filter(pk__in=old).delete()
    return deleted
