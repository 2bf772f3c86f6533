"""Menu entries and the roles and hosts they are for."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from django.utils.module_loading import autodiscover_modules

from apps.accounts.models import Profile
from apps.accounts.permissions import Actor


class Host(StrEnum):
    """A commune's subdomain, or the groupement's base domain."""

    COMMUNE = "commune"
    GROUPEMENT = "groupement"


# A role is a profile: one person, one profile (a director who teaches is a director).
PUPIL = frozenset({Profile.PUPIL})
FAMILIES = frozenset({Profile.PUPIL, Profile.PARENT})
SCHOOL_STAFF = frozenset({Profile.TEACHER, Profile.DIRECTOR, Profile.STAFF})
EVERYONE_IN_A_COMMUNE = frozenset(
    {
        Profile.PUPIL,
        Profile.PARENT,
        Profile.TEACHER,
        Profile.DIRECTOR,
        Profile.STAFF,
        Profile.COMMUNE_ADMIN,
    }
)
COORDINATORS = frozenset({Profile.COORDINATOR})


@dataclass(frozen=True)
class MenuEntry:
    """One link of a role's menu.

    ``order`` sorts the menu (the home page is 0); ``icon`` names an icon of
    ``templates/portal/_icon.html`` for the pupil's large tiles; ``summary`` is the sentence a
    role's home page shows under the service's name.
    """

    key: str
    label: str
    url_name: str
    profiles: frozenset[str]
    host: Host = Host.COMMUNE
    order: int = 100
    icon: str = ""
    summary: str = ""
    # The home page lists the services; the header's menu also keeps the home link.
    on_home: bool = True
    # URL names taking ``child_id`` / ``classroom_id``: the service's page for one child (on a
    # parent's home, per child) or for one class (on the home of those who teach it).
    per_child: str = ""
    per_class: str = ""
    per_class_label: str = ""
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def label_for(self, profile: str) -> str:
        """Some services read differently for a pupil ("Ma classe") than for adults."""
        return self.labels.get(profile, self.label)


@dataclass(frozen=True)
class ToDo:
    """One line of "à faire" on a role's home page: what waits for the person, and where."""

    text: str
    url: str
    count: int | None = None


# What a service has waiting for a person; each provider costs a constant number of queries.
ToDoProvider = Callable[[Actor], list[ToDo]]


def _menu_modules() -> list[object]:
    from django.apps import apps

    autodiscover_modules("menu")
    return [
        module
        for config in apps.get_app_configs()
        if (module := getattr(config.module, "menu", None)) is not None
    ]


@cache
def todo_providers() -> tuple[ToDoProvider, ...]:
    """Every registered provider (``TODOS`` in the apps' ``menu`` modules)."""
    return tuple(
        provider for module in _menu_modules() for provider in getattr(module, "TODOS", ())
    )


def todos_for(actor: Actor) -> list[ToDo]:
    return [todo for provider in todo_providers() for todo in provider(actor)]


@cache
def all_entries() -> tuple[MenuEntry, ...]:
    """Every registered entry, found once per process in the apps' ``menu`` modules."""
    found: list[MenuEntry] = [
        entry for module in _menu_modules() for entry in getattr(module, "ENTRIES", ())
    ]
    keys = [entry.key for entry in found]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise RuntimeError(f"menu entries registered twice: {sorted(duplicates)}")
    return tuple(sorted(found, key=lambda entry: (entry.order, entry.key)))


def entries_for(
    profile: str, host: Host, entries: Iterable[MenuEntry] | None = None
) -> list[MenuEntry]:
    return [
        entry
        for entry in (all_entries() if entries is None else entries)
        if entry.host == host and profile in entry.profiles
    ]
