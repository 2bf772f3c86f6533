"""One ``Publication`` per thing a feature publishes (an entry of the cahier de textes, a
liaison note, a blog post to come): the row that attachments, notifications, comments and
reactions point to, so that none of them has a foreign key per feature.

The feature's own row holds a ``OneToOneField`` to it and everything else (texts, classes,
recipients). ``kind`` names the feature's registered kind (``apps.publications.registry``):
a plain string, so that a new kind needs no migration here.

``state`` goes draft → published (and back, for a feature that allows it). A feature that
moderates (blogs, news, forums, comments) goes through the circuit of
``apps.publications.moderation``: draft → submitted → published → unpublished, or back to
draft with the moderator's note (a correction asked), or refused. Who moderates a publication
is its scope: a class (its teachers), else a school (its direction), else the commune (its
administrator). The transitions are the services' (``apps.publications.services``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumis à validation"
    PUBLISHED = "published", "Publié"
    UNPUBLISHED = "unpublished", "Retiré"
    REFUSED = "refused", "Refusé"


class Publication(models.Model):
    kind = models.CharField("type", max_length=40, db_index=True)
    # Others keep reading what a person published after they left: the author is emptied.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
    )
    state = models.CharField("état", max_length=12, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    edited_at = models.DateTimeField("modifiée le", null=True, blank=True)
    # The moderation circuit (features that moderate; empty for the others). The scope says
    # who moderates: the class's teachers, else the school's direction, else the commune's
    # administrator.
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    classroom = models.ForeignKey(
        "schools.Classroom", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the moderator wrote to the author: the correction asked, or why it was refused or
    # taken down. The author reads it; nobody else.
    note = models.TextField("note du modérateur", blank=True, max_length=1000)

    class Meta:
        verbose_name = "publication"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The moderators' queue: what waits, by class and by school.
            models.Index(
                fields=["classroom", "submitted_at"],
                name="publication_queue_class",
                condition=models.Q(state="submitted"),
            ),
            models.Index(
                fields=["school", "submitted_at"],
                name="publication_queue_school",
                condition=models.Q(state="submitted"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED
