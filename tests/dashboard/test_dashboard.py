"""The coordinator's dashboard: figures, scoping, pages, exports, API and query bars."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.attachments.models import Attachment
from apps.homework.models import HomeworkEntry
from apps.homework.publications import ENTRY
from apps.publications.models import Publication
from apps.schools.models import Classroom, DeploymentStatus, School, SchoolYear
from provisioning.services import provision_commune
from tenants.dashboard import selectors
from tenants.dashboard.selectors import DashboardAccessDenied
from tenants.db import use_public_schema
from tenants.models import Commune, CommuneStatus
from tenants.usage.models import ClassCountSnapshot
from tests.conftest import SESSION_BACKEND
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DASHBOARD_DIR = Path(__file__).resolve().parents[2] / "tenants" / "dashboard"


def _fill_bordeaux() -> None:
    """Bordeaux: 3 schools (2 deployed), 4 classes this year (3 in deployed schools),
    1 last year; accounts logged in 2, 10 and 60 days ago, and one never."""
    now = timezone.now()
    with schema_context("bordeaux"):
        current = SchoolYear.objects.create(
            label="2026-2027",
            starts_on=datetime.date(2026, 9, 1),
            ends_on=datetime.date(2027, 7, 4),
            is_current=True,
        )
        past = SchoolYear.objects.create(
            label="2025-2026",
            starts_on=datetime.date(2025, 9, 1),
            ends_on=datetime.date(2026, 7, 4),
        )
        active = School.objects.create(
            uai="0330001A", name="A", kind="elementaire", deployment_status=DeploymentStatus.ACTIVE
        )
        pilot = School.objects.create(
            uai="0330002B", name="B", kind="elementaire", deployment_status=DeploymentStatus.PILOT
        )
        waiting = School.objects.create(uai="0330003C", name="C", kind="elementaire")
        for school, name in [(active, "CP"), (active, "CE1"), (pilot, "CM2"), (waiting, "CP")]:
            Classroom.objects.create(school=school, year=current, name=name)
        Classroom.objects.create(school=active, year=past, name="CP")
        for username, profile, days in [
            ("t1", Profile.TEACHER, 2),
            ("t2", Profile.TEACHER, 10),
            ("p1", Profile.PARENT, 2),
            ("p2", Profile.PARENT, 60),
        ]:
            User.objects.create_user(
                username=username, profile=profile, last_login=now - datetime.timedelta(days=days)
            )
        User.objects.create_user(username="never", profile=Profile.PUPIL)
        # Files are counted from the sizes recorded on upload, not by reading the storage.
        entry = HomeworkEntry.objects.create(
            publication=Publication.objects.create(kind=ENTRY),
            classroom=Classroom.objects.earliest("pk"),
            author_name="t1",
            domain="francais",
            on=datetime.date(2026, 10, 5),
            last_day=datetime.date(2026, 10, 5),
        )
        for name, size in [("a.pdf", 1_000), ("b.png", 2_500)]:
            Attachment.objects.create(
                publication=entry.publication,
                file=f"bordeaux/homework/2026/{name}",
                original_name=name,
                size=size,
                content_type="application/pdf",
                sha256="0" * 64,
            )


def test_a_coordinator_scope_holds_every_live_commune_and_no_one_else_gets_one(
    coordinator: User,
) -> None:
    use_public_schema()
    Commune.objects.filter(slug="bassens").update(status=CommuneStatus.SUSPENDED)
    staff = User.objects.create_user(username="staff", profile=Profile.STAFF)

    scope = selectors.dashboard_scope_for(user=coordinator)

    assert [c.slug for c in scope.communes] == ["bordeaux", "pessac"]
    with pytest.raises(DashboardAccessDenied):
        selectors.dashboard_scope_for(user=staff)
    with pytest.raises(TypeError):
        selectors.commune_figures_list(scope=object())  # type: ignore[arg-type]


def test_figures_cost_one_aggregate_query_per_commune_and_one_for_storage(
    coordinator: User,
) -> None:
    _fill_bordeaux()
    use_public_schema()
    scope = selectors.dashboard_scope_for(user=coordinator)

    with count_queries() as queries:
        figures = {row.slug: row for row in selectors.commune_figures_list(scope=scope)}

    assert len(queries) == len(scope.communes) + 1 == 4  # + storage, one catalog query
    bordeaux = figures["bordeaux"]
    assert (bordeaux.schools_deployed, bordeaux.schools_total) == (2, 3)
    assert (bordeaux.classes_deployed, bordeaux.classes_total) == (3, 4)
    assert bordeaux.active_7_days == {"teacher": 1, "parent": 1}
    assert bordeaux.active_30_days == {"teacher": 2, "parent": 1}
    assert bordeaux.status_label == "Active"
    assert bordeaux.storage_bytes > 0
    assert bordeaux.files_bytes == 1_000 + 2_500
    pessac = figures["pessac"]
    assert (pessac.schools_total, pessac.classes_total, pessac.active_30_total) == (0, 0, 0)
    assert pessac.files_bytes == 0


def test_the_dashboard_shows_the_communes_table_and_the_chart(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    _fill_bordeaux()
    use_public_schema()
    bordeaux = Commune.objects.get(slug="bordeaux")
    for day, deployed in [(datetime.date(2026, 9, 1), 1), (datetime.date(2026, 10, 1), 3)]:
        ClassCountSnapshot.objects.create(
            commune=bordeaux,
            date=day,
            primary_classes=4,
            deployed_classes=deployed,
            deployed_schools=2,
        )

    response = base_login(coordinator).get("/coordination/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "<caption>Déploiement, activité",
        '<th scope="col">Commune</th>',
        "2 / 3",
        "3 / 4",
        '<svg role="img" aria-labelledby="chart-title chart-desc"',
        '<title id="chart-title">',
        "Classes déployées par date de relevé",
        '<time datetime="2026-10-01">1er octobre 2026</time></th><td>3</td></tr>',
        '<time datetime="2026-09-01">1er septembre 2026</time></th><td>1</td></tr>',
        '<label for="id_amount">',
        "/coordination/communes/bordeaux/",
    ]:
        assert text in html, text


def test_the_dashboard_and_its_api_are_404_for_anyone_but_a_coordinator(
    base_login: Callable[[User], Client], tenant_client: Callable[..., Client]
) -> None:
    use_public_schema()
    staff = User.objects.create_user(username="staff", profile=Profile.STAFF)
    client = base_login(staff)

    for path in [
        "/coordination/",
        "/coordination/communes/bordeaux/",
        "/coordination/communes.csv",
        "/api/v1/groupement/communes/",
    ]:
        assert client.get(path).status_code == 404, path
    assert tenant_client().get("/coordination/").status_code == 302
    assert tenant_client().get("/api/v1/groupement/communes/").status_code == 403


def test_a_coordinator_without_a_verified_second_factor_is_sent_to_verify(
    tenant_client: Callable[..., Client], coordinator: User
) -> None:
    client = tenant_client()
    client.force_login(coordinator, backend=SESSION_BACKEND)

    page = client.get("/coordination/")
    api = client.get("/api/v1/groupement/communes/")

    assert page.status_code == 302
    assert "/coordination/" not in page["Location"].split("?")[0]
    assert api.status_code == 403


def test_the_drill_down_shows_one_commune_and_404s_an_unknown_or_suspended_one(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    _fill_bordeaux()
    use_public_schema()
    Commune.objects.filter(slug="bassens").update(status=CommuneStatus.SUSPENDED)
    client = base_login(coordinator)

    response = client.get("/coordination/communes/bordeaux/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>Comptes actifs par profil" in html
    assert '<th scope="row">Enseignant</th><td>1</td><td>2</td>' in html
    assert client.get("/coordination/communes/bassens/").status_code == 404
    assert client.get("/coordination/communes/nowhere/").status_code == 404


def _snapshots(on: datetime.date, counts: dict[str, int]) -> None:
    use_public_schema()
    for slug, classes in counts.items():
        ClassCountSnapshot.objects.create(
            commune=Commune.objects.get(slug=slug),
            date=on,
            primary_classes=classes,
            deployed_classes=classes,
            deployed_schools=1,
        )


def test_the_cost_sharing_table_and_its_csv(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    on = datetime.date(2026, 10, 1)
    _snapshots(on, {"bordeaux": 1, "pessac": 1, "bassens": 1})
    client = base_login(coordinator)
    query = "?amount=100&vat=20&date=2026-10-01"

    page = client.get("/coordination/" + query)
    csv = client.get("/coordination/repartition.csv" + query)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption>Répartition de 100" in html
    assert "<td>33,34\u00a0€</td>" in html  # the largest-remainder cent goes to the smallest INSEE
    assert csv.status_code == 200
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeffCommune;Code INSEE;Classes;Total des classes;Part HT")
    assert "Bassens;33032;1;3;33,34;6,67;40,01" in text
    assert "Bordeaux;33063;1;3;33,33;6,67;40,00" in text


def test_the_cost_sharing_errors_are_shown(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    _snapshots(datetime.date(2026, 10, 1), {"bordeaux": 0, "pessac": 0})
    client = base_login(coordinator)

    no_snapshot = client.get("/coordination/?amount=100&vat=20&date=2026-10-02")
    all_zero = client.get("/coordination/?amount=100&vat=20&date=2026-10-01")
    bad = client.get("/coordination/?amount=abc&vat=20&date=2026-10-01")
    bad_csv = client.get("/coordination/repartition.csv?amount=100&vat=20&date=2026-10-02")

    assert "aucun relevé des classes le 2 octobre 2026" in no_snapshot.content.decode()
    assert "aucune commune n&#x27;a de classe" in all_zero.content.decode()
    assert bad.status_code == 400
    assert "Vérifiez le formulaire" in bad.content.decode()
    assert bad_csv.status_code == 400


def test_the_communes_csv(base_login: Callable[[User], Client], coordinator: User) -> None:
    _fill_bordeaux()

    response = base_login(coordinator).get("/coordination/communes.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0].startswith("\ufeffCommune;Code INSEE;Statut;Écoles déployées")
    bordeaux = next(line for line in lines if line.startswith("Bordeaux;"))
    assert bordeaux.startswith("Bordeaux;33063;Active;2;3;3;4;2;3;")
    assert "," in bordeaux.rsplit(";", 1)[1]  # megabytes with a decimal comma


def test_the_api_lists_the_communes_and_shares_an_amount(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    _fill_bordeaux()
    _snapshots(datetime.date(2026, 10, 1), {"bordeaux": 2, "pessac": 1})
    client = base_login(coordinator)

    communes = client.get("/api/v1/groupement/communes/")
    sharing = client.get("/api/v1/groupement/cost-sharing/?amount=90&vat=20&date=2026-10-01")
    missing = client.get("/api/v1/groupement/cost-sharing/?amount=90&vat=20&date=2026-10-02")

    assert communes.status_code == 200
    bordeaux = next(row for row in communes.json() if row["slug"] == "bordeaux")
    assert bordeaux["classes_deployed"] == 3
    teacher = next(a for a in bordeaux["active_accounts"] if a["profile"] == "teacher")
    assert teacher == {"profile": "teacher", "last_7_days": 1, "last_30_days": 2}
    assert sharing.status_code == 200
    assert [(r["insee_code"], r["ht"], r["ttc"]) for r in sharing.json()] == [
        ("33063", "60.00", "72.00"),
        ("33318", "30.00", "36.00"),
    ]
    assert missing.status_code == 400


def test_groupement_paths_answer_404_on_a_commune_host(
    tenant_client: Callable[..., Client],
) -> None:
    client = tenant_client("bordeaux")

    assert client.get("/api/v1/groupement/communes/").status_code == 404
    assert client.get("/coordination/").status_code == 404


def test_each_host_s_openapi_schema_lists_its_own_paths_only(
    base_login: Callable[[User], Client],
    coordinator: User,
    verified_login: Callable[..., Client],
) -> None:
    base = base_login(coordinator).get("/api/schema/", {"format": "json"})
    with schema_context("bordeaux"):
        admin = User.objects.create_user(username="adm", profile=Profile.COMMUNE_ADMIN)
    commune = verified_login(admin, "bordeaux").get("/api/schema/", {"format": "json"})

    assert base.status_code == 200, base.content[:300]
    assert commune.status_code == 200, commune.content[:300]
    base_paths = set(base.json()["paths"])
    commune_paths = set(commune.json()["paths"])
    assert base_paths == {"/api/v1/groupement/communes/", "/api/v1/groupement/cost-sharing/"}
    assert "/api/v1/schools/" in commune_paths
    assert not any(p.startswith("/api/v1/groupement/") for p in commune_paths)


def test_views_and_apis_never_use_an_unscoped_selector() -> None:
    for name in ["views.py", "apis.py"]:
        assert "dangerously_" not in (DASHBOARD_DIR / name).read_text(), name


def _dashboard_queries(client: Client) -> int:
    # Pinned routing stamp: on a loaded machine provisioning two communes outlasts the stamp's
    # interval, and its re-read would be counted as a figure query.
    with count_queries() as queries:
        response = client.get("/coordination/?amount=100&vat=20&date=2026-10-01")
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_costs_a_constant_number_of_queries_per_commune(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    """3 then 5 live communes: two more communes cost exactly two more figure queries."""
    _fill_bordeaux()
    _snapshots(datetime.date(2026, 10, 1), {"bordeaux": 4, "pessac": 2, "bassens": 1})
    client = base_login(coordinator)
    _dashboard_queries(client)  # warm caches (content types, sessions)
    with_3 = _dashboard_queries(client)
    for name, insee, slug in [("Mérignac", "33281", "merignac"), ("Talence", "33522", "talence")]:
        provision_commune(name=name, insee=insee, slug=slug, status="active")
    use_public_schema()
    _snapshots(datetime.date(2026, 10, 1), {"merignac": 3, "talence": 0})

    with_5 = _dashboard_queries(client)

    per_commune = 1
    assert with_5 - with_3 == 2 * per_commune
