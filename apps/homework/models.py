"""The cahier de textes: one ``HomeworkEntry`` per session of a class.

An entry says what was done on ``on`` (``done``) and what to do for ``due_on`` (``todo``),
in one of the fixed primary-school domains. Both texts are stored already sanitised to a tiny
HTML subset (see ``apps.homework.formatting``). An entry may repeat weekly or every two weeks
until ``repeat_until``: occurrences are *computed* by the selectors, never stored, so editing
the entry changes every occurrence at once. ``last_day`` (the last day any occurrence touches)
is kept by the services so that a week's entries are found with one indexed query.
Attachments are not there yet.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.schools.models import Classroom


class Domain(models.TextChoices):
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
DOMAIN_ICONS = {
    Domain.FRANCAIS: "📖",
    Domain.MATHEMATIQUES: "🔢",
    Domain.QUESTIONNER_LE_MONDE: "🌍",
    Domain.SCIENCES: "🔬",
    Domain.HISTOIRE_GEOGRAPHIE: "🗺️",
    Domain.EMC: "🤝",
    Domain.ARTS_PLASTIQUES: "🎨",
    Domain.MUSIQUE: "🎵",
    Domain.EPS: "⚽",
    Domain.LANGUES_VIVANTES: "🗣️",
    Domain.AUTRE: "📌",
}


class Repeat(models.TextChoices):
    NONE = "", "Une seule fois"
    WEEKLY = "weekly", "Chaque semaine"
    FORTNIGHTLY = "fortnightly", "Toutes les deux semaines"


REPEAT_DAYS = {Repeat.WEEKLY: 7, Repeat.FORTNIGHTLY: 14}


class HomeworkEntry(models.Model):
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
    domain = models.CharField("domaine", max_length=24, choices=Domain.choices)
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
    def icon(self) -> str:
        return DOMAIN_ICONS.get(Domain(self.domain), "📌")
