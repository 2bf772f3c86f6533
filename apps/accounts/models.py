"""People. Each commune's schema holds its own users; the public copy holds coordinators.

This model is in both SHARED_APPS and TENANT_APPS, so it must never point at a
tenant-only table.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Profile(models.TextChoices):
    PUPIL = "pupil", "Élève"
    PARENT = "parent", "Parent"
    TEACHER = "teacher", "Enseignant"
    DIRECTOR = "director", "Directeur d'école"
    STAFF = "staff", "Personnel"
    COMMUNE_ADMIN = "commune_admin", "Administrateur de la commune"
    COORDINATOR = "coordinator", "Coordinateur du groupement"


# Profiles for whom a second factor is mandatory.
TWO_FACTOR_REQUIRED = frozenset({Profile.COMMUNE_ADMIN, Profile.COORDINATOR})


class User(AbstractUser):
    profile = models.CharField(
        "profil", max_length=20, choices=Profile.choices, default=Profile.STAFF
    )

    class Meta:
        verbose_name = "utilisateur"

    @property
    def display_name(self) -> str:
        full = self.get_full_name()
        return full or self.username

    @property
    def requires_two_factor(self) -> bool:
        return self.profile in TWO_FACTOR_REQUIRED
