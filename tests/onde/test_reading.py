"""Reading ONDE files: encodings, line ends, quoting, header variants, line-numbered errors.

These tests stop before the database: parsing and linking are pure functions of the bytes.
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from apps.schools.onde.csvfile import SourceFile
from apps.schools.onde.levels import parse_level
from apps.schools.onde.linking import link_guardians
from apps.schools.onde.parsing import parse_files
from tests.onde.generator import GUARDIAN_HEADER, PUPIL_HEADER, Guardian, encode, render
from tests.onde.helpers import export

TODAY = datetime.date(2026, 11, 30)


def read(pupils: bytes, guardians: bytes):
    files, issues = parse_files(
        SourceFile("eleves.csv", pupils), SourceFile("responsables.csv", guardians), today=TODAY
    )
    if files is not None:
        families, link_issues = link_guardians(files)
        return files, families, issues + link_issues
    return None, [], issues


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", False), ("utf-8", True), ("cp1252", False)],
    ids=["utf8", "utf8-bom", "cp1252"],
)
@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_both_encodings_with_or_without_bom_and_both_line_ends_read_the_same(
    encoding, bom, newline
):
    data = export(40, 64, seed=11)
    data.pupils[0].first_name = "Héloïse"
    data.pupils[0].family_name = "ŒUVRARD-DÉSIRÉ"

    files, families, issues = read(
        data.pupils_csv(encoding=encoding, bom=bom, newline=newline),
        data.guardians_csv(encoding=encoding, bom=bom, newline=newline),
    )

    assert issues == []
    assert [(p.first_name, p.family_name, p.birth_date) for p in files.pupils] == [
        (p.first_name, p.family_name, p.birth_date) for p in data.pupils
    ]
    assert files.pupils[0].first_name == "Héloïse"
    assert files.pupils[0].family_name == "ŒUVRARD-DÉSIRÉ"
    assert files.pupils[0].class_label == data.pupils[0].class_label
    assert len(files.guardians) == 64
    assert len(families) <= 64


def test_a_quoted_field_may_hold_semicolons_and_line_breaks_and_line_numbers_stay_right():
    data = export(5, 8, seed=2)
    data.pupils[1].address = "Résidence Les Essais; bât. B"
    data.pupils[2].address = "Résidence Les Essais\nEscalier 2; porte 4"
    data.pupils[4].birth_date = datetime.date(2019, 1, 1)
    rows = data.pupil_rows()
    rows[5][PUPIL_HEADER.index("Date naissance")] = "31/02/2019"  # pupil 4, after the break

    files, _, issues = read(encode(render(rows)), data.guardians_csv())

    # Header on line 1, pupils 0..3 on lines 2..5, pupil 2's address spans lines 4-5.
    assert [str(i) for i in issues] == [
        "eleves.csv, ligne 7 : date de naissance « 31/02/2019 » invalide (attendu : jj/mm/aaaa)."
    ]
    assert files is not None
    assert [p.class_label for p in files.pupils] == [p.class_label for p in data.pupils[:4]]
    assert [p.line for p in files.pupils] == [2, 3, 4, 6]


def test_a_malformed_date_is_reported_with_its_file_and_line():
    data = export(6, 10, seed=4)
    rows = data.pupil_rows()
    rows[3][PUPIL_HEADER.index("Date naissance")] = "2019-03-12"
    rows[5][PUPIL_HEADER.index("Date naissance")] = ""

    _, _, issues = read(encode(render(rows)), data.guardians_csv())

    assert [str(i) for i in issues] == [
        "eleves.csv, ligne 4 : date de naissance « 2019-03-12 » invalide (attendu : jj/mm/aaaa).",
        "eleves.csv, ligne 6 : date de naissance manquante.",
    ]


def test_header_variants_are_matched_by_normalised_name_not_position():
    data = export(20, 30, seed=5)
    pupils_csv = data.pupils_csv(
        rename={
            "Nom élève": "NOM ELEVE",
            "Prénom élève": "Prénom",
            "Date naissance": "Date de naissance",
            "Libellé classe": "  libelle   CLASSE ",
            "Nom d'usage élève": "Nom d’usage élève",  # typographic apostrophe
        },
        drop=("INE", "Autorisation photo", "Identifiant classe", "Sexe", "Adresse1"),
    )
    guardian_rows = data.guardian_rows(
        rename={"Prénom responsable": "PRENOM RESPONSABLE", "Courriel": "Adresse électronique"},
        drop=("Téléphone travail", "Pays"),
    )
    header = guardian_rows[0]
    for index, label in enumerate(header):  # numbered child columns: "Prénom enfant 2"
        if label == "Prénom enfant":
            header[index] = (
                f"Prénom enfant {sum(1 for h in header[:index] if 'Prénom enf' in h) + 1}"
            )
    # Reorder the pupils' columns: position must not matter.
    rows = [list(reversed(row)) for row in data.pupil_rows(drop=("INE",))]

    files, families, issues = read(pupils_csv, encode(render(guardian_rows)))
    reordered, _, reordered_issues = read(encode(render(rows)), data.guardians_csv())

    assert issues == [] and reordered_issues == []
    assert [p.first_name for p in files.pupils] == [p.first_name for p in data.pupils]
    assert all(p.ine == "" and p.photo_consent is None for p in files.pupils)
    assert not files.has_photo_column
    assert files.guardians[0].email == data.guardians[0].email
    assert sum(len(f.children) for f in families) >= len(data.pupils)
    assert [p.birth_date for p in reordered.pupils] == [p.birth_date for p in data.pupils]


def test_missing_required_columns_are_one_clear_error():
    data = export(3, 4, seed=6)

    _, _, issues = read(
        data.pupils_csv(drop=("Prénom élève", "Date naissance")),
        data.guardians_csv(drop=("Nom responsable",)),
    )

    assert [str(i) for i in issues] == [
        "eleves.csv, ligne 1 : colonnes obligatoires absentes : « Prénom élève », "
        "« Date naissance » (colonnes lues : "
        + ", ".join(f"« {h} »" for h in PUPIL_HEADER if h not in ("Prénom élève", "Date naissance"))
        + ").",
        "responsables.csv, ligne 1 : colonnes obligatoires absentes : « Nom responsable » "
        "(colonnes lues : "
        + ", ".join(
            f"« {h} »"
            for h in GUARDIAN_HEADER
            + ["Nom d'usage enfant", "Nom de famille enfant", "Prénom enfant", "Classes enfants"]
            * max(len(g.children) for g in data.guardians)
            if h != "Nom responsable"
        )
        + ").",
    ]


def test_onde_level_labels_map_to_levels():
    assert parse_level("CE1") == "CE1"
    assert parse_level("COURS ELEMENTAIRE PREMIERE ANNEE") == "CE1"
    assert parse_level("Cours élémentaire deuxième année") == "CE2"
    assert parse_level("GRANDE SECTION") == "GS"
    assert parse_level("grande section de maternelle") == "GS"
    assert parse_level("CM 2") == "CM2"
    assert parse_level("") is None
    with pytest.raises(ValueError):
        parse_level("SIXIEME")

    data = export(30, 40, seed=8, long_levels=True)
    files, _, issues = read(data.pupils_csv(), data.guardians_csv())
    assert issues == []
    assert [p.level for p in files.pupils] == [p.level for p in data.pupils]


def test_bytes_that_are_neither_utf8_nor_cp1252_are_one_clear_error():
    data = export(3, 4, seed=6)

    _, _, issues = read(data.pupils_csv() + b"\x81\x8d", data.guardians_csv())

    assert [str(i) for i in issues] == [
        "eleves.csv, ligne 5 : encodage non reconnu (ni UTF-8 ni Windows-1252) : "
        "enregistrez le fichier en CSV UTF-8."
    ]


def test_homonyms_in_one_class_are_two_pupils_but_a_guardian_line_naming_them_is_an_error():
    data = export(10, 16, seed=9)
    twin = dataclasses.replace(data.pupils[0], birth_date=datetime.date(2018, 5, 4), ine="")
    data.pupils.insert(1, twin)  # line 3; data.pupils[0] is line 2
    data.guardians.append(Guardian(civility="MME", family_name="TUTRICE", first_name="Agnès"))
    data.guardians[-1].children = [twin]

    files, _, issues = read(data.pupils_csv(), data.guardians_csv())

    assert len(files.pupils) == 11
    first = data.pupils[0]
    name = f"{first.first_name} {first.family_name}"
    guardians_naming_them = [
        index + 2
        for index, g in enumerate(data.guardians)
        if first in g.children or twin in g.children
    ]
    assert [i.line for i in issues] == guardians_naming_them
    for issue in issues:
        assert issue.file == "responsables.csv"
        assert f"l'enfant {name} (classe {first.class_label})" in issue.message
        assert "correspond à plusieurs élèves" in issue.message
        assert (
            f"né(e) le {first.birth_date:%d/%m/%Y}, classe {first.class_label} (eleves.csv ligne 2)"
            in issue.message
        )
        assert (
            f"né(e) le 04/05/2018, classe {first.class_label} (eleves.csv ligne 3)" in issue.message
        )


def test_a_guardian_line_matching_no_pupil_is_reported_with_its_line():
    data = export(10, 16, seed=10)
    stray = dataclasses.replace(data.pupils[0], first_name="Personne", family_name="INCONNU")
    data.guardians[3].children = [stray]

    _, _, issues = read(data.pupils_csv(), data.guardians_csv())

    assert [str(i) for i in issues] == [
        f"responsables.csv, ligne 5 : aucun élève du fichier eleves.csv ne correspond à "
        f"l'enfant Personne INCONNU (classe {stray.class_label}) de "
        f"{data.guardians[3].civility == 'MME' and 'Mme' or 'M.'} {data.guardians[3].first_name} "
        f"{(data.guardians[3].usage_name or data.guardians[3].family_name).upper()}."
    ]


def test_a_guardian_of_two_children_in_different_classes_is_linked_to_both():
    data = export(40, 64, seed=12)
    a, b = (
        data.pupils[0],
        next(p for p in data.pupils if p.class_label != data.pupils[0].class_label),
    )
    parent = Guardian(
        civility="M.", family_name="TUTEUR", first_name="Rémi", email="remi@example.org"
    )
    parent.children = [a, b]
    data.guardians.append(parent)

    files, families, issues = read(data.pupils_csv(), data.guardians_csv())

    assert issues == []
    family = next(f for f in families if f.line.email == "remi@example.org")
    assert [files.pupils[i].first_name for i in family.children] == [a.first_name, b.first_name]
    assert {files.pupils[i].class_label for i in family.children} == {a.class_label, b.class_label}
