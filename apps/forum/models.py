"""A class's forum and a school's forum, their categories, subjects and messages, and the
reports (« Signaler ») of what was published there.

Each subject and each message owns a ``Publication`` (``apps.publications``): its author, its
state in the moderation circuit, its scope (the forum's class, else its school: who moderates
it) and the row notifications point to. A subject's opening text is the subject's own; the
messages are the replies. A forum exists while its class (or school) exists; it is created,
with one category, the first time one of its members opens the forums
(``services.forums_ensure``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.publications.models import Publication
from apps.publications.moderation import Scope
from apps.schools.models import Classroom, School

TEXT_MAX = 5000


class Forum(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="forums")
    # None: the school's own forum. A class's forum goes with its class (retention).
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, null=True, blank=True, related_name="forums"
    )
    title = models.CharField("titre", max_length=160)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "forum"
        constraints = [
            models.UniqueConstraint(
                fields=["classroom"],
                condition=Q(classroom__isnull=False),
                name="forum_one_per_class",
            ),
            models.UniqueConstraint(
                fields=["school"], condition=Q(classroom__isnull=True), name="forum_one_per_school"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope(self) -> Scope:
        return Scope(school_id=self.school_id, classroom_id=self.classroom_id)

    @property
    def is_class_forum(self) -> bool:
        return self.classroom_id is not None


class Category(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="categories")
    title = models.CharField("nom", max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "catégorie de forum"
        verbose_name_plural = "catégories de forum"
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "title"], name="forum_category_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class Subject(models.Model):
    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="forum_subject"
    )
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="subjects")
    # A category with subjects is not deleted (``services.category_delete`` refuses).
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="subjects")
    author_name = models.CharField(max_length=200)
    title = models.CharField("titre", max_length=160)
    body = models.TextField("message", max_length=TEXT_MAX)
    # A moderator's: no new message, and its authors no longer change what they wrote.
    locked = models.BooleanField("verrouillé", default=False)
    # A moderator's: shown first in its forum.
    pinned = models.BooleanField("épinglé", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a message was last published in it (the forum lists the liveliest first).
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "sujet de forum"
        verbose_name_plural = "sujets de forum"
        ordering = ["-pinned", "-last_activity_at", "-id"]
        indexes = [models.Index(fields=["forum", "-pinned", "-last_activity_at", "-id"])]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="forum_message"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="messages")
    author_name = models.CharField(max_length=200)
    # Plain text; its line breaks are kept when printed (``|linebreaks``).
    body = models.TextField("message", max_length=TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "message de forum"
        verbose_name_plural = "messages de forum"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["subject", "created_at", "id"])]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class ReportState(models.TextChoices):
    OPEN = "open", "À traiter"
    DISMISSED = "dismissed", "Classé sans suite"
    REMOVED = "removed", "Retiré du forum"


class Report(models.Model):
    """« Signaler »: a reader sends a published subject (``message`` empty: its opening text)
    or message to the forum's moderators, who take it down or dismiss the report."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="reports")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    # The report stays for the moderators when its writer's account goes.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField("motif", max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "signalement de forum"
        verbose_name_plural = "signalements de forum"
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=Q(state="open", message__isnull=False),
                name="forum_one_open_report_per_message",
            ),
            models.UniqueConstraint(
                fields=["subject", "reporter"],
                condition=Q(state="open", message__isnull=True),
                name="forum_one_open_report_per_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="forum_report_open", condition=Q(state="open"))
        ]

    def __str__(self) -> str:
        return f"signalement {self.pk}"
