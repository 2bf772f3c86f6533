"""Writes to the forums. Each service checks its rule (``apps.forum.rules``) on the caller's
``Actor`` and raises ``ForumNotAllowed`` (the views answer 404, so a forbidden act looks like
a missing one) or ``ForumError`` (one French sentence; nothing changed). The state of a
subject or a message moves only through the moderation circuit
(``apps.publications.services``): a pupil's writing is submitted and waits, an adult's is
published at once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.permissions import Actor
from apps.audit.services import record_event
from apps.forum import rules
from apps.forum.models import TEXT_MAX, Category, Forum, Message, Report, ReportState, Subject
from apps.forum.publications import MESSAGE, SUBJECT, may_edit
from apps.publications import moderation
from apps.publications.models import Publication, State
from apps.publications.moderation import Scope, may_moderate
from apps.publications.services import (
    ModerationError,
    circuit_decide,
    circuit_submit,
    publication_create,
    publication_edited,
)
from apps.schools.models import Classroom, School

__all__ = ["ForumError", "ForumNotAllowed", "ModerationError"]

FIRST_CATEGORY = "Discussions"
TITLE_NEEDED = "Donnez un titre au sujet."
TEXT_NEEDED = "Écrivez votre message."
CATEGORY_NEEDED = "Donnez un nom à la catégorie."
CATEGORY_TAKEN = "Ce forum a déjà une catégorie de ce nom."
CATEGORY_NOT_EMPTY = "Cette catégorie a des sujets : déplacez-les ou supprimez-les d'abord."
LOCKED = "Ce sujet est verrouillé : on ne peut plus y répondre."
NOT_OPEN = "On ne répond qu'à un sujet publié."
NOT_REPORTABLE = "Ce message n'est plus sur le forum."
OWN_REPORT = "Vous ne pouvez pas signaler votre propre message."
ALREADY_HANDLED = "Ce signalement a déjà été traité."
REMOVED_NOTE = "Retiré après un signalement."

REMOVE = "remove"
DISMISS = "dismiss"


class ForumError(Exception):
    """What was written is not coherent: the French sentence to show; nothing changed."""


class ForumNotAllowed(ForumError):
    """The act is not the actor's (the view answers 404); nothing changed."""


def _journal(action: str, actor: Actor, target: str, **details: object) -> None:
    record_event(action=action, actor=actor, target=target, details=details)


# --- forums and categories ---------------------------------------------------------------


def forums_ensure(actor: Actor) -> None:
    """Create the forums ``actor`` belongs to that do not exist yet: those of their classes
    (of every current class of the schools they direct) and of their schools, each with a
    first category."""
    if not actor.active or not (actor.is_school_staff or actor.is_pupil):
        return
    classes = Q(pk__in=set(actor.taught_class_ids) | (actor.class_ids if actor.is_pupil else set()))
    classes |= Q(school_id__in=actor.directed_school_ids)
    missing = Classroom.objects.filter(classes, year__is_current=True).exclude(
        pk__in=Forum.objects.filter(classroom__isnull=False).values("classroom_id")
    )
    for classroom in missing.only("pk", "name", "school_id"):
        _create(school_id=classroom.school_id, classroom=classroom, title=classroom.name)
    have = Forum.objects.filter(classroom__isnull=True, school_id__in=actor.school_ids)
    for school in School.objects.filter(pk__in=actor.school_ids).exclude(
        pk__in=have.values("school_id")
    ):
        _create(school_id=school.pk, classroom=None, title=school.name)


def _create(*, school_id: int, classroom: Classroom | None, title: str) -> None:
    try:
        with transaction.atomic():
            forum = Forum.objects.create(
                school_id=school_id, classroom=classroom, title=f"Forum — {title}"
            )
            Category.objects.create(forum=forum, title=FIRST_CATEGORY)
    except IntegrityError:
        pass  # created meanwhile by another request


@transaction.atomic
def category_create(*, actor: Actor, forum: Forum, title: str) -> Category:
    if not rules.may_manage(actor, forum.scope):
        raise ForumNotAllowed("not a moderator of this forum")
    title = " ".join(title.split())[:80]
    if not title:
        raise ForumError(CATEGORY_NEEDED)
    if Category.objects.filter(forum=forum, title__iexact=title).exists():
        raise ForumError(CATEGORY_TAKEN)
    category = Category.objects.create(forum=forum, title=title)
    _journal("forum.category_created", actor, f"forum {forum.pk}", category=category.pk)
    return category


@transaction.atomic
def category_delete(*, actor: Actor, category: Category) -> None:
    if not rules.may_manage(actor, category.forum.scope):
        raise ForumNotAllowed("not a moderator of this forum")
    if Subject.objects.filter(category=category).exists():
        raise ForumError(CATEGORY_NOT_EMPTY)
    _journal("forum.category_deleted", actor, f"forum {category.forum_id}", title=category.title)
    category.delete()


# --- subjects ----------------------------------------------------------------------------


def _text(body: str) -> str:
    body = body.strip()
    if not body:
        raise ForumError(TEXT_NEEDED)
    return body[:TEXT_MAX]


def _new_publication(actor: Actor, kind: str, scope: Scope) -> Publication:
    """An adult's writing is published at once; a pupil's waits for a moderator."""
    if rules.waits_for_moderator(actor, scope):
        publication = publication_create(kind=kind, author_id=actor.id, scope=scope)
        return circuit_submit(actor=actor, publication=publication)
    return publication_create(
        kind=kind, author_id=actor.id, scope=scope, published_at=timezone.now()
    )


@transaction.atomic
def subject_create(
    *, actor: Actor, forum: Forum, category: Category, title: str, body: str
) -> Subject:
    if not rules.may_write(actor, forum.scope) or category.forum_id != forum.pk:
        raise ForumNotAllowed("may not write in this forum")
    title = " ".join(title.split())[:160]
    if not title:
        raise ForumError(TITLE_NEEDED)
    body = _text(body)
    publication = _new_publication(actor, SUBJECT, forum.scope)
    return Subject.objects.create(
        publication=publication,
        forum=forum,
        category=category,
        author_name=actor.display_name,
        title=title,
        body=body,
    )


def _locked_subject(subject: Subject) -> Subject:
    return Subject.objects.select_for_update().select_related("forum").get(pk=subject.pk)


@transaction.atomic
def subject_update(
    *, actor: Actor, subject: Subject, title: str, body: str, category: Category
) -> Subject:
    """The author changes their subject sent back or refused (then sends it again); a
    moderator any subject, whose state does not change."""
    locked = _locked_subject(subject)
    publication = Publication.objects.select_for_update().get(pk=locked.publication_id)
    scope = locked.forum.scope
    if not may_edit(actor, publication, scope, locked=locked.locked):
        raise ForumNotAllowed("may not change this subject")
    if category.forum_id != locked.forum_id:
        raise ForumNotAllowed("a category of another forum")
    title = " ".join(title.split())[:160]
    if not title:
        raise ForumError(TITLE_NEEDED)
    locked.title, locked.body, locked.category = title, _text(body), category
    locked.save(update_fields=["title", "body", "category"])
    publication_edited(publication)
    if publication.author_id != actor.id:
        _journal("forum.subject_edited", actor, f"{SUBJECT} {publication.pk}")
    locked.publication = publication
    return locked


def resubmit(*, actor: Actor, publication: Publication) -> Publication:
    """The author sends again what a moderator sent back or refused."""
    return circuit_submit(actor=actor, publication=publication)


@transaction.atomic
def subject_delete(*, actor: Actor, subject: Subject) -> None:
    locked = _locked_subject(subject)
    publication = Publication.objects.select_for_update().get(pk=locked.publication_id)
    if not may_edit(actor, publication, locked.forum.scope, locked=locked.locked):
        raise ForumNotAllowed("may not delete this subject")
    # The messages' publications first: deleting the subject deletes its messages, not the
    # publications they own (they would stay in the moderators' queue).
    Publication.objects.filter(forum_message__subject=locked).delete()
    _journal("forum.subject_deleted", actor, f"{SUBJECT} {publication.pk}", title=locked.title)
    publication.delete()  # cascades to the subject, its messages and its reports


FLAGS = {
    "lock": ("locked", True, "forum.subject_locked"),
    "unlock": ("locked", False, "forum.subject_unlocked"),
    "pin": ("pinned", True, "forum.subject_pinned"),
    "unpin": ("pinned", False, "forum.subject_unpinned"),
}


@transaction.atomic
def subject_flag(*, actor: Actor, subject: Subject, action: str) -> Subject:
    """A moderator locks or unlocks, pins or unpins a subject."""
    if action not in FLAGS:
        raise ForumNotAllowed("no such action")
    locked = _locked_subject(subject)
    if not rules.may_manage(actor, locked.forum.scope):
        raise ForumNotAllowed("not a moderator of this forum")
    field, value, journal = FLAGS[action]
    if getattr(locked, field) != value:
        setattr(locked, field, value)
        locked.save(update_fields=[field])
        _journal(journal, actor, f"{SUBJECT} {locked.publication_id}")
    return locked


# --- messages ----------------------------------------------------------------------------


@transaction.atomic
def message_add(*, actor: Actor, subject: Subject, body: str) -> Message:
    """A member's reply to a published, open subject: an adult's is published at once (those
    who take part in the subject are told), a pupil's waits for a moderator."""
    locked = _locked_subject(subject)
    scope = locked.forum.scope
    if not rules.may_write(actor, scope):
        raise ForumNotAllowed("may not write in this forum")
    publication_state = Publication.objects.values_list("state", flat=True).get(
        pk=locked.publication_id
    )
    if publication_state != State.PUBLISHED:
        raise ForumNotAllowed(NOT_OPEN)
    if locked.locked:
        raise ForumError(LOCKED)
    body = _text(body)
    publication = _new_publication(actor, MESSAGE, scope)
    message = Message.objects.create(
        publication=publication, subject=locked, author_name=actor.display_name, body=body
    )
    if publication.state == State.PUBLISHED:
        message_published(publication.pk)
    return message


def message_published(publication_id: int) -> None:
    """A message became visible (at once, or by a moderator's decision): its subject moves
    up its forum and those who take part in it are told."""
    from apps.forum.notifications import tell_participants

    message = Message.objects.select_related(
        "publication", "subject__publication", "subject__forum"
    ).get(publication_id=publication_id)
    Subject.objects.filter(pk=message.subject_id).update(last_activity_at=timezone.now())
    tell_participants(message)


def _locked_message(message: Message) -> tuple[Message, Publication, Subject]:
    subject = _locked_subject(message.subject)
    row = Message.objects.select_for_update().get(pk=message.pk)
    publication = Publication.objects.select_for_update().get(pk=row.publication_id)
    return row, publication, subject


@transaction.atomic
def message_update(*, actor: Actor, message: Message, body: str) -> Message:
    row, publication, subject = _locked_message(message)
    if not may_edit(actor, publication, subject.forum.scope, locked=subject.locked):
        raise ForumNotAllowed("may not change this message")
    row.body = _text(body)
    row.save(update_fields=["body"])
    publication_edited(publication)
    if publication.author_id != actor.id:
        _journal("forum.message_edited", actor, f"{MESSAGE} {publication.pk}")
    row.publication, row.subject = publication, subject
    return row


@transaction.atomic
def message_delete(*, actor: Actor, message: Message) -> None:
    row, publication, subject = _locked_message(message)
    if not may_edit(actor, publication, subject.forum.scope, locked=subject.locked):
        raise ForumNotAllowed("may not delete this message")
    _journal("forum.message_deleted", actor, f"{MESSAGE} {publication.pk}", subject=subject.pk)
    publication.delete()  # cascades to the message and its reports


# --- reports -----------------------------------------------------------------------------


@transaction.atomic
def report_create(
    *, actor: Actor, subject: Subject, message: Message | None, reason: str = ""
) -> Report:
    """« Signaler »: a member sends a published subject or message (not their own) to the
    forum's moderators, who are told; reporting it again while it waits changes nothing."""
    from apps.forum.notifications import tell_moderators

    scope = subject.forum.scope
    if not rules.may_report(actor, scope):
        raise ForumNotAllowed("not a member of this forum")
    if message is not None and message.subject_id != subject.pk:
        raise ForumNotAllowed("a message of another subject")
    item = message.publication if message is not None else subject.publication
    if subject.publication.state != State.PUBLISHED or item.state != State.PUBLISHED:
        raise ForumError(NOT_REPORTABLE)
    if item.author_id == actor.id:
        raise ForumError(OWN_REPORT)
    report, created = Report.objects.get_or_create(
        subject=subject,
        message=message,
        reporter_id=actor.id,
        state=ReportState.OPEN,
        defaults={"reason": " ".join(reason.split())[:300]},
    )
    if created:
        report.subject = subject
        _journal(
            "forum.reported",
            actor,
            f"{item.kind} {item.pk}",
            report=report.pk,
        )
        tell_moderators(report)
    return report


@transaction.atomic
def report_handle(*, actor: Actor, report: Report, decision: str) -> Report:
    """A moderator takes the reported subject or message off the forum (its author is told
    and reads why) or dismisses the report; every open report on it closes the same way and
    their writers are told."""
    from apps.forum.notifications import tell_reporters

    if decision not in (REMOVE, DISMISS):
        raise ForumError("Choisissez : retirer le message ou classer le signalement.")
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("subject__forum", "subject__publication", "message__publication")
        .get(pk=report.pk)
    )
    if not may_moderate(actor, locked.subject.forum.scope):
        raise ForumNotAllowed("not a moderator of this forum")
    if locked.state != ReportState.OPEN:
        raise ForumError(ALREADY_HANDLED)
    item = locked.message.publication if locked.message else locked.subject.publication
    if decision == REMOVE and item.state == State.PUBLISHED:
        circuit_decide(
            actor=actor, publication=item, decision=moderation.UNPUBLISH, note=REMOVED_NOTE
        )
    same = Report.objects.filter(subject_id=locked.subject_id, state=ReportState.OPEN)
    same = (
        same.filter(message__isnull=True)
        if locked.message_id is None
        else same.filter(message_id=locked.message_id)
    )
    handled = list(same.select_related("subject__forum"))
    state = ReportState.REMOVED if decision == REMOVE else ReportState.DISMISSED
    same.update(state=state, handled_by_id=actor.id, handled_at=timezone.now())
    action = "forum.report_removed" if decision == REMOVE else "forum.report_dismissed"
    _journal(action, actor, f"{item.kind} {item.pk}", report=locked.pk)
    tell_reporters(handled, removed=decision == REMOVE)
    locked.refresh_from_db()
    return locked
