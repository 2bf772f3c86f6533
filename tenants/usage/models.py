"""What the groupement bills on: each commune's classes, counted day by day (public schema).

A ``ClassCountSnapshot`` is what the nightly collection read in the commune's schema, with
any correction by the coordinator applied on top; each correction is kept, with its reason,
in ``ClassCountCorrection`` (the audit trail shows how a figure came to be what it is).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

# The figures a snapshot holds and a coordinator may correct.
COUNT_FIELDS = ("primary_classes", "deployed_classes", "deployed_schools")


class ClassCountSnapshot(models.Model):
    commune = models.ForeignKey(
        "tenants.Commune", on_delete=models.PROTECT, related_name="class_count_snapshots"
    )
    date = models.DateField("date du relevé")
    # Classes of the current school year, in every school of the commune.
    primary_classes = models.PositiveIntegerField("classes primaires")
    # Classes and schools of pilot or active schools (apps.schools.DEPLOYED_STATUSES).
    deployed_classes = models.PositiveIntegerField("classes déployées")
    deployed_schools = models.PositiveIntegerField("écoles déployées")
    collected_at = models.DateTimeField("relevé le", default=timezone.now)

    class Meta:
        verbose_name = "relevé des classes"
        verbose_name_plural = "relevés des classes"
        ordering = ["commune__name", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "date"], name="one_snapshot_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.date}: {self.primary_classes} classes"


class ClassCountCorrection(models.Model):
    """A figure of a snapshot changed by the coordinator, and why (append-only)."""

    snapshot = models.ForeignKey(
        ClassCountSnapshot, on_delete=models.PROTECT, related_name="corrections"
    )
    field = models.CharField(
        "donnée", max_length=20, choices=[(name, name) for name in COUNT_FIELDS]
    )
    old_value = models.PositiveIntegerField("ancienne valeur")
    new_value = models.PositiveIntegerField("nouvelle valeur")
    reason = models.TextField("motif")
    # A public-schema user; kept by id and name so the trail survives the account.
    corrected_by_id = models.BigIntegerField("corrigé par (id)", null=True, blank=True)
    corrected_by_name = models.CharField("corrigé par", max_length=200)
    corrected_at = models.DateTimeField("corrigé le", default=timezone.now)

    class Meta:
        verbose_name = "correction d'un relevé"
        verbose_name_plural = "corrections des relevés"
        ordering = ["corrected_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="correction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot}: {self.field} {self.old_value} → {self.new_value}"
