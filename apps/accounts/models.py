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


class Civility(models.TextChoices):
    MR = "M.", "Monsieur"
    MRS = "Mme", "Madame"


class User(AbstractUser):
    """Anyone who logs in. Personal data is kept to what ONDE gives and the service needs."""

    profile = models.CharField(
        "profil", max_length=20, choices=Profile.choices, default=Profile.STAFF
    )
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    # Pupils: the national pupil identifier (INE) when ONDE gives it, and the birth date
    # that tells homonyms apart.
    ine = models.CharField("INE", max_length=11, blank=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    # ONDE's "Autorisation photo": None when the school has not recorded an answer.
    photo_consent = models.BooleanField("autorisation photo", null=True, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    # When the person set their e-mail address themselves (a confirmed link, or a removal):
    # from then on the address is theirs, and an ONDE import no longer overwrites it.
    email_chosen_at = models.DateTimeField("adresse choisie le", null=True, blank=True)
    # Printed on the login card until the first login; cleared once the account is activated.
    activation_code = models.CharField("code d'activation", max_length=12, blank=True)
    activated_at = models.DateTimeField("activé le", null=True, blank=True)
    blocked_at = models.DateTimeField("bloqué le", null=True, blank=True)
    # Set when a pupil leaves the commune's schools; the purge task deletes the account once
    # the retention period (ENT_LEAVER_RETENTION_DAYS) has passed.
    left_at = models.DateTimeField("parti le", null=True, blank=True)

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.UniqueConstraint(
                fields=["ine"], condition=~models.Q(ine=""), name="unique_ine_when_known"
            ),
        ]

    @property
    def display_name(self) -> str:
        full = self.get_full_name()
        return full or self.username

    @property
    def requires_two_factor(self) -> bool:
        return self.profile in TWO_FACTOR_REQUIRED

    @property
    def is_pupil(self) -> bool:
        return self.profile == Profile.PUPIL

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None
