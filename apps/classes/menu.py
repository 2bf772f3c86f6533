from apps.accounts.models import Profile
from apps.navigation.registry import MenuEntry

ENTRIES = [
    MenuEntry(
        key="classes",
        label="Mes classes",
        url_name="classes:list",
        profiles=frozenset({Profile.TEACHER, Profile.DIRECTOR, Profile.PUPIL}),
        order=30,
        icon="classe",
        summary="Les élèves, leurs comptes et leurs cartes de connexion.",
        labels={Profile.PUPIL: "Ma classe"},
        per_class="classes:detail",
        per_class_label="Élèves et comptes",
    ),
]
