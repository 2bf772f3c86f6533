"""The rooms in the menus of those who enter them (pupils, school staff), and the reports of the
rooms waiting on the referents' home page."""

from django.urls import reverse

from apps.accounts.models import Profile
from apps.accounts.permissions import Actor
from apps.chat.selectors import report_count
from apps.navigation.registry import MenuEntry, ToDo

ENTRIES = [
    MenuEntry(
        key="chat",
        label="Salons",
        url_name="chat:rooms",
        profiles=frozenset({Profile.PUPIL, Profile.TEACHER, Profile.DIRECTOR, Profile.STAFF}),
        order=17,
        icon="salons",
        summary="Le salon de la classe, ouvert par l'enseignant, et la salle des maîtres.",
        labels={Profile.PUPIL: "Salon de la classe"},
    ),
    MenuEntry(
        key="chat_reports",
        label="Signalements des salons",
        url_name="chat:reports",
        profiles=frozenset({Profile.COMMUNE_ADMIN, Profile.DIRECTOR}),
        order=88,
        on_home=False,
        summary="Les messages de salon signalés : les conserver ou les supprimer.",
    ),
]


def for_referents(actor: Actor) -> list[ToDo]:
    count = report_count(actor)
    if not count:
        return []
    text = f"{count} message{'s' if count > 1 else ''} de salon signalé{'s' if count > 1 else ''}"
    return [ToDo(text=text, url=reverse("chat:reports"), count=count)]


TODOS = [for_referents]
