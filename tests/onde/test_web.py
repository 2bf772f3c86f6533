"""The commune administrator's import pages: access, the form, the job, its progress."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.audit.models import AuditEvent
from apps.schools.models import Enrolment, EnrolmentStatus, ImportJob, ImportJobStatus, School
from apps.schools.onde.progress import JobProgress
from apps.schools.tasks import import_onde_job
from provisioning.services import provision_commune
from tenants.db import use_public_schema
from tenants.models import Commune
from tests.onde.generator import PUPIL_HEADER, encode, render
from tests.onde.helpers import (
    SCHEMA,
    export,
    logged_in,
    make_person,
    run_import,
    tenant_counts,
    uai,
)

INDEX = "/administration/imports/"


@pytest.fixture
def admin(db: None) -> User:
    return make_person(SCHEMA, "admin.bordeaux", Profile.COMMUNE_ADMIN)


def upload(data, *, bad_date_on_line: int | None = None) -> dict[str, SimpleUploadedFile]:
    rows = data.pupil_rows()
    if bad_date_on_line is not None:
        rows[bad_date_on_line - 1][PUPIL_HEADER.index("Date naissance")] = "12/13/2018"
    return {
        "pupils": SimpleUploadedFile("eleves.csv", encode(render(rows), encoding="cp1252")),
        "guardians": SimpleUploadedFile("responsables.csv", data.guardians_csv(bom=True)),
    }


# --- access --------------------------------------------------------------------------------


def test_the_commune_administrator_sees_the_schools_and_the_form(tenant_client, admin, school):
    page = logged_in(tenant_client, SCHEMA, admin).get(INDEX)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Imports ONDE" in html
    assert "École élémentaire des Essais" in html
    assert 'type="file" name="pupils"' in html
    assert "Simulation" in html


@pytest.mark.parametrize("profile", [Profile.TEACHER, Profile.DIRECTOR, Profile.PARENT])
def test_other_people_of_the_commune_get_a_404(tenant_client, school, profile):
    client = logged_in(tenant_client, SCHEMA, make_person(SCHEMA, "quelquun", profile))

    assert client.get(INDEX).status_code == 404
    assert client.post(INDEX, {"school": school.pk}).status_code == 404
    assert client.get(f"{INDEX}1/etat.json").status_code == 404


def test_an_anonymous_visitor_gets_a_404(tenant_client, school):
    assert tenant_client("bordeaux").get(INDEX).status_code == 404


def test_another_communes_administrator_cannot_see_this_communes_imports(
    tenant_client, admin, school
):
    with schema_context(SCHEMA):
        job = ImportJob.objects.create(
            school=school, pupils_filename="eleves.csv", guardians_filename="responsables.csv"
        )
    pessac_admin = make_person("pessac", "admin.pessac", Profile.COMMUNE_ADMIN)
    pessac = logged_in(tenant_client, "pessac", pessac_admin)
    stolen = pessac.cookies["sessionid"].value
    on_bordeaux = tenant_client("bordeaux")
    on_bordeaux.cookies["sessionid"] = stolen

    assert pessac.get(INDEX).status_code == 200  # their own commune's page
    assert "École élémentaire des Essais" not in pessac.get(INDEX).content.decode()
    assert pessac.get(f"{INDEX}{job.pk}/").status_code == 404
    assert pessac.get(f"{INDEX}{job.pk}/etat.json").status_code == 404
    assert on_bordeaux.get(INDEX).status_code == 404
    assert on_bordeaux.get(f"{INDEX}{job.pk}/etat.json").status_code == 404


def test_a_missing_job_is_a_404(tenant_client, admin):
    client = logged_in(tenant_client, SCHEMA, admin)

    assert client.get(f"{INDEX}999999/").status_code == 404
    assert client.get(f"{INDEX}999999/etat.json").status_code == 404


# --- starting an import --------------------------------------------------------------------


def test_the_form_starts_an_import_that_runs_and_reports(
    tenant_client, admin, school, eager_tasks, django_capture_on_commit_callbacks
):
    client = logged_in(tenant_client, SCHEMA, admin)
    data = export(20, 32, seed=41)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(INDEX, {"school": school.pk, **upload(data)})

    assert len(queued) == 1
    with schema_context(SCHEMA):
        job = ImportJob.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{INDEX}{job.pk}/"
        assert job.status == ImportJobStatus.SUCCEEDED
        assert (job.requested_by, job.requested_by_name) == (admin, admin.display_name)
        assert bytes(job.pupils_data) == b"" and bytes(job.guardians_data) == b""
        assert job.summary["pupils"] == {"created": 20, "updated": 0, "unchanged": 0}
        assert User.objects.filter(profile=Profile.PUPIL).count() == 20
        assert AuditEvent.objects.get(action="import.onde").actor == admin
    state = client.get(f"{INDEX}{job.pk}/etat.json").json()
    assert state["status"] == "succeeded"
    assert state["finished"] is True
    assert state["percent"] == 100
    assert state["errors"] == []
    page = client.get(f"{INDEX}{job.pk}/").content.decode()
    assert "Terminé" in page
    assert '<progress id="barre-import" max="100" value="100">' in page
    assert 'aria-live="polite"' in page
    assert "Élèves créés (20)" in page
    assert "eleves.csv" in client.get(INDEX).content.decode()  # in the list of past imports


def test_an_import_with_errors_fails_imports_nothing_and_shows_every_error(
    tenant_client, admin, school, eager_tasks, django_capture_on_commit_callbacks
):
    client = logged_in(tenant_client, SCHEMA, admin)
    data = export(20, 32, seed=42)
    counts = tenant_counts()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(INDEX, {"school": school.pk, **upload(data, bad_date_on_line=4)})

    with schema_context(SCHEMA):
        job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert {**tenant_counts(), "audit": 0} == {**counts, "audit": 0}
    state = client.get(f"{INDEX}{job.pk}/etat.json").json()
    assert state["status"] == "failed"
    assert state["errors"] == [
        "eleves.csv, ligne 4 : date de naissance « 12/13/2018 » invalide (attendu : jj/mm/aaaa)."
    ]
    page = client.get(f"{INDEX}{job.pk}/").content.decode()
    assert "1 erreur : rien n'a été importé" in page
    assert "eleves.csv, ligne 4 : date de naissance « 12/13/2018 » invalide" in page


def test_a_dry_run_from_the_page_writes_nothing_but_the_job(
    tenant_client, admin, school, eager_tasks, django_capture_on_commit_callbacks
):
    client = logged_in(tenant_client, SCHEMA, admin)
    counts = tenant_counts()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(INDEX, {"school": school.pk, "dry_run": "on", **upload(export(10, 16))})

    assert tenant_counts() == counts
    with schema_context(SCHEMA):
        job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.SUCCEEDED and job.dry_run
    page = client.get(f"{INDEX}{job.pk}/").content.decode()
    assert "Bilan de la simulation (rien n'a été enregistré)" in page


def test_a_damaged_file_fails_the_job_with_its_line_and_the_pages_still_answer(
    tenant_client, admin, school, eager_tasks, django_capture_on_commit_callbacks
):
    client = logged_in(tenant_client, SCHEMA, admin)
    data = export(10, 16, seed=45)
    data.pupils[1].first_name = "Lé\x00a"  # line 3 (guardian lines name the child too)
    for guardian in data.guardians:
        guardian.children = [c for c in guardian.children if c is not data.pupils[1]]
    data.guardians = [g for g in data.guardians if g.children]
    counts = tenant_counts()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INDEX, {"school": school.pk, **upload(data)})

    assert response.status_code == 302
    assert {**tenant_counts(), "audit": 0} == {**counts, "audit": 0}
    with schema_context(SCHEMA):
        job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    state = client.get(f"{INDEX}{job.pk}/etat.json").json()
    assert state["errors"] == [
        "eleves.csv, ligne 3 : caractère de contrôle invisible (NUL) ; le fichier est abîmé : "
        "exportez-le de nouveau."
    ]
    assert client.get(f"{INDEX}{job.pk}/").status_code == 200


def test_marking_many_pupils_as_leaving_waits_for_the_box_to_be_ticked(
    tenant_client, admin, school, eager_tasks, django_capture_on_commit_callbacks
):
    client = logged_in(tenant_client, SCHEMA, admin)
    data = export(10, 16, seed=46)
    run_import(school, data)
    gone = data.pupils[-3:]  # 30 % of the school
    data.pupils = data.pupils[:-3]
    for guardian in data.guardians:
        guardian.children = [c for c in guardian.children if all(c is not g for g in gone)]
    data.guardians = [g for g in data.guardians if g.children]
    assert 'name="confirm_leavers"' in client.get(INDEX).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(INDEX, {"school": school.pk, **upload(data)})

    with schema_context(SCHEMA):
        refused = ImportJob.objects.get()
        assert not Enrolment.objects.filter(status=EnrolmentStatus.LEAVING).exists()
    assert refused.status == ImportJobStatus.FAILED
    [error] = client.get(f"{INDEX}{refused.pk}/etat.json").json()["errors"]
    assert "3 des 10 élèves inscrits dans l'école (30 %)" in error
    assert "relancez l'import en les confirmant (case « Confirmer les départs »" in error

    with django_capture_on_commit_callbacks(execute=True):
        client.post(INDEX, {"school": school.pk, "confirm_leavers": "on", **upload(data)})

    with schema_context(SCHEMA):
        confirmed = ImportJob.objects.exclude(pk=refused.pk).get()
        assert Enrolment.objects.filter(status=EnrolmentStatus.LEAVING).count() == 3
    assert confirmed.status == ImportJobStatus.SUCCEEDED
    assert confirmed.summary["enrolments"]["leaving"] == 3


def test_the_form_needs_a_school_and_both_files(tenant_client, admin, school):
    client = logged_in(tenant_client, SCHEMA, admin)

    response = client.post(INDEX, {"school": school.pk})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Joignez l&#x27;export des élèves." in html
    assert "Joignez l&#x27;export des responsables." in html
    with schema_context(SCHEMA):
        assert not ImportJob.objects.exists()


# --- progress, from outside the import's transaction ---------------------------------------


@pytest.fixture
def scratch_commune(transactional_db: None) -> Iterator[Commune]:
    """A commune of its own for the tests that commit (its schema is dropped afterwards)."""
    commune = provision_commune(
        name="Essais-sur-Onde", insee="33998", slug="essais-onde", status="active"
    ).commune
    yield commune
    use_public_schema()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{commune.schema_name}" CASCADE')
    Commune.objects.filter(pk=commune.pk).delete()


def _job(schema: str, data, *, requested_by: User | None = None) -> ImportJob:
    with schema_context(schema):
        school = School.objects.create(uai=uai("0331003"), name="École des Essais", kind="primaire")
        files = upload(data)
        return ImportJob.objects.create(
            school=school,
            requested_by=requested_by,
            pupils_filename="eleves.csv",
            guardians_filename="responsables.csv",
            pupils_data=files["pupils"].read(),
            guardians_data=files["guardians"].read(),
        )


def test_progress_is_visible_to_another_connection_while_the_import_runs(
    scratch_commune, monkeypatch
):
    schema = scratch_commune.schema_name
    data = export(300, 480, seed=43)
    job = _job(schema, data)
    observer = connection.copy()  # another connection, as the status page's request has
    seen: list[tuple[str, int, int, int]] = []
    write = JobProgress._write

    def write_and_look(progress: JobProgress) -> None:
        write(progress)
        with observer.cursor() as cursor:
            cursor.execute(
                f'SELECT phase, processed, total FROM "{schema}".schools_importjob '  # noqa: S608
                "WHERE id = %s",
                [job.pk],
            )
            phase, processed, total = cursor.fetchone()
            cursor.execute(f'SELECT count(*) FROM "{schema}".accounts_user')  # noqa: S608
            users = cursor.fetchone()[0]
        seen.append((phase, processed, total, users))

    monkeypatch.setattr(JobProgress, "_write", write_and_look)
    try:
        with schema_context(schema):
            assert import_onde_job(job.pk) == ImportJobStatus.SUCCEEDED
    finally:
        observer.close()

    phases = [phase for phase, *_ in seen]
    assert phases[0] == "Lecture des fichiers"
    assert "Rapprochement des responsables" in phases
    last_phase, processed, total, users = seen[-1]
    # The other connection saw the writing phase complete while the accounts written by the
    # import's transaction were not visible to it yet: progress lives outside that transaction.
    assert (last_phase, processed) == ("Enregistrement", total)
    assert total >= 300 + 480
    assert users == 0
    with schema_context(schema):
        assert User.objects.filter(profile=Profile.PUPIL).count() == 300
        assert ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.SUCCEEDED


def test_an_import_started_on_the_page_runs_on_a_worker_and_the_page_follows_it(
    scratch_commune, redis_worker, tenant_client
):
    schema = scratch_commune.schema_name
    with schema_context(schema):
        school = School.objects.create(uai=uai("0331003"), name="École des Essais", kind="primaire")
    admin = make_person(schema, "admin.essais", Profile.COMMUNE_ADMIN)
    client = logged_in(tenant_client, schema, admin)

    response = client.post(INDEX, {"school": school.pk, **upload(export(50, 80, seed=44))})

    assert response.status_code == 302
    state_url = f"{response['Location']}etat.json"
    deadline = time.monotonic() + 60
    states = [client.get(state_url).json()]
    while not states[-1]["finished"] and time.monotonic() < deadline:
        time.sleep(0.05)
        states.append(client.get(state_url).json())
    assert states[-1]["status"] == "succeeded", states[-1]
    assert states[-1]["summary"]["pupils"]["created"] == 50
    assert "Terminé" in client.get(response["Location"]).content.decode()
    with schema_context(schema):
        assert User.objects.filter(profile=Profile.PARENT).count() == 80
