"""The operators' commands: add_school, import_onde and import_teachers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.schools.models import (
    Classroom,
    DeploymentStatus,
    Enrolment,
    School,
    SchoolMembership,
    SchoolRole,
)
from apps.schools.onde import OndeImportError, SourceFile
from provisioning.operations import teachers_import
from tests.helpers import database_state
from tests.onde.generator import encode, render
from tests.onde.helpers import SCHEMA, SCHOOL_UAI, export, run_import, tenant_counts, uai


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def schools() -> list[tuple[str, str, str, str]]:
    with schema_context(SCHEMA):
        return list(School.objects.values_list("uai", "name", "kind", "deployment_status"))


# --- add_school ----------------------------------------------------------------------------


def test_add_school_adds_a_school_to_the_communes_schema(db):
    out, _ = run(
        "add_school",
        "--commune=bordeaux",
        f"--uai={uai('0332001').lower()}",
        "--name=  École   élémentaire Jules-Essai ",
        "--type=elementaire",
        "--status=pilot",
    )

    assert schools() == [
        (uai("0332001"), "École élémentaire Jules-Essai", "elementaire", DeploymentStatus.PILOT)
    ]
    assert "École ajoutée : École élémentaire Jules-Essai" in out
    with schema_context("pessac"):
        assert not School.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--commune=bordeaux", "--uai=0750654E", "--name=X", "--type=primaire"],
            "Code UAI invalide : la lettre de contrôle de 0750654 est D, pas E.",
        ),
        (
            ["--commune=bordeaux", "--uai=075065D", "--name=X", "--type=primaire"],
            "Code UAI invalide : 7 chiffres suivis d'une lettre (ex. 0330001W).",
        ),
        (
            ["--commune=nulle-part", "--uai=0750654D", "--name=X", "--type=primaire"],
            "Commune inconnue : « nulle-part ».",
        ),
        (
            ["--commune=bordeaux", "--uai=0750654D", "--name=X", "--type=college"],
            "Type d'école inconnu : « college » (attendu : maternelle, elementaire, primaire).",
        ),
        (
            ["--commune=bordeaux", "--uai=0750654D", "--name=X", "--type=primaire", "--status=x"],
            "Statut inconnu : « x » (attendu : not_deployed, pilot, active).",
        ),
        (
            ["--commune=bordeaux", "--uai=0750654D", "--name=  ", "--type=primaire"],
            "Le nom de l'école est vide.",
        ),
    ],
    ids=["check-letter", "shape", "commune", "type", "status", "name"],
)
def test_add_school_refuses_bad_input_in_one_line_and_changes_nothing(db, arguments, message):
    state, before = database_state(), tenant_counts()

    with pytest.raises(CommandError) as raised:
        run("add_school", *arguments)

    assert str(raised.value) == message
    assert database_state() == state
    assert tenant_counts() == before
    assert schools() == []


def test_add_school_refuses_a_duplicate_uai_and_changes_nothing(school):
    state = database_state()

    with pytest.raises(CommandError) as raised:
        run(
            "add_school",
            "--commune=bordeaux",
            f"--uai={SCHOOL_UAI}",
            "--name=Autre",
            "--type=primaire",
        )

    assert str(raised.value) == (
        f"L'école {SCHOOL_UAI} existe déjà dans la commune Bordeaux "
        "(« École élémentaire des Essais ») : rien n'a changé."
    )
    assert database_state() == state
    assert [s[1] for s in schools()] == ["École élémentaire des Essais"]


# --- import_onde ---------------------------------------------------------------------------


def write_pair(tmp_path: Path, data, **options) -> tuple[str, str]:
    pupils, guardians = tmp_path / "eleves.csv", tmp_path / "responsables.csv"
    pupils.write_bytes(data.pupils_csv(**options))
    guardians.write_bytes(data.guardians_csv(**options))
    return str(pupils), str(guardians)


def test_import_onde_imports_and_prints_counts(school, tmp_path):
    pupils, guardians = write_pair(tmp_path, export(30, 48, seed=31), encoding="cp1252")

    out, _ = run(
        "import_onde",
        "--commune=bordeaux",
        f"--school={SCHOOL_UAI}",
        f"--pupils={pupils}",
        f"--parents={guardians}",
    )

    assert "élèves        créés    30 · mis à jour     0 · inchangés     0" in out
    assert "responsables  créés    48" in out
    assert "Import terminé en" in out
    with schema_context(SCHEMA):
        assert User.objects.filter(profile=Profile.PUPIL).count() == 30


def test_import_onde_dry_run_prints_names_and_changes_nothing(school, tmp_path):
    data = export(12, 20, seed=32)
    pupils, guardians = write_pair(tmp_path, data)
    state, counts = database_state(), tenant_counts()

    out, _ = run(
        "import_onde",
        "--commune=bordeaux",
        f"--school={SCHOOL_UAI}",
        f"--pupils={pupils}",
        f"--parents={guardians}",
        "--dry-run",
    )

    assert database_state() == state
    assert tenant_counts() == counts
    assert out.startswith("[simulation] École")
    assert "(serait créée)" in out
    assert "Élèves créés (12) : " in out
    for pupil in data.pupils:
        assert f"{pupil.first_name} {pupil.usage_name or pupil.family_name}" in out
    assert out.rstrip().endswith("[simulation] Rien n'a été écrit.")


def test_import_onde_lists_every_error_and_exits_non_zero(school, tmp_path):
    data = export(12, 20, seed=33)
    rows = data.pupil_rows()
    rows[2][3] = "1er mai"
    rows[9][3] = "30/02/2019"
    (tmp_path / "eleves.csv").write_bytes(encode(render(rows)))
    (tmp_path / "responsables.csv").write_bytes(data.guardians_csv())
    counts = tenant_counts()

    with pytest.raises(CommandError) as raised:
        run(
            "import_onde",
            "--commune=bordeaux",
            f"--school={SCHOOL_UAI}",
            f"--pupils={tmp_path / 'eleves.csv'}",
            f"--parents={tmp_path / 'responsables.csv'}",
        )

    assert str(raised.value) == "2 erreurs dans les fichiers : rien n'a été importé."
    assert tenant_counts() == counts


def test_import_onde_marks_many_leavers_only_with_confirm_leavers(school, tmp_path):
    data = export(10, 16, seed=36)
    run_import(school, data)
    gone = data.pupils[-3:]  # 30 % of the school
    data.pupils = data.pupils[:-3]
    for guardian in data.guardians:
        guardian.children = [c for c in guardian.children if all(c is not g for g in gone)]
    data.guardians = [g for g in data.guardians if g.children]
    pupils, guardians = write_pair(tmp_path, data)
    arguments = [
        "import_onde",
        "--commune=bordeaux",
        f"--school={SCHOOL_UAI}",
        f"--pupils={pupils}",
        f"--parents={guardians}",
    ]
    counts = tenant_counts()

    out, _ = run(*arguments, "--dry-run")
    assert "départs signalés    3" in out
    assert "l'import sera refusé sans --confirm-leavers" in out
    with pytest.raises(CommandError) as raised:
        run(*arguments)

    assert str(raised.value) == "1 erreur dans les fichiers : rien n'a été importé."
    assert tenant_counts() == counts

    out, _ = run(*arguments, "--confirm-leavers")

    assert "départs signalés    3" in out
    with schema_context(SCHEMA):
        assert Enrolment.objects.filter(status="leaving").count() == 3


@pytest.mark.parametrize(
    ("commune", "school_uai", "message"),
    [
        ("nulle-part", SCHOOL_UAI, "Commune inconnue : « nulle-part »."),
        ("bordeaux", uai("0339999"), f"Aucune école {uai('0339999')} dans la commune Bordeaux"),
    ],
)
def test_import_onde_refuses_an_unknown_commune_or_school(
    school, tmp_path, commune, school_uai, message
):
    pupils, guardians = write_pair(tmp_path, export(3, 4, seed=34))

    with pytest.raises(CommandError) as raised:
        run(
            "import_onde",
            f"--commune={commune}",
            f"--school={school_uai}",
            f"--pupils={pupils}",
            f"--parents={guardians}",
        )

    assert str(raised.value).startswith(message)


def test_import_onde_refuses_a_missing_file(school, tmp_path):
    with pytest.raises(CommandError, match=r"^Fichier illisible : .*absent\.csv"):
        run(
            "import_onde",
            "--commune=bordeaux",
            f"--school={SCHOOL_UAI}",
            f"--pupils={tmp_path / 'absent.csv'}",
            f"--parents={tmp_path / 'absent.csv'}",
        )


# --- import_teachers -----------------------------------------------------------------------

TEACHERS = (
    "nom;prénom;courriel;UAI;classes\r\n"
    f"Fictif;Camille;Camille.Fictif@example.org;{SCHOOL_UAI};CP A,CE1-CE2 B\r\n"
    f"Essai;Dominique;dominique.essai@example.org;{SCHOOL_UAI};\r\n"
    f"Fictif;Camille;camille.fictif@example.org;{{other}};CM2 C\r\n"
)


def test_import_teachers_creates_accounts_memberships_and_classes_and_is_idempotent(
    school, other_school, tmp_path
):
    data = export(30, 48, seed=35)  # an ONDE import first: "CP A" exists, "CE1-CE2 B" not yet
    run_import(school, data)
    file = tmp_path / "enseignants.csv"
    file.write_bytes(TEACHERS.replace("{other}", other_school.uai).encode("cp1252"))

    out, _ = run("import_teachers", "--commune=bordeaux", str(file))

    assert "créés 2, mis à jour 0, inchangés 0" in out
    with schema_context(SCHEMA):
        camille = User.objects.get(email="camille.fictif@example.org")
        assert camille.profile == Profile.TEACHER
        assert camille.username == "camille.fictif"
        assert len(camille.activation_code) == 8
        assert not camille.has_usable_password()
        assert set(
            SchoolMembership.objects.filter(user=camille, role=SchoolRole.TEACHER).values_list(
                "school__uai", flat=True
            )
        ) == {school.uai, other_school.uai}
        taught = {(c.school.uai, c.name, tuple(c.levels)) for c in camille.taught_classrooms.all()}
        cp_a = Classroom.objects.get(school=school, name="CP A")
        assert Enrolment.objects.filter(classroom=cp_a).exists()  # the ONDE class, reused
        assert taught == {
            (school.uai, "CP A", tuple(cp_a.levels)),
            (school.uai, "CE1-CE2 B", ("CE1", "CE2")),
            (other_school.uai, "CM2 C", ("CM2",)),
        }
        dominique = User.objects.get(email="dominique.essai@example.org")
        assert not dominique.taught_classrooms.exists()
        assert SchoolMembership.objects.filter(user=dominique, school=school).exists()
        users_before = list(User.objects.order_by("pk").values())
    counts = tenant_counts()

    out, _ = run("import_teachers", "--commune=bordeaux", str(file))

    assert "créés 0, mis à jour 0, inchangés 2" in out
    assert "Rien n'a changé." in out
    assert tenant_counts() == counts
    with schema_context(SCHEMA):
        assert list(User.objects.order_by("pk").values()) == users_before


def test_import_teachers_updates_a_name_and_keeps_a_director_a_director(school, tmp_path):
    with schema_context(SCHEMA):
        User.objects.create(
            username="d.essai",
            email="dominique.essai@example.org",
            first_name="Dom",
            last_name="Essai",
            profile=Profile.DIRECTOR,
        )
    file = tmp_path / "enseignants.csv"
    file.write_text(
        f"Nom;Prénom;Courriel;UAI;Classes\nEssai;Dominique;dominique.essai@example.org;{SCHOOL_UAI};\n",
        encoding="utf-8",
    )

    out, _ = run("import_teachers", "--commune=bordeaux", str(file))

    assert "mis à jour 1" in out
    with schema_context(SCHEMA):
        director = User.objects.get(username="d.essai")
        assert (director.first_name, director.profile) == ("Dominique", Profile.DIRECTOR)
        assert (
            User.objects.count() == 1 + User.objects.filter(profile=Profile.COMMUNE_ADMIN).count()
        )


def test_import_teachers_lists_every_error_with_its_line_and_imports_nothing(school, tmp_path):
    file = tmp_path / "enseignants.csv"
    file.write_bytes(
        (
            "nom;prénom;courriel;UAI;classes\n"
            f"Fictif;Camille;camille@example.org;{SCHOOL_UAI};CP A\n"
            f";Sans-Nom;sans.nom@example.org;{SCHOOL_UAI};\n"
            f"Essai;Dominique;pas-un-courriel;{SCHOOL_UAI};\n"
            f"Autre;Camille;camille@example.org;{SCHOOL_UAI};\n"
            f"Loin;Lou;lou@example.org;{uai('0339998')};\n"
        ).encode()
    )
    state, counts = database_state(), tenant_counts()

    with pytest.raises(CommandError) as raised:
        run("import_teachers", "--commune=bordeaux", str(file))

    assert str(raised.value) == "4 erreurs dans les fichiers : rien n'a été importé."
    assert database_state() == state
    assert tenant_counts() == counts


def test_import_teachers_error_messages(school):
    unknown = uai("0339998")
    content = (
        "nom;prénom;courriel;UAI;classes\n"
        f"Fictif;Camille;camille@example.org;{SCHOOL_UAI};CP A\n"
        f";Sans-Nom;sans.nom@example.org;{SCHOOL_UAI};\n"
        f"Essai;Dominique;pas-un-courriel;{SCHOOL_UAI};\n"
        f"Autre;Camille;camille@example.org;{SCHOOL_UAI};\n"
        f"Loin;Lou;lou@example.org;{unknown};\n"
    ).encode()

    with pytest.raises(OndeImportError) as raised:
        teachers_import(commune_slug="bordeaux", source=SourceFile("enseignants.csv", content))

    assert [str(i) for i in raised.value.issues] == [
        "enseignants.csv, ligne 3 : nom manquant.",
        "enseignants.csv, ligne 4 : courriel « pas-un-courriel » invalide.",
        "enseignants.csv, ligne 5 : le courriel camille@example.org est celui de Camille "
        "Fictif (ligne 2), pas de Camille Autre.",
        f"enseignants.csv, ligne 6 : aucune école {unknown} dans la commune "
        "(ajoutez-la : add_school).",
    ]


def test_import_teachers_dry_run_changes_nothing(school, tmp_path):
    file = tmp_path / "enseignants.csv"
    file.write_text(
        f"nom;prénom;courriel;UAI;classes\nFictif;Camille;camille@example.org;{SCHOOL_UAI};"
        "CP A,CE1-CE2 B\n",
        encoding="utf-8",
    )
    state, counts = database_state(), tenant_counts()

    out, _ = run("import_teachers", "--commune=bordeaux", str(file), "--dry-run")

    assert out.startswith("[simulation] Enseignants")
    assert "créés 1" in out and "classes créées 2" in out
    assert database_state() == state
    assert tenant_counts() == counts
