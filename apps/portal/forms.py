"""The commune administrator's forms for the school staff's accounts: parse, never write."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.accounts.models import Civility, Profile
from apps.accounts.services import ADULT_ROLES
from apps.schools.models import Classroom, School

PROFILE_LABELS: dict[str, str] = {
    **{profile: Profile(profile).label for profile in ADULT_ROLES},
    # Who "staff" are, said on the form that creates them.
    Profile.STAFF: f"{Profile.STAFF.label} (ATSEM, périscolaire…)",
}


class AssignmentForm(forms.Form):
    """The schools a person works in and the classes of this year they teach."""

    schools = forms.ModelMultipleChoiceField(
        label="Écoles",
        queryset=School.objects.none(),
        error_messages={
            "required": "Choisissez au moins une école.",
            "invalid_choice": "Une des écoles choisies n'existe pas.",
            "invalid_pk_value": "Une des écoles choisies n'existe pas.",
        },
    )
    classrooms = forms.ModelMultipleChoiceField(
        label="Classes de cette année",
        queryset=Classroom.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": "Une des classes choisies n'existe pas ou n'est pas de cette année.",
            "invalid_pk_value": "Une des classes choisies n'existe pas.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["classrooms"].queryset = Classroom.objects.filter(  # type: ignore[attr-defined]
            year__is_current=True
        ).select_related("school")

    def chosen_ids(self, name: str) -> set[int]:
        """The ids ticked (what was posted, or the initial values), to re-draw the boxes."""
        if self.is_bound:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
        else:
            values = [getattr(v, "pk", v) for v in self.initial.get(name, [])]
        return {int(v) for v in values if str(v).isdigit()}


class AdultAccountForm(AssignmentForm):
    civility = forms.ChoiceField(
        label="Civilité", choices=[("", "Non précisée"), *Civility.choices], required=False
    )
    first_name = forms.CharField(
        label="Prénom", max_length=150, error_messages={"required": "Indiquez le prénom."}
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, error_messages={"required": "Indiquez le nom."}
    )
    email = forms.EmailField(
        label="Adresse électronique",
        required=False,
        max_length=254,
        help_text="Obligatoire pour les enseignants et les directeurs : elle leur permet de "
        "réinitialiser leur mot de passe. Facultative pour le personnel.",
        error_messages={"invalid": "Cette adresse électronique n'est pas valide."},
    )
    profile = forms.ChoiceField(
        label="Profil",
        choices=[(profile, PROFILE_LABELS[profile]) for profile in ADULT_ROLES],
        error_messages={
            "required": "Choisissez le profil.",
            "invalid_choice": "Choisissez le profil : enseignant, directeur ou personnel.",
        },
    )

    field_order = ["civility", "first_name", "last_name", "email", "profile"]
