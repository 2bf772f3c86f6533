"""The messagerie in the menus, and what it has waiting on each role's home page: unread
messages, pupils' messages to validate, reports and held messages for the referents."""

from django.urls import reverse

from apps.accounts.models import Profile
from apps.accounts.permissions import Actor
from apps.messaging.selectors import held_messages, moderation_count, open_reports, unread_count
from apps.navigation.registry import EVERYONE_IN_A_COMMUNE, MenuEntry, ToDo

ENTRIES = [
    MenuEntry(
        key="messaging",
        label="Messagerie",
        url_name="messaging:inbox",
        profiles=EVERYONE_IN_A_COMMUNE,
        order=15,
        icon="messagerie",
        summary="Les messages entre l'école, les familles et les élèves.",
    ),
    MenuEntry(
        key="messaging_switches",
        label="Sécurité de la messagerie",
        url_name="messaging:switches",
        profiles=frozenset({Profile.COMMUNE_ADMIN, Profile.DIRECTOR}),
        order=87,
        summary="Messagerie restreinte, messages signalés ou retenus.",
    ),
]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def unread(actor: Actor) -> list[ToDo]:
    count = unread_count(actor.id)
    if not count:
        return []
    text = _plural(count, "message non lu", "messages non lus")
    return [ToDo(text=text, url=reverse("messaging:inbox"), count=count)]


def to_moderate(actor: Actor) -> list[ToDo]:
    count = moderation_count(actor) if actor.is_school_staff else 0
    if not count:
        return []
    text = _plural(count, "message d'élève à valider", "messages d'élèves à valider")
    return [ToDo(text=text, url=reverse("messaging:moderation"), count=count)]


def for_referents(actor: Actor) -> list[ToDo]:
    if not (actor.is_commune_admin or actor.directed_school_ids):
        return []
    todos: list[ToDo] = []
    reports = open_reports(actor).values("message_id").distinct().count()
    if reports:
        todos.append(
            ToDo(
                text=_plural(reports, "message signalé", "messages signalés"),
                url=reverse("messaging:reports"),
                count=reports,
            )
        )
    held = held_messages(actor).count()
    if held:
        todos.append(
            ToDo(
                text=_plural(held, "message retenu", "messages retenus"),
                url=reverse("messaging:held"),
                count=held,
            )
        )
    return todos


TODOS = [unread, to_moderate, for_referents]
