"""The slots form: two times of day, the morning end before the evening start."""

from __future__ import annotations

from django import forms

from apps.quiethours.models import QuietHours

_TIME = forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M")


class SlotsForm(forms.Form):
    morning_end = forms.TimeField(
        label="Fin des heures calmes le matin",
        widget=_TIME,
        help_text="Les jours d'école, les notifications partent à partir de cette heure.",
        error_messages={
            "required": "Indiquez l'heure de fin.",
            "invalid": "Heure attendue, par exemple 07:00.",
        },
    )
    evening_start = forms.TimeField(
        label="Début des heures calmes le soir",
        widget=_TIME,
        help_text="Passé cette heure, elles attendent le matin du prochain jour d'école.",
        error_messages={
            "required": "Indiquez l'heure de début.",
            "invalid": "Heure attendue, par exemple 20:00.",
        },
    )

    @classmethod
    def for_row(cls, row: QuietHours, data: object = None) -> SlotsForm:
        initial = {"morning_end": row.morning_end, "evening_start": row.evening_start}
        return cls(data, initial=initial)  # type: ignore[arg-type]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        morning, evening = data.get("morning_end"), data.get("evening_start")
        if morning is not None and evening is not None and not morning < evening:
            self.add_error("evening_start", "Le début du soir doit venir après la fin du matin.")
        return data
