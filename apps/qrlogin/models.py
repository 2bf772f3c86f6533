"""QR login tokens: a printed link that logs ONE maternelle pupil in on a class device."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class QrLoginToken(models.Model):
    """A pupil's personal login link, printed as a QR code on their login card.

    Only a SHA-256 digest of the token is stored: the token itself exists on paper, and in
    memory while the card is rendered. Revoking it (or issuing a new one, which revokes the
    old) takes effect on the next scan; one live token per pupil.
    """

    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qr_login_tokens"
    )
    token_hash = models.CharField("empreinte", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière connexion", null=True, blank=True)

    class Meta:
        verbose_name = "QR code de connexion"
        verbose_name_plural = "QR codes de connexion"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(revoked_at__isnull=True), name="one_live_qr_per_pupil"
            ),
        ]

    def __str__(self) -> str:
        state = "révoqué" if self.revoked_at else "actif"
        return f"QR code de {self.pupil_id} ({state})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
