"""Reads of the forums. Getters answer ``None`` for "missing" and "forbidden" alike; a
forum's page and a subject's page cost the same number of queries whatever their number of
subjects and messages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from apps.accounts.permissions import Actor
from apps.accounts.selectors import names_only
from apps.forum import rules
from apps.forum.models import Category, Forum, Message, Report, ReportState, Subject
from apps.forum.publications import may_edit, seen
from apps.french.ordering import classroom_key, name_key
from apps.publications.models import State
from apps.publications.moderation import may_moderate

SUBJECTS_PER_PAGE = 20
MESSAGES_PER_PAGE = 20


def forums_of(actor: Actor) -> list[Forum]:
    """The forums ``actor`` belongs to: by school, its classes' first, then its own."""
    if not actor.active:
        return []
    candidates = Forum.objects.filter(school_id__in=actor.school_ids).select_related(
        "school", "classroom"
    )
    forums = [f for f in candidates if rules.may_read(actor, f.scope)]
    return sorted(
        forums,
        key=lambda f: (
            name_key(f.school.name),
            f.classroom is None,
            classroom_key(f.classroom) if f.classroom else (0, ("", "")),
        ),
    )


def forum_for(actor: Actor, forum_id: int) -> Forum | None:
    forum = Forum.objects.select_related("school", "classroom").filter(pk=forum_id).first()
    return forum if forum is not None and rules.may_read(actor, forum.scope) else None


def _seen_by(actor: Actor, moderator: bool) -> Q:
    """What of a forum ``actor`` sees: everything for a moderator (with its state), else the
    published and their own."""
    if moderator:
        return Q()
    return Q(publication__state=State.PUBLISHED) | Q(publication__author_id=actor.id)


def categories_of(actor: Actor, forum: Forum) -> list[Category]:
    """The forum's categories with ``shown`` (how many of their subjects ``actor`` sees): one
    query."""
    moderator = may_moderate(actor, forum.scope)
    shown = Q(subjects__publication__state=State.PUBLISHED)
    if moderator:
        shown = Q(subjects__isnull=False)
    else:
        shown |= Q(subjects__publication__author_id=actor.id)
    return list(
        Category.objects.filter(forum=forum).annotate(shown=Count("subjects", filter=shown))
    )


def subjects_of(actor: Actor, forum: Forum, category: Category | None = None) -> QuerySet[Subject]:
    """The subjects ``actor`` sees in the forum (in one category), pinned first, then the
    liveliest, each with its category and its count of published messages."""
    subjects = Subject.objects.filter(
        _seen_by(actor, may_moderate(actor, forum.scope)), forum=forum
    )
    if category is not None:
        subjects = subjects.filter(category=category)
    return (
        subjects.select_related("publication", "category")
        .annotate(replies=Count("messages", filter=Q(messages__publication__state=State.PUBLISHED)))
        .order_by("-pinned", "-last_activity_at", "-id")
    )


@dataclass(frozen=True)
class SubjectView:
    subject: Subject
    moderator: bool
    may_edit: bool
    is_author: bool
    may_reply: bool
    may_report: bool


def subject_for(actor: Actor, subject_id: int) -> SubjectView | None:
    subject = (
        Subject.objects.select_related(
            "publication", "category", "forum__school", "forum__classroom"
        )
        .filter(pk=subject_id)
        .first()
    )
    if subject is None:
        return None
    scope = subject.forum.scope
    if not seen(actor, subject.publication, scope):
        return None
    published = subject.publication.state == State.PUBLISHED
    is_author = subject.publication.author_id == actor.id
    return SubjectView(
        subject=subject,
        moderator=may_moderate(actor, scope),
        may_edit=may_edit(actor, subject.publication, scope, locked=subject.locked),
        is_author=is_author,
        may_reply=published and not subject.locked and rules.may_write(actor, scope),
        # « Signaler » what is published in it (never one's own: checked per item).
        may_report=published and rules.may_report(actor, scope),
    )


def messages_of(actor: Actor, view: SubjectView) -> QuerySet[Message]:
    """The subject's messages ``actor`` sees, oldest first (none while the subject itself is
    not published)."""
    subject = view.subject
    if subject.publication.state != State.PUBLISHED:
        return Message.objects.none()
    return (
        Message.objects.filter(_seen_by(actor, view.moderator), subject=subject)
        .select_related("publication")
        .order_by("created_at", "id")
    )


def message_for(actor: Actor, message_id: int) -> tuple[Message, SubjectView] | None:
    message = Message.objects.select_related("publication", "subject").filter(pk=message_id).first()
    if message is None:
        return None
    view = subject_for(actor, message.subject_id)
    if view is None or view.subject.publication.state != State.PUBLISHED:
        return None
    if not seen(actor, message.publication, view.subject.forum.scope):
        return None
    message.subject = view.subject
    return message, view


def message_page(actor: Actor, message: Message, view: SubjectView) -> int:
    """The page of the subject where ``actor`` finds ``message``."""
    before = (
        messages_of(actor, view)
        .filter(
            Q(created_at__lt=message.created_at)
            | Q(created_at=message.created_at, id__lt=message.pk)
        )
        .count()
    )
    return before // MESSAGES_PER_PAGE + 1


def message_may_edit(actor: Actor, message: Message, view: SubjectView) -> bool:
    return may_edit(
        actor, message.publication, view.subject.forum.scope, locked=view.subject.locked
    )


# --- reports -----------------------------------------------------------------------------


def moderates_a_forum(actor: Actor) -> bool:
    return actor.active and bool(actor.taught_class_ids or actor.directed_school_ids)


def open_reports(actor: Actor) -> QuerySet[Report]:
    """The open reports of the forums ``actor`` moderates (``may_moderate`` as one filter),
    oldest first."""
    if not moderates_a_forum(actor):
        return Report.objects.none()
    scopes = Q(subject__forum__classroom_id__in=actor.taught_class_ids) | Q(
        subject__forum__classroom__isnull=True,
        subject__forum__school_id__in=actor.directed_school_ids,
    )
    return names_only(
        Report.objects.filter(scopes, state=ReportState.OPEN).select_related(
            "subject__forum", "subject__publication", "message__publication", "reporter"
        ),
        "reporter",
    ).order_by("created_at", "pk")


def report_of(actor: Actor, report_id: int) -> Report | None:
    return open_reports(actor).filter(pk=report_id).first()


def report_count(actor: Actor) -> int:
    if not moderates_a_forum(actor):
        return 0
    return open_reports(actor).count()
