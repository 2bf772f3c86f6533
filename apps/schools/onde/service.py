"""ONDE import of one school: read, check, plan, then write everything or nothing."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.audit.services import record_event
from apps.schools.errors import SchoolDataError
from apps.schools.models import School, SchoolYear
from apps.schools.onde.apply import apply_plan
from apps.schools.onde.csvfile import Issue, SourceFile
from apps.schools.onde.linking import Family, link_guardians
from apps.schools.onde.parsing import OndeFiles, parse_files
from apps.schools.onde.plan import LEAVERS_SHARE, Plan, Planner
from apps.schools.onde.progress import NullProgress, ProgressReporter
from apps.schools.onde.report import ImportReport, LeaversNotConfirmed, OndeImportError
from apps.schools.validators import normalise_uai
from apps.schools.years import (
    current_school_year,
    ensure_current_school_year,
    school_year_label_for_today,
)
from tenants.db import current_schema

log = logging.getLogger(__name__)

# Leavers named in the refusal that asks to confirm them (the dry run lists them all).
LEAVERS_SHOWN = 5


def lock_commune_accounts() -> None:
    """Serialise the imports of one commune: they allocate logins from the same namespace."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"accounts-import:{current_schema()}"]
        )


def read_onde(
    pupils: SourceFile, guardians: SourceFile, progress: ProgressReporter
) -> tuple[OndeFiles, list[Family]]:
    """Both files parsed and linked; every error of both raises one OndeImportError."""
    progress.phase("Lecture des fichiers", 2)
    files, issues = parse_files(pupils, guardians, today=timezone.localdate())
    progress.advance(2)
    if files is None:
        raise OndeImportError(issues)
    progress.phase("Rapprochement des responsables", len(files.guardians))
    families, link_issues = link_guardians(files)
    progress.advance(len(files.guardians))
    issues.extend(link_issues)
    if issues:
        raise OndeImportError(issues)
    return files, families


def _plan(
    school: School, files: OndeFiles, families: list[Family], year: SchoolYear | None
) -> Plan:
    plan = Planner(
        school=school,
        year=year,
        year_label=year.label if year is not None else school_year_label_for_today(),
        files=files,
        families=families,
    ).build()
    if plan.issues:
        raise OndeImportError(plan.issues)
    return plan


def check_leavers(plan: Plan) -> None:
    """Refuse to mark more than LEAVERS_SHARE of the school's pupils as leaving unasked."""
    if not plan.leavers_need_confirmation:
        return
    leaving, enrolled = len(plan.leaving), plan.enrolled_before
    names = ", ".join(e.pupil.display_name for e in plan.leaving[:LEAVERS_SHOWN])
    if leaving > LEAVERS_SHOWN:
        names += f", … et {leaving - LEAVERS_SHOWN} autres"
    raise LeaversNotConfirmed(
        [
            Issue(
                plan.files.pupils_file,
                plan.files.pupils_last_line,
                f"le fichier s'arrête à cette ligne, et {leaving} des {enrolled} élèves "
                f"inscrits dans l'école ({round(100 * leaving / enrolled)} %) n'y figurent "
                f"pas : ils seraient marqués comme partants ({names}). Au-delà de "
                f"{round(100 * LEAVERS_SHARE)} %, un export incomplet ou d'une autre école est "
                "plus probable que des départs : vérifiez le fichier. Si ces départs sont "
                "réels, relancez l'import en les confirmant (case « Confirmer les départs » "
                "de la page d'import, option --confirm-leavers de la commande import_onde).",
            )
        ]
    )


def import_for_school(
    *,
    school: School,
    pupils: SourceFile,
    guardians: SourceFile,
    dry_run: bool = False,
    confirm_leavers: bool = False,
    progress: ProgressReporter | None = None,
    actor: Any = None,
) -> ImportReport:
    """Import a pair of ONDE exports into ``school`` (in the schema that is active).

    Raises OndeImportError, listing every error with its file and line, when the files are
    wrong; nothing is written then. A dry run reads and plans, and writes nothing. Marking
    more than LEAVERS_SHARE of the school's pupils as leaving takes ``confirm_leavers``
    (LeaversNotConfirmed otherwise); a dry run reports it in ``leavers_need_confirmation``.
    """
    progress = progress or NullProgress()
    started = time.perf_counter()
    files, families = read_onde(pupils, guardians, progress)
    progress.phase("Comparaison avec l'ENT", 1)
    if dry_run:
        plan = _plan(school, files, families, current_school_year(create=False))
        progress.advance()
        report = plan.report(dry_run=True, year_created=plan.year is None)
        report.seconds = time.perf_counter() - started
        return report

    with transaction.atomic():
        lock_commune_accounts()
        year, year_made = ensure_current_school_year()
        plan = _plan(school, files, families, year)
        if not confirm_leavers:
            check_leavers(plan)
        progress.advance()
        apply_plan(plan, year=year, progress=progress)
        report = plan.report(dry_run=False, year_created=year_made)
        report.seconds = time.perf_counter() - started
        record_event(
            action="import.onde",
            actor=actor,
            target=f"{school.uai} {school.name}"[:200],
            details=report.summary(),
        )
    log.info(
        "ONDE import into %s: %s pupils, %s guardians in %.2f s",
        school.uai,
        len(report.pupils.created) + len(report.pupils.updated) + len(report.pupils.unchanged),
        len(report.guardians.created)
        + len(report.guardians.updated)
        + len(report.guardians.unchanged),
        report.seconds,
    )
    return report


def school_by_uai(uai: str, *, commune_name: str) -> School:
    """The school of the active schema with this UAI, for the operator's commands."""
    uai = normalise_uai(uai)
    school = School.objects.filter(uai=uai).first()
    if school is None:
        raise SchoolDataError(
            f"Aucune école {uai} dans la commune {commune_name} "
            "(ajoutez-la d'abord : manage.py add_school)."
        )
    return school
