"""Quiet hours in the menus: the commune administrator's slots and the directors' overrides."""

from apps.accounts.models import Profile
from apps.navigation.registry import MenuEntry

ENTRIES = [
    MenuEntry(
        key="quiethours",
        label="Heures calmes",
        url_name="quiethours:index",
        profiles=frozenset({Profile.COMMUNE_ADMIN, Profile.DIRECTOR}),
        order=88,
        summary="Les heures où les notifications attendent le matin.",
    ),
]
