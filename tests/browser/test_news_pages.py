"""The news' pages in a real browser at a 390 px phone: the list (a parent's, a pupil's large
tiles), a news item with a photo, the writing form (the rich-text editor), the photos'
pupils, the writer's list, the banners' page and a banner on a page;
nothing wider than the window and axe-core finds no serious or critical violation. The
pages the crawl cannot reach (the demo has no news) are here.

It reuses the liaison journey's commune (a fixture of that module), whose schema is dropped
afterwards; its school gets a director here.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.accounts.selectors import actor_for
from apps.attachments.services import attachments_change
from apps.news import banners
from apps.news.models import Audience, Colour
from apps.news.services import banner_set, news_create, news_submit
from apps.schools.models import School, SchoolMembership, SchoolRole
from tenants.validators import schema_name_for_slug
from tests.attachments import files
from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility
from tests.browser.test_liaison_journey import PASSWORD, SLUG, school_world  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def news_item(school_world: dict[str, str]) -> int:  # noqa: F811
    with schema_context(schema_name_for_slug(SLUG)):
        school = School.objects.get()
        director = User.objects.create_user(
            username="diane.direction",
            password=PASSWORD,
            profile=Profile.DIRECTOR,
            first_name="Diane",
            last_name="Direction",
        )
        SchoolMembership.objects.create(user=director, school=school, role=SchoolRole.DIRECTOR)
        actor = actor_for(director)
        news = news_create(
            actor=actor,
            school=school,
            title="Fête de l'école le samedi 20 juin : spectacle, kermesse et repas partagé",
            body="<p>Rendez-vous à <strong>10 h</strong> dans la cour.</p>",
            audience=Audience.ALL,
            pinned=True,
            public=True,
            untagged_confirmed=True,
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
        )
        attachments_change(
            user=director, publication=news.publication, add=[files.upload("fete.png", files.png())]
        )
        news_submit(actor=actor, news=news)
        banner_set(
            actor=actor,
            school=school,
            message="École fermée jeudi 12 : alerte orange aux orages, accueil assuré en mairie.",
            colour=Colour.ORANGE,
            audience=Audience.ALL,
            expires_at=timezone.now() + datetime.timedelta(hours=8),
        )
        banners.refresh()
        return news.pk


def test_the_news_pages_fit_a_phone_and_pass_axe(
    live_server: Any, news_item: int, browser: Any, artifacts: Path
) -> None:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    base = f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}"
    pages = {
        "diane.direction": [
            ("actualites", "/actualites/"),
            ("actualite", f"/actualites/{news_item}/"),
            ("modifier", f"/actualites/{news_item}/modifier/"),
            ("photos", f"/actualites/{news_item}/photos/"),
            ("redaction", "/actualites/redaction/"),
            ("nouvelle", "/actualites/nouvelle/"),
            ("bandeaux", "/actualites/bandeaux/"),
        ],
        "theo.maitre": [("enseignant-nouvelle", "/actualites/nouvelle/")],
        "paul.un": [("eleve-actualites", "/actualites/")],
        "pascale.un": [
            ("parent-accueil", "/"),
            ("parent-actualite", f"/actualites/{news_item}/"),
        ],
    }
    for login, urls in pages.items():
        context = browser.new_context(
            locale="fr-FR", base_url=base, viewport={"width": 390, "height": 844}
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.new_page()
        page.goto("/connexion/?next=/actualites/")
        page.get_by_label("Identifiant").fill(login)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/actualites/"))
        for name, url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            width, window = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert width <= window, (name, width, window)
            page.screenshot(path=str(artifacts / f"news-{name}.png"), full_page=True)
            check_accessibility(page, name)
        if login == "pascale.un":
            page.goto("/")
            assert "alerte orange aux orages" in page.content()
        context.close()
