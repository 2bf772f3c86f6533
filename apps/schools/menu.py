from apps.accounts.models import Profile
from apps.navigation.registry import MenuEntry

ENTRIES = [
    MenuEntry(
        key="schools",
        label="Écoles",
        url_name="schools:list",
        profiles=frozenset({Profile.COMMUNE_ADMIN}),
        order=50,
        summary="Les écoles de la commune, leur déploiement et leurs couleurs.",
    ),
    MenuEntry(
        key="imports",
        label="Imports ONDE",
        url_name="school_imports:index",
        profiles=frozenset({Profile.COMMUNE_ADMIN}),
        order=70,
        summary="Importer les élèves et leurs responsables depuis ONDE.",
    ),
]
