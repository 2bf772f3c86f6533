"""The forums in the menus of their members (pupils, school staff), and the reports waiting
on the home page of those who moderate them."""

from django.urls import reverse

from apps.accounts.models import Profile
from apps.accounts.permissions import Actor
from apps.forum.selectors import moderates_a_forum, report_count
from apps.navigation.registry import MenuEntry, ToDo

ENTRIES = [
    MenuEntry(
        key="forum",
        label="Forums",
        url_name="forum:index",
        profiles=frozenset({Profile.PUPIL, Profile.TEACHER, Profile.DIRECTOR, Profile.STAFF}),
        order=23,
        icon="forums",
        summary="Le forum de la classe et celui de l'école : des sujets, des réponses.",
        labels={Profile.PUPIL: "Forums"},
    ),
    MenuEntry(
        key="forum_reports",
        label="Signalements des forums",
        url_name="forum:reports",
        profiles=frozenset({Profile.TEACHER, Profile.DIRECTOR}),
        order=89,
        on_home=False,
        summary="Les messages de forum signalés : les retirer ou classer le signalement.",
    ),
]


def for_moderators(actor: Actor) -> list[ToDo]:
    """One query, for those who moderate a forum only."""
    if not moderates_a_forum(actor):
        return []
    count = report_count(actor)
    if not count:
        return []
    text = f"{count} message{'s' if count > 1 else ''} de forum signalé{'s' if count > 1 else ''}"
    return [ToDo(text=text, url=reverse("forum:reports"), count=count)]


TODOS = [for_moderators]
