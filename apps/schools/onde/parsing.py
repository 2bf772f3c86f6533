"""The two ONDE exports, read and checked line by line, before anything touches the database.

Pupils file (one line per pupil)::

    Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE;Adresse1;…;Cycle;Niveau;
    Libellé classe;Identifiant classe;…;Autorisation photo;Décision de passage

Guardians file (one line per responsable, then four columns per child, repeated)::

    Civilité Responsable;Nom usage responsable;Nom responsable;Prénom responsable;…;Courriel;
    Téléphone domicile;Téléphone travail;Téléphone portable;
    Nom d'usage enfant;Nom de famille enfant;Prénom enfant;Classes enfants;…

Only what ``accounts.User`` keeps is read: names, birth date, INE, civility, e-mail, one
phone number and the photo consent. Addresses, sex, cycle and the other columns are never
stored.

The columns that name people and classes are required. The others may be absent (ONDE's
column set varies with its settings): what they would say is then unknown, and the ENT
keeps what it has (INE, level, class identifier, photo consent, civility, e-mail, phone).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from apps.accounts.models import Civility
from apps.schools.onde.csvfile import (
    Column,
    FileProblem,
    Issue,
    Record,
    SourceFile,
    Table,
    cell,
    header_key,
    read_table,
    resolve_columns,
)
from apps.schools.onde.levels import parse_level
from apps.schools.onde.names import clean_text, match_key

NAME_MAX = 150
CLASS_NAME_MAX = 120
ONDE_ID_MAX = 40
PHONE_MAX = 20
EMAIL_MAX = 254

PUPIL_COLUMNS = (
    Column(
        "family_name",
        "Nom élève",
        ("Nom de famille élève", "Nom de l'élève", "Nom de famille", "Nom"),
        required=True,
    ),
    # Required, like every column that names a person: without it, a pupil known by a usage
    # name would not be recognised, and would get a second account.
    Column(
        "usage_name",
        "Nom d'usage élève",
        ("Nom d'usage de l'élève", "Nom d'usage"),
        required=True,
    ),
    Column(
        "first_name", "Prénom élève", ("Prénom de l'élève", "Prénom", "Prénom 1"), required=True
    ),
    Column(
        "birth_date",
        "Date naissance",
        ("Date de naissance", "Date naissance élève", "Date de naissance élève", "Né(e) le"),
        required=True,
    ),
    Column("ine", "INE", ("INE élève", "Identifiant national élève", "Identifiant national")),
    Column("level", "Niveau", ("Niveau élève", "Libellé niveau", "Niveau de l'élève")),
    Column(
        "class_label",
        "Libellé classe",
        ("Classe", "Nom classe", "Nom de la classe", "Libellé de la classe"),
        required=True,
    ),
    Column("class_id", "Identifiant classe", ("Id classe", "Identifiant de la classe")),
    Column("photo", "Autorisation photo", ("Autorisation photos", "Droit à l'image")),
)

GUARDIAN_COLUMNS = (
    Column("civility", "Civilité Responsable", ("Civilité", "Civilité responsable légal")),
    Column(
        "usage_name",
        "Nom usage responsable",
        ("Nom d'usage responsable", "Nom d'usage"),
        required=True,
    ),
    Column(
        "family_name",
        "Nom responsable",
        ("Nom de famille responsable", "Nom du responsable", "Nom"),
        required=True,
    ),
    Column(
        "first_name",
        "Prénom responsable",
        ("Prénom du responsable", "Prénom"),
        required=True,
    ),
    Column(
        "email",
        "Courriel",
        (
            "Courriel responsable",
            "Adresse courriel",
            "Adresse électronique",
            "Email",
            "E-mail",
            "Mél",
        ),
    ),
    Column("phone_home", "Téléphone domicile", ("Tél. domicile", "Tel domicile")),
    Column(
        "phone_work",
        "Téléphone travail",
        ("Tél. travail", "Tel travail", "Téléphone professionnel"),
    ),
    Column(
        "phone_mobile",
        "Téléphone portable",
        ("Tél. portable", "Tel portable", "Téléphone mobile"),
    ),
)

# The four columns repeated once per child of a guardian line.
CHILD_COLUMNS = {
    "usage": ("Nom d'usage enfant", "Nom usage enfant"),
    "family": ("Nom de famille enfant", "Nom enfant", "Nom famille enfant"),
    "first": ("Prénom enfant",),
    "classes": ("Classes enfants", "Classe enfant", "Classes enfant", "Classe enfants"),
}
_CHILD_BY_KEY = {header_key(label): f for f, labels in CHILD_COLUMNS.items() for label in labels}
_TRAILING_DIGITS = re.compile(r"[0-9]+$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_INE = re.compile(r"^[0-9A-Z]{11}$")
_PHONE_NOISE = re.compile(r"[\s.\-/()]")

_YES = {"oui", "o", "1", "vrai", "x", "yes", "y"}
_NO = {"non", "n", "0", "faux", "no"}
_CIVILITIES = {
    "m": Civility.MR,
    "mr": Civility.MR,
    "monsieur": Civility.MR,
    "mme": Civility.MRS,
    "madame": Civility.MRS,
    "mlle": Civility.MRS,
    "mademoiselle": Civility.MRS,
}


def class_key(label: str) -> str:
    return match_key(label)


class _Named:
    """Names as ONDE gives them: a family name, maybe a usage name, a first name."""

    usage_name: str
    family_name: str
    first_name: str

    @property
    def last_name(self) -> str:
        return self.usage_name or self.family_name

    @property
    def name_keys(self) -> frozenset[str]:
        """Either name may be the one a guardian line uses for the child."""
        return frozenset(k for k in (match_key(self.family_name), match_key(self.usage_name)) if k)

    @property
    def first_key(self) -> str:
        return match_key(self.first_name)


@dataclass
class PupilLine(_Named):
    line: int
    family_name: str
    usage_name: str
    first_name: str
    birth_date: datetime.date
    ine: str
    level: str
    class_label: str
    class_id: str
    photo_consent: bool | None

    @property
    def class_key(self) -> str:
        return class_key(self.class_label)

    @property
    def display(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"

    def describe(self) -> str:
        return f"{self.display}, né(e) le {self.birth_date:%d/%m/%Y}, classe {self.class_label}"


@dataclass
class ChildRef(_Named):
    position: int
    usage_name: str
    family_name: str
    first_name: str
    class_label: str

    def describe(self) -> str:
        name = f"{self.first_name} {(self.usage_name or self.family_name).upper()}"
        return f"{name} (classe {self.class_label})" if self.class_label else name


@dataclass
class GuardianLine(_Named):
    line: int
    civility: str
    usage_name: str
    family_name: str
    first_name: str
    email: str
    phone: str
    children: list[ChildRef] = field(default_factory=list)

    @property
    def display(self) -> str:
        civility = f"{self.civility} " if self.civility else ""
        return f"{civility}{self.first_name} {self.last_name.upper()}"


@dataclass(frozen=True)
class PupilStub:
    """What is known of a pupil line that has errors: enough not to report its guardians too."""

    line: int
    name_keys: frozenset[str]
    first_key: str
    class_key: str


@dataclass
class OndeFiles:
    pupils_file: str
    guardians_file: str
    pupils: list[PupilLine]
    rejected_pupils: list[PupilStub]
    guardians: list[GuardianLine]
    # Whether the pupils file has an "Autorisation photo" column at all: without it, the
    # consent already recorded is left as it is. The same for the level, and for the phone
    # (picked among three columns: with one of them absent, the pick could differ).
    has_photo_column: bool
    total_lines: int
    has_level_column: bool = True
    has_all_phone_columns: bool = True
    # The last line of the pupils file, where a file cut short would stop.
    pupils_last_line: int = 1


def parse_date(raw: str) -> datetime.date:
    match = _DATE.match(raw.strip())
    if not match:
        raise ValueError(raw)
    day, month, year = (int(part) for part in match.groups())
    return datetime.date(year, month, day)


def parse_consent(raw: str) -> bool | None:
    key = header_key(raw)
    if not key:
        return None
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(raw)


def parse_civility(raw: str) -> str:
    return _CIVILITIES.get(header_key(raw), "")


def clean_phone(raw: str) -> str:
    return _PHONE_NOISE.sub("", raw)


class _Lines:
    """Collects the issues of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def error(self, record: Record | int, message: str) -> None:
        line = record.line if isinstance(record, Record) else record
        self.issues.append(Issue(self.file, line, message))

    def name(self, record: Record, value: str, what: str, *, required: bool) -> str:
        value = clean_text(value)
        if required and not value:
            self.error(record, f"{what} manquant.")
        elif len(value) > NAME_MAX:
            self.error(record, f"{what} trop long ({len(value)} caractères, {NAME_MAX} au plus).")
        return value


def parse_pupils(
    table: Table, today: datetime.date
) -> tuple[list[PupilLine], list[PupilStub], set[str], list[Issue]]:
    """The pupils, the stubs of the lines in error, the fields whose column is present."""
    positions = resolve_columns(table, PUPIL_COLUMNS)
    if not table.records:
        raise FileProblem(
            Issue(table.file, table.header_line + 1, "Le fichier ne contient aucune ligne d'élève.")
        )
    lines = _Lines(table.file)
    pupils: list[PupilLine] = []
    rejected: list[PupilStub] = []
    seen_ine: dict[str, int] = {}
    seen_person: dict[tuple[frozenset[str], str, datetime.date], int] = {}
    class_ids: dict[str, tuple[str, int]] = {}
    class_labels_by_id: dict[str, tuple[str, int]] = {}
    for record in table.records:
        before = len(lines.issues)
        family = lines.name(record, cell(record, positions, "family_name"), "nom", required=False)
        usage = lines.name(
            record, cell(record, positions, "usage_name"), "nom d'usage", required=False
        )
        if not family and not usage:
            lines.error(record, "nom de l'élève manquant.")
        first = lines.name(record, cell(record, positions, "first_name"), "prénom", required=True)
        raw_date = cell(record, positions, "birth_date")
        birth_date = None
        try:
            birth_date = parse_date(raw_date)
        except ValueError:
            if raw_date:
                lines.error(
                    record,
                    f"date de naissance « {raw_date} » invalide (attendu : jj/mm/aaaa).",
                )
            else:
                lines.error(record, "date de naissance manquante.")
        if birth_date is not None and not (datetime.date(1900, 1, 1) <= birth_date <= today):
            lines.error(record, f"date de naissance « {raw_date} » impossible.")
        ine = cell(record, positions, "ine").replace(" ", "").upper()
        if ine and not _INE.match(ine):
            lines.error(record, f"INE « {ine} » invalide (11 caractères, chiffres et lettres).")
        raw_level = cell(record, positions, "level")
        level = ""
        try:
            level = parse_level(raw_level) or ""
        except ValueError:
            lines.error(record, f"niveau « {raw_level} » inconnu.")
        class_label = clean_text(cell(record, positions, "class_label"))
        if not class_label:
            lines.error(record, "libellé de classe manquant.")
        elif len(class_label) > CLASS_NAME_MAX:
            lines.error(
                record, f"libellé de classe trop long ({CLASS_NAME_MAX} caractères au plus)."
            )
        class_id = cell(record, positions, "class_id")
        if len(class_id) > ONDE_ID_MAX:
            lines.error(record, f"identifiant de classe trop long ({ONDE_ID_MAX} au plus).")
        raw_photo = cell(record, positions, "photo")
        photo: bool | None = None
        try:
            photo = parse_consent(raw_photo)
        except ValueError:
            lines.error(record, f"autorisation photo « {raw_photo} » : oui ou non attendu.")
        if len(lines.issues) > before or birth_date is None:
            rejected.append(
                PupilStub(
                    line=record.line,
                    name_keys=frozenset(k for k in (match_key(family), match_key(usage)) if k),
                    first_key=match_key(first),
                    class_key=class_key(class_label),
                )
            )
            continue

        pupil = PupilLine(
            line=record.line,
            family_name=family,
            usage_name=usage,
            first_name=first,
            birth_date=birth_date,
            ine=ine,
            level=level,
            class_label=class_label,
            class_id=class_id,
            photo_consent=photo,
        )
        if ine:
            if ine in seen_ine:
                lines.error(record, f"INE {ine} déjà donné ligne {seen_ine[ine]}.")
                continue
            seen_ine[ine] = record.line
        person = (pupil.name_keys, pupil.first_key, birth_date)
        if person in seen_person and not ine:
            lines.error(
                record,
                f"élève {pupil.describe()} en double (déjà ligne {seen_person[person]}).",
            )
            continue
        seen_person.setdefault(person, record.line)
        key = pupil.class_key
        if class_id:
            known = class_ids.get(key)
            if known is not None and known[0] != class_id:
                lines.error(
                    record,
                    f"la classe « {class_label} » a l'identifiant {class_id} ici et "
                    f"{known[0]} ligne {known[1]}.",
                )
                continue
            class_ids.setdefault(key, (class_id, record.line))
            other = class_labels_by_id.get(class_id)
            if other is not None and other[0] != key:
                lines.error(
                    record,
                    f"l'identifiant de classe {class_id} désigne « {class_label} » ici et "
                    f"une autre classe ligne {other[1]}.",
                )
                continue
            class_labels_by_id.setdefault(class_id, (key, record.line))
        pupils.append(pupil)
    return pupils, rejected, set(positions), lines.issues


def _child_groups(table: Table) -> list[dict[str, int]]:
    """The repeated child columns, as groups of indexes (a field seen again opens a group).

    Every group must name its child (first name and a family or usage name): a column
    repeated by mistake would otherwise open a group silently left out.
    """
    groups: list[dict[str, int]] = []
    current: dict[str, int] = {}
    for index, label in enumerate(table.header):
        key = _TRAILING_DIGITS.sub("", header_key(label))
        child_field = _CHILD_BY_KEY.get(key) or _CHILD_BY_KEY.get(header_key(label))
        if child_field is None:
            continue
        if child_field in current:
            groups.append(current)
            current = {}
        current[child_field] = index
    if current:
        groups.append(current)
    for number, group in enumerate(groups, start=1):
        if "first" not in group or not ("family" in group or "usage" in group):
            labels = ", ".join(f"« {table.header[i]} »" for i in sorted(group.values()))
            raise FileProblem(
                Issue(
                    table.file,
                    table.header_line,
                    f"colonnes de l'enfant n° {number} incomplètes ({labels}) : chaque enfant "
                    "a un « Prénom enfant » et un « Nom de famille enfant » ou « Nom d'usage "
                    "enfant » (colonne en double ?).",
                )
            )
    return groups


def parse_guardians(table: Table) -> tuple[list[GuardianLine], bool, list[Issue]]:
    """The guardians, whether the three phone columns are all there, the issues."""
    positions = resolve_columns(table, GUARDIAN_COLUMNS, repeatable=_CHILD_BY_KEY)
    groups = _child_groups(table)
    if not groups:
        raise FileProblem(
            Issue(
                table.file,
                table.header_line,
                "colonnes obligatoires absentes : « Nom de famille enfant », « Prénom enfant ».",
            )
        )
    if not table.records:
        raise FileProblem(
            Issue(
                table.file,
                table.header_line + 1,
                "Le fichier ne contient aucune ligne de responsable.",
            )
        )
    lines = _Lines(table.file)
    guardians: list[GuardianLine] = []
    for record in table.records:
        before = len(lines.issues)
        family = lines.name(record, cell(record, positions, "family_name"), "nom", required=False)
        usage = lines.name(
            record, cell(record, positions, "usage_name"), "nom d'usage", required=False
        )
        if not family and not usage:
            lines.error(record, "nom du responsable manquant.")
        first = lines.name(
            record, cell(record, positions, "first_name"), "prénom du responsable", required=True
        )
        email = cell(record, positions, "email").lower()
        if email:
            try:
                if len(email) > EMAIL_MAX:
                    raise ValidationError("too long")
                validate_email(email)
            except ValidationError:
                lines.error(record, f"courriel « {email} » invalide.")
        phone = ""
        for phone_field in ("phone_mobile", "phone_home", "phone_work"):
            phone = clean_phone(cell(record, positions, phone_field))
            if phone:
                break
        if len(phone) > PHONE_MAX:
            lines.error(record, f"numéro de téléphone « {phone} » trop long.")
        children: list[ChildRef] = []
        for position, group in enumerate(groups, start=1):
            values = {
                name: clean_text(record.cells[index]) if index < len(record.cells) else ""
                for name, index in group.items()
            }
            if not any(values.values()):
                continue
            child = ChildRef(
                position=position,
                usage_name=values.get("usage", ""),
                family_name=values.get("family", ""),
                first_name=values.get("first", ""),
                class_label=values.get("classes", ""),
            )
            if not child.first_name or not (child.family_name or child.usage_name):
                lines.error(record, f"enfant n° {position} : nom ou prénom manquant.")
                continue
            children.append(child)
        if not children and len(lines.issues) == before:
            lines.error(record, "aucun enfant indiqué pour ce responsable.")
        if len(lines.issues) > before:
            continue
        guardians.append(
            GuardianLine(
                line=record.line,
                civility=parse_civility(cell(record, positions, "civility")),
                usage_name=usage,
                family_name=family,
                first_name=first,
                email=email,
                phone=phone,
                children=children,
            )
        )
    phones = all(f in positions for f in ("phone_mobile", "phone_home", "phone_work"))
    return guardians, phones, lines.issues


def parse_files(
    pupils: SourceFile, guardians: SourceFile, *, today: datetime.date
) -> tuple[OndeFiles | None, list[Issue]]:
    """Both files read and checked, and every issue of both, in file order.

    The files come back even when some lines are wrong (so that guardian lines can still be
    checked against the pupils); None only when a file cannot be read at all.
    """
    issues: list[Issue] = []
    pupil_lines: list[PupilLine] = []
    rejected: list[PupilStub] = []
    guardian_lines: list[GuardianLine] = []
    pupil_fields: set[str] = set()
    phones = False
    last_line = 1
    total = 0
    readable = True
    try:
        pupil_table = read_table(pupils)
        total += len(pupil_table.records)
        pupil_lines, rejected, pupil_fields, found = parse_pupils(pupil_table, today)
        last_line = pupil_table.records[-1].line
        issues.extend(found)
    except FileProblem as exc:
        issues.append(exc.issue)
        readable = False
    try:
        guardian_table = read_table(guardians)
        total += len(guardian_table.records)
        guardian_lines, phones, found = parse_guardians(guardian_table)
        issues.extend(found)
    except FileProblem as exc:
        issues.append(exc.issue)
        readable = False
    if not readable:
        return None, issues
    return (
        OndeFiles(
            pupils_file=pupils.name,
            guardians_file=guardians.name,
            pupils=pupil_lines,
            rejected_pupils=rejected,
            guardians=guardian_lines,
            has_photo_column="photo" in pupil_fields,
            total_lines=total,
            has_level_column="level" in pupil_fields,
            has_all_phone_columns=phones,
            pupils_last_line=last_line,
        ),
        issues,
    )
