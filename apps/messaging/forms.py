"""The messagerie's forms: what a page's POST may say, parsed into the services' arguments."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.messaging.models import Field

FIELD_CHOICES = [(Field.TO, "À"), (Field.CC, "Cc"), (Field.BCC, "Cci (invisible des autres)")]


class GroupKeysField(forms.MultipleChoiceField):
    """The groups ticked, offered or not: the service checks each against the rules and the
    switches in force, and refuses with the sentence that says why (a restriction, a group
    out of reach), which a "not a valid choice" could not."""

    def valid_value(self, value: str) -> bool:
        return len(value) <= 40


class ComposeForm(forms.Form):
    subject = forms.CharField(label="Objet", max_length=200, required=False)
    body = forms.CharField(
        label="Message",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Texte simple ; les retours à la ligne sont conservés.",
    )
    # Which of the current addresses to drop (their ids); drawn by the template.
    remove = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    add_field = forms.ChoiceField(
        label="Ajouter en", choices=FIELD_CHOICES, initial=Field.TO, required=False
    )
    add_groups = GroupKeysField(label="Groupes", required=False, choices=[])
    add_people = forms.TypedMultipleChoiceField(
        label="Personnes", coerce=int, required=False, choices=[]
    )
    q = forms.CharField(label="Chercher une personne", max_length=80, required=False)
    no_reply = forms.BooleanField(
        label="Sans réponse : les destinataires ne peuvent pas répondre",
        required=False,
    )
    acknowledgement_requested = forms.BooleanField(
        label="Demander un accusé de lecture",
        required=False,
        help_text="Chaque destinataire voit un bouton « J'ai pris connaissance ».",
    )
    urgent = forms.BooleanField(
        label="Urgent : remettre tout de suite, même pendant les heures calmes",
        required=False,
        help_text="Réservé à la direction ; l'envoi est noté dans le journal de la commune.",
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        address_ids: list[int],
        group_keys: list[tuple[str, str]],
        person_ids: list[tuple[int, str]],
        staff: bool,
        direction: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        remove: Any = self.fields["remove"]
        remove.choices = [(pk, str(pk)) for pk in address_ids]
        groups: Any = self.fields["add_groups"]
        groups.choices = group_keys
        people: Any = self.fields["add_people"]
        people.choices = person_ids
        people.error_messages["invalid_choice"] = (
            "Vous ne pouvez pas écrire à l'une des personnes choisies."
        )
        if not staff:
            del self.fields["no_reply"], self.fields["acknowledgement_requested"]
        if not direction:
            del self.fields["urgent"]


class FolderForm(forms.Form):
    name = forms.CharField(label="Nom du dossier", max_length=60)
    parent = forms.TypedChoiceField(
        label="Dans le dossier", coerce=int, required=False, empty_value=None, choices=[]
    )

    def __init__(self, *args: Any, parents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent: Any = self.fields["parent"]
        parent.choices = [("", "— aucun (dossier principal) —"), *parents]


class SignatureForm(forms.Form):
    signature = forms.CharField(
        label="Signature",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ajoutée sous chaque message que vous écrivez.",
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="Pourquoi signalez-vous ce message ?",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    subject = forms.CharField(label="Objet", max_length=200, required=False)
    body = forms.CharField(
        label="Message", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    reason = forms.CharField(
        label="Motif du refus (lu par l'élève)", max_length=300, required=False
    )
