"""The blogs' forms: a post (its text is a textarea static/js/rich-text.js turns into the
Trix editor; the service sanitises whatever comes in), a comment, a blog's settings."""

from __future__ import annotations

from django import forms

from apps.richtext.forms import rich_text_widget
from apps.richtext.sanitise import PUBLICATION

RICH_TEXT_HELP = (
    "Gras, italique, listes, citations et liens possibles. Sans JavaScript : texte simple, ou "
    "HTML avec <p>, <br>, <strong>, <em>, <ul>, <ol>, <li>, <blockquote>, <a href>."
)


class PostForm(forms.Form):
    title = forms.CharField(label="Titre", max_length=160)
    body = forms.CharField(
        label="Texte",
        # The textarea static/js/rich-text.js replaces with the editor (headings, images).
        widget=rich_text_widget(rows=12, profile=PUBLICATION),
        help_text=RICH_TEXT_HELP,
    )
    public = forms.BooleanField(
        label="Montrer aussi cet article sur le site public de l'école (sans connexion)",
        required=False,
    )
    untagged_confirmed = forms.BooleanField(
        label="Je confirme qu'aucun élève sans autorisation photo n'apparaît sur les photos "
        "où personne n'est indiqué",
        required=False,
    )

    def __init__(self, *args: object, may_make_public: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not may_make_public:
            del self.fields["public"]
            del self.fields["untagged_confirmed"]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Votre commentaire",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Écrivez votre commentaire."},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, pupil: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if pupil:  # a pupil is spoken to as the class speaks to them
            self.fields["body"].label = "Ton commentaire"
            self.fields["body"].error_messages["required"] = "Écris ton commentaire."


class SettingsForm(forms.Form):
    comments_moderated = forms.BooleanField(
        label="Valider les commentaires des familles avant qu'ils soient visibles",
        help_text="Les commentaires des élèves attendent toujours votre validation.",
        required=False,
    )
