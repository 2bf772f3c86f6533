"""Pages about schools: the list, one school with its classes, and the administrator's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.accounts.context import found_or_404, request_actor
from apps.accounts.permissions import Actor, can_administer_commune
from apps.schools.models import School
from apps.schools.selectors import (
    classroom_listing,
    may_list_pupils,
    school_listing,
    school_visible_to,
)
from apps.schools.services import SCHOOL_FIELDS, school_create, school_update


class SchoolForm(forms.Form):
    """The school's fields, with the model's validators (UAI check letter, #RRVVBB colours).

    A plain form rather than a ModelForm: the services write, and see the school unchanged.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                School,
                fields=SCHOOL_FIELDS,
                widgets={
                    "primary_colour": forms.TextInput(attrs={"type": "color"}),
                    "secondary_colour": forms.TextInput(attrs={"type": "color"}),
                },
            )
        )
        self.fields["uai"].help_text = "7 chiffres et une lettre de contrôle, ex. 0330001X"
        self.fields["uai"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["postal_code"].widget.attrs.update({"inputmode": "numeric"})


def _administrator(request: HttpRequest) -> Actor:
    """The commune administrator, or a 404 (as for anything a person may not see)."""
    actor = request_actor(request)
    if not can_administer_commune(actor=actor):
        raise Http404
    return actor


@login_required
def school_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    return render(
        request,
        "schools/list.html",
        {
            "schools": school_listing(actor),
            "can_administer": can_administer_commune(actor=actor),
        },
    )


@login_required
def school_detail(request: HttpRequest, school_id: int) -> HttpResponse:
    actor = request_actor(request)
    school = found_or_404(school_visible_to(actor, school_id))
    classes = list(classroom_listing(actor, school_id=school.pk))
    for classroom in classes:
        classroom.shows_pupils = may_list_pupils(actor, classroom)  # type: ignore[attr-defined]
    return render(
        request,
        "schools/detail.html",
        {
            "school": school,
            "classes": classes,
            "can_administer": can_administer_commune(actor=actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_create_view(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    form = SchoolForm(request.POST or None, initial={"primary_colour": "#003f7d"})
    if request.method == "POST" and form.is_valid():
        try:
            school = school_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("schools:detail", school_id=school.pk)
    return render(request, "schools/form.html", {"form": form, "school": None})


@login_required
@require_http_methods(["GET", "POST"])
def school_edit_view(request: HttpRequest, school_id: int) -> HttpResponse:
    actor = _administrator(request)
    school = found_or_404(school_visible_to(actor, school_id))
    initial = {name: getattr(school, name) for name in SCHOOL_FIELDS}
    form = SchoolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            school_update(actor=request.user, school=school, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
            school.refresh_from_db()  # the page's title shows the school as saved
        else:
            return redirect("schools:detail", school_id=school.pk)
    return render(request, "schools/form.html", {"form": form, "school": school})
