"""Collecting the live communes' class counts: one aggregate query per commune."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.schools.models import Classroom, DeploymentStatus, School, SchoolKind, SchoolYear
from apps.schools.validators import uai_check_letter
from tenants.models import Commune, CommuneStatus
from tenants.usage.models import ClassCountCorrection, ClassCountSnapshot
from tenants.usage.services import class_count_correct, class_counts_collect
from tenants.usage.tasks import collect_class_counts

DAY = date(2027, 1, 15)


def _uai(digits: str) -> str:
    return digits + uai_check_letter(digits)


def _school(digits: str, status: str, *, classes: int, last_year: int = 0) -> None:
    current, _ = SchoolYear.objects.get_or_create(
        is_current=True,
        defaults={"label": "2026-2027", "starts_on": date(2026, 9, 1), "ends_on": date(2027, 7, 4)},
    )
    previous, _ = SchoolYear.objects.get_or_create(
        label="2025-2026", defaults={"starts_on": date(2025, 9, 1), "ends_on": date(2026, 7, 4)}
    )
    school = School.objects.create(
        uai=_uai(digits),
        name=f"École {digits}",
        kind=SchoolKind.ELEMENTAIRE,
        deployment_status=status,
    )
    for n in range(classes):
        Classroom.objects.create(school=school, year=current, name=f"C{n}", levels=["CP"])
    for n in range(last_year):
        Classroom.objects.create(school=school, year=previous, name=f"C{n}", levels=["CP"])


def _suspend(slug: str) -> None:
    Commune.objects.filter(slug=slug).update(status=CommuneStatus.SUSPENDED)


@pytest.mark.django_db
def test_collection_counts_live_communes_with_one_query_each():
    with schema_context("bordeaux"):
        _school("0339001", DeploymentStatus.ACTIVE, classes=5, last_year=3)
        _school("0339002", DeploymentStatus.PILOT, classes=2)
        _school("0339003", DeploymentStatus.NOT_DEPLOYED, classes=4)
        _school("0339004", DeploymentStatus.ACTIVE, classes=0)  # deployed, no class yet
    with schema_context("pessac"):
        _school("0339011", DeploymentStatus.NOT_DEPLOYED, classes=3)
    with schema_context("bassens"):
        _school("0339021", DeploymentStatus.ACTIVE, classes=7)
    _suspend("bassens")

    with CaptureQueriesContext(connection) as queries:
        class_counts_collect(on=DAY)

    counted = {
        s.commune.slug: (s.primary_classes, s.deployed_classes, s.deployed_schools)
        for s in ClassCountSnapshot.objects.select_related("commune").filter(date=DAY)
    }
    assert counted == {"bordeaux": (11, 7, 3), "pessac": (3, 0, 0)}
    reads = [q["sql"] for q in queries.captured_queries if "schools_classroom" in q["sql"]]
    assert len(reads) == 2
    assert '"bordeaux".schools_classroom' in reads[0]
    assert '"pessac".schools_classroom' in reads[1]
    assert not any('"ent_template".' in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_collecting_the_same_day_again_refreshes_the_figures():
    class_counts_collect(on=DAY)
    with schema_context("pessac"):
        _school("0339011", DeploymentStatus.ACTIVE, classes=2)

    class_counts_collect(on=DAY)

    pessac = ClassCountSnapshot.objects.get(commune__slug="pessac", date=DAY)
    assert (pessac.primary_classes, pessac.deployed_classes) == (2, 2)
    assert ClassCountSnapshot.objects.filter(date=DAY).count() == 3


@pytest.mark.django_db
def test_a_correction_shows_on_the_snapshot_and_is_kept_in_the_trail():
    class_counts_collect(on=DAY)
    snapshot = ClassCountSnapshot.objects.get(commune__slug="pessac", date=DAY)

    class_count_correct(
        snapshot=snapshot,
        field="primary_classes",
        new_value=42,
        reason="ONDE pas encore importé : chiffre de la DSDEN",
        corrected_by_id=7,
        corrected_by_name="Coordinatrice Bordeaux",
    )
    class_counts_collect(on=DAY)  # a later collection keeps the corrected figure

    snapshot.refresh_from_db()
    assert snapshot.primary_classes == 42
    (correction,) = ClassCountCorrection.objects.all()
    assert (correction.field, correction.old_value, correction.new_value) == (
        "primary_classes",
        0,
        42,
    )
    assert correction.reason == "ONDE pas encore importé : chiffre de la DSDEN"
    assert (correction.corrected_by_id, correction.corrected_by_name) == (
        7,
        "Coordinatrice Bordeaux",
    )


@pytest.mark.django_db
def test_a_correction_needs_a_reason_and_changes_nothing_without_one():
    class_counts_collect(on=DAY)
    snapshot = ClassCountSnapshot.objects.get(commune__slug="pessac", date=DAY)

    with pytest.raises(ValueError):
        class_count_correct(
            snapshot=snapshot,
            field="primary_classes",
            new_value=9,
            reason="  ",
            corrected_by_id=None,
            corrected_by_name="x",
        )

    snapshot.refresh_from_db()
    assert snapshot.primary_classes == 0
    assert not ClassCountCorrection.objects.exists()


@pytest.mark.django_db
def test_the_command_collects_at_the_given_date(capsys):
    call_command("collect_class_counts", "--date", "2027-02-01")

    assert set(
        ClassCountSnapshot.objects.filter(date=date(2027, 2, 1)).values_list(
            "commune__slug", flat=True
        )
    ) == {"bordeaux", "pessac", "bassens"}


@pytest.mark.django_db
def test_the_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="date invalide"):
        call_command("collect_class_counts", "--date", "15/01/2027")


@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_fans_out_to_live_communes_on_a_real_worker(redis_worker):
    _suspend("bassens")

    queued = collect_class_counts.delay(DAY.isoformat())

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        slugs = set(
            ClassCountSnapshot.objects.filter(date=DAY).values_list("commune__slug", flat=True)
        )
        if slugs == {"bordeaux", "pessac"}:
            break
        time.sleep(0.2)
    assert slugs == {"bordeaux", "pessac"}, "the worker did not record the snapshots"
    assert queued.id
