"""Rooms, their posts and who is in them.

* A ``Room`` is a class's (opened by its teacher, now or on a weekly schedule of ``Slot`` rows)
  or a school's staff room (always open to its staff). There is no private room: pupils never
  talk one to one.
* A ``Post`` is stored before anything is pushed. Every change of a room (a post, a deletion, a
  release) takes the room's next ``version`` (``Room.last_version``, incremented under the
  room's row lock): a post's ``number`` is the version it was written at (its place in the
  room), its ``version`` the version of its last change. A client that reconnects says the last
  version it saw and gets every change after it, once, in order; the channel layer is only the
  fast path.
* ``Presence``: one row per open connection (refreshed by the client's heartbeat), so that every
  web process knows whether a teacher of the class is in the room.
* ``Mute``: a pupil silenced for one session of the room (the opening it applies to).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.schools.models import Classroom, School

MAX_POST_LENGTH = 1000


class RoomKind(models.TextChoices):
    CLASS = "class", "Salon de la classe"
    STAFF = "staff", "Salle des maîtres"


class Room(models.Model):
    kind = models.CharField("type", max_length=10, choices=RoomKind.choices)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    classroom = models.OneToOneField(
        Classroom, on_delete=models.CASCADE, null=True, blank=True, related_name="chat_room"
    )
    # Opened "now" by a teacher (until they close it, the same day at the latest).
    opened_at = models.DateTimeField("ouvert le", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The last time a teacher closed it: it also ends a scheduled slot under way.
    closed_at = models.DateTimeField("fermé le", null=True, blank=True)
    last_version = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "salon"
        constraints = [
            models.UniqueConstraint(
                fields=["school"], condition=Q(kind="staff"), name="chat_one_staff_room"
            ),
            models.CheckConstraint(
                condition=Q(kind="class", classroom__isnull=False)
                | Q(kind="staff", classroom__isnull=True),
                name="chat_class_room_has_its_class",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.kind == RoomKind.CLASS and self.classroom is not None:
            return f"Salon de la classe {self.classroom.name}"
        return "Salle des maîtres"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "lundi"
    TUESDAY = 1, "mardi"
    WEDNESDAY = 2, "mercredi"
    THURSDAY = 3, "jeudi"
    FRIDAY = 4, "vendredi"
    SATURDAY = 5, "samedi"
    SUNDAY = 6, "dimanche"


class Slot(models.Model):
    """A weekly opening of a class room (Europe/Paris wall-clock times)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    starts = models.TimeField("de")
    ends = models.TimeField("à")

    class Meta:
        verbose_name = "créneau d'ouverture"
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(starts__lt=models.F("ends")), name="chat_slot_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class PostState(models.TextChoices):
    SHOWN = "shown", "Publié"
    HELD = "held", "Retenu pour l'enseignant"
    DELETED = "deleted", "Supprimé"


class Post(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField("message", max_length=MAX_POST_LENGTH)
    state = models.CharField(max_length=10, choices=PostState.choices, default=PostState.SHOWN)
    number = models.BigIntegerField()
    version = models.BigIntegerField()
    # The words of the list that held it (shown to the teacher, never to the class).
    flagged = models.CharField(max_length=200, blank=True)
    # Seen by the class at some point: a post deleted while held leaves no trace for them.
    was_shown = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "message de salon"
        constraints = [
            models.UniqueConstraint(fields=["room", "number"], name="chat_post_number"),
            models.UniqueConstraint(fields=["room", "version"], name="chat_post_version"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.number}"


class Presence(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["room", "seen_at"], name="chat_presence_room")]

    def __str__(self) -> str:
        return self.channel_name


class Mute(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The start of the opening it applies to: the next opening lets the pupil write again.
    session = models.DateTimeField()
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user", "session"], name="chat_one_mute")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} muted in {self.room_id}"


class ReportState(models.TextChoices):
    OPEN = "open", "À traiter"
    KEPT = "kept", "Conservé"
    DELETED = "deleted", "Supprimé"


class Report(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField("motif", max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "signalement de salon"
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(state="open"),
                name="chat_one_open_report_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"report {self.pk} of {self.post_id}"
