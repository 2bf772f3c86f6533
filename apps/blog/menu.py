"""The blogs in the menus of their readers who write on them (pupils, parents, teachers,
directors)."""

from apps.accounts.models import Profile
from apps.navigation.registry import MenuEntry

ENTRIES = [
    MenuEntry(
        key="blog",
        label="Blogs",
        url_name="blog:index",
        profiles=frozenset({Profile.PUPIL, Profile.PARENT, Profile.TEACHER, Profile.DIRECTOR}),
        order=22,
        icon="blog",
        summary="Le blog de la classe et celui de l'école : articles, photos, commentaires.",
        labels={Profile.PUPIL: "Blog de la classe"},
    ),
]

TODOS: list = []
