"""The quiet-hours slots of a commune (one row, no school: the commune's default, edited by
the commune administrator) and of a school (an override, edited by its director). Without a
row the circular's slots apply (``apps.quiethours.schedule``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.quiethours.schedule import EVENING_START, MORNING_END


class QuietHours(models.Model):
    # Empty for the commune's own slots; one row per school at most, and one for the commune.
    school = models.OneToOneField(
        "schools.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quiet_hours",
    )
    morning_end = models.TimeField("fin des heures calmes le matin", default=MORNING_END)
    evening_start = models.TimeField("début des heures calmes le soir", default=EVENING_START)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # The administration keeps the slots when the person who set them leaves.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "heures calmes"
        verbose_name_plural = "heures calmes"
        constraints = [
            models.UniqueConstraint(
                fields=["school"], nulls_distinct=False, name="quiethours_one_per_scope"
            ),
            models.CheckConstraint(
                condition=Q(morning_end__lt=F("evening_start")),
                name="quiethours_morning_before_evening",
            ),
        ]

    def __str__(self) -> str:
        scope = f"école {self.school_id}" if self.school_id else "commune"
        return f"Heures calmes ({scope}) : {self.evening_start} → {self.morning_end}"
