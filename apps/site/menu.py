"""The school site in the menus of those who edit it."""

from apps.accounts.models import Profile
from apps.navigation.registry import MenuEntry

ENTRIES = [
    MenuEntry(
        key="school_site",
        label="Site de l'école",
        url_name="school_site:index",
        profiles=frozenset({Profile.DIRECTOR, Profile.COMMUNE_ADMIN}),
        order=60,
        summary="Le site public de l'école : ses pages, ses couleurs, son logo.",
        labels={Profile.COMMUNE_ADMIN: "Sites des écoles"},
    ),
]
