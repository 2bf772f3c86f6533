"""Account writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.accounts.lifecycle import account_is_usable, issue_activation_code
from apps.accounts.models import Civility, Profile, User
from apps.accounts.selectors import current_year
from apps.audit.services import record_event
from apps.schools.models import Classroom, School, SchoolMembership, SchoolRole


@dataclass(frozen=True)
class CreatedAccount:
    user: User
    activation_path: str


def activation_path_for(user: User) -> str:
    """A one-time link: the token stops working once the password is set."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse(
        "accounts:activate",
        kwargs={"uidb64": uidb64, "token": token},
        urlconf="config.urls_tenants",
    )


# --- every new account ---------------------------------------------------------------------------


def account_build(
    *,
    profile: str,
    username: str = "",
    password: str | None = None,
    with_activation_code: bool = False,
    **fields: Any,
) -> User:
    """A new account, not saved: ``profile`` and ``fields`` as given, and no usable password
    unless ``password`` is (a demo account). ``with_activation_code`` adds the code printed on
    the login card, which the first login swaps for a password of the person's own.

    Imports build many and save them at once with ``accounts_bulk_create``; they may leave the
    username empty until they allocate the logins of the whole file.
    """
    if with_activation_code and password is not None:
        raise ValueError("an account activated by its code has no password yet")
    user = User(username=username, profile=profile, **fields)
    if with_activation_code:
        issue_activation_code(user, save=False)  # the password is left unusable too
    elif password is not None:
        user.set_password(password)
    else:
        user.set_unusable_password()
    return user


def account_create(
    *,
    profile: str,
    username: str,
    password: str | None = None,
    with_activation_code: bool = False,
    **fields: Any,
) -> User:
    """``account_build``, validated (``ValidationError`` names the refused fields) and saved."""
    user = account_build(
        profile=profile,
        username=username,
        password=password,
        with_activation_code=with_activation_code,
        **fields,
    )
    user.full_clean(exclude=["password"])
    user.save()
    return user


def accounts_bulk_create(users: Iterable[User]) -> list[User]:
    """Save accounts from ``account_build`` in one statement (PostgreSQL returns their ids).

    Nothing is validated here: the imports check every cell as they read their files, and a
    file of a thousand pupils must not cost a thousand uniqueness queries.
    """
    return User.objects.bulk_create(list(users))


# --- commune administrators ----------------------------------------------------------------------


@transaction.atomic
def commune_admin_create(
    *, email: str, first_name: str = "", last_name: str = ""
) -> CreatedAccount:
    """Create a commune administrator with no password yet, to be activated by link."""
    user = account_create(
        profile=Profile.COMMUNE_ADMIN,
        username=email.lower(),
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
    )
    return CreatedAccount(user=user, activation_path=activation_path_for(user))


# --- adults of the schools: teachers, directors, other staff ---------------------------------

# The profiles the commune administrator creates by hand (pupils and parents come from ONDE),
# and the role each holds in the schools it is given: one person, one profile, so the role
# follows the profile (a director's membership is what makes them direct the school).
ADULT_ROLES: dict[str, str] = {
    profile: SchoolRole(profile) for profile in (Profile.TEACHER, Profile.DIRECTOR, Profile.STAFF)
}
# Those who may teach classes (Classroom.teachers gives the rights of the class's teacher:
# an ATSEM or périscolaire staff member is in the school, not a class's teacher).
TEACHING_PROFILES = frozenset({Profile.TEACHER, Profile.DIRECTOR})
# The e-mail address lets them reset their password; the teachers' import also finds
# existing teachers by it. Staff (ATSEM, périscolaire) often have none at work.
EMAIL_REQUIRED = frozenset({Profile.TEACHER, Profile.DIRECTOR})
USERNAME_FALLBACK = "personnel"


class AccountError(Exception):
    """A request the rules refuse; the message is French and says what to change."""


@dataclass(frozen=True)
class CreatedAdult:
    user: User
    # Shown once on the page that follows, then only the digest of the password matters.
    activation_code: str


def _clean_email(email: str, profile: str, *, exclude_pk: int | None = None) -> str:
    email = email.strip().lower()
    if not email:
        if profile in EMAIL_REQUIRED:
            raise AccountError(
                "Indiquez l'adresse électronique : elle permet de réinitialiser le mot de passe."
            )
        return ""
    taken = User.objects.filter(email__iexact=email, profile__in=ADULT_ROLES)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise AccountError(f"L'adresse {email} est déjà celle d'un compte du personnel.")
    return email


def _check_assignments(
    profile: str, schools: Sequence[School], classrooms: Sequence[Classroom]
) -> None:
    if not schools:
        raise AccountError("Choisissez au moins une école.")
    if classrooms and profile not in TEACHING_PROFILES:
        raise AccountError(
            "Seuls les enseignants et les directeurs peuvent être enseignants d'une classe."
        )
    school_ids = {school.pk for school in schools}
    year = current_year()
    for classroom in classrooms:
        if year is None or classroom.year_id != year.pk:
            raise AccountError(f"La classe {classroom.name} n'est pas une classe de cette année.")
        if classroom.school_id not in school_ids:
            raise AccountError(
                f"La classe {classroom.name} ({classroom.school.name}) n'est dans aucune des "
                "écoles choisies."
            )


def _validation_text(error: ValidationError) -> str:
    labels = {field.name: str(field.verbose_name) for field in User._meta.fields}
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        f"{labels.get(name, name).capitalize()} : {' '.join(ValidationError(errors).messages)}"
        for name, errors in error.error_dict.items()
    )


@transaction.atomic
def adult_create(
    *,
    actor: User,
    profile: str,
    first_name: str,
    last_name: str,
    email: str = "",
    civility: str = "",
    schools: Sequence[School],
    classrooms: Sequence[Classroom] = (),
    request: HttpRequest | None = None,
) -> CreatedAdult:
    """A teacher, director or staff account with its schools (and classes), no password yet
    and an activation code; the login is allocated like the imports do (``prenom.nom``, then
    ``prenom.nom2``…). Raises AccountError, and writes nothing, when the input is refused."""
    # Imported here: the imports build their accounts with this module, and importing
    # ``apps.schools.onde`` runs its package, which imports them.
    from apps.schools.onde.names import UsernameAllocator, username_base, usernames_taken
    from apps.schools.onde.service import lock_commune_accounts

    if profile not in ADULT_ROLES:
        raise AccountError("Choisissez le profil : enseignant, directeur ou personnel.")
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name or not last_name:
        raise AccountError("Indiquez le prénom et le nom.")
    if civility and civility not in Civility.values:
        raise AccountError("Civilité inconnue.")
    _check_assignments(profile, schools, classrooms)
    # The imports allocate logins from the same namespace: one allocation at a time.
    lock_commune_accounts()
    email = _clean_email(email, profile)
    base = username_base(first_name, last_name, fallback=USERNAME_FALLBACK)
    try:
        user = account_create(
            profile=profile,
            username=UsernameAllocator(usernames_taken([base])).allocate(base),
            with_activation_code=True,
            first_name=first_name,
            last_name=last_name,
            email=email,
            civility=civility,
        )
    except ValidationError as error:
        raise AccountError(_validation_text(error)) from error
    role = ADULT_ROLES[profile]
    SchoolMembership.objects.bulk_create(
        SchoolMembership(user=user, school=school, role=role) for school in schools
    )
    user.taught_classrooms.add(*classrooms)
    record_event(
        action="account.created",
        actor=actor,
        target=user.username,
        details={
            "profile": profile,
            "schools": sorted(school.uai for school in schools),
            "classes": sorted(classroom.pk for classroom in classrooms),
        },
        request=request,
    )
    return CreatedAdult(user=user, activation_code=user.activation_code)


@dataclass(frozen=True)
class AssignmentChanges:
    schools_added: list[str]
    schools_removed: list[str]
    classes_added: list[str]
    classes_removed: list[str]

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.schools_added or self.schools_removed or self.classes_added or self.classes_removed
        )


@transaction.atomic
def adult_assignments_change(
    *,
    actor: User,
    user: User,
    schools: Sequence[School],
    classrooms: Sequence[Classroom],
    request: HttpRequest | None = None,
) -> AssignmentChanges:
    """Set an adult's schools and the classes they teach this year.

    A school newly chosen gets a membership with the profile's role; a school no longer chosen
    loses every membership of the person there, and the classes of this year they taught in
    it. Memberships of schools kept stay as they are (an imported role included). Classes of
    past years are history and stay. Raises AccountError, and changes nothing, when refused.
    """
    if user.profile not in ADULT_ROLES:
        raise AccountError("Seuls les comptes du personnel des écoles ont des affectations.")
    _check_assignments(user.profile, schools, classrooms)
    year = current_year()
    chosen_schools = {school.pk: school for school in schools}
    current_schools = {
        m.school_id: m.school
        for m in SchoolMembership.objects.filter(user=user).select_related("school")
    }
    added_schools = [s for pk, s in chosen_schools.items() if pk not in current_schools]
    removed_schools = [s for pk, s in current_schools.items() if pk not in chosen_schools]
    taught = (
        {c.pk: c for c in user.taught_classrooms.filter(year=year).select_related("school")}
        if year is not None
        else {}
    )
    chosen_classes = {classroom.pk: classroom for classroom in classrooms}
    added_classes = [c for pk, c in chosen_classes.items() if pk not in taught]
    removed_classes = [c for pk, c in taught.items() if pk not in chosen_classes]

    role = ADULT_ROLES[user.profile]
    SchoolMembership.objects.bulk_create(
        SchoolMembership(user=user, school=school, role=role) for school in added_schools
    )
    SchoolMembership.objects.filter(
        user=user, school_id__in=[s.pk for s in removed_schools]
    ).delete()
    user.taught_classrooms.add(*added_classes)
    user.taught_classrooms.remove(*removed_classes)

    def named(classroom: Classroom) -> str:
        return f"{classroom.name} ({classroom.school.name})"

    changes = AssignmentChanges(
        schools_added=sorted(s.name for s in added_schools),
        schools_removed=sorted(s.name for s in removed_schools),
        classes_added=sorted(named(c) for c in added_classes),
        classes_removed=sorted(named(c) for c in removed_classes),
    )
    if changes.changed_anything:
        record_event(
            action="account.assignments_changed",
            actor=actor,
            target=user.username,
            details={
                "schools_added": changes.schools_added,
                "schools_removed": changes.schools_removed,
                "classes_added": changes.classes_added,
                "classes_removed": changes.classes_removed,
            },
            request=request,
        )
    return changes


@transaction.atomic
def activation_code_reissue(*, actor: User, user: User, request: HttpRequest | None = None) -> str:
    """A new activation code for an adult who lost theirs or their password: the old code and
    the password stop working, the account is to activate again. Audited like the cards of
    the class pages."""
    if not account_is_usable(user):
        raise AccountError(
            "Ce compte est bloqué ou parti : débloquez-le avant de lui donner un nouveau code."
        )
    code = issue_activation_code(user)
    record_event(action="account.code_reissued", actor=actor, target=user.username, request=request)
    return code
