"""The cahier de liaison in the menus, and what it has waiting on each role's home page."""

from django.urls import reverse

from apps.accounts.models import Profile, User
from apps.accounts.permissions import Actor
from apps.french.ordering import name_key
from apps.liaison.selectors import notes_awaiting_signatures, notes_to_sign_by_child
from apps.navigation.registry import FAMILIES, SCHOOL_STAFF, MenuEntry, ToDo

ENTRIES = [
    MenuEntry(
        key="liaison",
        label="Cahier de liaison",
        url_name="liaison:index",
        profiles=FAMILIES | SCHOOL_STAFF,
        order=20,
        icon="liaison",
        summary="Les mots entre l'école et les familles, à lire et à signer.",
        per_child="liaison:child",
        per_class="liaison:new_class",
        per_class_label="Écrire un mot aux familles",
    ),
    MenuEntry(
        key="liaison_policy",
        label="Réglages du cahier de liaison",
        url_name="liaison:policy",
        profiles=frozenset({Profile.COMMUNE_ADMIN}),
        order=85,
        summary="Le délai de relance des familles qui n'ont pas signé.",
    ),
]


def notes_to_sign(actor: Actor) -> list[ToDo]:
    waiting = notes_to_sign_by_child(actor)
    if not waiting:
        return []
    names = dict(User.objects.filter(pk__in=waiting).values_list("pk", "first_name"))
    return [
        ToDo(
            text=f"{names.get(child_id, '')} : {count} mot{'s' if count > 1 else ''} à signer",
            url=reverse("liaison:child", kwargs={"child_id": child_id}),
            count=count,
        )
        for child_id, count in sorted(
            waiting.items(), key=lambda item: name_key(names.get(item[0], ""))
        )
    ]


def signatures_missing(actor: Actor) -> list[ToDo]:
    if not actor.is_school_staff:
        return []
    return [
        ToDo(
            text=(
                f"« {item.note.title} » : {item.signed} signature"
                f"{'s' if item.signed > 1 else ''} sur {item.recipients}"
            ),
            url=reverse("liaison:status", kwargs={"note_id": item.note.pk}),
            count=item.recipients - item.signed,
        )
        for item in notes_awaiting_signatures(actor)
    ]


TODOS = [notes_to_sign, signatures_missing]
