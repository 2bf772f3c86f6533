"""An ``Attachment`` belongs to exactly one publication (``apps.publications``): an entry of the
cahier de textes, a note of the cahier de liaison, whatever a feature publishes — one key, and
a feature reads its own files with ``select_related("publication")`` and
``prefetch_related("publication__attachments")``. Who may see or change them is the
publication's kind's rule (``apps.publications.registry``), never this app's.

Or it is *pending*, and belongs to no publication yet: a file chosen in a notebook's form that was
refused for another field is stored so that it need not be chosen again. It is bound to its
uploader, to the form (``pending_form``: the kind, the page and its item) and to a random token
the re-rendered form carries (only its SHA-256 digest is kept, so neither the database nor the
personal-data export holds the token itself). The next successful save of that form claims it;
otherwise the retention rules delete it after ``PENDING_HOURS``.

The stored object's key is ``<schema>/<kind>/<yyyy>/<uuid>/<safe name>`` (``kind``: the short
name its publication's kind registered, "homework", "liaison"…): the commune's schema
name first, as each commune's data lives in its own schema (one commune's files never mix with
another's, and a commune's files can be listed, copied or purged by prefix, when it leaves the
groupement for instance), and never the user's raw file name.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from apps.attachments.kinds import FAMILY_ICONS, KINDS
from apps.publications.models import Publication
from apps.publications.registry import kind_of

PENDING_HOURS = 24


def attachment_key(instance: Attachment, filename: str) -> str:
    """``filename`` is already safe (see ``services.safe_name``)."""
    schema = connection.schema_name  # type: ignore[attr-defined]
    year = timezone.localdate().year
    return f"{schema}/{instance.kind}/{year}/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField("fichier", upload_to=attachment_key, max_length=300)
    original_name = models.CharField("nom", max_length=255)
    size = models.PositiveBigIntegerField("taille (octets)")
    content_type = models.CharField("type", max_length=100)
    # A photo's size in pixels once oriented (null for other files, and photos stored before
    # renditions were made): a page gives it to the browser so that nothing moves as it loads.
    width = models.PositiveIntegerField("largeur (pixels)", null=True, blank=True)
    height = models.PositiveIntegerField("hauteur (pixels)", null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)
    # Pending only (see the module's docstring); empty once the file belongs to an item.
    pending_token = models.CharField("empreinte du jeton d'attente", max_length=64, blank=True)
    pending_form = models.CharField("formulaire en attente", max_length=100, blank=True)
    pending_since = models.DateTimeField("en attente depuis", null=True, db_index=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    publication__isnull=False,
                    pending_token="",
                    pending_since__isnull=True,
                )
                | (
                    Q(publication__isnull=True)
                    & Q(pending_since__isnull=False)
                    & ~Q(pending_token="")
                    & ~Q(pending_form="")
                ),
                name="attachment_belongs_to_a_publication_or_is_pending",
            ),
        ]
        indexes = [models.Index(fields=["uploaded_by", "pending_token"], name="attachment_pending")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pending(self) -> bool:
        return self.pending_since is not None

    @property
    def kind(self) -> str:
        """The short name of its publication's kind; pending, the first part of its form's
        key (``homework:edit:12``), which names the same kind, so its key needs no change
        once it is claimed."""
        if self.publication_id is not None:
            return kind_of(self.publication.kind).short  # type: ignore[union-attr]
        return self.pending_form.split(":", 1)[0]

    @property
    def icon(self) -> str:
        known = KINDS.get(self.content_type)
        return known.icon if known else FAMILY_ICONS["document"]

    @property
    def type_label(self) -> str:
        known = KINDS.get(self.content_type)
        return known.label if known else "fichier"


class Rendition(models.Model):
    """A smaller copy of a photo attachment for pages (``apps.attachments.renditions``): its
    own object in the store, next to the original's, deleted with it (``signals``)."""

    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField("largeur (pixels)")
    height = models.PositiveIntegerField("hauteur (pixels)")
    name = models.CharField("objet", max_length=300)
    size = models.PositiveBigIntegerField("taille (octets)")

    class Meta:
        verbose_name = "version réduite d'une photo"
        verbose_name_plural = "versions réduites des photos"
        ordering = ["attachment_id", "width"]
        constraints = [
            models.UniqueConstraint(fields=["attachment", "width"], name="rendition_width_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attachment_id} @ {self.width}w"


class PhotoTag(models.Model):
    """A pupil who appears in a photo, tagged by its publisher. A public page (the school
    site, a public blog post) shows a pupil only with their consent, ONDE's « Autorisation
    photo » (``apps.attachments.selectors.consent_refusal``); a consent withdrawn later takes
    down the public pages that show them (``apps.attachments.consent``)."""

    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="photo_tags")
    pupil = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    tagged_at = models.DateTimeField("identifié le", auto_now_add=True)

    class Meta:
        verbose_name = "élève sur une photo"
        verbose_name_plural = "élèves sur les photos"
        constraints = [
            models.UniqueConstraint(fields=["attachment", "pupil"], name="photo_tag_once"),
        ]
        indexes = [models.Index(fields=["pupil"], name="photo_tag_pupil")]

    def __str__(self) -> str:
        return f"{self.pupil_id} @ {self.attachment_id}"
