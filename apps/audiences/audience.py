"""The value: an ``Audience`` names its scope and the ids that scope needs, nothing else (no
query, no model instance), so it can be stored, compared, passed to a task or to a rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Scope(StrEnum):
    CLASS = "class"  # the current pupils of one class
    PUPILS = "pupils"  # chosen pupils of one class
    SCHOOL = "school"  # the current pupils of every class of one school
    PERSON = "person"  # one person, whoever they are
    STAFF = "staff"  # chosen members of a school's staff


@dataclass(frozen=True)
class Audience:
    scope: Scope
    school_id: int | None = None
    classroom_id: int | None = None
    # The chosen pupils (PUPILS), the person (PERSON) or the staff members (STAFF).
    user_ids: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        needs_class = self.scope in (Scope.CLASS, Scope.PUPILS)
        if needs_class and (self.classroom_id is None or self.school_id is None):
            raise ValueError(f"an audience of scope {self.scope} names its class and school")
        if self.scope in (Scope.SCHOOL, Scope.STAFF) and self.school_id is None:
            raise ValueError(f"an audience of scope {self.scope} names its school")
        if self.scope in (Scope.PUPILS, Scope.STAFF, Scope.PERSON) and not self.user_ids:
            raise ValueError(f"an audience of scope {self.scope} names at least one person")
        if self.scope == Scope.PERSON and len(self.user_ids) != 1:
            raise ValueError("an audience of scope person names one person")

    @property
    def the_classroom_id(self) -> int:
        """The class of a class or pupils audience (``ValueError`` for another scope)."""
        if self.classroom_id is None:
            raise ValueError(f"an audience of scope {self.scope} has no class")
        return self.classroom_id

    @property
    def the_school_id(self) -> int:
        if self.school_id is None:
            raise ValueError(f"an audience of scope {self.scope} has no school")
        return self.school_id

    @classmethod
    def of_class(cls, *, school_id: int, classroom_id: int) -> Audience:
        return cls(Scope.CLASS, school_id=school_id, classroom_id=classroom_id)

    @classmethod
    def of_pupils(cls, *, school_id: int, classroom_id: int, pupil_ids: Iterable[int]) -> Audience:
        return cls(
            Scope.PUPILS,
            school_id=school_id,
            classroom_id=classroom_id,
            user_ids=frozenset(pupil_ids),
        )

    @classmethod
    def of_school(cls, school_id: int) -> Audience:
        return cls(Scope.SCHOOL, school_id=school_id)

    @classmethod
    def of_person(cls, user_id: int) -> Audience:
        return cls(Scope.PERSON, user_ids=frozenset({user_id}))

    @classmethod
    def of_staff(cls, *, school_id: int, user_ids: Iterable[int]) -> Audience:
        return cls(Scope.STAFF, school_id=school_id, user_ids=frozenset(user_ids))
