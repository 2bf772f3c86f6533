"""What is new for each person: one row per recipient and event, read or not, and each
adult's choice of a daily e-mail digest (pupils never get e-mail)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.notifications.kinds import label_of


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # A kind registered by the feature that sends it (``apps.notifications.kinds``): no
    # choices here, so that a new kind needs no migration.
    kind = models.CharField("type", max_length=32)
    title = models.CharField("titre", max_length=200)
    # A path of the commune's site (never an absolute URL: the host is the commune's).
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField("créée le", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    # Set when the notification went out in an e-mail digest, so it is never sent twice.
    emailed_at = models.DateTimeField("envoyée par e-mail le", null=True, blank=True)
    # What the notification tells, e.g. "liaison_note:12": the delivery runs in a Celery task
    # that a worker crash may run twice, and a person is told of one event once. Empty for
    # notifications without such a key (each is then its own event).
    event = models.CharField("événement", max_length=100, blank=True, default="")
    # --- quiet hours (apps.quiethours) ---
    # When the notification is due (``delivery_time`` of its creation under its school's
    # slots) and when it was delivered: a held one has no ``delivered_at`` and nobody sees
    # it (feed, badge, digest) until ``release_due`` delivers it, once.
    deliver_at = models.DateTimeField("à remettre le", default=timezone.now)
    delivered_at = models.DateTimeField("remise le", null=True, blank=True, default=timezone.now)
    # Sent at once despite quiet hours by the direction (journalled as quiethours.emergency).
    urgent = models.BooleanField("urgente", default=False)

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True, delivered_at__isnull=False),
                name="notification_unread",
            ),
            # The release task's scan: only the held rows.
            models.Index(
                fields=["deliver_at"],
                condition=Q(delivered_at__isnull=True),
                name="notification_held",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"],
                condition=~Q(event=""),
                name="notification_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient_id}"

    @property
    def kind_label(self) -> str:
        return label_of(self.kind)


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_digest = models.BooleanField("résumé quotidien par e-mail", default=False)
    # The day (Europe/Paris) of the last digest: one digest a day at most.
    last_digest_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "préférence de notification"

    def __str__(self) -> str:
        return f"Préférences de {self.user_id}"
