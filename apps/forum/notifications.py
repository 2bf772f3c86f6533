"""Who hears of the forums: a message published tells those who take part in its subject (its
author and the authors of its published messages; held by the school's quiet hours), a
report tells the forum's moderators (that something was reported, never what it says), and
a handled report tells its writer. The authors hear the circuit's decisions on what they
wrote through ``publication_decided`` (``apps.publications.notifications``)."""

from __future__ import annotations

from collections.abc import Collection

from django.urls import reverse

from apps.accounts.models import User
from apps.forum import rules
from apps.forum.models import Message, Report, Subject
from apps.forum.publications import message_url, seen
from apps.notifications.kinds import register_kind
from apps.notifications.services import notify
from apps.publications.models import State
from apps.publications.moderation import may_moderate
from apps.schools.models import Classroom, SchoolMembership, SchoolRole

NEW_MESSAGE = "forum_message"
REPORTED = "forum_report"
REPORT_HANDLED = "forum_report_handled"


def register_kinds() -> None:
    register_kind(NEW_MESSAGE, "Nouveau message dans un sujet de forum où vous écrivez")
    register_kind(REPORTED, "Message de forum signalé")
    register_kind(REPORT_HANDLED, "Votre signalement sur un forum a été traité")


def tell_participants(message: Message) -> None:
    subject = message.subject
    scope = subject.forum.scope
    writers = set(
        Message.objects.filter(subject=subject, publication__state=State.PUBLISHED)
        .exclude(publication__author__isnull=True)
        .values_list("publication__author_id", flat=True)
    )
    if subject.publication.author_id is not None:
        writers.add(subject.publication.author_id)
    writers.discard(message.publication.author_id)
    if not writers:
        return
    subject_publication = subject.publication
    notify(
        recipients=User.objects.filter(pk__in=writers),
        kind=NEW_MESSAGE,
        title=f"{message.author_name} a répondu dans « {subject.title} »"[:200],
        url=message_url(message),
        may_see=lambda actor: seen(actor, subject_publication, scope),
        # Published again after being taken down: nobody is told twice.
        event=f"{NEW_MESSAGE}:{message.publication_id}",
        school_id=scope.school_id,
    )


def _moderators(subject: Subject) -> Collection[int]:
    forum = subject.forum
    if forum.classroom_id is not None:
        return list(
            Classroom.teachers.through.objects.filter(classroom_id=forum.classroom_id).values_list(
                "user_id", flat=True
            )
        )
    return list(
        SchoolMembership.objects.filter(
            school_id=forum.school_id, role=SchoolRole.DIRECTOR
        ).values_list("user_id", flat=True)
    )


def tell_moderators(report: Report) -> None:
    scope = report.subject.forum.scope
    notify(
        recipients=User.objects.filter(pk__in=_moderators(report.subject)),
        kind=REPORTED,
        title=f"Un message a été signalé sur {report.subject.forum.title}"[:200],
        url=reverse("forum:reports"),
        may_see=lambda actor: may_moderate(actor, scope),
        event=f"{REPORTED}:{report.pk}",
        school_id=scope.school_id,
    )


def tell_reporters(reports: Collection[Report], *, removed: bool) -> None:
    if not reports:
        return
    first = next(iter(reports))
    scope = first.subject.forum.scope
    outcome = "le message a été retiré du forum" if removed else "le message reste sur le forum"
    notify(
        recipients=User.objects.filter(pk__in=[r.reporter_id for r in reports if r.reporter_id]),
        kind=REPORT_HANDLED,
        title=f"Signalement traité : {outcome}. Merci.",
        url=reverse("forum:forum", args=[first.subject.forum_id]),
        may_see=lambda actor: rules.may_read(actor, scope),
        event=f"{REPORT_HANDLED}:{first.pk}",
        school_id=scope.school_id,
    )
