"""Schools, years and classes (each commune's own schema).

French school vocabulary is kept where English has no honest equivalent: *maternelle*
(ages 3–6) and *élémentaire* (6–11); levels TPS … CM2; ULIS and UPE2A set-ups.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from apps.accounts.models import Profile
from apps.schools.validators import validate_hex_colour, validate_uai


class SchoolKind(models.TextChoices):
    MATERNELLE = "maternelle", "École maternelle"
    ELEMENTAIRE = "elementaire", "École élémentaire"
    PRIMAIRE = "primaire", "École primaire"


class DeploymentStatus(models.TextChoices):
    NOT_DEPLOYED = "not_deployed", "Non déployée"
    PILOT = "pilot", "Pilote"
    ACTIVE = "active", "Active"


# Schools whose classes count as deployed (billing, dashboard).
DEPLOYED_STATUSES = (DeploymentStatus.PILOT, DeploymentStatus.ACTIVE)


class School(models.Model):
    uai = models.CharField("code UAI", max_length=8, unique=True, validators=[validate_uai])
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=12, choices=SchoolKind.choices)
    street = models.CharField("adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    deployment_status = models.CharField(
        "déploiement",
        max_length=12,
        choices=DeploymentStatus.choices,
        default=DeploymentStatus.NOT_DEPLOYED,
    )
    # Branding of the school site (used by the school site and the school's pages).
    primary_colour = models.CharField(
        "couleur principale", max_length=7, default="#003f7d", validators=[validate_hex_colour]
    )
    secondary_colour = models.CharField(
        "couleur secondaire", max_length=7, default="#ffbf47", validators=[validate_hex_colour]
    )
    logo = models.FileField("logo", upload_to="schools/logos/", blank=True)

    class Meta:
        verbose_name = "école"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deployed(self) -> bool:
        return self.deployment_status in DEPLOYED_STATUSES


class SchoolYear(models.Model):
    label = models.CharField("année scolaire", max_length=9, unique=True)  # "2026-2027"
    starts_on = models.DateField("rentrée")
    ends_on = models.DateField("fin d'année")
    is_current = models.BooleanField("en cours", default=False)

    class Meta:
        verbose_name = "année scolaire"
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_year"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="year_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Level(models.TextChoices):
    TPS = "TPS", "Toute petite section"
    PS = "PS", "Petite section"
    MS = "MS", "Moyenne section"
    GS = "GS", "Grande section"
    CP = "CP", "Cours préparatoire"
    CE1 = "CE1", "Cours élémentaire 1"
    CE2 = "CE2", "Cours élémentaire 2"
    CM1 = "CM1", "Cours moyen 1"
    CM2 = "CM2", "Cours moyen 2"


MATERNELLE_LEVELS = frozenset({Level.TPS, Level.PS, Level.MS, Level.GS})


class ClassSetup(models.TextChoices):
    ORDINARY = "ordinary", "Classe ordinaire"
    ULIS = "ulis", "ULIS"
    UPE2A = "upe2a", "UPE2A"


class Classroom(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classrooms")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="classrooms")
    name = models.CharField("nom", max_length=120)
    levels = ArrayField(
        models.CharField(max_length=3, choices=Level.choices), verbose_name="niveaux", default=list
    )
    setup = models.CharField(
        "dispositif", max_length=10, choices=ClassSetup.choices, default=ClassSetup.ORDINARY
    )
    onde_id = models.CharField("identifiant ONDE", max_length=40, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="taught_classrooms", blank=True
    )
    # Whether pupils of the class may write to one another (the teacher decides).
    pupils_may_message_each_other = models.BooleanField(default=False)

    class Meta:
        verbose_name = "classe"
        ordering = ["school__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "name"], name="class_name_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.school})"

    @property
    def is_maternelle(self) -> bool:
        return bool(self.levels) and set(self.levels) <= MATERNELLE_LEVELS


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Inscrit"
    LEAVING = "leaving", "Départ signalé"
    LEFT = "left", "Parti"


# A pupil whose departure is announced (LEAVING) is still in the class until they have left:
# both count wherever "the pupils of the class" are meant (rights, lists, counts, cards).
CURRENT_ENROLMENT_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.LEAVING)


def current_enrolment(through: str = "") -> Q:
    """The filter of a current enrolment, from the model (``through=""``) or across a join
    (``"enrolments"`` from a pupil, ``"child__enrolments"`` from a guardianship…). It goes
    in the same ``filter()`` as the join's other conditions, so both apply to one enrolment.
    """
    prefix = f"{through}__" if through else ""
    return Q(**{f"{prefix}status__in": CURRENT_ENROLMENT_STATUSES})


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def current(self) -> EnrolmentQuerySet:
        """Pupils in their class, departure announced or not (not those who left)."""
        return self.filter(current_enrolment())

    def this_year(self) -> EnrolmentQuerySet:
        """Current enrolments of the current school year (joined in SQL, no query first)."""
        return self.current().filter(year__is_current=True)


class Enrolment(models.Model):
    """A pupil in a class for a school year (one class per pupil and year)."""

    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    classroom = models.ForeignKey(Classroom, on_delete=models.PROTECT, related_name="enrolments")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="enrolments")
    level = models.CharField("niveau", max_length=3, choices=Level.choices, blank=True)
    status = models.CharField(
        max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    left_on = models.DateField(null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        constraints = [
            models.UniqueConstraint(fields=["pupil", "year"], name="one_class_per_pupil_and_year"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} → {self.classroom}"


class GuardianKind(models.TextChoices):
    LEGAL_1 = "legal1", "Responsable légal 1"
    LEGAL_2 = "legal2", "Responsable légal 2"
    OTHER = "other", "Autre responsable"


class Guardianship(models.Model):
    """A parent (or other responsible adult) of a pupil."""

    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardianships"
    )
    child = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guardians_links"
    )
    kind = models.CharField(max_length=8, choices=GuardianKind.choices)
    parental_authority = models.BooleanField("autorité parentale", default=True)

    class Meta:
        verbose_name = "responsable"
        constraints = [
            models.UniqueConstraint(fields=["guardian", "child"], name="one_link_per_pair"),
            models.CheckConstraint(condition=~Q(guardian=models.F("child")), name="not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.get_kind_display()}) de {self.child}"


class SchoolRole(models.TextChoices):
    """The role of an adult in a school: one of the staff profiles, with the profile's own
    value (one person, one profile, and the role follows it: ``apps.accounts.services``'
    ``ADULT_ROLES``); the labels say what the person is in that school."""

    DIRECTOR = Profile.DIRECTOR.value, "Direction"
    TEACHER = Profile.TEACHER.value, Profile.TEACHER.label
    STAFF = Profile.STAFF.value, Profile.STAFF.label


class SchoolMembership(models.Model):
    """An adult working in a school: direction, teachers, other staff (ATSEM, périscolaire)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=SchoolRole.choices)

    class Meta:
        verbose_name = "personnel de l'école"
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="one_role_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.school}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    SUCCEEDED = "succeeded", "Terminé"
    FAILED = "failed", "Échec"


class ImportJob(models.Model):
    """An ONDE import started from the commune's administration pages.

    The Celery task writes its progress (phase, rows processed out of total) to this row
    through a connection of its own, outside the import's transaction, so that the status
    page sees it while the import runs. The uploaded files are kept here only until the
    import ends (they hold children's personal data), then emptied.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    dry_run = models.BooleanField("simulation", default=False)
    status = models.CharField(
        "état", max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    phase = models.CharField("étape", max_length=60, blank=True)
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    pupils_filename = models.CharField(max_length=255)
    guardians_filename = models.CharField(max_length=255)
    pupils_data = models.BinaryField(default=bytes, editable=False)
    guardians_data = models.BinaryField(default=bytes, editable=False)
    errors = models.JSONField("erreurs", default=list, blank=True)
    summary = models.JSONField("bilan", default=dict, blank=True)

    class Meta:
        verbose_name = "import ONDE"
        verbose_name_plural = "imports ONDE"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import ONDE {self.school} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED)
