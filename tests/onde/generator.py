"""Realistic ONDE export pairs (pupils, responsables) with clearly fake people.

Used by the tests and by ``bench/import_onde.py``. Surnames are made of syllables that do
not form real French family names (``BRÉLOUVAC``, ``QUINÈDEROZ``); first names are common
ones; e-mail addresses use the reserved ``example.org`` domain and phone numbers the ranges
ARCEP keeps for fiction (01 99 00 …, 06 39 98 …). The files look like ONDE's: the same
columns in the same order, ``;``-separated, upper-case family names, dd/mm/yyyy dates,
addresses that sometimes hold a ``;`` (quoted), and four columns per child on guardian
lines, repeated.

    export = generate(pupils=1000, guardians=1600, seed=7)
    pupils_csv = export.pupils_csv(encoding="cp1252", newline="\\r\\n")
    guardians_csv = export.guardians_csv()
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import random
from dataclasses import dataclass, field

PUPIL_HEADER = [
    "Nom élève",
    "Nom d'usage élève",
    "Prénom élève",
    "Date naissance",
    "Sexe",
    "INE",
    "Adresse1",
    "Cp1",
    "Commune1",
    "Pays1",
    "Adresse2",
    "Cp2",
    "Commune2",
    "Pays2",
    "Cycle",
    "Niveau",
    "Libellé classe",
    "Identifiant classe",
    "Attestation fournie",
    "Autorisation associations",
    "Autorisation photo",
    "Décision de passage",
]
GUARDIAN_HEADER = [
    "Civilité Responsable",
    "Nom usage responsable",
    "Nom responsable",
    "Prénom responsable",
    "Adresse responsable",
    "CP responsable",
    "Commune responsable",
    "Pays",
    "Courriel",
    "Téléphone domicile",
    "Téléphone travail",
    "Téléphone portable",
]
CHILD_HEADER = ["Nom d'usage enfant", "Nom de famille enfant", "Prénom enfant", "Classes enfants"]

GIRLS = [
    "Léa",
    "Emma",
    "Chloé",
    "Inès",
    "Jade",
    "Louise",
    "Manon",
    "Camille",
    "Zoé",
    "Lina",
    "Anaïs",
    "Maëlle",
    "Clémence",
    "Élise",
    "Margaux",
    "Noémie",
    "Héloïse",
    "Romane",
    "Agathe",
    "Capucine",
    "Salomé",
    "Ambre",
    "Lou",
    "Mathilde",
    "Océane",
    "Bérénice",
]
BOYS = [
    "Lucas",
    "Hugo",
    "Louis",
    "Nathan",
    "Gabriel",
    "Jules",
    "Arthur",
    "Raphaël",
    "Léo",
    "Noé",
    "Théo",
    "Ethan",
    "Maël",
    "Timothée",
    "Sacha",
    "Baptiste",
    "Clément",
    "Côme",
    "Jean-Baptiste",
    "Anatole",
    "Gaspard",
    "Éloi",
    "Mathéo",
    "Joachim",
    "Loïc",
    "Aurélien",
]
ADULT_WOMEN = [
    "Sophie",
    "Julie",
    "Céline",
    "Aurélie",
    "Stéphanie",
    "Émilie",
    "Hélène",
    "Nathalie",
    "Sandrine",
    "Marie-Claire",
    "Valérie",
    "Caroline",
    "Laëtitia",
    "Agnès",
    "Virginie",
]
ADULT_MEN = [
    "Nicolas",
    "Julien",
    "Sébastien",
    "Frédéric",
    "Jérôme",
    "Stéphane",
    "François",
    "Olivier",
    "Jean-Marc",
    "Cédric",
    "Grégory",
    "Benoît",
    "Thierry",
    "Hervé",
    "Rémi",
]
_STARTS = [
    "BRÉ",
    "QUIN",
    "VAU",
    "GRI",
    "ROZ",
    "PÉL",
    "CHAR",
    "LAM",
    "FON",
    "TEL",
    "MOR",
    "DUV",
    "SÈL",
    "ZAB",
    "POR",
    "NIV",
    "GAR",
    "BOU",
    "CRÉ",
    "VIL",
]
_MIDDLES = ["LOU", "ÈDE", "A", "I", "OR", "EN", "AM", "OUS", "É", "IV", "AR", "EL"]
_ENDS = ["VAC", "ROZ", "DOUX", "QUET", "NIER", "BAUD", "MÈRE", "LOT", "GNAC", "ZEL", "TOUX", "VIN"]
STREETS = ["rue des Exemples", "allée du Test", "avenue de la Fiction", "impasse Imaginaire"]

# Niveau labels as ONDE prints them; the code is used by default, the long form on request.
LONG_LEVELS = {
    "PS": "PETITE SECTION",
    "MS": "MOYENNE SECTION",
    "GS": "GRANDE SECTION",
    "CP": "COURS PREPARATOIRE",
    "CE1": "COURS ELEMENTAIRE PREMIERE ANNEE",
    "CE2": "COURS ELEMENTAIRE DEUXIEME ANNEE",
    "CM1": "COURS MOYEN PREMIERE ANNEE",
    "CM2": "COURS MOYEN DEUXIEME ANNEE",
}
AGE_AT_RENTREE = {"PS": 3, "MS": 4, "GS": 5, "CP": 6, "CE1": 7, "CE2": 8, "CM1": 9, "CM2": 10}
CYCLES = {"PS": "CYCLE I", "MS": "CYCLE I", "GS": "CYCLE I", "CP": "CYCLE II", "CE1": "CYCLE II"}
ELEMENTARY_CLASSES = [("CP",), ("CE1",), ("CE2",), ("CM1",), ("CM2",), ("CE1", "CE2")]


@dataclass(frozen=True)
class SchoolClass:
    label: str
    onde_id: str
    levels: tuple[str, ...]


@dataclass
class Pupil:
    family_name: str
    first_name: str
    birth_date: datetime.date
    sex: str
    ine: str
    level: str
    school_class: SchoolClass
    usage_name: str = ""
    photo: str = "Oui"
    address: str = "1 rue des Exemples"

    @property
    def class_label(self) -> str:
        return self.school_class.label


@dataclass
class Guardian:
    civility: str
    family_name: str
    first_name: str
    usage_name: str = ""
    email: str = ""
    phone_home: str = ""
    phone_work: str = ""
    phone_mobile: str = ""
    address: str = "1 rue des Exemples"
    children: list[Pupil] = field(default_factory=list)


def encode(text: str, *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def render(rows: list[list[str]], *, newline: str = "\r\n") -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass
class OndeExport:
    pupils: list[Pupil]
    guardians: list[Guardian]
    long_levels: bool = False
    surnames: set[str] = field(default_factory=set)

    def pupil_rows(
        self, *, rename: dict[str, str] | None = None, drop: tuple[str, ...] = ()
    ) -> list[list[str]]:
        header = [h for h in PUPIL_HEADER if h not in drop]
        rows = [[(rename or {}).get(h, h) for h in header]]
        for pupil in self.pupils:
            level = LONG_LEVELS.get(pupil.level, pupil.level) if self.long_levels else pupil.level
            values = {
                "Nom élève": pupil.family_name,
                "Nom d'usage élève": pupil.usage_name,
                "Prénom élève": pupil.first_name,
                "Date naissance": pupil.birth_date.strftime("%d/%m/%Y"),
                "Sexe": pupil.sex,
                "INE": pupil.ine,
                "Adresse1": pupil.address,
                "Cp1": "33000",
                "Commune1": "BORDEAUX",
                "Pays1": "FRANCE",
                "Cycle": CYCLES.get(pupil.level, "CYCLE III"),
                "Niveau": level,
                "Libellé classe": pupil.class_label,
                "Identifiant classe": pupil.school_class.onde_id,
                "Attestation fournie": "Oui",
                "Autorisation associations": "Oui",
                "Autorisation photo": pupil.photo,
            }
            rows.append([values.get(h, "") for h in header])
        return rows

    def guardian_rows(
        self, *, rename: dict[str, str] | None = None, drop: tuple[str, ...] = ()
    ) -> list[list[str]]:
        groups = max((len(g.children) for g in self.guardians), default=1)
        base = [h for h in GUARDIAN_HEADER if h not in drop]
        header = [(rename or {}).get(h, h) for h in base] + CHILD_HEADER * groups
        rows = [header]
        for guardian in self.guardians:
            values = {
                "Civilité Responsable": guardian.civility,
                "Nom usage responsable": guardian.usage_name,
                "Nom responsable": guardian.family_name,
                "Prénom responsable": guardian.first_name,
                "Adresse responsable": guardian.address,
                "CP responsable": "33000",
                "Commune responsable": "BORDEAUX",
                "Pays": "FRANCE",
                "Courriel": guardian.email,
                "Téléphone domicile": guardian.phone_home,
                "Téléphone travail": guardian.phone_work,
                "Téléphone portable": guardian.phone_mobile,
            }
            row = [values.get(h, "") for h in base]
            for child in guardian.children:
                row += [child.usage_name, child.family_name, child.first_name, child.class_label]
            row += [""] * (len(header) - len(row))
            rows.append(row)
        return rows

    def pupils_csv(
        self,
        *,
        encoding: str = "utf-8",
        bom: bool = False,
        newline: str = "\r\n",
        rename: dict[str, str] | None = None,
        drop: tuple[str, ...] = (),
    ) -> bytes:
        text = render(self.pupil_rows(rename=rename, drop=drop), newline=newline)
        return encode(text, encoding=encoding, bom=bom)

    def guardians_csv(
        self,
        *,
        encoding: str = "utf-8",
        bom: bool = False,
        newline: str = "\r\n",
        rename: dict[str, str] | None = None,
        drop: tuple[str, ...] = (),
    ) -> bytes:
        text = render(self.guardian_rows(rename=rename, drop=drop), newline=newline)
        return encode(text, encoding=encoding, bom=bom)


class _Faker:
    def __init__(self, seed: int, avoid_surnames: set[str] | None = None) -> None:
        self.rng = random.Random(seed)
        self.used_surnames: set[str] = set(avoid_surnames or ())
        self.ine_counter = self.rng.randrange(10**8, 9 * 10**8)

    def surname(self) -> str:
        while True:
            parts = [self.rng.choice(_STARTS), self.rng.choice(_MIDDLES), self.rng.choice(_ENDS)]
            name = "".join(parts)
            if self.rng.random() < 0.06:
                name = "D'A" + name
            if name not in self.used_surnames:
                self.used_surnames.add(name)
                return name

    def ine(self) -> str:
        self.ine_counter += 1
        digits = f"{self.ine_counter:010d}"
        return digits + "ABCDEFGHJKLMNPRSTUVWXYZ"[int(digits) % 23]

    def phone(self, prefix: str) -> str:
        return f"{prefix} {self.rng.randrange(100):02d} {self.rng.randrange(100):02d}"

    def address(self) -> str:
        street = f"{self.rng.randrange(1, 120)} {self.rng.choice(STREETS)}"
        if self.rng.random() < 0.05:
            return f"Résidence Les Essais; bât. {self.rng.choice('ABC')}, {street}"
        return street


def make_classes(pupils: int, *, per_class: int = 25, first_id: int = 700001) -> list[SchoolClass]:
    count = max(1, math.ceil(pupils / per_class))
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    classes = []
    for index in range(count):
        levels = ELEMENTARY_CLASSES[index % len(ELEMENTARY_CLASSES)]
        letter = letters[(index // len(ELEMENTARY_CLASSES)) % len(letters)]
        suffix = index // (len(ELEMENTARY_CLASSES) * len(letters))
        label = f"{'-'.join(levels)} {letter}{suffix or ''}"
        classes.append(SchoolClass(label=label, onde_id=str(first_id + index), levels=levels))
    return classes


def generate(
    pupils: int = 100,
    guardians: int | None = None,
    *,
    seed: int = 1,
    year_start: int = 2026,
    without_ine: float = 0.05,
    long_levels: bool = False,
    avoid_surnames: set[str] | None = None,
) -> OndeExport:
    """``pupils`` pupils in one school, in families, and exactly ``guardians`` guardian lines
    (default 1.6 per pupil, as in a real elementary school).

    Different seeds may draw the same surnames, and a guardian with the same e-mail address
    and first name is the same person to the import: pass the surnames of exports already
    imported (``OndeExport.surnames``) as ``avoid_surnames`` to get only new people.
    """
    faker = _Faker(seed, avoid_surnames)
    rng = faker.rng
    target_guardians = round(1.6 * pupils) if guardians is None else guardians
    classes = make_classes(pupils)
    capacity = {c: math.ceil(pupils / len(classes)) for c in classes}
    all_pupils: list[Pupil] = []
    families: list[list[Guardian]] = []
    while len(all_pupils) < pupils:
        size = min(rng.choices([1, 2, 3], weights=[78, 19, 3])[0], pupils - len(all_pupils))
        surname = faker.surname()
        mother_name = faker.surname()
        children: list[Pupil] = []
        firsts: set[str] = set()
        for _ in range(size):
            school_class = rng.choice([c for c in classes if capacity[c] > 0])
            capacity[school_class] -= 1
            level = rng.choice(school_class.levels)
            girl = rng.random() < 0.5
            first = rng.choice(GIRLS if girl else BOYS)
            while first in firsts:
                first = rng.choice(GIRLS if girl else BOYS)
            firsts.add(first)
            born = datetime.date(year_start - AGE_AT_RENTREE[level], 1, 1) + datetime.timedelta(
                days=rng.randrange(365)
            )
            pupil = Pupil(
                family_name=surname,
                first_name=first,
                birth_date=born,
                sex="F" if girl else "M",
                ine="" if rng.random() < without_ine else faker.ine(),
                level=level,
                school_class=school_class,
                photo=rng.choices(["Oui", "Non", ""], weights=[80, 15, 5])[0],
                address=faker.address(),
            )
            if rng.random() < 0.04:
                pupil.usage_name = f"{surname}-{mother_name}"
            children.append(pupil)
        all_pupils.extend(children)
        mother_first = rng.choice(ADULT_WOMEN)
        father_first = rng.choice(ADULT_MEN)
        mother = Guardian(
            civility="MME",
            family_name=mother_name,
            usage_name=surname if rng.random() < 0.5 else "",
            first_name=mother_first,
            children=list(children),
        )
        father = Guardian(
            civility="M.", family_name=surname, first_name=father_first, children=list(children)
        )
        for guardian in (mother, father):
            guardian.address = children[0].address
            guardian.phone_mobile = faker.phone("06 39 98") if rng.random() < 0.9 else ""
            guardian.phone_home = faker.phone("01 99 00") if rng.random() < 0.3 else ""
            guardian.phone_work = faker.phone("01 99 00") if rng.random() < 0.2 else ""
        shared = rng.random() < 0.03
        for guardian in (mother, father):
            if rng.random() < 0.85 or shared:
                surname = guardian.usage_name or guardian.family_name
                local = _ascii(f"{guardian.first_name}.{surname}")
                guardian.email = f"{local}@example.org"
        if shared:
            father.email = mother.email
        families.append([mother, father])

    count = sum(len(f) for f in families)
    while count > target_guardians:
        family = rng.choice([f for f in families if len(f) > 1])
        family.pop()
        count -= 1
    while count < target_guardians:
        family = rng.choice(families)
        girl = rng.random() < 0.5
        other = Guardian(
            civility="MME" if girl else "M.",
            family_name=faker.surname(),
            first_name=rng.choice(ADULT_WOMEN if girl else ADULT_MEN),
            children=list(family[0].children),
            phone_mobile=faker.phone("06 39 98"),
        )
        family.append(other)
        count += 1
    all_guardians = [g for family in families for g in family]
    return OndeExport(
        pupils=all_pupils,
        guardians=all_guardians,
        long_levels=long_levels,
        surnames=faker.used_surnames - set(avoid_surnames or ()),
    )


def _ascii(value: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in folded.lower() if ch.isalnum() or ch in ".-")
