"""The teacher's class pages: who sees which class, account actions, constant query count."""

from __future__ import annotations

import pytest
from django.db import reset_queries
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.audit.models import AuditEvent
from apps.schools.models import GuardianKind, Guardianship
from tests.cards.conftest import build_class_world
from tests.helpers import assert_num_queries, count_queries
from tests.world import World, add_person, add_pupils

CONFIRMED = {"confirmer": "oui"}  # the confirmation page's button


def reload(user: User) -> User:
    with schema_context("bordeaux"):
        return User.objects.get(pk=user.pk)


def test_a_teacher_lists_the_classes_they_teach(world, login_as):
    response = login_as(world["t1"]).get("/classes/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "A1" in body and "École des Chartrons" in body
    assert ">A2<" not in body and ">B1<" not in body


def test_a_director_lists_the_classes_of_their_school(world, login_as):
    body = login_as(world["dA"]).get("/classes/").content.decode()

    assert ">A1<" in body and ">A2<" in body
    assert ">B1<" not in body


def test_the_commune_administrator_lists_every_class(world, login_as):
    response = login_as(world["adm"]).get("/classes/")

    body = response.content.decode()
    assert response.status_code == 200
    assert ">A1<" in body and ">A2<" in body and ">B1<" in body


def test_a_pupil_sees_who_is_in_their_class_and_nothing_of_the_accounts(world, login_as):
    pupil = world.pupils["A1"][0]
    client = login_as(pupil)

    assert client.get("/classes/")["Location"] == f"/classes/{world.classes['A1'].pk}/"
    page = client.get(f"/classes/{world.classes['A1'].pk}/").content.decode()
    assert "Ma classe : A1" in page
    for classmate in world.pupils["A1"]:
        assert f"{classmate.first_name} {classmate.last_name[:1]}." in page
    assert "Nouveau code" not in page and "cartes" not in page
    assert client.get(f"/classes/{world.classes['A2'].pk}/").status_code == 404


def test_a_parent_has_no_class_list_and_sees_only_the_teachers_of_a_childs_class(world, login_as):
    pupil = world.pupils["A1"][0]
    client = login_as(world.parents[pupil.pk])

    assert client.get("/classes/").status_code == 404
    page = client.get(f"/classes/{world.classes['A1'].pk}/").content.decode()
    assert world["t1"].last_name in page
    assert 'id="eleves"' not in page  # no list of the class's pupils for parents
    assert client.get(f"/classes/{world.classes['A2'].pk}/").status_code == 404


def test_a_teacher_sees_a_colleagues_class_of_their_school_without_its_accounts(world, login_as):
    page = login_as(world["t1"]).get(f"/classes/{world.classes['A2'].pk}/").content.decode()

    assert "A2" in page and world["t2"].last_name in page
    assert "Nouveau code" not in page and "cartes" not in page


def test_an_anonymous_visitor_is_sent_to_the_login_page(world, tenant_client):
    response = tenant_client("bordeaux").get(f"/classes/{world.classes['A1'].pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_the_class_page_shows_pupils_statuses_and_guardians(world, login_as):
    first, second, third = world.pupils["A1"]
    with schema_context("bordeaux"):
        User.objects.filter(pk=second.pk).update(activated_at="2026-09-10T08:00:00Z")
        User.objects.filter(pk=third.pk).update(
            activated_at="2026-09-10T08:00:00Z", blocked_at="2026-10-01T08:00:00Z"
        )

    response = login_as(world["t1"]).get(f"/classes/{world.classes['A1'].pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("À activer") >= 1 and "Actif" in body and "Bloqué" in body
    assert first.username in body and world.parents[first.pk].username in body
    assert world.pupils["A2"][0].username not in body
    assert 'scope="col">Élève</th>' in body
    assert "Imprimer les cartes (PDF)" in body and "Exporter les codes (CSV)" in body


def test_a_class_out_of_reach_and_a_missing_class_get_the_same_404(world, login_as):
    client = login_as(world["t1"])

    forbidden = client.get(f"/classes/{world.classes['B1'].pk}/")  # another school's
    missing = client.get("/classes/987654/")

    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_a_teacher_blocks_and_unblocks_a_pupil_of_their_class(world, login_as):
    pupil = world.pupils["A1"][0]
    client = login_as(world["t1"])

    blocked = client.post(
        f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/bloquer/", CONFIRMED
    )
    assert blocked.status_code == 302
    assert reload(pupil).blocked_at is not None

    unblocked = client.post(f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/debloquer/")
    assert unblocked.status_code == 302
    assert reload(pupil).blocked_at is None
    with schema_context("bordeaux"):
        actions = list(
            AuditEvent.objects.filter(target=pupil.username)
            .order_by("at")
            .values_list("action", flat=True)
        )
    assert actions == ["account.blocked", "account.unblocked"]


def test_a_teacher_blocks_a_parent_of_their_class(world, login_as):
    parent = world.parents[world.pupils["A1"][0].pk]

    response = login_as(world["t1"]).post(
        f"/classes/{world.classes['A1'].pk}/comptes/{parent.pk}/bloquer/", CONFIRMED
    )

    assert response.status_code == 302
    assert reload(parent).blocked_at is not None


def test_acting_on_an_account_of_another_class_is_404_and_changes_nothing(world, login_as):
    other = world.pupils["A2"][0]
    client = login_as(world["t1"])

    through_own_class = client.post(
        f"/classes/{world.classes['A1'].pk}/comptes/{other.pk}/bloquer/", CONFIRMED
    )
    through_its_class = client.post(
        f"/classes/{world.classes['A2'].pk}/comptes/{other.pk}/bloquer/", CONFIRMED
    )
    new_code = client.post(
        f"/classes/{world.classes['A1'].pk}/comptes/{other.pk}/nouveau-code/", CONFIRMED
    )

    assert through_own_class.status_code == through_its_class.status_code == 404
    assert new_code.status_code == 404
    after = reload(other)
    assert after.blocked_at is None
    assert after.activation_code == other.activation_code
    with schema_context("bordeaux"):
        assert not AuditEvent.objects.filter(target=other.username).exists()


def test_a_staff_account_is_not_managed_from_a_class_page(world, login_as):
    response = login_as(world["dA"]).post(
        f"/classes/{world.classes['A1'].pk}/comptes/{world['t1'].pk}/bloquer/", CONFIRMED
    )

    assert response.status_code == 404
    assert reload(world["t1"]).blocked_at is None


def test_account_actions_refuse_get(world, login_as):
    pupil = world.pupils["A1"][0]

    response = login_as(world["t1"]).get(
        f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/bloquer/"
    )

    assert response.status_code == 405
    assert reload(pupil).blocked_at is None


def test_a_new_code_for_a_pupil_prints_their_card_and_kills_the_password(world, login_as):
    pupil = world.pupils["A1"][0]
    with schema_context("bordeaux"):
        stored = User.objects.get(pk=pupil.pk)
        stored.set_password("ancien-mot-de-passe")
        stored.activation_code = ""
        stored.activated_at = stored.date_joined
        stored.save()

    response = login_as(world["t1"]).post(
        f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/nouveau-code/", CONFIRMED
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    after = reload(pupil)
    assert len(after.activation_code) == 8
    assert after.activated_at is None
    assert not after.has_usable_password()
    with schema_context("bordeaux"):
        assert AuditEvent.objects.filter(
            action="account.code_reissued", target=pupil.username
        ).exists()


def test_no_new_card_for_an_account_that_left(world, login_as):
    pupil = world.pupils["A1"][0]
    with schema_context("bordeaux"):
        User.objects.filter(pk=pupil.pk).update(left_at="2026-07-10T08:00:00Z", is_active=False)

    response = login_as(world["t1"]).post(
        f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/nouveau-code/", CONFIRMED
    )

    assert response.status_code == 404
    assert reload(pupil).activation_code == pupil.activation_code


def _grow(world: World, pupils: int, prefix: str) -> None:
    """More pupils in A1, every other one with a second guardian, and the first one blocked."""
    with schema_context("bordeaux"):
        added = add_pupils(world, pupils, "A1", tag=prefix)
        for index, pupil in enumerate(added[::2]):
            second = add_person(world, f"{prefix}.second{index}", Profile.PARENT)
            Guardianship.objects.create(guardian=second, child=pupil, kind=GuardianKind.LEGAL_2)
        User.objects.filter(pk=added[0].pk).update(blocked_at=timezone.now())


def _class_page(client, world: World) -> str:
    # The request resets the connection's query log: start the count from an empty one.
    reset_queries()
    response = client.get(f"/classes/{world.classes['A1'].pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_class_page_costs_the_same_with_5_and_30_pupils(db, login_as):
    # The counts pin the routing stamp: printing 30 cards can outlast its interval, and its
    # re-read would then land in one count and not the other.
    with schema_context("bordeaux"):
        world = build_class_world(a1_pupils=0, a1_levels=["GS"])
    _grow(world, 5, "petit")
    client = login_as(world["t1"])
    cards = {"audience": "pupils", "file_format": "pdf"}
    assert client.post(f"/classes/{world.classes['A1'].pk}/cartes/", cards).status_code == 200
    reset_queries()
    with count_queries() as small:
        assert _class_page(client, world).count("Révoquer</button>") == 4  # not the blocked one
    # Read now: the count is a slice of the connection's log, which the next request clears.
    small_count = len(small)
    assert small_count <= 20

    _grow(world, 25, "grand")
    assert client.post(f"/classes/{world.classes['A1'].pk}/cartes/", cards).status_code == 200

    reset_queries()
    with assert_num_queries(small_count):
        body = _class_page(client, world)
    assert body.count("Révoquer</button>") == 28
    assert body.count("<tr>") == 31  # header row + 30 pupils


@pytest.mark.parametrize("action", ["nouveau-code", "bloquer"])
def test_an_account_action_asks_for_confirmation_first_and_changes_nothing(world, login_as, action):
    pupil = world.pupils["A1"][0]
    client = login_as(world["t1"])
    url = f"/classes/{world.classes['A1'].pk}/comptes/{pupil.pk}/{action}/"

    asked = client.post(url)

    assert asked.status_code == 200
    assert asked["Content-Type"].startswith("text/html")
    page = asked.content.decode()
    assert pupil.display_name in page
    assert 'name="confirmer" value="oui"' in page
    assert f'href="/classes/{world.classes["A1"].pk}/"' in page  # Annuler
    after = reload(pupil)
    assert after.activation_code == pupil.activation_code
    assert after.blocked_at is None
    with schema_context("bordeaux"):
        assert not AuditEvent.objects.filter(target=pupil.username).exists()
