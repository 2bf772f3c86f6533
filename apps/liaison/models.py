"""The cahier de liaison: notes to families, who reads them, who confirmed, replies.

A note is addressed to a whole class, to chosen pupils of a class, or to a whole school.
Its recipients (one row per child) are materialised when it is published, so that the
author's status table is a single query whatever the size of the class. Once a guardian has
confirmed a note it is never edited again: a correction is a new note that ``corrects`` it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from apps.publications.models import Publication
from apps.schools.models import Classroom, School


class Recipients(models.TextChoices):
    CLASS = "class", "Toute la classe"
    PUPILS = "pupils", "Des élèves de la classe"
    SCHOOL = "school", "Toute l'école"


class LiaisonNote(models.Model):
    # The owner row of its files and notifications; ``published_at`` below stays the note's
    # own (every read of the notebook filters and orders on it), kept equal to the
    # publication's.
    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="liaison_note"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="liaison_notes")
    # Empty for a note to the whole school.
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_notes",
    )
    audience = models.CharField("destinataires", max_length=8, choices=Recipients.choices)
    # Chosen pupils when ``audience`` is PUPILS (kept from the draft to the publication).
    chosen_pupils = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="liaison_notes_written",
    )
    author_name = models.CharField(max_length=200)
    title = models.CharField("titre", max_length=200)
    # Plain text with line breaks; shown with ``linebreaksbr`` (escaped), never as HTML.
    text = models.TextField("texte")
    acknowledgement_required = models.BooleanField("signature demandée", default=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="corrige",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    published_at = models.DateTimeField("publié le", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "mot du cahier de liaison"
        verbose_name_plural = "mots du cahier de liaison"
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience="school", classroom__isnull=True)
                | (~Q(audience="school") & Q(classroom__isnull=False)),
                name="liaison_audience_matches_classroom",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def attachments(self) -> Any:  # the publication's related manager of Attachment rows
        """Its publication's files (read them with ``select_related("publication")`` and
        ``prefetch_related("publication__attachments")``)."""
        return self.publication.attachments


class NoteRecipient(models.Model):
    """A child the note concerns, with their class at publication (for the status and slips)."""

    note = models.ForeignKey(LiaisonNote, on_delete=models.CASCADE, related_name="recipients")
    child = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaison_recipients"
    )
    classroom = models.ForeignKey(Classroom, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "destinataire"
        constraints = [
            models.UniqueConstraint(fields=["note", "child"], name="one_recipient_per_child"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} ← {self.note_id}"


class Acknowledgement(models.Model):
    """A guardian's "J'ai pris connaissance": one confirmation by a guardian with parental authority
    counts for the child."""

    note = models.ForeignKey(LiaisonNote, on_delete=models.CASCADE, related_name="acknowledgements")
    child = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    guardian_name = models.CharField(max_length=200)
    at = models.DateTimeField("confirmé le", auto_now_add=True)

    class Meta:
        verbose_name = "prise de connaissance"
        constraints = [
            models.UniqueConstraint(fields=["note", "child"], name="one_acknowledgement_per_child"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian_name} a pris connaissance ({self.note_id})"


class Reply(models.Model):
    """A guardian's answer to a note, seen by its author and by the guardians of the child
    (the one who wrote it, and the other guardians of the same child)."""

    note = models.ForeignKey(LiaisonNote, on_delete=models.CASCADE, related_name="replies")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField("réponse")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "réponse"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["note", "guardian"], name="one_reply_per_guardian"),
        ]

    def __str__(self) -> str:
        return f"Réponse de {self.guardian_id} à {self.note_id}"


class NoteRead(models.Model):
    """When a guardian first saw the note."""

    note = models.ForeignKey(LiaisonNote, on_delete=models.CASCADE, related_name="reads")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "lecture"
        constraints = [
            models.UniqueConstraint(fields=["note", "guardian"], name="one_read_per_guardian"),
        ]

    def __str__(self) -> str:
        return f"Lu par {self.guardian_id} ({self.note_id})"


class Reminder(models.Model):
    """A reminder to the families who had not confirmed: who sent it (None: the automatic
    one), when, and the children whose guardians were notified. It is the reminders' record,
    shown on the note's status page."""

    note = models.ForeignKey(LiaisonNote, on_delete=models.CASCADE, related_name="reminders")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    child_ids = models.JSONField(default=list)

    class Meta:
        verbose_name = "relance"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Relance du {self.at:%d/%m/%Y} ({self.note_id})"


class LiaisonPolicy(models.Model):
    """The commune's own choices for its cahier de liaison (one row per commune schema).

    ``reminder_days``: families who have not confirmed a note are reminded that many days
    after it was published, then every as many days; 0 turns automatic reminders off;
    no row (or None) means the groupement's default, ``ENT_LIAISON_REMINDER_DAYS``.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    reminder_days = models.PositiveSmallIntegerField(
        "relance automatique après (jours)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "réglages du cahier de liaison"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="one_liaison_policy"),
            models.CheckConstraint(
                condition=models.Q(reminder_days__lte=60), name="reminder_days_at_most_60"
            ),
        ]

    def __str__(self) -> str:
        return f"Relance après {self.reminder_days} jours"
