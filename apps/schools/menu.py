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
    # The director exports ONDE: they import it into the schools they direct (the page is a
    # 404 for a director who directs none).
    MenuEntry(
        key="imports_director",
        label="Import ONDE",
        url_name="school_imports:index",
        profiles=frozenset({Profile.DIRECTOR}),
        order=70,
        summary="Importer les élèves et leurs responsables de votre école depuis ONDE.",
    ),
]
