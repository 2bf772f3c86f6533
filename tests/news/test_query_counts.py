"""The news list costs the same number of queries with 5 news or 500 (it shows 10), for a
parent, a pupil (the large tiles) and the director; a news item's page the same with one
file or four."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.attachments.services import attachments_change
from apps.news.models import Audience, News
from apps.news.publications import NEWS
from apps.news.services import news_submit
from apps.publications.models import Publication, State
from tests.attachments import files
from tests.helpers import assert_num_queries
from tests.news.helpers import in_a_month, write
from tests.world import World

# The session, the user, the Actor (5: year, memberships, guardianships, classes taught,
# enrolments), the news' count and their page (with their publication and school), the
# header's two badges (messages, notifications). The banners: none (from the cache). Adjust
# once, with the reason.
NEWS_PAGE_QUERIES = 11


def _news(world: World, count: int) -> None:
    with schema_context("bordeaux"):
        school = world.schools["A"]
        publications = Publication.objects.bulk_create(
            Publication(
                kind=NEWS,
                author_id=world["dA"].pk,
                state=State.PUBLISHED,
                published_at=timezone.now(),
                school_id=school.pk,
            )
            for _ in range(count)
        )
        News.objects.bulk_create(
            News(
                publication=publication,
                school=school,
                author_name="Diane Direction",
                title=f"Actualité {n}",
                body="<p>Texte</p>",
                audience=Audience.ALL,
                pinned=n % 7 == 0,
                expires_on=in_a_month(),
            )
            for n, publication in enumerate(publications)
        )


@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("who", ["par1", "p1", "dA"])
def test_the_news_list_costs_the_same_whatever_the_number_of_news(bordeaux, as_user, count, who):
    _news(bordeaux, count)
    client = as_user(bordeaux, who)
    client.get("/actualites/")  # warm: the session and the banners' cache
    with assert_num_queries(NEWS_PAGE_QUERIES):
        page = client.get("/actualites/")
    assert page.content.decode().count('class="news-item') == min(count, 10)


def test_the_pupil_reads_large_tiles_with_an_icon(bordeaux, as_user):
    _news(bordeaux, 3)
    page = as_user(bordeaux, "p1").get("/actualites/").content.decode()
    assert "news-list--pupil" in page and page.count('class="news-icon"') == 3
    assert "news-list--pupil" not in as_user(bordeaux, "par1").get("/actualites/").content.decode()


# The session, the user, the Actor (5), the news item (with its publication and school), its
# files (ONE), the header's two badges. Adjust once, with the reason.
DETAIL_QUERIES = 11


@pytest.mark.parametrize("count", [1, 4])
def test_a_news_page_costs_the_same_whatever_its_number_of_files(bordeaux, as_user, media, count):
    with schema_context("bordeaux"):
        news = write(bordeaux, "dA", submit=False)
        attachments_change(
            user=bordeaux["dA"],
            publication=news.publication,
            add=[files.upload(f"doc{n}.odt", files.odt()) for n in range(count)],
        )
        write(bordeaux, "dA", title="Autre")
        news_submit(actor=actor_for(bordeaux["dA"]), news=news)
    client = as_user(bordeaux, "par1")
    client.get(f"/actualites/{news.pk}/")
    with assert_num_queries(DETAIL_QUERIES):
        page = client.get(f"/actualites/{news.pk}/")
    assert all(f"doc{n}.odt" in page.content.decode() for n in range(count))
