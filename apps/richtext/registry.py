"""The fields that hold rich text, registered by the features that own them.

A feature whose model stores rich text registers each such field from its
``AppConfig.ready()`` (``apps/homework/richtext.py``): its name, the profile its service
sanitises with, the class of the element its page wraps one value in, and ``show``, which
stores one value through the feature's own services and answers the address of the page that
prints it. tests/richtext goes through every registered field with the whole XSS corpus, the
sanitiser and that real page, so a field registered later is tested without an edit there.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from apps.richtext.sanitise import Profile, sanitise

if TYPE_CHECKING:
    from apps.accounts.permissions import Actor
    from apps.schools.models import Classroom


class Show(Protocol):
    def __call__(
        self, value: str, *, author: Actor, classroom: Classroom, on: datetime.date
    ) -> str:
        """Store ``value`` in the field as ``author``, a teacher of ``classroom``, for a
        school day ``on``, through the feature's services; answer the path of the page (in
        the author's commune) where the author reads it. A value the sanitiser leaves empty
        is stored too (the feature fills its other required texts itself)."""
        ...


@dataclass(frozen=True)
class RichTextField:
    name: str  # "<app>.<model>.<field>", e.g. "homework.entry.todo"
    profile: Profile
    # The class of the element the field's templates print one value in, ``|rich_text``
    # inside and nothing else: the checks of tests/richtext look inside it.
    region_class: str
    show: Show

    def sanitise(self, text: str) -> str:
        return sanitise(text, self.profile)


_FIELDS: dict[str, RichTextField] = {}


def register(field: RichTextField) -> None:
    """Called once per field from its app's ``ready()``; a name is registered once."""
    known = _FIELDS.get(field.name)
    if known is not None and _origin(known) != _origin(field):
        raise ValueError(f"rich-text field {field.name!r} is already registered")
    _FIELDS[field.name] = field


def _origin(field: RichTextField) -> tuple[object, ...]:
    # The same registration run twice (an app registry set up again) builds new closures for
    # ``show``: it is the same field if they come from the same code.
    show = field.show
    code = (getattr(show, "__module__", None), getattr(show, "__qualname__", None))
    return (field.profile, field.region_class, *code)


def fields() -> list[RichTextField]:
    return sorted(_FIELDS.values(), key=lambda field: field.name)


def field(name: str) -> RichTextField:
    return _FIELDS[name]
