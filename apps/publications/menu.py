"""The moderators' queue in the menus of those who moderate, and its count on their home
page."""

from django.urls import reverse

from apps.accounts.models import Profile
from apps.accounts.permissions import Actor
from apps.navigation.registry import MenuEntry, ToDo
from apps.publications.selectors import moderates_anything, waiting_count

ENTRIES = [
    MenuEntry(
        key="moderation",
        label="À valider",
        url_name="publications:queue",
        profiles=frozenset({Profile.TEACHER, Profile.DIRECTOR, Profile.COMMUNE_ADMIN}),
        order=86,
        on_home=False,
        summary="Les publications de vos élèves et de leurs familles qui attendent votre décision.",
    ),
]


def for_moderators(actor: Actor) -> list[ToDo]:
    if not moderates_anything(actor):
        return []
    count = waiting_count(actor)
    if not count:
        return []
    text = f"{count} publication{'s' if count > 1 else ''} à valider"
    return [ToDo(text=text, url=reverse("publications:queue"), count=count)]


TODOS = [for_moderators]
