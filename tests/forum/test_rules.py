"""The forums' rules on the Actor (pure): who reads and writes a class forum and a school
forum, whose writing waits, who manages them; and the forums each person finds."""

from __future__ import annotations

from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.forum import rules
from apps.forum.models import Category, Forum
from apps.forum.selectors import forums_of
from apps.forum.services import FIRST_CATEGORY, forums_ensure
from apps.publications.moderation import Scope
from tests.world import World


def test_who_reads_writes_and_manages_a_class_forum_and_a_school_forum(bordeaux: World):
    with schema_context("bordeaux"):
        a, a1 = bordeaux.schools["A"].pk, bordeaux.classes["A1"].pk
        klass, school = Scope(a, a1), Scope(a, None)
        actors = {name: actor_for(bordeaux[name]) for name in bordeaux.people}
    # A class forum: its pupils, its teacher, the school's direction; not A2's teacher, not
    # the parents (apps/forum/rules.py says why).
    members_of_a1 = {"p1", "p2", "t1", "dA"}
    # The school's forum: its staff and its pupils, not the parents.
    members_of_a = {"p1", "p2", "p3", "t1", "t2", "dA"}
    for name, actor in actors.items():
        assert rules.may_read(actor, klass) == (name in members_of_a1), name
        assert rules.may_write(actor, klass) == (name in members_of_a1), name
        assert rules.may_report(actor, klass) == (name in members_of_a1), name
        assert rules.may_read(actor, school) == (name in members_of_a), name
        assert rules.may_write(actor, school) == (name in members_of_a), name
        assert rules.may_manage(actor, klass) == (name == "t1"), name
        assert rules.may_manage(actor, school) == (name == "dA"), name
        assert rules.waits_for_moderator(actor, klass) == (name in {"p1", "p2", "p3", "p4"})
    # The commune's administrator is in no forum.
    assert not rules.may_read(actors["adm"], klass) and not rules.may_read(actors["adm"], school)


def test_each_person_finds_their_forums_each_with_a_first_category(bordeaux: World):
    with schema_context("bordeaux"):
        found = {}
        for name in ("p1", "p3", "t1", "t2", "dA", "par1", "adm", "p4"):
            actor = actor_for(bordeaux[name])
            forums_ensure(actor)
            found[name] = [f.title for f in forums_of(actor)]
        assert found == {
            "p1": ["Forum — CP A1", "Forum — École A"],
            "p3": ["Forum — CE1 A2", "Forum — École A"],
            "t1": ["Forum — CP A1", "Forum — École A"],
            "t2": ["Forum — CE1 A2", "Forum — École A"],
            "dA": ["Forum — CP A1", "Forum — CE1 A2", "Forum — École A"],  # CP before CE1
            "par1": [],
            "adm": [],
            "p4": ["Forum — GS B1", "Forum — École B"],
        }
        # Once each, whoever opened them first; each with its first category.
        assert Forum.objects.count() == 5
        assert set(Category.objects.values_list("title", flat=True)) == {FIRST_CATEGORY}
        assert Category.objects.count() == 5
