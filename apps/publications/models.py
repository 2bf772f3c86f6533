"""One ``Publication`` per thing a feature publishes (an entry of the cahier de textes, a
liaison note, a blog post to come): the row that attachments, notifications, comments and
reactions point to, so that none of them has a foreign key per feature.

The feature's own row holds a ``OneToOneField`` to it and everything else (texts, classes,
recipients). ``kind`` names the feature's registered kind (``apps.publications.registry``):
a plain string, so that a new kind needs no migration here.

``state`` goes draft → published (and back, for a feature that allows it); ``submitted``
(waiting for a moderator) and ``unpublished`` (taken down) are there for the features that
moderate, the blog first. The transitions are the services' (``apps.publications.services``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumis à validation"
    PUBLISHED = "published", "Publié"
    UNPUBLISHED = "unpublished", "Retiré"


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

    class Meta:
        verbose_name = "publication"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED
