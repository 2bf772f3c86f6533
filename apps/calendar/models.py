"""The days without school: the school holidays of each zone and the public holidays.

Rows are written only by importing a calendar file (``apps.calendar.services``): one row per
holiday period and zone, and one per public holiday (no zone: they are national). They live
in the public schema and every commune reads them (its search path ends with ``public``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class Zone(models.TextChoices):
    A = "A", "Zone A"
    B = "B", "Zone B"
    C = "C", "Zone C"


class Kind(models.TextChoices):
    SCHOOL_HOLIDAYS = "vacances", "Vacances scolaires"
    PUBLIC_HOLIDAY = "ferie", "Jour férié"


class DayOff(models.Model):
    """From ``first_day`` to ``last_day`` (both included) there is no school."""

    school_year = models.CharField("année scolaire", max_length=9)
    kind = models.CharField("nature", max_length=8, choices=Kind.choices)
    # Empty for a public holiday, which every zone has.
    zone = models.CharField("zone", max_length=1, choices=Zone.choices, blank=True)
    name = models.CharField("nom", max_length=100)
    first_day = models.DateField("du")
    last_day = models.DateField("au")

    class Meta:
        verbose_name = "jour sans classe"
        verbose_name_plural = "jours sans classe"
        ordering = ["first_day", "kind", "zone"]
        indexes = [models.Index(fields=["zone", "last_day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="calendar_dayoff_ordered"
            ),
            models.CheckConstraint(
                condition=(Q(kind="ferie") & Q(zone=""))
                | (Q(kind="vacances") & Q(zone__in=["A", "B", "C"])),
                name="calendar_dayoff_zone_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.zone or 'toutes zones'}) : {self.first_day} → {self.last_day}"

    @property
    def label(self) -> str:
        """What families read on the week: « Vacances de Noël », « Jour férié : 11 Novembre »."""
        if self.kind == Kind.PUBLIC_HOLIDAY:
            return f"Jour férié : {self.name}"
        return self.name
