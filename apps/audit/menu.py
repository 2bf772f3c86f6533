from apps.accounts.models import Profile
from apps.navigation.registry import MenuEntry

ENTRIES = [
    MenuEntry(
        key="journal",
        label="Journal",
        url_name="audit:journal",
        profiles=frozenset({Profile.COMMUNE_ADMIN}),
        order=95,
        summary="Qui a fait quoi, et quand, dans la commune.",
    ),
]
