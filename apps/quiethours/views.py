"""The *Heures calmes* pages: the commune administrator's slots for the commune, and each
school's override for its direction. A school out of reach answers 404 like a missing one,
and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.context import caller
from apps.accounts.models import Profile, User
from apps.accounts.permissions import Actor, can_administer_commune, can_manage_school
from apps.quiethours import services
from apps.quiethours.forms import SlotsForm
from apps.quiethours.models import QuietHours
from apps.quiethours.selectors import commune_hours, school_override
from apps.schools.models import School


def _caller(request: HttpRequest) -> tuple[User, Actor]:
    found = caller(request)
    return found.user, found.actor


def _schools(actor: Actor) -> list[School]:
    schools = School.objects.order_by("name")
    if not can_administer_commune(actor=actor):
        schools = schools.filter(pk__in=actor.directed_school_ids)
    return list(schools)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """The commune's slots (the administrator edits them), and the schools within reach."""
    user, actor = _caller(request)
    is_admin = can_administer_commune(actor=actor)
    if not is_admin and actor.profile != Profile.DIRECTOR:
        raise Http404
    commune = commune_hours()
    form = SlotsForm.for_row(commune, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_admin:
            raise Http404
        if form.is_valid():
            services.commune_hours_save(actor=actor, user=user, **form.cleaned_data)
            messages.success(request, "Les heures calmes de la commune sont enregistrées.")
            return redirect("quiethours:index")
    schools = _schools(actor)
    overrides = {row.school_id: row for row in QuietHours.objects.filter(school__in=schools)}
    return render(
        request,
        "quiethours/index.html",
        {
            "is_admin": is_admin,
            "form": form,
            "hours": commune,
            "rows": [(school, overrides.get(school.pk)) for school in schools],
        },
    )


def _school_or_404(actor: Actor, school_id: int) -> School:
    school = School.objects.filter(pk=school_id).first()
    if school is None or not can_manage_school(actor=actor, school_id=school.pk):
        raise Http404
    return school


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    """A school's own slots; without them the school follows the commune's."""
    user, actor = _caller(request)
    found = _school_or_404(actor, school_id)
    override = school_override(found.pk)
    commune = commune_hours()
    form = SlotsForm.for_row(
        override or commune, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        services.school_hours_save(actor=actor, user=user, school=found, **form.cleaned_data)
        messages.success(request, f"Les heures calmes de l'école {found.name} sont enregistrées.")
        return redirect("quiethours:school", school_id=found.pk)
    return render(
        request,
        "quiethours/school.html",
        {"school": found, "form": form, "override": override, "commune_hours": commune},
    )


@login_required
@require_POST
def school_reset(request: HttpRequest, school_id: int) -> HttpResponse:
    user, actor = _caller(request)
    found = _school_or_404(actor, school_id)
    if services.school_hours_reset(actor=actor, user=user, school=found):
        messages.success(request, f"L'école {found.name} suit de nouveau les heures de la commune.")
    return redirect("quiethours:school", school_id=found.pk)
