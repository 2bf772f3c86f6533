"""Pages of the commune administrator for ONDE imports: start one, follow it, read its result.

Only the commune's administrators see these pages; anyone else gets the same 404 as for a
page that does not exist. The import itself runs in a Celery task (queued once the job row
is committed); the status page polls a small JSON view that reads the job row, which the
task updates from outside the import's transaction.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.models import Profile, User
from apps.schools.models import (
    EnrolmentStatus,
    ImportJob,
    ImportJobStatus,
    School,
    SchoolYear,
)
from provisioning.onde.plan import LEAVERS_SHARE
from tenants.db import current_schema

MAX_FILE_BYTES = 20 * 1024 * 1024
LEAVERS_PERCENT = round(100 * LEAVERS_SHARE)
RECENT_JOBS = 30


def _commune_admin(request: HttpRequest) -> User:
    user = request.user
    if (
        getattr(request, "commune", None) is None
        or not user.is_authenticated
        or getattr(user, "profile", None) != Profile.COMMUNE_ADMIN
    ):
        raise Http404
    return user


def _job_or_404(job_id: int) -> ImportJob:
    job = (
        ImportJob.objects.select_related("school")
        .defer("pupils_data", "guardians_data")
        .filter(pk=job_id)
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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["school"].queryset = School.objects.order_by("name")  # type: ignore[attr-defined]


def _schools_with_counts() -> list[School]:
    year = SchoolYear.objects.filter(is_current=True).first()
    in_year = Q(classrooms__year=year)
    return list(
        School.objects.order_by("name").annotate(
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
    admin = _commune_admin(request)
    form = OndeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = _queue_import(admin, form)
        return redirect("school_imports:status", job_id=job.pk)
    jobs = (
        ImportJob.objects.select_related("school")
        .defer("pupils_data", "guardians_data")
        .order_by("-created_at", "-id")[:RECENT_JOBS]
    )
    return render(
        request,
        "schools/imports/index.html",
        {
            "form": form,
            "schools": _schools_with_counts(),
            "jobs": jobs,
            "leavers_percent": LEAVERS_PERCENT,
        },
        status=400 if request.method == "POST" else 200,
    )


def _queue_import(admin: User, form: OndeImportForm) -> ImportJob:
    from provisioning.onde.tasks import import_onde_job

    pupils = form.cleaned_data["pupils"]
    guardians = form.cleaned_data["guardians"]
    schema = current_schema()
    with transaction.atomic():
        job = ImportJob.objects.create(
            school=form.cleaned_data["school"],
            requested_by=admin,
            requested_by_name=admin.display_name,
            dry_run=form.cleaned_data["dry_run"],
            pupils_filename=pupils.name[:255],
            guardians_filename=guardians.name[:255],
            pupils_data=pupils.read(),
            guardians_data=guardians.read(),
        )
        job_id = job.pk
        confirm = bool(form.cleaned_data["confirm_leavers"])
        transaction.on_commit(
            lambda: import_onde_job.apply_async(
                args=[job_id],
                kwargs={"confirm_leavers": confirm},
                headers={"_schema_name": schema},
            )
        )
    return job


@require_GET
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    _commune_admin(request)
    job = _job_or_404(job_id)
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
    _commune_admin(request)
    job = _job_or_404(job_id)
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
