"""The cahier de textes: one ``HomeworkEntry`` per session of a class.

An entry says what was done on ``on`` (``done``) and what to do for ``due_on`` (``todo``),
in one of the fixed primary-school domains. Both texts are stored already sanitised to a tiny
HTML subset (``apps.richtext.sanitise``, profile ``NOTEBOOK``; both are registered rich-text
fields, ``apps/homework/richtext.py``). An entry may repeat weekly or every two weeks until
``repeat_until``: occurrences are *computed* by the selectors, never stored, so editing the
entry changes every occurrence at once. One occurrence may be changed or cancelled alone
by a ``HomeworkOccurrence`` (an override for that day), which editing the whole series leaves
in place. ``last_day`` (the last day any occurrence, overrides included, touches) is kept by the
services so that a week's entries are found with one indexed query.
Its author, state and dates are mirrored by its ``publication`` (``apps.publications``), the
row its attachments and notifications point to.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.publications.models import Publication
from apps.schools.models import Classroom


class Subject(models.TextChoices):
    """The *domaine d'enseignement* of a session (stored in the ``domain`` column): named
    Subject in the code, since a Domain is a commune's host (``tenants.models.Domain``)."""

    FRANCAIS = "francais", "Français"
    MATHEMATIQUES = "mathematiques", "Mathématiques"
    QUESTIONNER_LE_MONDE = "questionner_le_monde", "Questionner le monde"
    SCIENCES = "sciences", "Sciences et technologie"
    HISTOIRE_GEOGRAPHIE = "histoire_geographie", "Histoire et géographie"
    EMC = "emc", "Enseignement moral et civique"
    ARTS_PLASTIQUES = "arts_plastiques", "Arts plastiques"
    MUSIQUE = "musique", "Éducation musicale"
    EPS = "eps", "Éducation physique et sportive"
    LANGUES_VIVANTES = "langues_vivantes", "Langues vivantes"
    AUTRE = "autre", "Autre"


# Shown before each domain on the pupils' pages (decorative: the label is always written too).
SUBJECT_ICONS = {
    Subject.FRANCAIS: "📖",
    Subject.MATHEMATIQUES: "🔢",
    Subject.QUESTIONNER_LE_MONDE: "🌍",
    Subject.SCIENCES: "🔬",
    Subject.HISTOIRE_GEOGRAPHIE: "🗺️",
    Subject.EMC: "🤝",
    Subject.ARTS_PLASTIQUES: "🎨",
    Subject.MUSIQUE: "🎵",
    Subject.EPS: "⚽",
    Subject.LANGUES_VIVANTES: "🗣️",
    Subject.AUTRE: "📌",
}


class Repeat(models.TextChoices):
    NONE = "", "Une seule fois"
    WEEKLY = "weekly", "Chaque semaine"
    FORTNIGHTLY = "fortnightly", "Toutes les deux semaines"


REPEAT_DAYS = {Repeat.WEEKLY: 7, Repeat.FORTNIGHTLY: 14}


class HomeworkEntry(models.Model):
    # The owner row of its files and notifications; ``published_at`` below stays the entry's
    # own (every read of the notebook filters on it), kept equal to the publication's.
    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="homework_entry"
    )
    classroom = models.ForeignKey(
        Classroom, on_delete=models.PROTECT, related_name="homework_entries"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="homework_entries_written",
    )
    author_name = models.CharField(max_length=200)
    domain = models.CharField("domaine", max_length=24, choices=Subject.choices)
    on = models.DateField("séance du")
    done = models.TextField("fait en classe", blank=True)
    due_on = models.DateField("pour le", null=True, blank=True)
    todo = models.TextField("travail à faire", blank=True)
    repeat = models.CharField(
        "répétition", max_length=12, choices=Repeat.choices, default=Repeat.NONE, blank=True
    )
    repeat_until = models.DateField("jusqu'au", null=True, blank=True)
    last_day = models.DateField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Drafts (None) are seen only by those who may edit the class's cahier de textes.
    published_at = models.DateTimeField("publié le", null=True, blank=True)

    class Meta:
        verbose_name = "séance du cahier de textes"
        verbose_name_plural = "séances du cahier de textes"
        ordering = ["on", "domain", "id"]
        indexes = [models.Index(fields=["classroom", "on", "last_day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("on")),
                name="homework_due_after_session",
            ),
            models.CheckConstraint(
                condition=(Q(repeat="") & Q(repeat_until__isnull=True))
                | (~Q(repeat="") & Q(repeat_until__gte=F("on"))),
                name="homework_repeat_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_domain_display()} — {self.on:%d/%m/%Y}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def attachments(self) -> Any:  # the publication's related manager of Attachment rows
        """Its publication's files (read them with ``select_related("publication")`` and
        ``prefetch_related("publication__attachments")``)."""
        return self.publication.attachments

    @property
    def icon(self) -> str:
        return SUBJECT_ICONS.get(Subject(self.domain), "📌")

    def has_occurrence_on(self, day: datetime.date) -> bool:
        """Whether ``day`` is on the series' rhythm. A repetition on a day without school has
        no session all the same: ask ``apps.homework.repeats.is_session_day``."""
        if day == self.on:
            return True
        if not self.repeat or self.repeat_until is None or not self.on < day <= self.repeat_until:
            return False
        return (day - self.on).days % REPEAT_DAYS[Repeat(self.repeat)] == 0


class HomeworkOccurrence(models.Model):
    """One occurrence of a repeated entry changed or cancelled alone ("cette séance seulement").

    ``on`` names the computed day it replaces (the session day itself never moves). The
    replacement is a full copy of what the occurrence says, so later edits of the series do not
    reach it; cancelled occurrences are hidden from pupils and parents.
    """

    entry = models.ForeignKey(
        HomeworkEntry, on_delete=models.CASCADE, related_name="occurrence_overrides"
    )
    on = models.DateField("séance du")
    cancelled = models.BooleanField("annulée", default=False)
    domain = models.CharField("domaine", max_length=24, choices=Subject.choices)
    done = models.TextField("fait en classe", blank=True)
    due_on = models.DateField("pour le", null=True, blank=True)
    todo = models.TextField("travail à faire", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="homework_occurrences_written",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "séance modifiée seule"
        verbose_name_plural = "séances modifiées seules"
        ordering = ["entry", "on"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "on"], name="homework_occurrence_once"),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("on")),
                name="homework_occurrence_due_after_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} — {self.on:%d/%m/%Y}{' (annulée)' if self.cancelled else ''}"
