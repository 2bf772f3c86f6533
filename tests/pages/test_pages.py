"""The commune's pages: the home page for each role, schools, classes and accounts.

Each page shows only what the permission rules allow; a forbidden page answers the same 404
as a missing one, and nothing changes. The world is described in tests/world.py.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.schools.models import School
from tests.helpers import count_queries
from tests.world import add_pupils, build_bordeaux, log_in, uai

MISSING_ID = 987654


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def words(html: str) -> str:
    """What a reader sees of ``html``: the text without its tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- home --------------------------------------------------------------------------------------


def test_the_anonymous_home_names_the_commune_its_deployed_schools_and_login(
    tenant_client, bordeaux
):
    page = text(tenant_client("bordeaux").get("/"))

    assert "Espace numérique de travail de Bordeaux" in page
    assert "École A" in page and "École B" in page
    assert "École C" not in page  # not deployed
    assert 'href="/connexion/"' in page
    assert "Se connecter" in page


def test_the_anonymous_home_links_the_published_school_sites_only(tenant_client, bordeaux):
    from django_tenants.utils import schema_context

    from apps.site.models import Site

    with schema_context("bordeaux"):
        Site.objects.create(school=bordeaux.schools["A"], published=True)
        Site.objects.create(school=bordeaux.schools["B"], published=False)
        uai = bordeaux.schools["A"].uai.lower()
    html = tenant_client("bordeaux").get("/").content.decode()
    assert html.count("Le site de l'école") == 1
    assert f'href="/ecole/{uai}/"' in html


def test_the_anonymous_home_of_another_commune_shows_its_own_schools(
    tenant_client, bordeaux, pessac
):
    page = text(tenant_client("pessac").get("/"))

    assert "Pessac École" in page
    assert "École A" not in page


def test_the_pupil_home_has_a_big_tile_for_each_service_there_is(bordeaux, as_user):
    """Services that do not exist yet are not shown: every tile is a link that works."""
    client = as_user(bordeaux, "p1")
    page = text(client.get("/"))

    assert "Bonjour Paul" in page
    tiles = page.split('<ul class="tiles"')[1].split("</ul>")[0].split("<li>")[1:]
    by_label = {words(tile): tile for tile in tiles}
    assert list(by_label) == [
        "Cahier de textes",
        "Messagerie",
        "Salon de la classe",
        "Cahier de liaison",
        "Blog de la classe",
        "Forums",
        "Actualités",
        "Ma classe",
    ]
    for label, tile in by_label.items():
        assert "<a " in tile, label
    assert 'href="/cahier-de-textes/"' in by_label["Cahier de textes"]
    assert 'href="/liaison/"' in by_label["Cahier de liaison"]
    assert 'href="/messagerie/"' in by_label["Messagerie"]
    assert 'href="/salons/"' in by_label["Salon de la classe"]
    assert 'href="/classes/"' in by_label["Ma classe"]
    assert 'href="/blogs/"' in by_label["Blog de la classe"]
    assert 'href="/actualites/"' in by_label["Actualités"]
    assert 'href="/forums/"' in by_label["Forums"]
    my_class = client.get("/classes/", follow=True)
    assert my_class.redirect_chain == [(f"/classes/{bordeaux.classes['A1'].pk}/", 302)]
    assert "Ma classe : " in text(my_class)
    assert "Théo Maître" in page
    assert 'aria-hidden="true"' in page  # icons are decoration; the label says it


def test_the_parent_home_lists_each_child_with_class_school_and_teachers(bordeaux, as_user):
    page = text(as_user(bordeaux, "par1").get("/"))

    assert "Mes enfants" in page
    assert "Paul Un" in page
    assert "CP A1" in page and "École A" in page and "Théo Maître" in page
    assert "Pierre Trois" not in page


def test_the_teacher_home_links_to_their_classes(bordeaux, as_user):
    page = text(as_user(bordeaux, "t1").get("/"))

    assert "Mes classes" in page
    assert f'href="/classes/{bordeaux.classes["A1"].pk}/"' in page
    assert "CE1 A2" not in page
    assert 'href="/classes/"' in page


def test_the_administrator_home_gives_the_communes_figures(bordeaux, as_user):
    page = text(as_user(bordeaux, "adm").get("/"))

    assert "3 écoles, dont 2 déployées" in words(page)
    assert "3 classes cette année" in words(page)
    assert 'href="/comptes/"' in page and 'href="/ecoles/nouvelle/"' in page


# --- schools and classes -------------------------------------------------------------------------


def test_the_administrator_lists_every_school_with_its_classes(bordeaux, as_user):
    client = as_user(bordeaux, "adm")

    listing = text(client.get("/ecoles/"))
    detail = text(client.get(f"/ecoles/{bordeaux.schools['A'].pk}/"))

    assert all(name in listing for name in ("École A", "École B", "École C"))
    assert "Ajouter une école" in listing
    assert "CP A1" in detail and "CE1 A2" in detail and "GS B1" not in detail
    assert "Théo Maître" in detail


@pytest.mark.parametrize(
    ("who", "school"), [("par1", "B"), ("p1", "B"), ("t1", "B"), ("t4", "A"), ("par4", "C")]
)
def test_a_school_outside_ones_own_answers_404_like_a_missing_one(bordeaux, as_user, who, school):
    client = as_user(bordeaux, who)

    forbidden = client.get(f"/ecoles/{bordeaux.schools[school].pk}/")
    missing = client.get(f"/ecoles/{MISSING_ID}/")

    assert forbidden.status_code == missing.status_code == 404
    assert text(forbidden) == text(missing)


def test_a_parent_sees_only_their_childs_class_in_its_school(bordeaux, as_user):
    page = text(as_user(bordeaux, "par1").get(f"/ecoles/{bordeaux.schools['A'].pk}/"))

    assert "CP A1" in page
    assert "CE1 A2" not in page
    assert "Modifier" not in page


def test_the_administrator_creates_a_school(bordeaux, as_user):
    client = as_user(bordeaux, "adm")
    data = {
        "uai": uai("0330999"),
        "name": "École des Tests",
        "kind": "elementaire",
        "street": "1 rue de l'Essai",
        "postal_code": "33000",
        "city": "Bordeaux",
        "deployment_status": "pilot",
        "primary_colour": "#123456",
        "secondary_colour": "#abcdef",
    }

    response = client.post("/ecoles/nouvelle/", data)

    with schema_context("bordeaux"):
        school = School.objects.get(uai=data["uai"])
        assert AuditEvent.objects.filter(action="school.created").count() == 1
    assert response.status_code == 302
    assert response["Location"] == f"/ecoles/{school.pk}/"
    assert school.name == "École des Tests"
    assert school.deployment_status == "pilot"
    assert school.primary_colour == "#123456"


def test_a_wrong_uai_check_letter_is_refused_with_the_reason(bordeaux, as_user):
    client = as_user(bordeaux, "adm")
    digits = "0330999"
    wrong = "A" if uai(digits)[-1] != "A" else "B"

    response = client.post(
        "/ecoles/nouvelle/",
        {
            "uai": digits + wrong,
            "name": "École fausse",
            "kind": "maternelle",
            "deployment_status": "not_deployed",
            "primary_colour": "#003f7d",
            "secondary_colour": "#ffbf47",
        },
    )

    assert response.status_code == 200
    assert "la lettre de contrôle de 0330999 est" in text(response)
    with schema_context("bordeaux"):
        assert not School.objects.filter(name="École fausse").exists()


def test_the_administrator_edits_a_school_and_the_change_is_audited(bordeaux, as_user):
    client = as_user(bordeaux, "adm")
    school = bordeaux.schools["C"]

    form = client.get(f"/ecoles/{school.pk}/modifier/")
    response = client.post(
        f"/ecoles/{school.pk}/modifier/",
        {
            "uai": school.uai,
            "name": "École C rénovée",
            "kind": school.kind,
            "deployment_status": "active",
            "primary_colour": school.primary_colour,
            "secondary_colour": school.secondary_colour,
        },
    )

    assert form.status_code == 200 and school.uai in text(form)
    assert response.status_code == 302
    with schema_context("bordeaux"):
        school.refresh_from_db()
        event = AuditEvent.objects.get(action="school.updated")
    assert school.name == "École C rénovée"
    assert school.deployment_status == "active"
    assert event.details["changes"]["deployment_status"] == ["not_deployed", "active"]


@pytest.mark.parametrize("who", ["dA", "t1", "par1", "p1"])
def test_only_the_administrator_creates_or_edits_schools(bordeaux, as_user, who):
    client = as_user(bordeaux, who)
    school = bordeaux.schools["A"]
    data = {
        "uai": school.uai,
        "name": "Renommée",
        "kind": school.kind,
        "deployment_status": "not_deployed",
        "primary_colour": "#000000",
        "secondary_colour": "#ffffff",
    }

    responses = [
        client.get("/ecoles/nouvelle/"),
        client.post("/ecoles/nouvelle/", {**data, "uai": uai("0330998")}),
        client.get(f"/ecoles/{school.pk}/modifier/"),
        client.post(f"/ecoles/{school.pk}/modifier/", data),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    with schema_context("bordeaux"):
        assert School.objects.get(pk=school.pk).name == "École A"
        assert School.objects.count() == 3


def test_pages_need_a_login(tenant_client, bordeaux):
    client = tenant_client("bordeaux")

    for path in ("/ecoles/", f"/ecoles/{bordeaux.schools['A'].pk}/", "/comptes/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")


def test_a_bordeaux_session_is_anonymous_on_pessac(bordeaux, pessac, as_user):
    client = as_user(bordeaux, "adm")
    client.defaults["HTTP_HOST"] = "pessac.ent.localhost"

    assert client.get("/comptes/").status_code == 302
    assert "Pessac École" in text(client.get("/"))
    assert "Adèle" not in text(client.get("/"))


# --- accounts ---------------------------------------------------------------------------------


def test_the_account_list_searches_filters_and_shows_the_second_factor(bordeaux, as_user):
    client = as_user(bordeaux, "adm")  # gets a confirmed TOTP device
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["par3"].pk).update(blocked_at=timezone.now())
        User.objects.filter(pk=bordeaux["p4"].pk).update(left_at=timezone.now())
        User.objects.filter(pk=bordeaux["t1"].pk).update(activated_at=timezone.now())
        TOTPDevice.objects.create(user=bordeaux["t2"], name="pending", confirmed=False)

    def table(query: str) -> str:
        page = text(client.get(f"/comptes/{query}"))
        return page[page.index("<table") : page.index("</table>")]

    everyone = table("")
    blocked = table("?statut=blocked")
    left = table("?statut=left")
    active = table("?statut=active")
    pupils = table("?profil=pupil")
    search = table("?q=trois")

    assert "13 comptes" in everyone
    assert "Patrick" in blocked and "1 compte correspondant" in blocked
    assert "Prune" in left and "1 compte correspondant" in left
    assert "Théo" in active and "Adèle" not in active and "1 compte correspondant" in active
    assert "4 comptes correspondants" in pupils and "Pascale" not in pupils
    assert "Pierre" in search and "Patrick" in search and "Paul" not in search
    row = re.search(r"<tr>.{0,300}?MAIRIE Adèle.*?</tr>", everyone)
    assert row is not None and "Activée" in row.group(0)
    row = re.search(r"<tr>.{0,300}?MAÎTRESSE Tina.*?</tr>", everyone)
    assert row is not None and "Activée" not in row.group(0)  # an unconfirmed device


@pytest.mark.parametrize("who", ["dA", "t1", "par1", "p1"])
def test_only_the_administrator_sees_the_account_list(bordeaux, as_user, who):
    assert as_user(bordeaux, who).get("/comptes/").status_code == 404


# --- cost -------------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    client.get(path)  # warm: routing cache, session state
    with count_queries() as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


# Session and user (2), the Actor (5), the administrator's verified device (1), the header's
# unread notifications badge (1), then the page. Home pages add one query per "à faire" provider
# that speaks to the role (accounts to activate; drafts and missing signatures; notes to sign).
PAGES = [
    # Every page reads the header's unread messages (one query); a home page also lists what
    # waits in the messagerie (unread, pupils' messages to validate, reports and held ones)
    # and, for the referents, the rooms' reports (one query).
    # Those who moderate read what waits for their decision (one query); those who moderate
    # a forum (its class's teachers, the direction) its open reports (one query).
    ("adm", "/", 20),
    ("adm", "/ecoles/", 11),
    ("adm", "/ecoles/{A}/", 13),
    ("adm", "/comptes/", 12),
    ("adm", "/comptes/?statut=to_activate&q=e", 12),
    ("t1", "/", 18),
    ("t1", "/ecoles/{A}/", 12),
    ("par1", "/", 14),
    ("p1", "/", 12),
]


@pytest.mark.parametrize(("who", "path", "expected"), PAGES)
def test_pages_cost_the_same_with_5_or_30_pupils(db, tenant_client, who, path, expected):
    """Pinned: the number of queries does not grow with the class (5 pupils, then 30)."""
    world = build_bordeaux(extra_pupils=3)
    client = log_in(tenant_client, "bordeaux", world[who])
    path = path.format(A=world.schools["A"].pk)

    with_5 = _queries(client, path)
    add_pupils(world, 25)
    with_30 = _queries(client, path)

    assert (with_5, with_30) == (expected, expected)
