"""The right of access (``/mon-compte/mes-donnees/``) and the handling of an erasure request
by the commune administrator (``/comptes/<id>/effacement/``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.accounts.context import request_actor
from apps.accounts.models import User
from apps.accounts.permissions import can_erase_person, can_export_personal_data
from apps.accounts.selectors import actor_for
from apps.privacy import services
from apps.privacy.export import personal_zip
from apps.privacy.selectors import personal_data
from tenants.hosts import request_commune


def _summary(user: User) -> list[tuple[str, int]]:
    data = personal_data(user)
    return [(data.labels[key], len(rows)) for key, rows in data.tables.items()]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    me = User.objects.get(pk=actor.id)
    people = [me, *User.objects.filter(pk__in=actor.authority_child_ids).order_by("first_name")]
    if request.method == "POST":
        try:
            person_id = int(request.POST.get("personne", ""))
        except ValueError:
            person_id = -1
        person = next((p for p in people if p.pk == person_id), None)
        if person is None or not can_export_personal_data(actor=actor, person_id=person.pk):
            raise Http404
        commune = request_commune(request)
        archive = personal_zip(
            personal_data(person), commune_name=commune.name if commune else "ENT Groupement"
        )
        services.personal_data_exported(actor=me, person=person, request=request)
        response = HttpResponse(archive, content_type="application/zip")
        name = slugify(person.username) or "donnees"
        response["Content-Disposition"] = f'attachment; filename="donnees-{name}.zip"'
        return response
    return render(
        request,
        "privacy/my_data.html",
        {"people": [(person, _summary(person)) for person in people], "me": me},
    )


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label="Demande reçue (qui l'a faite, quand, par quel moyen)",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez la demande à laquelle vous donnez suite."},
    )
    username = forms.CharField(
        label="Recopiez l'identifiant du compte pour confirmer",
        max_length=150,
        error_messages={"required": "Recopiez l'identifiant pour confirmer l'effacement."},
    )

    def __init__(self, *args: object, target: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.target = target

    def clean_username(self) -> str:
        typed = self.cleaned_data["username"].strip()
        if typed != self.target.username:
            raise forms.ValidationError(
                "L'identifiant recopié ne correspond pas : rien n'a été effacé."
            )
        return typed


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def erasure(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = request_actor(request)
    target = User.objects.filter(pk=user_id).first()
    if target is None or not can_erase_person(actor=actor, target=actor_for(target)):
        raise Http404
    form = ErasureForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        done = services.person_erase(
            actor=User.objects.get(pk=actor.id),
            user=target,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        messages.success(
            request,
            f"Le compte {done.username} et ses données ont été effacés ({done.rows} "
            f"ligne(s), {done.files} fichier(s)). Le journal garde la trace de l'effacement.",
        )
        return redirect("portal:accounts")
    return render(
        request,
        "privacy/erasure.html",
        {"target": target, "form": form, "summary": _summary(target)},
        status=400 if form.is_bound else 200,
    )
