"""News (*actualités*) and emergency banners (*bandeaux d'alerte*).

Each news item owns a ``Publication`` (``apps.publications``): its author, its state in the
moderation circuit, its publication date (``published_at``: a date still to come is a news
item scheduled, read by nobody before it) and the row its files point to. The publication's
scope says who moderates it, the author's level: a school's news written by its teachers or
its direction is the direction's (scope: the school); the commune administrator's news, for
the commune or for one school, is the administrator's (scope: the commune). ``News.school``
says whose news it is for the readers: a school's, or the commune's (None: every school).

A banner is no publication: its author is the direction or the administrator, it is shown at
once, on every page, to the people of its audience, until ``expires_at`` or until it is
ended (``ended_at``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.publications.models import Publication
from apps.schools.models import School


class Audience(models.TextChoices):
    ALL = "all", "Tous"
    FAMILIES = "families", "Familles"
    PUPILS = "pupils", "Élèves"
    STAFF = "staff", "Personnel"


class News(models.Model):
    publication = models.OneToOneField(Publication, on_delete=models.CASCADE, related_name="news")
    # None: the commune's news, for every school of the commune.
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="news"
    )
    author_name = models.CharField(max_length=200)
    title = models.CharField("titre", max_length=160)
    # Sanitised rich text (``apps.news.services``), as the blogs store it.
    body = models.TextField("texte")
    audience = models.CharField(
        "pour", max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    pinned = models.BooleanField("à la une", default=False)
    # Shown through that day; purged three years later with its files (apps.privacy.retention).
    expires_on = models.DateField("visible jusqu'au")
    # Shown on the school's public site, without login: a moderator's choice, refused while a
    # photo shows a pupil without photo consent.
    public = models.BooleanField("visible sur le site public de l'école", default=False)
    untagged_confirmed = models.BooleanField(default=False)
    # When its audience was told (at its publication date, under quiet hours); None: not yet.
    announced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "actualité"
        verbose_name_plural = "actualités"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["school", "expires_on"]),
            models.Index(fields=["expires_on"], name="news_expiry"),
        ]

    def __str__(self) -> str:
        return self.title


class Colour(models.TextChoices):
    """The banner's colour pairs (background, text), each above WCAG AA (4.5:1): ``PAIRS``,
    checked by tests/news/test_banner.py."""

    RED = "rouge", "Rouge (alerte)"
    ORANGE = "orange", "Orange (vigilance)"
    BLUE = "bleu", "Bleu (information)"
    GREEN = "vert", "Vert (fin d'alerte)"


PAIRS: dict[str, tuple[str, str]] = {
    Colour.RED: ("#a4161a", "#ffffff"),
    Colour.ORANGE: ("#ffb000", "#1a1a1a"),
    Colour.BLUE: ("#003f7d", "#ffffff"),
    Colour.GREEN: ("#1b5e20", "#ffffff"),
}


class Banner(models.Model):
    # None: every school of the commune (the commune administrator's).
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="banners"
    )
    message = models.CharField("message", max_length=300)
    colour = models.CharField("couleur", max_length=10, choices=Colour.choices, default=Colour.RED)
    audience = models.CharField(
        "pour", max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    expires_at = models.DateTimeField("affiché jusqu'au")
    # Others still read what the banner said after its author left.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField("arrêté le", null=True, blank=True)

    class Meta:
        verbose_name = "bandeau d'alerte"
        verbose_name_plural = "bandeaux d'alerte"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["expires_at"], name="banner_expiry")]

    def __str__(self) -> str:
        return self.message
