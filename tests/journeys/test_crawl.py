"""Every demo role, from its home page: every page it can reach answers, in French, with no
template source on screen, and its main services are within two clicks.

The demo groupement is seeded in the test's transaction (Bordeaux holds the named accounts),
and each person walks their own host with ``tests.journeys.crawl``. A new service is covered as
soon as a menu or a page links it: nothing here lists pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts.models import Profile, User
from provisioning.demo_people import seed_demo
from tenants.models import Commune
from tests.journeys.crawl import CrawlResult, crawl, english_words


@dataclass(frozen=True)
class Role:
    name: str
    # The named demo login, or the profile of the first demo person who has it.
    username: str = ""
    profile: str = ""
    # Route patterns (as Django's resolver names them) that must be reached in ≤ 2 clicks.
    within_two_clicks: tuple[str, ...] = ()


COMMUNE_ROLES = [
    Role(
        "pupil",
        username="eleve.demo",
        within_two_clicks=(
            "cahier-de-textes/",
            "liaison/",
            "classes/<int:classroom_id>/",
            "actualites/",
            "forums/",
        ),
    ),
    Role(
        "parent",
        username="parent.demo",
        within_two_clicks=(
            "cahier-de-textes/enfants/<int:child_id>/",
            "liaison/enfants/<int:child_id>/",
            "mon-compte/",
            "mon-compte/mes-donnees/",
            "notifications/",
            "actualites/",
        ),
    ),
    Role(
        "teacher",
        username="enseignant.demo",
        within_two_clicks=(
            "cahier-de-textes/classes/<int:classroom_id>/",
            "liaison/",
            "classes/<int:classroom_id>/",
            "mon-compte/",
            "notifications/",
            "actualites/nouvelle/",
            "forums/",
        ),
    ),
    Role(
        "director",
        username="directeur.demo",
        within_two_clicks=(
            "cahier-de-textes/",
            "liaison/",
            "ecoles/<int:school_id>/",
            "administration/imports/",
            "heures-calmes/",
            "heures-calmes/ecoles/<int:school_id>/",
            "mon-compte/",
            "actualites/",
            "actualites/bandeaux/",
            "forums/",
        ),
    ),
    Role(
        "staff",
        profile=Profile.STAFF,
        within_two_clicks=(
            "cahier-de-textes/", "liaison/", "mon-compte/", "actualites/", "forums/"
        ),
    ),
    Role(
        "commune_admin",
        username="admin.demo",
        within_two_clicks=(
            "ecoles/",
            "comptes/",
            "comptes/nouveau/",
            "comptes/<int:user_id>/",
            "administration/journal/",
            "administration/imports/",
            "facturation/",
            "heures-calmes/",
            "mon-compte/",
            "actualites/bandeaux/",
        ),
    ),
]
COORDINATOR = Role(
    "coordinator",
    username="coordination.demo",
    within_two_clicks=(
        "coordination/",
        "coordination/journal/",
        "facturation/marche/",
        "facturation/bordereau/",
        "facturation/communes/",
        "facturation/bons-de-commande/",
        "facturation/factures/",
        "facturation/releves/",
        "facturation/couts-partages/",
        "mon-compte/",
    ),
)


@pytest.fixture
def demo(db: None) -> Iterator[None]:
    seed_demo(communes=[Commune.objects.get(slug="bordeaux")])
    yield


def _person(schema: str, role: Role) -> User:
    with schema_context(schema):
        if role.username:
            return User.objects.get(username=role.username)
        return User.objects.filter(profile=role.profile).order_by("pk").first()


def _report(role: str, result: CrawlResult) -> str:
    return f"{role}: " + "\n".join(result.problems)


def _check(role: Role, result: CrawlResult) -> None:
    print(f"{role.name}: {len(result.visits)} pages, routes:")
    for visit in result.visits.values():
        print(f"  {visit.depth} {visit.status} {visit.url} [{visit.route}]")
    assert len(result.html_pages()) >= 3, f"{role.name}: the walk found almost nothing"
    assert not result.problems, _report(role.name, result)
    for route in role.within_two_clicks:
        depth = result.depth_of_route(route)
        assert depth is not None, f"{role.name}: {route} is not reachable from the home page"
        assert depth <= 2, f"{role.name}: {route} is {depth} clicks away from the home page"


@pytest.mark.parametrize("role", COMMUNE_ROLES, ids=lambda role: role.name)
def test_every_page_a_commune_role_reaches_answers_in_french(
    demo: None, verified_login: Callable[..., Client], role: Role
) -> None:
    person = _person("bordeaux", role)
    client = verified_login(person, "bordeaux")
    host = f"bordeaux.{settings.ENT_BASE_DOMAIN}"

    with schema_context("bordeaux"):
        result = crawl(client, host=host, urlconf="config.urls_tenants")

    _check(role, result)


def test_every_page_the_coordinator_reaches_answers_in_french(
    demo: None, verified_login: Callable[..., Client]
) -> None:
    person = _person(get_public_schema_name(), COORDINATOR)
    client = verified_login(person)

    result = crawl(client, host=settings.ENT_BASE_DOMAIN, urlconf="config.urls_public")

    _check(COORDINATOR, result)


def test_the_english_word_check_catches_an_untranslated_page() -> None:
    """The guard itself: it must fail on English, and stay quiet on ordinary French."""
    found = english_words("Please enter a valid date. This field is required.")
    assert {"this field is required", "enter a valid", "please", "required"} <= set(found)
    assert english_words("Semaine du 30 November") == ["november"]
    assert english_words("Séance du 1er décembre : total 3, page 2, message de la classe") == []
