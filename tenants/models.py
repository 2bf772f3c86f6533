"""The public schema: the groupement, its communes (tenants) and their domains."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin

from tenants.validators import validate_commune_slug, validate_insee_code


class Groupement(models.Model):  # type: ignore[django-manager-missing]
    """The groupement de commandes: the communes that buy and run the ENT together."""

    name = models.CharField("nom", max_length=200, unique=True)
    coordinator = models.ForeignKey(
        "tenants.Commune",
        verbose_name="commune coordinatrice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_groupements",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "groupement"

    def __str__(self) -> str:
        return self.name


class CommuneStatus(models.TextChoices):
    PILOT = "pilot", "Pilote"
    DEPLOYING = "deploying", "En déploiement"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspendue"
    ARCHIVED = "archived", "Archivée"


# Statuses whose content is served; the others get the "service suspendu" page.
LIVE_STATUSES = frozenset({CommuneStatus.PILOT, CommuneStatus.DEPLOYING, CommuneStatus.ACTIVE})


class Commune(TenantMixin):
    """A member commune; its people and content live in its own PostgreSQL schema."""

    name = models.CharField("nom", max_length=200)
    insee_code = models.CharField(
        "code INSEE", max_length=5, unique=True, validators=[validate_insee_code]
    )
    slug = models.CharField(
        "identifiant", max_length=63, unique=True, validators=[validate_commune_slug]
    )
    status = models.CharField(
        "statut", max_length=16, choices=CommuneStatus.choices, default=CommuneStatus.PILOT
    )
    groupement = models.ForeignKey(
        Groupement, on_delete=models.PROTECT, null=True, blank=True, related_name="communes"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    activated_at = models.DateTimeField("activée le", null=True, blank=True)

    # Schemas are created by provisioning from the template, inside its transaction.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="commune_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class Domain(DomainMixin):
    class Meta:
        verbose_name = "domaine"


class RoutingVersion(models.Model):
    """A single counter bumped whenever a commune or domain changes.

    Every process caches host → commune in memory and re-reads this stamp every few
    seconds; a new value drops the cache. Reading one integer is far cheaper than a
    host lookup on every request.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "version du routage"

    def __str__(self) -> str:
        return f"routage v{self.version}"
