"""The import worked out against the database, before any write: what to create, change, keep.

Everything the import needs from the database is read here, in a fixed number of queries
whatever the size of the files (the school's classes of the year, the candidate pupils and
their enrolments, the guardians by e-mail and the existing links of the pupils, the logins
that new ones could collide with). A dry run stops after the plan; a real import writes it
(``apps.schools.onde.apply``) in the same transaction.

Who is who:

* a pupil is the account with the same INE; failing that (no INE on either side, or the
  account has none yet), the pupil account with the same name, first name and birth date;
* a guardian is the parent account with the same e-mail address and first name; failing
  that, the parent already linked to one of their children, with the same names.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Lower

from apps.accounts.models import Profile, User
from apps.accounts.services import account_build
from apps.schools.models import (
    Classroom,
    ClassSetup,
    Enrolment,
    EnrolmentStatus,
    GuardianKind,
    Guardianship,
    School,
    SchoolYear,
)
from apps.schools.onde.csvfile import Issue
from apps.schools.onde.levels import sorted_levels
from apps.schools.onde.linking import Family
from apps.schools.onde.names import (
    UsernameAllocator,
    match_key,
    username_base,
    usernames_taken,
)
from apps.schools.onde.parsing import OndeFiles, PupilLine, class_key
from apps.schools.onde.report import ImportReport

LINK_ORDER = (GuardianKind.LEGAL_1, GuardianKind.LEGAL_2)
# Pupils missing from an export are marked as leaving (and purged later). When more than
# this share of the school's enrolled pupils would be, a file cut short or an export of the
# wrong school is likelier than real departures: the import asks for a confirmation.
LEAVERS_SHARE = 0.2


@dataclass
class ClassPlan:
    key: str
    classroom: Classroom
    created: bool
    changes: list[str]


@dataclass
class AccountPlan:
    user: User
    created: bool
    changes: list[str]


@dataclass
class EnrolmentPlan:
    pupil: AccountPlan
    classroom: ClassPlan
    level: str
    existing: Enrolment | None
    action: str  # created, moved, updated, unchanged


@dataclass
class LinkPlan:
    guardian: AccountPlan
    child: AccountPlan
    kind: str


@dataclass
class Plan:
    school: School
    year: SchoolYear | None
    year_label: str
    files: OndeFiles
    classes: dict[str, ClassPlan] = field(default_factory=dict)
    pupils: list[AccountPlan] = field(default_factory=list)
    guardians: list[AccountPlan] = field(default_factory=list)
    enrolments: list[EnrolmentPlan] = field(default_factory=list)
    leaving: list[Enrolment] = field(default_factory=list)
    links: list[LinkPlan] = field(default_factory=list)
    links_unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)
    # Pupils enrolled in the school's classes of the year before the import.
    enrolled_before: int = 0

    @property
    def leavers_need_confirmation(self) -> bool:
        return len(self.leaving) > LEAVERS_SHARE * self.enrolled_before

    def report(self, *, dry_run: bool, year_created: bool) -> ImportReport:
        report = ImportReport(
            school_uai=self.school.uai,
            school_name=self.school.name,
            year_label=self.year_label,
            year_created=year_created,
            dry_run=dry_run,
            pupils_file=self.files.pupils_file,
            guardians_file=self.files.guardians_file,
        )
        for class_plan in self.classes.values():
            name = class_plan.classroom.name
            if class_plan.created:
                report.classes.created.append(name)
            elif class_plan.changes:
                report.classes.updated.append(f"{name} ({', '.join(class_plan.changes)})")
            else:
                report.classes.unchanged.append(name)
        for outcome, plans in ((report.pupils, self.pupils), (report.guardians, self.guardians)):
            for account in plans:
                user = account.user
                if account.created:
                    outcome.created.append(f"{user.display_name} ({user.username})")
                elif account.changes:
                    outcome.updated.append(f"{user.display_name} ({', '.join(account.changes)})")
                else:
                    outcome.unchanged.append(user.display_name)
        for enrolment in self.enrolments:
            name = f"{enrolment.pupil.user.display_name} → {enrolment.classroom.classroom.name}"
            getattr(report.enrolments, enrolment.action).append(name)
        report.enrolments.leaving.extend(e.pupil.display_name for e in self.leaving)
        report.enrolled_before = self.enrolled_before
        report.leavers_need_confirmation = self.leavers_need_confirmation
        report.links_created.extend(
            f"{link.guardian.user.display_name} → {link.child.user.display_name}"
            for link in self.links
        )
        report.links_unchanged = self.links_unchanged
        return report


def _set(user: User, changes: list[str], attribute: str, value: object, label: str) -> None:
    if getattr(user, attribute) != value:
        setattr(user, attribute, value)
        if label not in changes:
            changes.append(label)


def class_setup_for(label: str) -> str:
    key = match_key(label)
    if "upe2a" in key:
        return ClassSetup.UPE2A
    if "ulis" in key:
        return ClassSetup.ULIS
    return ClassSetup.ORDINARY


class Planner:
    def __init__(
        self,
        *,
        school: School,
        year: SchoolYear | None,
        year_label: str,
        files: OndeFiles,
        families: list[Family],
    ) -> None:
        self.plan = Plan(school=school, year=year, year_label=year_label, files=files)
        self.school = school
        self.year = year
        self.files = files
        self.families = families
        self.new_accounts: list[AccountPlan] = []
        # One entry per line of files.pupils (None for a line that could not be planned).
        self.pupil_accounts: list[AccountPlan | None] = []
        self.pending_links: dict[int, list[LinkPlan]] = defaultdict(list)
        self.school_class_ids: set[int] = set()

    def error(self, file: str, line: int, message: str) -> None:
        self.plan.issues.append(Issue(file, line, message))

    def build(self) -> Plan:
        self._classes()
        enrolments = self._pupils()
        self._enrolments(enrolments)
        self._guardians()
        self._usernames()
        return self.plan

    # --- classes ------------------------------------------------------------------------

    def _classes(self) -> None:
        existing = (
            list(Classroom.objects.filter(school=self.school, year=self.year)) if self.year else []
        )
        self.school_class_ids = {c.pk for c in existing}
        by_onde = {c.onde_id: c for c in existing if c.onde_id}
        by_key = {class_key(c.name): c for c in existing}
        wanted: dict[str, tuple[PupilLine, set[str]]] = {}
        for pupil in self.files.pupils:
            first, levels = wanted.setdefault(pupil.class_key, (pupil, set()))
            if pupil.level:
                levels.add(pupil.level)
        claimed: dict[int, str] = {}
        for key, (first, levels) in wanted.items():
            classroom = by_onde.get(first.class_id) if first.class_id else None
            if classroom is None:
                classroom = by_key.get(key)
            ordered = sorted_levels(levels)
            if classroom is None:
                classroom = Classroom(
                    school=self.school,
                    name=first.class_label,
                    levels=ordered,
                    onde_id=first.class_id,
                    setup=class_setup_for(first.class_label),
                )
                if self.year is not None and self.year.pk is not None:
                    classroom.year = self.year
                self.plan.classes[key] = ClassPlan(key, classroom, created=True, changes=[])
                continue
            if classroom.pk in claimed:
                self.error(
                    self.files.pupils_file,
                    first.line,
                    f"la classe « {first.class_label} » et la classe « {claimed[classroom.pk]} » "
                    f"désignent toutes deux la classe existante « {classroom.name} ».",
                )
                continue
            claimed[classroom.pk] = first.class_label
            changes: list[str] = []
            if classroom.name != first.class_label:
                holder = by_key.get(key)
                if holder is not None and holder.pk != classroom.pk:
                    self.error(
                        self.files.pupils_file,
                        first.line,
                        f"la classe {first.class_id} ne peut pas être renommée "
                        f"« {first.class_label} » : ce nom est déjà pris.",
                    )
                    continue
                classroom.name = first.class_label
                changes.append("nom")
            if ordered and list(classroom.levels) != ordered:
                classroom.levels = ordered
                changes.append("niveaux")
            if first.class_id and classroom.onde_id != first.class_id:
                classroom.onde_id = first.class_id
                changes.append("identifiant ONDE")
            self.plan.classes[key] = ClassPlan(key, classroom, created=False, changes=changes)

    # --- pupils -------------------------------------------------------------------------

    def _pupils(self) -> dict[int, Enrolment]:
        files = self.files
        ines = sorted({p.ine for p in files.pupils if p.ine})
        dates = sorted({p.birth_date for p in files.pupils})
        candidates = list(
            User.objects.filter(Q(ine__in=ines) | Q(profile=Profile.PUPIL, birth_date__in=dates))
        )
        enrolments: dict[int, Enrolment] = {}
        if self.year is not None and self.year.pk is not None:
            enrolments = {
                e.pupil_id: e
                for e in Enrolment.objects.filter(year=self.year)
                .filter(
                    Q(classroom__school=self.school)
                    | Q(pupil__ine__in=ines)
                    | Q(pupil__profile=Profile.PUPIL, pupil__birth_date__in=dates)
                )
                .select_related("pupil")
            }
        by_ine = {u.ine: u for u in candidates if u.ine}
        by_person: dict[tuple[str, str, datetime.date | None], list[User]] = defaultdict(list)
        for candidate in candidates:
            if candidate.profile == Profile.PUPIL:
                key = (
                    match_key(candidate.last_name),
                    match_key(candidate.first_name),
                    candidate.birth_date,
                )
                by_person[key].append(candidate)

        claimed: dict[int, int] = {}
        for pupil in files.pupils:
            self.pupil_accounts.append(None)
            user, refused = self._existing_pupil(pupil, by_ine, by_person, enrolments)
            if refused:
                continue
            if user is not None:
                if user.pk in claimed:
                    self.error(
                        files.pupils_file,
                        pupil.line,
                        f"{pupil.describe()} : le compte existant {user.username} correspond "
                        f"déjà à la ligne {claimed[user.pk]}.",
                    )
                    continue
                claimed[user.pk] = pupil.line
                account = self._update_pupil(user, pupil)
            else:
                account = AccountPlan(user=self._new_pupil(pupil), created=True, changes=[])
                self.new_accounts.append(account)
            self.plan.pupils.append(account)
            self.pupil_accounts[-1] = account
        return enrolments

    def _existing_pupil(
        self,
        pupil: PupilLine,
        by_ine: dict[str, User],
        by_person: dict[tuple[str, str, datetime.date | None], list[User]],
        enrolments: dict[int, Enrolment],
    ) -> tuple[User | None, bool]:
        """The existing account of ``pupil`` (or None), and whether the line is refused."""
        if pupil.ine and pupil.ine in by_ine:
            user = by_ine[pupil.ine]
            if user.profile != Profile.PUPIL:
                self.error(
                    self.files.pupils_file,
                    pupil.line,
                    f"l'INE {pupil.ine} est déjà celui du compte {user.username}, "
                    "qui n'est pas un compte d'élève.",
                )
                return None, True
            return user, False
        found: dict[int, User] = {}
        for name in pupil.name_keys:
            for user in by_person.get((name, pupil.first_key, pupil.birth_date), []):
                if pupil.ine and user.ine and user.ine != pupil.ine:
                    continue  # same name and birth date, another child
                found[user.pk] = user
        if len(found) > 1:
            here = [
                u
                for u in found.values()
                if u.pk in enrolments and enrolments[u.pk].classroom_id in self.school_class_ids
            ]
            if len(here) == 1:
                return here[0], False
            names = ", ".join(sorted(u.username for u in found.values()))
            self.error(
                self.files.pupils_file,
                pupil.line,
                f"{pupil.describe()} : plusieurs comptes existants correspondent ({names}) ; "
                "indiquez l'INE de l'élève.",
            )
            return None, True
        return next(iter(found.values()), None), False

    def _new_pupil(self, pupil: PupilLine) -> User:
        return account_build(
            profile=Profile.PUPIL,
            with_activation_code=True,
            first_name=pupil.first_name,
            last_name=pupil.last_name,
            birth_date=pupil.birth_date,
            ine=pupil.ine,
            photo_consent=pupil.photo_consent,
        )

    def _update_pupil(self, user: User, pupil: PupilLine) -> AccountPlan:
        changes: list[str] = []
        _set(user, changes, "first_name", pupil.first_name, "prénom")
        _set(user, changes, "last_name", pupil.last_name, "nom")
        _set(user, changes, "birth_date", pupil.birth_date, "date de naissance")
        if pupil.ine:
            _set(user, changes, "ine", pupil.ine, "INE")
        if self.files.has_photo_column:
            _set(user, changes, "photo_consent", pupil.photo_consent, "autorisation photo")
        _set(user, changes, "left_at", None, "retour")
        return AccountPlan(user=user, created=False, changes=changes)

    # --- enrolments ---------------------------------------------------------------------

    def _enrolments(self, existing: dict[int, Enrolment]) -> None:
        present: set[int] = set()
        for pupil, account in zip(self.files.pupils, self.pupil_accounts, strict=True):
            class_plan = self.plan.classes.get(pupil.class_key)
            if account is None or class_plan is None:  # reported as an issue already
                continue
            enrolment = existing.get(account.user.pk) if account.user.pk else None
            if account.user.pk:
                present.add(account.user.pk)
            level = pupil.level
            if not self.files.has_level_column:  # unknown: what the ENT has stays
                level = enrolment.level if enrolment is not None else ""
            if enrolment is None:
                action = "created"
            elif class_plan.created or enrolment.classroom_id != class_plan.classroom.pk:
                action = "moved"
                if "classe" not in account.changes and not account.created:
                    account.changes.append("classe")
            elif (
                enrolment.level != level
                or enrolment.status != EnrolmentStatus.ENROLLED
                or enrolment.left_on is not None
            ):
                action = "updated"
            else:
                action = "unchanged"
            self.plan.enrolments.append(
                EnrolmentPlan(
                    pupil=account,
                    classroom=class_plan,
                    level=level,
                    existing=enrolment,
                    action=action,
                )
            )
        for pupil_id, enrolment in existing.items():
            if (
                enrolment.classroom_id in self.school_class_ids
                and enrolment.status == EnrolmentStatus.ENROLLED
            ):
                self.plan.enrolled_before += 1
                if pupil_id not in present:
                    enrolment.status = EnrolmentStatus.LEAVING
                    self.plan.leaving.append(enrolment)

    # --- guardians ----------------------------------------------------------------------

    def _guardians(self) -> None:
        emails = sorted({f.line.email for f in self.families if f.line.email})
        by_email: dict[str, list[User]] = defaultdict(list)
        if emails:
            for parent in User.objects.annotate(email_key=Lower("email")).filter(
                profile=Profile.PARENT, email_key__in=emails
            ):
                by_email[parent.email.lower()].append(parent)
        email_lines: dict[str, int] = defaultdict(int)
        for family in self.families:
            if family.line.email:
                email_lines[family.line.email] += 1

        child_ids = [a.user.pk for a in self.plan.pupils if a.user.pk]
        links_by_child: dict[int, list[Guardianship]] = defaultdict(list)
        if child_ids:
            for link in Guardianship.objects.filter(child_id__in=child_ids).select_related(
                "guardian"
            ):
                links_by_child[link.child_id].append(link)

        accounts: dict[int, AccountPlan] = {}
        for family in self.families:
            guardian = family.line
            children = [
                account
                for index in family.children
                if (account := self.pupil_accounts[index]) is not None
            ]
            user: User | None = None
            if guardian.email:
                same = by_email.get(guardian.email, [])
                matches = [u for u in same if match_key(u.first_name) == guardian.first_key]
                if not matches and len(same) == 1 and email_lines[guardian.email] == 1:
                    matches = same  # one account, one line: the first name was corrected
                if matches:
                    linked = {
                        link.guardian_id
                        for child in children
                        if child.user.pk
                        for link in links_by_child[child.user.pk]
                    }
                    matches.sort(key=lambda u: (u.pk not in linked, u.pk))
                    user = matches[0]
            if user is None:
                for child in children:
                    for link in links_by_child.get(child.user.pk or 0, []):
                        candidate = link.guardian
                        if (
                            candidate.profile == Profile.PARENT
                            and match_key(candidate.first_name) == guardian.first_key
                            and match_key(candidate.last_name) in guardian.name_keys
                        ):
                            user = candidate
                            break
                    if user is not None:
                        break
            if user is not None and user.pk in accounts:
                account = accounts[user.pk]  # two lines, one person: their children add up
            elif user is not None:
                account = self._update_guardian(user, family)
                accounts[user.pk] = account
                self.plan.guardians.append(account)
            else:
                account = AccountPlan(user=self._new_guardian(family), created=True, changes=[])
                self.plan.guardians.append(account)
                self.new_accounts.append(account)
            self._links(account, children, links_by_child)

    def _new_guardian(self, family: Family) -> User:
        line = family.line
        return account_build(
            profile=Profile.PARENT,
            with_activation_code=True,
            first_name=line.first_name,
            last_name=line.last_name,
            civility=line.civility,
            email=line.email,
            phone=line.phone,
        )

    def _update_guardian(self, user: User, family: Family) -> AccountPlan:
        line = family.line
        changes: list[str] = []
        _set(user, changes, "first_name", line.first_name, "prénom")
        _set(user, changes, "last_name", line.last_name, "nom")
        if line.civility:
            _set(user, changes, "civility", line.civility, "civilité")
        # An address the parent chose themselves (confirmed from "Mon compte") is theirs: the
        # school's export, often older, does not undo it.
        if line.email and user.email.lower() != line.email and user.email_chosen_at is None:
            _set(user, changes, "email", line.email, "courriel")
        if line.phone and self.files.has_all_phone_columns:
            _set(user, changes, "phone", line.phone, "téléphone")
        return AccountPlan(user=user, created=False, changes=changes)

    def _links(
        self,
        guardian: AccountPlan,
        children: list[AccountPlan],
        links_by_child: dict[int, list[Guardianship]],
    ) -> None:
        for child in children:
            existing = links_by_child.get(child.user.pk or 0, [])
            if guardian.user.pk and any(link.guardian_id == guardian.user.pk for link in existing):
                self.plan.links_unchanged += 1
                continue
            pending = self.pending_links[id(child)]
            if any(link.guardian is guardian for link in pending):
                continue
            used = {link.kind for link in existing} | {link.kind for link in pending}
            kind = next((k for k in LINK_ORDER if k not in used), GuardianKind.OTHER)
            link_plan = LinkPlan(guardian=guardian, child=child, kind=kind)
            pending.append(link_plan)
            self.plan.links.append(link_plan)

    # --- logins -------------------------------------------------------------------------

    def _usernames(self) -> None:
        fallback = {Profile.PUPIL: "eleve", Profile.PARENT: "parent"}
        bases = [
            username_base(
                a.user.first_name, a.user.last_name, fallback=fallback[Profile(a.user.profile)]
            )
            for a in self.new_accounts
        ]
        allocator = UsernameAllocator(usernames_taken(bases))
        for account, base in zip(self.new_accounts, bases, strict=True):
            account.user.username = allocator.allocate(base)
