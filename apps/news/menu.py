"""The news in the menus of everyone in a commune (the emergency banners' page is reached
from the news page by those who set them)."""

from apps.navigation.registry import EVERYONE_IN_A_COMMUNE, MenuEntry

ENTRIES = [
    MenuEntry(
        key="news",
        label="Actualités",
        url_name="news:index",
        profiles=EVERYONE_IN_A_COMMUNE,
        order=24,
        icon="actualites",
        summary="Les nouvelles de l'école et de la commune.",
    ),
]

TODOS: list = []
