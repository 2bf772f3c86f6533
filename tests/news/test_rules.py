"""Who reads which news (audience, school, dates) and who writes and publishes it.

* A school's news is read by its people in its audience; its staff read all of it; the
  commune's news by the people of every school in its audience; the administrator reads all.
* A scheduled news item is read by nobody before its date, an expired one by nobody after
  its expiry date (its author and moderators still see it among theirs).
* The direction publishes at once; a teacher's news waits for the direction; a parent, a
  pupil, an ATSEM-like staff member or another school's director writes none.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile
from apps.accounts.permissions import Actor
from apps.accounts.selectors import actor_for
from apps.news import rules
from apps.news.models import Audience, News
from apps.news.selectors import news_managed_by, news_read_by
from apps.news.services import NewsError, NewsNotAllowed, news_create
from apps.publications.models import State
from apps.schools.models import SchoolRole
from tests.helpers import database_state
from tests.news.helpers import in_a_month, write
from tests.world import World, add_person

READERS = ("p1", "p3", "p4", "par1", "par4", "t1", "t4", "dA", "dB", "adm")


def _titles(world: World, who: str) -> set[str]:
    return set(news_read_by(actor_for(world[who])).values_list("title", flat=True))


def test_a_school_news_reaches_its_audience_and_its_staff_only(bordeaux: World):
    with schema_context("bordeaux"):
        write(bordeaux, "dA", title="Familles A", audience=Audience.FAMILIES)
        write(bordeaux, "dA", title="Élèves A", audience=Audience.PUPILS)
        write(bordeaux, "dA", title="Équipe A", audience=Audience.STAFF)
        write(bordeaux, "dA", title="Tous A", audience=Audience.ALL)
        write(bordeaux, "dB", title="Tous B", school="B")
        write(bordeaux, "adm", title="Commune familles", school=None, audience=Audience.FAMILIES)

        assert _titles(bordeaux, "par1") == {"Familles A", "Tous A", "Commune familles"}
        assert _titles(bordeaux, "p1") == {"Élèves A", "Tous A"}
        assert _titles(bordeaux, "par4") == {"Tous B", "Commune familles"}
        # The school's staff read all its news (and the commune's), not another school's.
        assert _titles(bordeaux, "t1") == {
            "Familles A",
            "Élèves A",
            "Équipe A",
            "Tous A",
            "Commune familles",
        }
        assert _titles(bordeaux, "t4") == {"Tous B", "Commune familles"}
        assert len(_titles(bordeaux, "adm")) == 6


def test_the_filter_and_the_rule_say_the_same_for_every_reader(bordeaux: World):
    with schema_context("bordeaux"):
        for school, audience in itertools.product(("A", "B", None), Audience.values):
            author = {"A": "dA", "B": "dB", None: "adm"}[school]
            write(bordeaux, author, school=school, title=f"{school}-{audience}", audience=audience)
        rows = list(News.objects.all())
        for who in READERS:
            actor = actor_for(bordeaux[who])
            by_rule = {n.title for n in rows if rules.may_read(actor, n.school_id, n.audience)}
            assert _titles(bordeaux, who) == by_rule, who
        blocked = Actor(id=0, profile=Profile.PARENT, active=False, school_ids=frozenset({1}))
        assert rules.readable(blocked) is None


def test_a_scheduled_news_is_read_by_nobody_before_its_date_and_an_expired_one_after(
    bordeaux: World,
):
    with schema_context("bordeaux"):
        soon = timezone.now() + datetime.timedelta(days=2)
        scheduled = write(bordeaux, "dA", title="Programmée", publish_at=soon)
        expired = write(bordeaux, "dA", title="Expirée")
        News.objects.filter(pk=expired.pk).update(
            expires_on=timezone.localdate() - datetime.timedelta(days=1)
        )
        write(bordeaux, "dA", title="En cours")

        assert scheduled.publication.state == State.PUBLISHED
        assert _titles(bordeaux, "par1") == {"En cours"}
        assert _titles(bordeaux, "t1") == {"En cours"}
        # Their author still has them among theirs.
        managed = set(news_managed_by(actor_for(bordeaux["dA"])).values_list("title", flat=True))
        assert managed == {"Programmée", "Expirée", "En cours"}
        later = news_read_by(actor_for(bordeaux["par1"]), now=soon + datetime.timedelta(minutes=1))
        assert set(later.values_list("title", flat=True)) == {"Programmée", "En cours"}


def test_pinned_news_come_first_then_the_newest(bordeaux: World):
    with schema_context("bordeaux"):
        write(bordeaux, "dA", title="Ancienne à la une", pinned=True)
        write(bordeaux, "dA", title="Récente")
        write(bordeaux, "dA", title="Plus récente")
        titles = list(news_read_by(actor_for(bordeaux["par1"])).values_list("title", flat=True))
        assert titles == ["Ancienne à la une", "Plus récente", "Récente"]


@pytest.mark.parametrize(
    ("who", "school", "state"),
    [
        ("dA", "A", State.PUBLISHED),
        ("adm", None, State.PUBLISHED),
        ("adm", "B", State.PUBLISHED),
        ("t1", "A", State.SUBMITTED),
    ],
)
def test_who_writes_and_whose_writing_is_published_at_once(bordeaux: World, who, school, state):
    with schema_context("bordeaux"):
        news = write(bordeaux, who, school=school)
        assert news.publication.state == state


@pytest.mark.parametrize(
    ("who", "school"),
    [("par1", "A"), ("p1", "A"), ("t1", "B"), ("dA", "B"), ("dA", None), ("t1", None)],
)
def test_others_write_no_news_and_nothing_is_written(bordeaux: World, who, school):
    with schema_context("bordeaux"):
        before = database_state()
        with pytest.raises(NewsNotAllowed):
            write(bordeaux, who, school=school)
        assert database_state() == before


def test_an_expiry_before_the_publication_date_is_one_french_error(bordeaux: World):
    with schema_context("bordeaux"):
        with pytest.raises(NewsError, match="fin d'affichage doit suivre"):
            news_create(
                actor=actor_for(bordeaux["dA"]),
                school=bordeaux.schools["A"],
                title="Kermesse",
                body="<p>Samedi</p>",
                publish_at=timezone.now() + datetime.timedelta(days=10),
                expires_on=timezone.localdate() + datetime.timedelta(days=2),
            )
        assert not News.objects.exists()


def test_only_the_direction_makes_a_school_news_public(bordeaux: World):
    with schema_context("bordeaux"):
        with pytest.raises(NewsError, match="site public"):
            write(bordeaux, "t1", public=True)
        with pytest.raises(NewsError, match="site public"):
            write(bordeaux, "adm", school=None, public=True)
        assert write(bordeaux, "dA", public=True).public
        assert in_a_month()


def test_an_atsem_reads_the_staff_news_of_their_school_and_writes_none(bordeaux: World):
    add_person(bordeaux, "sA", Profile.STAFF, school="A", role=SchoolRole.STAFF)
    with schema_context("bordeaux"):
        write(bordeaux, "dA", title="Équipe A", audience=Audience.STAFF)
        write(bordeaux, "dB", title="Équipe B", school="B", audience=Audience.STAFF)
        assert _titles(bordeaux, "sA") == {"Équipe A"}
        with pytest.raises(NewsNotAllowed):
            write(bordeaux, "sA")
