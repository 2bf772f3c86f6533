"""The liaison rules of apps.accounts.permissions, on hand-made actors (no database)."""

from __future__ import annotations

from apps.accounts.models import Profile
from apps.accounts.permissions import (
    Actor,
    can_confirm_liaison_note,
    can_read_liaison_note,
    can_reply_liaison_note,
    can_write_liaison_note,
)

TEACHER = Actor(
    id=1,
    profile=Profile.TEACHER,
    school_ids=frozenset({10}),
    taught_class_ids=frozenset({100}),
    class_ids=frozenset({100}),
)
DIRECTOR = Actor(
    id=2, profile=Profile.DIRECTOR, school_ids=frozenset({10}), directed_school_ids=frozenset({10})
)
PUPIL = Actor(id=3, profile=Profile.PUPIL, class_ids=frozenset({100}), school_ids=frozenset({10}))
PARENT = Actor(
    id=4,
    profile=Profile.PARENT,
    child_ids=frozenset({3}),
    authority_child_ids=frozenset({3}),
    class_ids=frozenset({100}),
    school_ids=frozenset({10}),
)
PARENT_WITHOUT_AUTHORITY = Actor(id=5, profile=Profile.PARENT, child_ids=frozenset({3}))
ADMIN = Actor(id=6, profile=Profile.COMMUNE_ADMIN)


def test_the_teacher_writes_for_their_class_only_and_never_to_the_whole_school():
    assert can_write_liaison_note(author=TEACHER, school_id=10, classroom_id=100)
    assert not can_write_liaison_note(author=TEACHER, school_id=10, classroom_id=101)
    assert not can_write_liaison_note(author=TEACHER, school_id=10, classroom_id=None)


def test_the_director_writes_for_any_class_of_the_school_and_the_whole_school():
    assert can_write_liaison_note(author=DIRECTOR, school_id=10, classroom_id=101)
    assert can_write_liaison_note(author=DIRECTOR, school_id=10, classroom_id=None)
    assert not can_write_liaison_note(author=DIRECTOR, school_id=11, classroom_id=None)


def test_pupils_parents_and_administrators_do_not_write():
    for actor in (PUPIL, PARENT, ADMIN):
        assert not can_write_liaison_note(author=actor, school_id=10, classroom_id=100)


def test_families_read_the_notes_of_their_children_only():
    mine, other = frozenset({3}), frozenset({7})
    for reader in (PUPIL, PARENT, PARENT_WITHOUT_AUTHORITY):
        assert can_read_liaison_note(
            reader=reader, school_id=10, classroom_id=100, recipient_child_ids=mine
        )
        assert not can_read_liaison_note(
            reader=reader, school_id=10, classroom_id=100, recipient_child_ids=other
        )


def test_confirming_needs_parental_authority_and_a_concerned_child():
    assert can_confirm_liaison_note(parent=PARENT, child_id=3, recipient_child_ids=frozenset({3}))
    assert not can_confirm_liaison_note(
        parent=PARENT, child_id=3, recipient_child_ids=frozenset({7})
    )
    assert not can_confirm_liaison_note(
        parent=PARENT_WITHOUT_AUTHORITY, child_id=3, recipient_child_ids=frozenset({3})
    )
    assert not can_confirm_liaison_note(
        parent=PUPIL, child_id=3, recipient_child_ids=frozenset({3})
    )


def test_any_guardian_of_a_concerned_child_may_reply_but_not_others():
    assert can_reply_liaison_note(
        parent=PARENT_WITHOUT_AUTHORITY, recipient_child_ids=frozenset({3})
    )
    assert not can_reply_liaison_note(parent=PARENT, recipient_child_ids=frozenset({7}))
    assert not can_reply_liaison_note(parent=TEACHER, recipient_child_ids=frozenset({3}))
