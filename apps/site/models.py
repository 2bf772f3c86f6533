"""A school's public site: one ``Site`` per school and its tree of ``Page`` rows."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from apps.schools.validators import validate_hex_colour
from apps.site import rgaa


class Site(models.Model):
    """Created, with its default pages, the first time the site is opened for editing.

    The colours are the header's background and its text, a pair that reaches WCAG AA
    (``apps.site.contrast``); the logo is an image checked and stripped of its metadata by
    the attachments service, served by the site itself (``/ecole/<UAI>/logo``)."""

    school = models.OneToOneField("schools.School", on_delete=models.CASCADE, related_name="site")
    published = models.BooleanField("publié", default=False)
    background_colour = models.CharField(
        "couleur du bandeau", max_length=7, default="#003f7d", validators=[validate_hex_colour]
    )
    text_colour = models.CharField(
        "couleur du texte du bandeau",
        max_length=7,
        default="#ffffff",
        validators=[validate_hex_colour],
    )
    logo = models.FileField("logo", upload_to="site/logos/", blank=True)
    logo_type = models.CharField(max_length=40, blank=True)
    # The last RGAA audit, as its report says (``apps.site.rgaa`` turns the rate into the
    # declaration's status); none recorded: the site is declared « non conforme ».
    audit_on = models.DateField("date de l'audit RGAA", null=True, blank=True)
    audit_rate = models.PositiveSmallIntegerField("taux de conformité (%)", null=True, blank=True)
    audit_by = models.CharField("audit réalisé par", max_length=200, blank=True)
    audit_failures = models.TextField("non-conformités et dérogations", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "site de l'école"
        verbose_name_plural = "sites des écoles"

    def __str__(self) -> str:
        return f"Site de {self.school_id}"

    @property
    def accessibility(self) -> rgaa.Status:
        return rgaa.status(self.audit_rate)


class Page(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="pages")
    # A page goes with its sub-pages (the deletion's confirmation says how many).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    title = models.CharField("titre", max_length=120)
    slug = models.SlugField("adresse", max_length=80)
    body = models.TextField("texte", blank=True)  # sanitised HTML (apps.site.services)
    position = models.PositiveIntegerField("position", default=0)
    published = models.BooleanField("publiée", default=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "page"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "slug"], condition=Q(parent__isnull=True), name="site_top_slug"
            ),
            models.UniqueConstraint(
                fields=["site", "parent", "slug"],
                condition=Q(parent__isnull=False),
                name="site_child_slug",
            ),
        ]
        indexes = [models.Index(fields=["site", "position"])]

    def __str__(self) -> str:
        return self.title
