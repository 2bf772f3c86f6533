"""The school site: who edits it, what its services refuse, its public pages without login,
their cache and its invalidation, what a page of it costs, and its Atom feed and sitemap.

The world is tests/world.py's Bordeaux: dA directs school A, dB school B, adm administers the
commune, t1 teaches in A, par1 is a parent and p1 a pupil in A; Pessac is another commune.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET  # our own answers, not untrusted XML

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.audit.models import AuditEvent
from apps.site import public
from apps.site.models import Page, Site
from apps.site.services import (
    NotAllowed,
    SiteError,
    page_create,
    page_update,
    site_open,
    site_publish,
    site_set_colours,
)
from tests.helpers import assert_num_queries, count_queries

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def school(world, letter="A"):
    return world.schools[letter]


def base(world, letter="A") -> str:
    return f"/ecole/{school(world, letter).uai.lower()}/"


def opened(world, letter="A", *, published=True, who="dA") -> Site:
    with schema_context(world.schema):
        actor = actor_for(world[who])
        site = site_open(actor=actor, school=school(world, letter))
        if published:
            site_publish(actor=actor, site=site, published=True)
        return site


# --- who edits ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["dA", "adm"])
def test_the_director_and_the_administrator_open_the_editor(bordeaux, as_user, who):
    page = as_user(bordeaux, who).get(f"/site-ecole/{school(bordeaux).pk}/")

    assert page.status_code == 200
    text = page.content.decode()
    for title in ("Accueil", "L&#x27;équipe", "Nos projets", "Informations pratiques"):
        assert title in text
    with schema_context("bordeaux"):
        assert Page.objects.filter(site__school=school(bordeaux)).count() == 4


@pytest.mark.parametrize("who", ["t1", "par1", "p1", "dB"])
def test_others_get_a_404_and_no_site_is_created(bordeaux, as_user, who):
    client = as_user(bordeaux, who)

    assert client.get(f"/site-ecole/{school(bordeaux).pk}/").status_code == 404
    assert (
        client.post(f"/site-ecole/{school(bordeaux).pk}/publier/", {"published": "1"}).status_code
        == 404
    )
    with schema_context("bordeaux"):
        assert not Site.objects.exists()


def test_the_director_of_one_school_goes_straight_to_its_site(bordeaux, as_user):
    answer = as_user(bordeaux, "dA").get("/site-ecole/")

    assert answer.status_code == 302 and answer.url == f"/site-ecole/{school(bordeaux).pk}/"


def test_the_administrator_lists_every_school(bordeaux, as_user):
    text = as_user(bordeaux, "adm").get("/site-ecole/").content.decode()

    assert "École A" in text and "École B" in text


def test_the_site_is_in_the_menu_of_the_director_and_the_administrator_only(bordeaux, as_user):
    for who, shown in (("dA", True), ("adm", True), ("t1", False), ("par1", False)):
        home = as_user(bordeaux, who).get("/").content.decode()
        assert ('href="/site-ecole/"' in home) == shown, who


def test_another_commune_has_no_access(bordeaux, pessac, as_user):
    opened(bordeaux, published=False)
    client = as_user(pessac, "pt")

    assert client.get(f"/site-ecole/{school(bordeaux).pk}/").status_code == 404
    # Bordeaux's school is no school of Pessac's host.
    assert client.get(base(bordeaux)).status_code == 404


def test_a_teacher_cannot_write_through_the_services(bordeaux):
    site = opened(bordeaux, published=False)
    with schema_context("bordeaux"):
        with pytest.raises(NotAllowed):
            page_create(actor=actor_for(bordeaux["t1"]), site=site, title="Non")
        with pytest.raises(NotAllowed):
            site_publish(actor=actor_for(bordeaux["dB"]), site=site, published=True)
        assert Page.objects.count() == 4 and not Site.objects.get().published


# --- services -------------------------------------------------------------------------------


def test_a_low_contrast_pair_is_refused_with_the_reason_and_nothing_changes(bordeaux):
    site = opened(bordeaux)
    with schema_context("bordeaux"):
        with pytest.raises(SiteError) as refused:
            site_set_colours(
                actor=actor_for(bordeaux["dA"]), site=site, background="#ffd23f", text="#ffffff"
            )
        assert str(refused.value).startswith("Le texte blanc sur ce jaune n'est pas assez lisible")
        site.refresh_from_db()
        assert (site.background_colour, site.text_colour) == ("#003f7d", "#ffffff")


def test_the_colour_form_refuses_a_low_contrast_pair(bordeaux, as_user):
    opened(bordeaux)
    answer = as_user(bordeaux, "dA").post(
        f"/site-ecole/{school(bordeaux).pk}/couleurs/",
        {"palette": "perso", "background": "#ffff00", "text": "#ffffff"},
    )

    assert answer.status_code == 400
    assert "contraste 1,0:1, il faut au moins 4,5:1" in answer.content.decode()


def test_a_palette_pair_is_saved(bordeaux, as_user):
    opened(bordeaux)
    answer = as_user(bordeaux, "dA").post(
        f"/site-ecole/{school(bordeaux).pk}/couleurs/",
        {"palette": "7", "background": "#000000", "text": "#000000"},
    )

    assert answer.status_code == 302
    with schema_context("bordeaux"):
        site = Site.objects.get()
        assert (site.background_colour, site.text_colour) == ("#ffd23f", "#1a1a1a")
        assert AuditEvent.objects.filter(action="site.colours_changed").exists()


def test_a_body_is_sanitised_and_slugs_stay_unique_and_unreserved(bordeaux):
    site = opened(bordeaux)
    with schema_context("bordeaux"):
        actor = actor_for(bordeaux["dA"])
        page = page_create(actor=actor, site=site, title="Nos projets")
        assert page.slug == "nos-projets"
        again = page_create(actor=actor, site=site, title="Nos projets")
        assert again.slug == "nos-projets-2"
        legal = page_create(actor=actor, site=site, title="Mentions légales")
        assert legal.slug == "mentions-legales-2"
        page_update(
            actor=actor,
            page=page,
            title="Projets",
            slug="nos-projets",
            body='<p onclick="x()">Sortie <script>alert(1)</script><strong>musée</strong></p>',
            published=True,
        )
        page.refresh_from_db()
        assert page.body == "<p>Sortie <strong>musée</strong></p>"
        with pytest.raises(SiteError, match="réservée"):
            page_update(
                actor=actor, page=page, title="X", slug="accessibilite", body="", published=True
            )
        with pytest.raises(SiteError, match="déjà"):
            page_update(
                actor=actor, page=page, title="X", slug="nos-projets-2", body="", published=True
            )


def test_pages_are_reordered_and_deleted_with_their_subpages(bordeaux, as_user):
    site = opened(bordeaux)
    client = as_user(bordeaux, "dA")
    with schema_context("bordeaux"):
        pages = list(Page.objects.filter(site=site).order_by("position"))
        child = page_create(
            actor=actor_for(bordeaux["dA"]), site=site, title="Cycle 3", parent=pages[1]
        )
    sid = school(bordeaux).pk

    client.post(f"/site-ecole/{sid}/pages/{pages[1].pk}/deplacer/", {"direction": "up"})
    with schema_context("bordeaux"):
        order = list(
            Page.objects.filter(site=site, parent=None)
            .order_by("position")
            .values_list("slug", flat=True)
        )
    assert order == ["equipe", "accueil", "projets", "informations-pratiques"]

    confirm = client.get(f"/site-ecole/{sid}/pages/{pages[1].pk}/supprimer/")
    assert "avec ses 1 sous-page" in confirm.content.decode()
    client.post(f"/site-ecole/{sid}/pages/{pages[1].pk}/supprimer/")
    with schema_context("bordeaux"):
        assert not Page.objects.filter(pk__in=[pages[1].pk, child.pk]).exists()


# --- public pages -----------------------------------------------------------------------------


def test_the_public_pages_answer_without_login(bordeaux, tenant_client):
    opened(bordeaux)
    client = tenant_client("bordeaux")

    for path in ("", "equipe/", "mentions-legales/", "accessibilite/"):
        answer = client.get(base(bordeaux) + path)
        assert answer.status_code == 200, path
    home = client.get(base(bordeaux)).content.decode()
    assert "Bienvenue sur le site de l'école A" in home
    assert f'href="{base(bordeaux)}couleurs.css?v=' in home
    assert "style=" not in home
    css = client.get(base(bordeaux) + "couleurs.css")
    assert css["Content-Type"].startswith("text/css")
    assert b"--site-fond: #003f7d" in css.content
    # The UAI in capitals is the same site.
    assert (
        tenant_client("bordeaux")
        .get(base(bordeaux).upper().replace("/ECOLE/", "/ecole/"))
        .status_code
        == 200
    )


def test_the_legal_notice_names_the_commune_the_director_and_the_host(bordeaux, tenant_client):
    opened(bordeaux)
    text = tenant_client("bordeaux").get(base(bordeaux) + "mentions-legales/").content.decode()

    assert "la commune de Bordeaux" in text
    assert "Diane Direction" in text
    assert "Hébergement" in text


def test_the_accessibility_statement_is_honest(bordeaux, tenant_client):
    opened(bordeaux)
    text = tenant_client("bordeaux").get(base(bordeaux) + "accessibilite/").content.decode()

    assert "<strong>non conforme</strong>" in text and "non évaluée" in text
    assert "Défenseur des droits" in text


@pytest.mark.parametrize(
    ("rate", "status"),
    [(100, "totalement conforme"), (50, "partiellement conforme"), (49, "non conforme")],
)
def test_a_recorded_audit_sets_the_declarations_status_as_the_rgaa_says(
    bordeaux, as_user, tenant_client, rate, status
):
    opened(bordeaux)
    editor = as_user(bordeaux, "dA")
    answer = editor.post(
        f"/site-ecole/{school(bordeaux).pk}/accessibilite/",
        {"audit_on": "2026-11-02", "rate": str(rate), "by": "Cabinet Accès", "failures": "Vidéos"},
    )
    assert answer.status_code == 302
    text = tenant_client("bordeaux").get(base(bordeaux) + "accessibilite/").content.decode()
    assert f"<strong>{status}</strong>" in text and f"{rate} % des critères" in text
    assert "Cabinet Accès" in text and "Vidéos" in text and "2 novembre 2026" in text
    assert (
        f"Accessibilité : {status}"
        in tenant_client("bordeaux").get(base(bordeaux)).content.decode()
    )
    with schema_context(bordeaux.schema):
        assert AuditEvent.objects.filter(action="site.audit_recorded").count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"audit_on": "2026-11-02", "rate": ""}, "ou aucun des deux"),
        ({"audit_on": "", "rate": "80"}, "ou aucun des deux"),
        ({"audit_on": "2026-11-02", "rate": "140"}, "de 0 à 100"),
        ({"audit_on": "2026-11-02", "rate": "-3"}, "de 0 à 100"),
        ({"audit_on": "2026-11-02", "rate": "quatre-vingts"}, "nombre entier"),
        ({"audit_on": "2099-01-01", "rate": "80"}, "dans le futur"),
        ({"audit_on": "1850-01-01", "rate": "80"}, "Date hors des limites"),
    ],
)
def test_a_bad_audit_is_one_french_error_and_changes_nothing(bordeaux, as_user, data, error):
    site = opened(bordeaux)
    answer = as_user(bordeaux, "dA").post(f"/site-ecole/{school(bordeaux).pk}/accessibilite/", data)
    assert answer.status_code == 200 and error in answer.content.decode()
    with schema_context(bordeaux.schema):
        site.refresh_from_db()
        assert site.audit_on is None and site.audit_rate is None


def test_only_the_sites_editors_record_an_audit(bordeaux, as_user):
    opened(bordeaux)
    for who in ("t1", "par1", "dB"):
        answer = as_user(bordeaux, who).post(
            f"/site-ecole/{school(bordeaux).pk}/accessibilite/",
            {"audit_on": "2026-11-02", "rate": "100"},
        )
        assert answer.status_code == 404, who


def test_an_unpublished_site_is_a_404_to_visitors_and_a_preview_to_its_editors(
    bordeaux, tenant_client, as_user
):
    opened(bordeaux, published=False)

    for path in (
        "",
        "equipe/",
        "mentions-legales/",
        "actualites.atom",
        "sitemap.xml",
        "couleurs.css",
    ):
        assert tenant_client("bordeaux").get(base(bordeaux) + path).status_code == 404, path
    assert as_user(bordeaux, "t1").get(base(bordeaux)).status_code == 404
    preview = as_user(bordeaux, "dA").get(base(bordeaux))
    assert preview.status_code == 200 and "Aperçu" in preview.content.decode()
    # The preview was not cached: a visitor still gets the 404.
    assert tenant_client("bordeaux").get(base(bordeaux)).status_code == 404


def test_an_unpublished_page_and_a_missing_one_are_404(bordeaux, tenant_client):
    site = opened(bordeaux)
    with schema_context("bordeaux"):
        page = Page.objects.get(site=site, slug="projets")
        page_update(
            actor=actor_for(bordeaux["dA"]),
            page=page,
            title="Projets",
            slug="projets",
            body="",
            published=False,
        )
    client = tenant_client("bordeaux")

    assert client.get(base(bordeaux) + "projets/").status_code == 404
    assert client.get(base(bordeaux) + "nulle-part/").status_code == 404
    assert client.get("/ecole/0000000a/").status_code == 404
    assert "Nos projets" not in client.get(base(bordeaux)).content.decode()


def test_a_school_without_a_site_is_a_404(bordeaux, tenant_client):
    assert tenant_client("bordeaux").get(base(bordeaux)).status_code == 404


# --- cache ----------------------------------------------------------------------------------


def test_a_public_page_is_cached_and_drawn_again_after_a_change(
    bordeaux, tenant_client, as_user, django_capture_on_commit_callbacks
):
    opened(bordeaux)
    client = tenant_client("bordeaux")
    client.get(base(bordeaux) + "equipe/")

    with count_queries() as queries:
        again = client.get(base(bordeaux) + "equipe/")
    # Routing aside, the school's row only: the page comes from the cache.
    assert [q for q in queries if "school_site_page" in q["sql"]] == []
    assert again.status_code == 200

    with schema_context("bordeaux"):
        page = Page.objects.get(slug="equipe")
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_user(bordeaux, "dA").post(
            f"/site-ecole/{school(bordeaux).pk}/pages/{page.pk}/",
            {
                "title": "Notre équipe",
                "slug": "equipe",
                "body": "<p>Six enseignants.</p>",
                "published": "on",
            },
        )
    assert answer.status_code == 302

    text = client.get(base(bordeaux) + "equipe/").content.decode()
    assert "Six enseignants." in text and "Notre équipe" in text


def test_site_changed_from_another_app_redraws_the_pages(
    bordeaux, tenant_client, django_capture_on_commit_callbacks
):
    from apps.site.services import site_changed

    site = opened(bordeaux)
    client = tenant_client("bordeaux")
    assert "Kermesse" not in client.get(base(bordeaux)).content.decode()

    class News:
        key = "test-news"
        label = "Actualité"
        kermesse = public.PublicEntry(
            title="Kermesse", date=timezone.now(), byline="L'équipe", body="<p>Samedi.</p>"
        )

        def latest(self, school_id, limit):
            return [public.PublicItem(title="Kermesse", item_id=7, date=self.kermesse.date)]

        def count(self, school_id):
            return 1

        def entry(self, school_id, item_id):
            return self.kermesse if item_id == 7 else None

    public.register(News())
    try:
        assert "Kermesse" not in client.get(base(bordeaux)).content.decode()  # still cached
        with django_capture_on_commit_callbacks(execute=True):  # once the change is committed
            site_changed(site.school_id)
        assert "Kermesse" in client.get(base(bordeaux)).content.decode()
        feed = ET.fromstring(client.get(base(bordeaux) + "actualites.atom").content)  # noqa: S314 (our own answer)
        assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == ["Kermesse"]
        entry = client.get(base(bordeaux) + "publications/test-news/7/").content.decode()
        assert "Samedi." in entry and "Actualité · L&#x27;équipe" in entry
        assert client.get(base(bordeaux) + "publications/test-news/8/").status_code == 404
    finally:
        public.unregister("test-news")


# --- what a page costs --------------------------------------------------------------------------


def _pages(world, site, count):
    with schema_context(world.schema):
        Page.objects.bulk_create(
            Page(site=site, title=f"Page {n}", slug=f"page-{n}", position=10 + n)
            for n in range(count)
        )


# Routing, session, user, 2FA device, the Actor's relations (5), the school, the site,
# the pages (ONE), the session save... measured once: the same for 5 pages or 500.
EDITOR_PAGE_QUERIES = 14
PUBLIC_PAGE_QUERIES = 6


@pytest.mark.parametrize("extra", [1, 496])
def test_the_editor_page_costs_the_same_with_5_or_500_pages(bordeaux, as_user, extra):
    site = opened(bordeaux)
    _pages(bordeaux, site, extra)
    client = as_user(bordeaux, "dA")
    client.get(f"/site-ecole/{school(bordeaux).pk}/")

    with assert_num_queries(EDITOR_PAGE_QUERIES):
        answer = client.get(f"/site-ecole/{school(bordeaux).pk}/")

    assert answer.content.decode().count('class="site-tree-row') == 4 + extra


@pytest.mark.parametrize("extra", [1, 496])
def test_a_public_page_costs_the_same_with_5_or_500_pages(bordeaux, tenant_client, extra):
    site = opened(bordeaux)
    _pages(bordeaux, site, extra)

    with assert_num_queries(PUBLIC_PAGE_QUERIES):
        answer = tenant_client("bordeaux").get(base(bordeaux) + "equipe/")

    assert answer.status_code == 200


# --- XML ----------------------------------------------------------------------------------------


def test_the_feed_is_valid_atom_with_no_source(bordeaux, tenant_client):
    opened(bordeaux)
    answer = tenant_client("bordeaux").get(base(bordeaux) + "actualites.atom")

    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.content)  # noqa: S314 (our own answer)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Actualités de l'école A"
    assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated")
    assert feed.findall(f"{ATOM}entry") == []


def test_the_sitemap_lists_the_published_pages(bordeaux, tenant_client):
    site = opened(bordeaux)
    with schema_context("bordeaux"):
        Page.objects.filter(site=site, slug="projets").update(published=False)
    answer = tenant_client("bordeaux").get(base(bordeaux) + "sitemap.xml")

    urlset = ET.fromstring(answer.content)  # noqa: S314 (our own answer)
    assert urlset.tag == f"{SITEMAP}urlset"
    locs = [url.findtext(f"{SITEMAP}loc") or "" for url in urlset.findall(f"{SITEMAP}url")]
    paths = [loc.split("ent.localhost", 1)[-1].split("/", 1)[-1] for loc in locs]
    assert all(loc.startswith("http") for loc in locs)
    assert any(path.endswith("equipe/") for path in paths)
    assert not any("projets" in path for path in paths)
    for url in urlset.findall(f"{SITEMAP}url"):
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        if lastmod:
            datetime.date.fromisoformat(lastmod)


# --- logo ---------------------------------------------------------------------------------------


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "#003f7d").save(out, "PNG")
    return out.getvalue()


def test_the_logo_is_checked_stored_and_served(bordeaux, as_user, tenant_client, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    opened(bordeaux)
    client = as_user(bordeaux, "dA")
    url = f"/site-ecole/{school(bordeaux).pk}/logo/"

    refused = client.post(url, {"logo": SimpleUploadedFile("logo.svg", b"<svg onload='x()'/>")})
    assert refused.status_code == 400
    assert "Le logo doit être une image PNG, JPEG, WebP ou GIF." in refused.content.decode()

    saved = client.post(url, {"logo": SimpleUploadedFile("logo.png", _png())})
    assert saved.status_code == 302
    served = tenant_client("bordeaux").get(base(bordeaux) + "logo")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert 'class="site-logo"' in tenant_client("bordeaux").get(base(bordeaux)).content.decode()


def test_a_new_site_takes_the_school_colour_when_it_reads_well(bordeaux):
    with schema_context("bordeaux"):
        for colour, expected in (
            ("#ffd23f", ("#ffd23f", "#1a1a1a")),
            ("#888888", ("#888888", "#1a1a1a")),
            ("#777777", ("#003f7d", "#ffffff")),  # neither ink reaches 4.5:1: the defaults
        ):
            school(bordeaux).primary_colour = colour
            school(bordeaux).save()
            Site.objects.all().delete()
            site = site_open(actor=actor_for(bordeaux["dA"]), school=school(bordeaux))
            assert (site.background_colour, site.text_colour) == expected


def test_a_page_moves_under_another_and_never_under_its_own_subpage(
    bordeaux, as_user, tenant_client
):
    site = opened(bordeaux)
    client = as_user(bordeaux, "dA")
    sid = school(bordeaux).pk
    with schema_context("bordeaux"):
        team = Page.objects.get(site=site, slug="equipe")
        projects = Page.objects.get(site=site, slug="projets")
        child = page_create(
            actor=actor_for(bordeaux["dA"]), site=site, title="Cycle 3", parent=team
        )

    refused = client.post(f"/site-ecole/{sid}/pages/{team.pk}/placer/", {"parent": child.pk})
    assert refused.status_code == 400
    with schema_context("bordeaux"):
        assert Page.objects.get(pk=team.pk).parent_id is None

    form = client.get(f"/site-ecole/{sid}/pages/{team.pk}/").content.decode()
    assert f'value="{projects.pk}"' in form and f'value="{child.pk}"' not in form

    assert (
        client.post(
            f"/site-ecole/{sid}/pages/{team.pk}/placer/", {"parent": projects.pk}
        ).status_code
        == 302
    )
    public_client = tenant_client("bordeaux")
    assert public_client.get(base(bordeaux) + "projets/equipe/cycle-3/").status_code == 200
    assert public_client.get(base(bordeaux) + "equipe/").status_code == 404


# --- the cache by address -----------------------------------------------------------------------


def test_a_cached_page_is_served_without_asking_the_database(bordeaux, tenant_client):
    opened(bordeaux)
    client = tenant_client("bordeaux")
    assert client.get(base(bordeaux)).status_code == 200  # drawn, then cached

    with count_queries() as queries:
        answer = client.get(f"/ecole/{school(bordeaux).uai.upper()}/")  # in any case

    assert answer.status_code == 200 and "École" in answer.content.decode()
    tables = [q["sql"] for q in queries if "school" in q["sql"]]
    assert tables == [], tables


def test_a_page_drawn_while_a_change_was_committed_is_never_served():
    from apps.site import caching

    site = caching.address("0330101F")
    assert site == "0330101f"
    before = caching.version(site)
    caching.bump(site)  # a change committed while the page was being drawn
    caching.put(site, "home", before, b"<p>ancien</p>", "text/html")
    assert caching.lookup(site, "home") is None

    caching.put(site, "home", caching.version(site), b"<p>nouveau</p>", "text/html")
    assert caching.lookup(site, "home") == (b"<p>nouveau</p>", "text/html")
    # Text that is no UAI names no site: it is never looked up.
    assert caching.address("x" * 3000) is None and caching.address("../0330101f") is None
