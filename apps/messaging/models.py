"""The messagerie: one ``Message`` row per message written, one ``Copy`` per person who holds
it (the sender's sent copy or draft, each recipient's inbox copy), the addresses the sender
wrote (persons and groups), user folders, and the safety rows (class moderation, reports,
restrictions, limits, blocked senders).

A group address ("Parents de CE2 A") is expanded into copies when the message is delivered,
by the rules then in force (``apps.messaging.groups``); the address itself is what the
others see, never the members. A copy is the largest table: its indexes serve the inbox
query (one owner, one box or folder, not in the trash, newest first) and the unread badge.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.publications.models import Publication
from apps.schools.models import Classroom, School


class State(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    # Waiting for a teacher of the pupil's class (pupils' mail, when the class moderates).
    MODERATION = "moderation", "En attente de validation"
    # Past the sender's limits: waiting for a referent to release it.
    HELD = "held", "Retenu pour vérification"
    # Sent during quiet hours: stored, delivered when the slot ends.
    SCHEDULED = "scheduled", "Remise programmée"
    DELIVERED = "delivered", "Remis"
    REFUSED = "refused", "Refusé"
    # Deleted for everyone by a referent after a report.
    REMOVED = "removed", "Supprimé"


class Message(models.Model):
    # The owner row of its files (``apps.attachments``): a message is a publication of kind
    # "messaging.message", published when it is delivered.
    publication = models.OneToOneField(
        Publication, on_delete=models.CASCADE, related_name="message"
    )
    # Emptied when the account is erased: the others keep reading it under "ancien compte".
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The thread's first message (None for that first message itself).
    thread = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    forwarded_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField("objet", max_length=200, blank=True)
    # Plain text with line breaks; shown escaped (``linebreaksbr``), never as HTML.
    body = models.TextField("message", blank=True)
    state = models.CharField("état", max_length=12, choices=State.choices, default=State.DRAFT)
    no_reply = models.BooleanField("sans réponse", default=False)
    acknowledgement_requested = models.BooleanField("accusé de lecture demandé", default=False)
    urgent = models.BooleanField("urgent", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    deliver_at = models.DateTimeField("à remettre le", null=True, blank=True)
    delivered_at = models.DateTimeField("remis le", null=True, blank=True)
    recalled_at = models.DateTimeField("rappelé le", null=True, blank=True)
    # Moderation, hold and removal: who decided, when, and why (French, shown to the sender).
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)
    # For a pupil's message waiting for moderation: the class whose teachers moderate it.
    moderation_class = models.ForeignKey(
        Classroom, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why a held message is held (the limit passed), in French.
    held_reason = models.CharField(max_length=300, blank=True)
    # The French full text of subject, body and sender's name (``apps.messaging.search``).
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "message"
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False),
                name="messaging_delivered_has_date",
            ),
        ]
        indexes = [
            GinIndex(fields=["search"], name="messaging_message_search"),
            models.Index(
                fields=["state", "deliver_at"],
                name="messaging_message_due",
                condition=Q(state="scheduled"),
            ),
            models.Index(
                fields=["moderation_class", "sent_at"],
                name="messaging_message_moderation",
                condition=Q(state="moderation"),
            ),
            models.Index(fields=["thread"], name="messaging_message_thread"),
        ]

    def __str__(self) -> str:
        return self.subject or f"message {self.pk}"

    @property
    def thread_root_id(self) -> int:
        return self.thread_id or self.pk

    @property
    def is_recalled(self) -> bool:
        return self.recalled_at is not None


class Field(models.TextChoices):
    TO = "to", "À"
    CC = "cc", "Cc"
    BCC = "bcc", "Cci"


class GroupKind(models.TextChoices):
    PERSON = "person", "Personne"
    CLASS_PARENTS = "class_parents", "Parents de la classe"
    CLASS_PUPILS = "class_pupils", "Élèves de la classe"
    SCHOOL_PARENTS = "school_parents", "Parents de l'école"
    SCHOOL_PUPILS = "school_pupils", "Élèves de l'école"
    SCHOOL_TEACHERS = "school_teachers", "Enseignants de l'école"
    SCHOOL_STAFF = "school_staff", "Équipe de l'école"
    SCHOOL_DIRECTION = "school_direction", "Direction de l'école"


class Address(models.Model):
    """One entry of To / Cc / Bcc as the sender wrote it: a person or a group. ``label`` is
    what is shown ("Parents de CE2 A"), kept as it was when the message was written."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="addresses")
    field = models.CharField(max_length=3, choices=Field.choices, default=Field.TO)
    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    classroom = models.ForeignKey(
        Classroom, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="person") | Q(person__isnull=False) | Q(label__gt=""),
                name="messaging_person_address_names_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Box(models.TextChoices):
    INBOX = "inbox", "Boîte de réception"
    SENT = "sent", "Envoyés"
    DRAFTS = "drafts", "Brouillons"


class Folder(models.Model):
    """A person's own folder, at most two levels deep (a folder and its sub-folders)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_folders"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField("nom", max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dossier"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "parent", "name"],
                name="messaging_folder_name_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Copy(models.Model):
    """The message as one person holds it: the sender's draft or sent copy, a recipient's
    inbox copy; its folder, read and flag state, trash and acknowledgement."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="copies")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    box = models.CharField(max_length=6, choices=Box.choices)
    # How it reached a recipient (to / cc / bcc) — empty for the sender's copy.
    field = models.CharField(max_length=3, choices=Field.choices, blank=True)
    # The group address it came through, if any (the per-family read table).
    via = models.ForeignKey(
        Address, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For a parent reached through a group: the child through whom (the read table's family).
    child = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    folder = models.ForeignKey(
        Folder, on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    # When it came (delivery) or was written (draft, sent): the boxes' order.
    sort_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    trashed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "exemplaire"
        constraints = [
            models.UniqueConstraint(fields=["message", "owner"], name="messaging_copy_once"),
        ]
        indexes = [
            # The boxes and folders: one owner, not in the trash, newest first.
            models.Index(
                "owner",
                "box",
                "folder",
                models.F("sort_at").desc(),
                name="messaging_copy_box",
                condition=Q(trashed_at__isnull=True),
            ),
            # The unread badge: counts an index range.
            models.Index(
                fields=["owner"],
                name="messaging_copy_unread",
                condition=Q(read_at__isnull=True, trashed_at__isnull=True, box="inbox"),
            ),
            models.Index(
                "owner",
                models.F("trashed_at").desc(),
                name="messaging_copy_trash",
                condition=Q(trashed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.message_id} de {self.owner_id} ({self.box})"


class Settings(models.Model):
    """A person's messaging settings: the signature added under what they write."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_settings"
    )
    signature = models.TextField("signature", max_length=500, blank=True)

    def __str__(self) -> str:
        return f"réglages de {self.user_id}"


class ClassPolicy(models.Model):
    """A class's choice for its pupils' mail; no row means moderated (the default)."""

    classroom = models.OneToOneField(
        Classroom, on_delete=models.CASCADE, related_name="mail_policy"
    )
    moderated = models.BooleanField("messages des élèves validés par l'enseignant", default=True)

    def __str__(self) -> str:
        return f"classe {self.classroom_id} : {'modérée' if self.moderated else 'libre'}"


class Restriction(models.Model):
    """ "Messagerie restreinte" for a school (or the whole commune, ``school`` empty): only
    the direction and the commune administrator may write to groups of pupils or parents.
    ``pupils_suspended`` (commune row only): pupils may neither write nor receive."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    restricted = models.BooleanField("messagerie restreinte", default=False)
    pupils_suspended = models.BooleanField("messagerie des élèves suspendue", default=False)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school"], name="messaging_restriction_once", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=True) | Q(pupils_suspended=False),
                name="messaging_suspension_is_communes",
            ),
        ]

    def __str__(self) -> str:
        return f"restriction {self.school_id or 'commune'}"


class CommuneSettings(models.Model):
    """The commune's messaging settings (one row): retention and the sending limits of each
    profile (empty: the default of ``apps.messaging.limits``)."""

    retention_years = models.PositiveSmallIntegerField(
        "conservation des messages (années)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    # {"parent": {"recipients": 5, "per_hour": 20}, ...}; read through ``limits.limits_for``.
    limits = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return "réglages de la messagerie"


class SenderBlock(models.Model):
    """A person whose messaging a referent blocked (they may still read)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_block"
    )
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    blocked_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"blocage de {self.user_id}"


class ReportState(models.TextChoices):
    OPEN = "open", "À traiter"
    KEPT = "kept", "Conservé"
    DELETED = "deleted", "Supprimé pour tous"
    BLOCKED = "blocked", "Supprimé, expéditeur bloqué"


class Report(models.Model):
    """ "Signaler": a recipient sends a message to the commune's referents."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField("motif", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=8, choices=ReportState.choices, default=ReportState.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="messaging_report_once"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="messaging_report_open", condition=Q(state="open")
            ),
        ]

    def __str__(self) -> str:
        return f"signalement du message {self.message_id}"
