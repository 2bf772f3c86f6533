"""Pages for ONDE imports: start one, follow it, read its result.

The commune's administrators import into any school; a director imports into the schools
they direct (``can_manage_school``), and sees only those schools' imports. Anyone else gets
the same 404 as for a page that does not exist. An ONDE export is one school's (it has no
school column): the school is the one chosen on the form, and the import's leavers and
classes are that school's only. What an import of school A could still change elsewhere is a
pupil enrolled this year in school B, whom it would move to A: a director's import refuses
such a file, naming the pupils, so that a director never takes pupils out of another school;
school B records the departure first, or the commune administrator imports.

The import itself runs in a Celery task (queued once the job row
is committed); the status page polls a small JSON view that reads the job row, which the
task updates from outside the import's transaction.
"""

from __future__ import annotations

from django import forms
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.context import caller, commune_or_404
from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_administer_commune, can_manage_school
from apps.schools.models import (
    Classroom,
    EnrolmentStatus,
    ImportJob,
    ImportJobStatus,
    School,
    SchoolYear,
)
from apps.schools.onde.csvfile import SourceFile
from apps.schools.onde.plan import LEAVERS_SHARE, Planner
from apps.schools.onde.progress import NullProgress
from apps.schools.onde.report import OndeImportError
from apps.schools.onde.service import read_onde
from apps.schools.services import import_job_create

MAX_FILE_BYTES = 20 * 1024 * 1024
LEAVERS_PERCENT = round(100 * LEAVERS_SHARE)
RECENT_JOBS = 30
# Pupils named when a director's file would move pupils out of another school.
MOVED_SHOWN = 5


def _importer(request: HttpRequest) -> tuple[User, Actor, QuerySet[School]]:
    """Who imports, and into which schools: all of them for the commune administrator, the
    schools they direct for a director; 404 for anyone else (a director of no school too)."""
    commune_or_404(request)
    me = caller(request)
    user, actor = me.user, me.actor
    if can_administer_commune(actor=actor):
        return user, actor, School.objects.order_by("name")
    directed = [
        pk for pk in actor.directed_school_ids if can_manage_school(actor=actor, school_id=pk)
    ]
    if not directed:
        raise Http404
    return user, actor, School.objects.filter(pk__in=directed).order_by("name")


def _job_or_404(job_id: int, schools: QuerySet[School]) -> ImportJob:
    job = (
        ImportJob.objects.select_related("school")
        .defer("pupils_data", "guardians_data")
        .filter(pk=job_id, school__in=schools)
        .first()
    )
    if job is None:
        raise Http404
    return job


class CsvFileField(forms.FileField):
    def clean(self, data: object, initial: object = None) -> object:
        file = super().clean(data, initial)
        if file is not None and getattr(file, "size", 0) > MAX_FILE_BYTES:
            raise forms.ValidationError("Fichier trop volumineux (20 Mo au plus).")
        return file


class OndeImportForm(forms.Form):
    school = forms.ModelChoiceField(
        label="École",
        queryset=School.objects.none(),
        empty_label="Choisir une école",
        error_messages={"required": "Choisissez l'école.", "invalid_choice": "École inconnue."},
    )
    pupils = CsvFileField(
        label="Export ONDE des élèves (CSV)",
        error_messages={
            "required": "Joignez l'export des élèves.",
            "empty": "Le fichier est vide.",
        },
    )
    guardians = CsvFileField(
        label="Export ONDE des responsables (CSV)",
        error_messages={
            "required": "Joignez l'export des responsables.",
            "empty": "Le fichier est vide.",
        },
    )
    dry_run = forms.BooleanField(
        label="Simulation : montrer ce qui changerait, sans rien enregistrer", required=False
    )
    # The confirmation an import asks for when it would mark more than LEAVERS_SHARE of the
    # school's pupils as leaving.
    confirm_leavers = forms.BooleanField(
        label=f"Confirmer les départs : accepter que plus de {LEAVERS_PERCENT} % des élèves de "
        "l'école soient marqués comme partants (élèves absents de l'export)",
        required=False,
    )

    def __init__(self, *args: object, schools: QuerySet[School], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk


def pupils_of_other_schools(school: School, pupils: SourceFile, guardians: SourceFile) -> list[str]:
    """Pupils of the files enrolled this year in another school of the commune, whom importing
    them into ``school`` would move out of it. Plans as a dry run does, writing nothing; a file
    with errors gives none (the import itself lists its errors)."""
    try:
        files, families = read_onde(pupils, guardians, NullProgress())
    except OndeImportError:
        return []
    year = SchoolYear.objects.filter(is_current=True).first()
    if year is None:
        return []
    plan = Planner(school=school, year=year, year_label=year.label, files=files, families=families)
    enrolments = plan.build().enrolments
    elsewhere = [
        e
        for e in enrolments
        if e.existing is not None
        and e.existing.status == EnrolmentStatus.ENROLLED
        and e.existing.classroom_id not in plan.school_class_ids
    ]
    schools = dict(
        Classroom.objects.filter(
            pk__in={e.existing.classroom_id for e in elsewhere if e.existing}
        ).values_list("pk", "school__name")
    )
    return [
        f"{e.pupil.user.display_name} ({schools.get(e.existing.classroom_id, '?')})"
        for e in elsewhere
        if e.existing is not None
    ]


def _schools_with_counts(schools: QuerySet[School]) -> list[School]:
    year = SchoolYear.objects.filter(is_current=True).first()
    in_year = Q(classrooms__year=year)
    return list(
        schools.annotate(
            class_count=Count("classrooms", filter=in_year, distinct=True),
            pupil_count=Count(
                "classrooms__enrolments",
                filter=in_year & Q(classrooms__enrolments__status=EnrolmentStatus.ENROLLED),
                distinct=True,
            ),
        )
    )


@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    user, actor, schools = _importer(request)
    is_admin = can_administer_commune(actor=actor)
    posted = request.method == "POST"
    form = OndeImportForm(
        request.POST if posted else None, request.FILES if posted else None, schools=schools
    )
    if request.method == "POST" and form.is_valid():
        refused = [] if is_admin else _moved_from_elsewhere(form)
        if refused:
            shown = ", ".join(refused[:MOVED_SHOWN])
            if len(refused) > MOVED_SHOWN:
                shown += f", … et {len(refused) - MOVED_SHOWN} autres"
            form.add_error(
                None,
                f"Rien n'a été importé : {len(refused)} élève(s) de l'export sont inscrits cette "
                f"année dans une autre école de la commune ({shown}). L'import d'une école ne "
                "retire pas d'élèves à une autre : l'autre école doit d'abord enregistrer leur "
                "départ, ou l'administrateur de la commune faire cet import.",
            )
        else:
            job = import_job_create(
                actor=actor,
                school=form.cleaned_data["school"],
                pupils=form.cleaned_data["pupils"],
                guardians=form.cleaned_data["guardians"],
                dry_run=form.cleaned_data["dry_run"],
                confirm_leavers=bool(form.cleaned_data["confirm_leavers"]),
            )
            return redirect("school_imports:status", job_id=job.pk)
    jobs = (
        ImportJob.objects.filter(school__in=schools)
        .select_related("school")
        .defer("pupils_data", "guardians_data")
        .order_by("-created_at", "-id")[:RECENT_JOBS]
    )
    return render(
        request,
        "schools/imports/index.html",
        {
            "form": form,
            "schools": _schools_with_counts(schools),
            "jobs": jobs,
            "leavers_percent": LEAVERS_PERCENT,
            "is_admin": is_admin,
        },
        status=400 if request.method == "POST" else 200,
    )


def _moved_from_elsewhere(form: OndeImportForm) -> list[str]:
    pupils, guardians = form.cleaned_data["pupils"], form.cleaned_data["guardians"]
    names = pupils_of_other_schools(
        form.cleaned_data["school"],
        SourceFile(pupils.name, pupils.read()),
        SourceFile(guardians.name, guardians.read()),
    )
    pupils.seek(0)
    guardians.seek(0)
    return names


@require_GET
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    _, _, schools = _importer(request)
    job = _job_or_404(job_id, schools)
    return render(
        request,
        "schools/imports/status.html",
        {
            "job": job,
            "state": job_state(job),
            "state_url": reverse("school_imports:status_json", kwargs={"job_id": job.pk}),
        },
    )


@require_GET
def import_status_json(request: HttpRequest, job_id: int) -> JsonResponse:
    _, _, schools = _importer(request)
    job = _job_or_404(job_id, schools)
    response = JsonResponse(job_state(job))
    response["Cache-Control"] = "no-store"
    return response


def job_state(job: ImportJob) -> dict[str, object]:
    total = job.total or 0
    percent = 100 if job.status == ImportJobStatus.SUCCEEDED else 0
    if total and job.status != ImportJobStatus.SUCCEEDED:
        percent = min(100, round(100 * job.processed / total))
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.is_finished,
        "dry_run": job.dry_run,
        "phase": job.phase,
        "processed": job.processed,
        "total": total,
        "percent": percent,
        "errors": [_issue_text(issue) for issue in job.errors or []],
        "summary": {k: v for k, v in (job.summary or {}).items() if k != "names"},
    }


def _issue_text(issue: object) -> str:
    if not isinstance(issue, dict):
        return str(issue)
    file, line, message = issue.get("file"), issue.get("line"), issue.get("message", "")
    if file and line:
        return f"{file}, ligne {line} : {message}"
    if file:
        return f"{file} : {message}"
    return str(message)
