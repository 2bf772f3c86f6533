"""The emergency banner: set by the direction (its school) or the commune administrator (the
commune or a school), shown at the top of every page of the people of its audience and of
nobody else, until it expires or is ended; each step in the journal; and it costs no query
on a page, even on a cold cache (the current banners come from the cache only, which each
change and a five-minute task fill)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.news import banners
from apps.news.models import PAIRS, Audience, Banner, Colour
from apps.news.services import NewsError, NewsNotAllowed, banner_end, banner_set
from apps.news.tasks import refresh_banners
from apps.site.contrast import AA_TEXT, contrast_ratio
from tests.helpers import assert_num_queries, count_queries, database_state
from tests.news.helpers import write
from tests.news.test_query_counts import NEWS_PAGE_QUERIES
from tests.world import World

MESSAGE = "École fermée jeudi (alerte météo)"


def _set(world: World, who: str, school: str | None, audience: str = Audience.ALL, **kw) -> Banner:
    return banner_set(
        actor=actor_for(world[who]),
        school=world.schools[school] if school else None,
        message=MESSAGE,
        colour=kw.get("colour", Colour.RED),
        audience=audience,
        expires_at=kw.get("expires_at", timezone.now() + datetime.timedelta(hours=6)),
    )


def test_every_colour_pair_reads_well():
    assert set(PAIRS) == set(Colour.values)
    for background, text in PAIRS.values():
        assert contrast_ratio(background, text) >= AA_TEXT, (background, text)


def test_the_directors_banner_is_on_every_page_of_its_audience_and_of_nobody_else(
    bordeaux: World, as_user, django_capture_on_commit_callbacks
):
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        _set(bordeaux, "dA", "A", Audience.FAMILIES)
    for page in ("/", "/actualites/", "/notifications/", "/mon-compte/"):
        assert MESSAGE in as_user(bordeaux, "par1").get(page, follow=True).content.decode(), page
    # Another school's parent, a pupil and the staff of school A are not its audience.
    for who in ("par4", "p1", "t1", "dB"):
        assert MESSAGE not in as_user(bordeaux, who).get("/").content.decode(), who


def test_the_communes_banner_reaches_every_school_and_the_administrator(
    bordeaux: World, as_user, verified_login, django_capture_on_commit_callbacks
):
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        _set(bordeaux, "adm", None, Audience.STAFF, colour=Colour.ORANGE)
    for who in ("t1", "t4", "dB"):
        page = as_user(bordeaux, who).get("/").content.decode()
        assert MESSAGE in page and "news-banner--orange" in page, who
    assert MESSAGE not in as_user(bordeaux, "par1").get("/").content.decode()
    assert MESSAGE in verified_login(bordeaux["adm"], "bordeaux").get("/").content.decode()


def test_the_public_site_and_the_login_page_show_no_banner(
    bordeaux: World, tenant_client, django_capture_on_commit_callbacks
):
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        _set(bordeaux, "adm", None)
    assert MESSAGE not in tenant_client("bordeaux").get("/connexion/", follow=True).content.decode()


def test_a_banner_ended_early_leaves_every_page_at_once_and_the_journal_keeps_both_steps(
    bordeaux: World, as_user, django_capture_on_commit_callbacks
):
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        banner = _set(bordeaux, "dA", "A")
    parent = as_user(bordeaux, "par1")
    assert MESSAGE in parent.get("/").content.decode()
    director = as_user(bordeaux, "dA")
    listing = director.get("/actualites/bandeaux/").content.decode()
    assert MESSAGE in listing and "Arrêter ce bandeau" in listing
    # Another school's director may not end it: the same 404 as for a missing banner.
    assert (
        as_user(bordeaux, "dB").post(f"/actualites/bandeaux/{banner.pk}/arreter/").status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        director.post(f"/actualites/bandeaux/{banner.pk}/arreter/")
    assert MESSAGE not in parent.get("/").content.decode()
    with schema_context("bordeaux"):
        actions = list(
            AuditEvent.objects.filter(action__startswith="news.")
            .order_by("at", "pk")
            .values_list("action", flat=True)
        )
        assert actions == ["news.banner_set", "news.banner_ended"]
        with pytest.raises(NewsError):
            banner_end(actor=actor_for(bordeaux["dA"]), banner=banner)


def test_an_expired_banner_leaves_the_pages_by_itself(bordeaux: World):
    with schema_context("bordeaux"):
        banner = _set(
            bordeaux, "dA", "A", expires_at=timezone.now() + datetime.timedelta(minutes=5)
        )
        banners.refresh()
        assert [b.pk for b in banners.current()] == [banner.pk]
        assert banners.current(now=banner.expires_at + datetime.timedelta(seconds=1)) == []


def test_the_five_minute_task_puts_the_banners_back_after_the_cache_lost_them(
    bordeaux: World, as_user, django_capture_on_commit_callbacks
):
    with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
        banner = _set(bordeaux, "dA", "A")
    cache.clear()  # Redis restarted
    parent = as_user(bordeaux, "par1")
    assert MESSAGE not in parent.get("/").content.decode()
    with schema_context("bordeaux"):
        assert refresh_banners.run() == {"schema": "bordeaux", "banners": [banner.pk]}
    assert MESSAGE in parent.get("/").content.decode()


def test_the_director_sets_no_banner_for_another_school_nor_the_commune(bordeaux: World):
    with schema_context("bordeaux"):
        before = database_state()
        for school in ("B", None):
            with pytest.raises(NewsNotAllowed):
                _set(bordeaux, "dA", school)
        with pytest.raises(NewsNotAllowed):
            _set(bordeaux, "t1", "A")
        with pytest.raises(NewsError, match="30 jours"):
            _set(bordeaux, "dA", "A", expires_at=timezone.now() - datetime.timedelta(minutes=1))
        assert database_state() == before


def test_the_banner_form_refuses_a_past_end_with_one_french_sentence(bordeaux: World, as_user):
    director = as_user(bordeaux, "dA")
    answer = director.post(
        "/actualites/bandeaux/",
        {
            "where": str(bordeaux.schools["A"].pk),
            "message": MESSAGE,
            "colour": "rouge",
            "audience": "all",
            "expires_on": "2001-01-01",
            "expires_time": "18:00",
        },
    )
    assert answer.status_code == 200 and "dans les 30 jours" in answer.content.decode()
    with schema_context("bordeaux"):
        assert not Banner.objects.exists()
    assert as_user(bordeaux, "t1").get("/actualites/bandeaux/").status_code == 404


def test_the_current_banners_cost_no_query_even_when_the_cache_is_empty(bordeaux: World):
    with schema_context("bordeaux"):
        _set(bordeaux, "dA", "A")
        with assert_num_queries(0):
            assert banners.current() == []  # nothing cached yet: no query either
        banners.refresh()
        with assert_num_queries(0):
            assert len(banners.current()) == 1


@pytest.mark.parametrize("with_banner", [False, True])
def test_a_page_costs_the_same_with_or_without_a_banner(
    bordeaux: World, as_user, with_banner, django_capture_on_commit_callbacks
):
    if with_banner:
        with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
            _set(bordeaux, "dA", "A", Audience.FAMILIES)
    with schema_context("bordeaux"):
        write(bordeaux, "dA", title="Kermesse")
    client = as_user(bordeaux, "par1")
    client.get("/actualites/")  # warm: the session, and the banners' cache
    with count_queries() as queries:
        page = client.get("/actualites/")
    assert (MESSAGE in page.content.decode()) is with_banner
    # No query of the banners: the page's pin (tests/news/test_query_counts.py) holds.
    assert not [q for q in queries if "news_banner" in q["sql"]]
    assert len(queries) == NEWS_PAGE_QUERIES, [q["sql"] for q in queries]


@pytest.mark.parametrize("with_banner", [False, True])
def test_a_banner_for_others_costs_no_query_on_a_page_that_reads_no_actor(
    bordeaux: World, verified_login, with_banner, django_capture_on_commit_callbacks
):
    """The administrator's journal reads no relations of its own: a current banner for the
    families must not make it read them (the journal's pin, tests/security/test_audit_log.py)."""
    if with_banner:
        with schema_context("bordeaux"), django_capture_on_commit_callbacks(execute=True):
            _set(bordeaux, "dA", "A", Audience.FAMILIES)
    client = verified_login(bordeaux["adm"], "bordeaux")
    client.get("/administration/journal/")
    with count_queries() as queries:
        client.get("/administration/journal/")
    assert not [q for q in queries if "schools_schoolmembership" in q["sql"]]
