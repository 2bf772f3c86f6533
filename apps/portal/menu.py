"""The home page and the commune administrator's account list, in the menus."""

from django.urls import reverse

from apps.accounts.lifecycle import AccountStatus
from apps.accounts.models import Profile
from apps.accounts.permissions import Actor
from apps.navigation.registry import EVERYONE_IN_A_COMMUNE, MenuEntry, ToDo
from apps.portal.selectors import accounts_waiting_activation

ENTRIES = [
    MenuEntry(
        key="home",
        label="Accueil",
        url_name="home",
        profiles=EVERYONE_IN_A_COMMUNE,
        order=0,
        on_home=False,
    ),
    MenuEntry(
        key="accounts",
        label="Comptes",
        url_name="portal:accounts",
        profiles=frozenset({Profile.COMMUNE_ADMIN}),
        order=60,
        summary="Les comptes de la commune : créer, affecter aux écoles et aux classes, "
        "bloquer, donner un nouveau code.",
    ),
]


def accounts_to_activate(actor: Actor) -> list[ToDo]:
    if not actor.is_commune_admin or not actor.active:
        return []
    waiting = accounts_waiting_activation()
    if not waiting:
        return []
    plural = "s" if waiting > 1 else ""
    return [
        ToDo(
            text=f"{waiting} compte{plural} pas encore activé{plural}",
            url=reverse("portal:accounts") + f"?statut={AccountStatus.TO_ACTIVATE.value}",
            count=waiting,
        )
    ]


TODOS = [accounts_to_activate]
