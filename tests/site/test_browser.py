"""The public site of a school in Chromium, with no login, at a 390×844 phone and a 1280×800
screen: axe-core finds no serious or critical violation and nothing is wider than the window;
and the director's colour form refuses white on yellow with its reason, in French.

A commune of its own (its schema is dropped afterwards), one school, its director.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image

from apps.accounts.models import Profile, User
from apps.accounts.selectors import actor_for
from apps.attachments.services import attachments_change
from apps.blog.models import Blog, BlogPost
from apps.blog.services import blogs_ensure, post_create, post_submit
from apps.schools.models import SchoolRole
from apps.site.models import Page
from apps.site.services import page_create, page_update, site_open, site_publish
from provisioning.services import provision_commune
from tenants.db import use_public_schema
from tenants.models import Commune
from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility
from tests.world import ClassPlan, Layout, PersonPlan, SchoolPlan, build_world, uai

pytestmark = pytest.mark.browser

SLUG = "siteecole"
PASSWORD = "Site-Ecole-2026-essai"
SCHOOL_UAI = uai("0330902")
SIZES = {"telephone": (390, 844), "ecran": (1280, 800)}

LAYOUT = Layout(
    schools=(SchoolPlan("S", SCHOOL_UAI, "École des Tilleuls", "elementaire", "active"),),
    classes=(ClassPlan("CP", "S", "CP Lilas", ("CP",)),),
    people=(
        PersonPlan(
            "director",
            Profile.DIRECTOR,
            "Diane",
            "Direction",
            (),
            "S",
            SchoolRole.DIRECTOR,
            username="diane.direction",
        ),
    ),
)

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def school_site(transactional_db: None) -> Iterator[dict[str, Any]]:
    commune = provision_commune(
        name="Site École", insee="33995", slug=SLUG, status="active"
    ).commune
    try:
        world = build_world(commune.schema_name, layout=LAYOUT, password=PASSWORD)
        with schema_context(commune.schema_name):
            school = world.schools["S"]
            actor = actor_for(world["director"])
            site = site_open(actor=actor, school=school)
            team = Page.objects.get(site=site, slug="equipe")
            page_update(
                actor=actor,
                page=team,
                title="L'équipe",
                slug="equipe",
                body="<div>Six enseignantes et enseignants, une <strong>directrice</strong>, "
                "deux ATSEM et une équipe périscolaire très présente auprès des enfants.</div>"
                "<ul><li>CP : Mme Lilas</li><li>CE1 : M. Tilleul</li></ul>",
                published=True,
            )
            page_create(actor=actor, site=site, title="Cycle 3 : classe découverte", parent=team)
            site_publish(actor=actor, site=site, published=True)
            post = _public_post(actor)
        yield {"school_id": school.pk, "base": f"/ecole/{SCHOOL_UAI.lower()}/", "post": post.pk}
    finally:
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{commune.schema_name}" CASCADE')
        Commune.objects.filter(pk=commune.pk).delete()


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 140, 60)).save(out, "JPEG")
    return out.getvalue()


def _public_post(actor: Any) -> BlogPost:
    """A post of the school's blog with a wide photo, made public by its director (no pupil
    in the photo, as they confirm)."""
    blogs_ensure(actor)
    blog = Blog.objects.get(classroom__isnull=True)
    post = post_create(
        actor=actor,
        blog=blog,
        title="Notre classe découverte à la montagne : des marmottes, des torrents et du soleil",
        body="<p>Une semaine <strong>inoubliable</strong> pour les CM1 et les CM2.</p>",
        public=True,
        untagged_confirmed=True,
    )
    attachments_change(
        user=User.objects.get(pk=actor.id),
        publication=post.publication,
        add=[SimpleUploadedFile("montagne.jpg", _photo(), content_type="image/jpeg")],
    )
    post_submit(actor=actor, post=post)
    return post


def _base_url(live_server: Any) -> str:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    return f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}"


def test_the_public_site_fits_and_passes_axe_without_login(
    media: Any, live_server: Any, school_site: dict[str, Any], browser: Any, artifacts: Path
) -> None:
    base = school_site["base"]
    paths = [
        "",
        "equipe/",
        "equipe/cycle-3-classe-decouverte/",
        "mentions-legales/",
        "accessibilite/",
        "publications/",
        f"publications/blog/{school_site['post']}/",
    ]
    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            locale="fr-FR",
            base_url=_base_url(live_server),
            viewport={"width": width, "height": height},
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.new_page()
        try:
            for path in paths:
                answer = page.goto(base + path)
                assert answer is not None and answer.status == 200, path
                assert page.get_by_role("link", name="Se connecter").is_visible()
                page.screenshot(
                    path=str(
                        artifacts / f"{size}-{path.strip('/').replace('/', '-') or 'accueil'}.png"
                    ),
                    full_page=True,
                )
                check_accessibility(page, f"{path or 'accueil'} ({size})")
                # Every photo arrived (served without login) and none is wider than the page.
                assert page.evaluate(
                    "() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)"
                ), path
                assert page.evaluate(OVERFLOW) <= 1, f"{path} is wider than {width}px"
            # The school's colours reached the header through the stylesheet, not a style attribute.
            background = page.evaluate(
                "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
            )
            assert background == "rgb(0, 63, 125)"
        finally:
            context.close()


def test_the_colour_form_refuses_white_on_yellow(
    live_server: Any, school_site: dict[str, Any], browser: Any, artifacts: Path
) -> None:
    context = browser.new_context(
        locale="fr-FR", base_url=_base_url(live_server), viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/connexion/?next=/site-ecole/")
        page.get_by_label("Identifiant").fill("diane.direction")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/site-ecole/\d+/$"))
        page.get_by_role("link", name="Couleurs").click()
        page.get_by_label("Mes couleurs (ci-dessous)").check()
        page.get_by_label("Couleur du fond").fill("#ffd23f")
        page.get_by_label("Couleur du texte").fill("#ffffff")
        page.get_by_role("button", name="Enregistrer les couleurs").click()
        alert = page.get_by_role("alert")
        assert (
            "Le texte blanc sur ce jaune n'est pas assez lisible : contraste 1,4:1, "
            "il faut au moins 4,5:1." in alert.inner_text()
        )
        page.screenshot(path=str(artifacts / "couleurs-refusees.png"), full_page=True)
        check_accessibility(page, "couleurs refusées")
        assert page.evaluate(OVERFLOW) <= 1
        # A palette pair is saved, and the public site shows it.
        page.get_by_label("Jaune soleil").check()
        page.get_by_role("button", name="Enregistrer les couleurs").click()
        page.wait_for_url(re.compile(r"/site-ecole/\d+/$"))
        page.goto(school_site["base"])
        background = page.evaluate(
            "() => getComputedStyle(document.querySelector('.site-header')).backgroundColor"
        )
        assert background == "rgb(255, 210, 63)"
    finally:
        context.close()
