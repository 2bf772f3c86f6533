"""The textarea of a rich-text form field: ``static/js/rich-text.js`` turns every
``<textarea data-rich-text="<profile>">`` into the editor, its toolbar offering what the
profile keeps; without scripts it stays a textarea taking HTML or plain text. The page
includes ``templates/richtext/_assets.html`` once. What is posted is sanitised by the
feature's service with the same profile (``apps.richtext.sanitise.sanitise``)."""

from __future__ import annotations

from django import forms

from apps.richtext.sanitise import NOTEBOOK, Profile


def rich_text_widget(*, rows: int, profile: Profile = NOTEBOOK) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "data-rich-text": profile.name})
