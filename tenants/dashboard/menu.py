from apps.navigation.registry import COORDINATORS, Host, MenuEntry

ENTRIES = [
    MenuEntry(
        key="coordination",
        label="Tableau de bord",
        url_name="dashboard:home",
        profiles=COORDINATORS,
        host=Host.GROUPEMENT,
        order=0,
        on_home=False,
    ),
    MenuEntry(
        key="coordination_journal",
        label="Journal d'audit",
        url_name="dashboard:journal",
        profiles=COORDINATORS,
        host=Host.GROUPEMENT,
        order=90,
        summary="Les actions enregistrées du groupement.",
    ),
]
