"""A director imports ONDE into the school they direct, and only there."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.navigation.registry import Host, entries_for
from apps.schools.models import Enrolment, ImportJob, ImportJobStatus
from apps.schools.onde import import_for_school
from tests.onde.helpers import export, sources

INDEX = "/administration/imports/"


def run_import(school, data) -> None:
    """An import into ``school`` by the commune (its one pupil of the world leaves)."""
    pupils, guardians = sources(data)
    with schema_context("bordeaux"):
        import_for_school(school=school, pupils=pupils, guardians=guardians, confirm_leavers=True)


def upload(data) -> dict[str, SimpleUploadedFile]:
    return {
        "pupils": SimpleUploadedFile("eleves.csv", data.pupils_csv()),
        "guardians": SimpleUploadedFile("responsables.csv", data.guardians_csv()),
    }


def test_the_director_reaches_the_import_from_the_menu():
    assert "school_imports:index" in {
        entry.url_name for entry in entries_for(Profile.DIRECTOR, Host.COMMUNE)
    }


def test_a_director_sees_only_their_school(bordeaux, as_user):
    page = as_user(bordeaux, "dA").get(INDEX)

    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{bordeaux.schools["A"].pk}"' in html
    assert f'<option value="{bordeaux.schools["B"].pk}"' not in html
    assert "École B" not in html


def test_a_director_imports_their_schools_pupils(
    bordeaux, as_user, eager_tasks, django_capture_on_commit_callbacks
):
    client = as_user(bordeaux, "dA")
    school = bordeaux.schools["A"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            INDEX,
            # The world's three pupils of school A are not in the export: they leave.
            {"school": school.pk, "confirm_leavers": "on", **upload(export(8, seed=7))},
        )

    with schema_context("bordeaux"):
        job = ImportJob.objects.get()
        assert response.status_code == 302
        assert (job.school_id, job.requested_by_id) == (school.pk, bordeaux["dA"].pk)
        assert job.status == ImportJobStatus.SUCCEEDED, job.errors
        assert Enrolment.objects.filter(classroom__school=school).count() == 3 + 8
    assert client.get(f"{INDEX}{job.pk}/").status_code == 200
    assert client.get(f"{INDEX}{job.pk}/etat.json").json()["status"] == "succeeded"


def test_a_director_cannot_import_into_another_school(bordeaux, as_user):
    response = as_user(bordeaux, "dA").post(
        INDEX, {"school": bordeaux.schools["B"].pk, **upload(export(5, seed=3))}
    )

    assert response.status_code == 400
    assert "École inconnue." in response.content.decode()
    with schema_context("bordeaux"):
        assert not ImportJob.objects.exists()


def test_a_file_with_pupils_of_another_school_is_refused_and_nothing_moves(bordeaux, as_user):
    data = export(6, seed=5)
    run_import(bordeaux.schools["B"], data)
    with schema_context("bordeaux"):
        in_b = set(
            Enrolment.objects.filter(classroom__school=bordeaux.schools["B"]).values_list(
                "pupil_id", flat=True
            )
        )

    response = as_user(bordeaux, "dA").post(
        INDEX, {"school": bordeaux.schools["A"].pk, **upload(data)}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "Rien n&#x27;a été importé : 6 élève(s)" in body and "(École B" in body
    with schema_context("bordeaux"):
        assert not ImportJob.objects.exists()
        assert (
            set(
                Enrolment.objects.filter(classroom__school=bordeaux.schools["B"]).values_list(
                    "pupil_id", flat=True
                )
            )
            == in_b
        )


def test_the_commune_administrator_may_still_move_pupils_between_schools(
    bordeaux, as_user, django_capture_on_commit_callbacks
):
    data = export(4, seed=9)
    run_import(bordeaux.schools["B"], data)

    with django_capture_on_commit_callbacks(execute=False):
        response = as_user(bordeaux, "adm").post(
            INDEX, {"school": bordeaux.schools["A"].pk, **upload(data)}
        )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        assert ImportJob.objects.filter(school=bordeaux.schools["A"]).exists()


def test_another_schools_director_and_teachers_get_a_404(bordeaux, as_user):
    with schema_context("bordeaux"):
        job = ImportJob.objects.create(
            school=bordeaux.schools["A"],
            pupils_filename="eleves.csv",
            guardians_filename="responsables.csv",
        )
    other = as_user(bordeaux, "dB")

    assert other.get(INDEX).status_code == 200  # their own school's page
    assert "eleves.csv" not in other.get(INDEX).content.decode()
    assert other.get(f"{INDEX}{job.pk}/").status_code == 404
    assert other.get(f"{INDEX}{job.pk}/etat.json").status_code == 404
    teacher = as_user(bordeaux, "t1")
    assert teacher.get(INDEX).status_code == 404
    assert teacher.get(f"{INDEX}{job.pk}/").status_code == 404
    with schema_context("bordeaux"):
        assert User.objects.filter(profile=Profile.DIRECTOR).count() == 2
