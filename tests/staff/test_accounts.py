"""The commune administrator's pages for the school staff: an account's page, a new account,
its schools and classes, a new activation code (confirmed first)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.audit.actions import ACTION_LABELS
from apps.audit.models import AuditEvent
from apps.schools.models import Classroom, SchoolMembership, SchoolRole

CONFIRMED = {"confirmer": "oui"}


def reload(user: User) -> User:
    with schema_context("bordeaux"):
        return User.objects.get(pk=user.pk)


def events(action: str) -> list[AuditEvent]:
    with schema_context("bordeaux"):
        return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def memberships(user: User) -> set[tuple[int, str]]:
    with schema_context("bordeaux"):
        return set(SchoolMembership.objects.filter(user=user).values_list("school_id", "role"))


def taught(user: User) -> set[int]:
    with schema_context("bordeaux"):
        return set(Classroom.objects.filter(teachers=user).values_list("pk", flat=True))


def new_teacher(bordeaux, **overrides):
    data = {
        "civility": "Mme",
        "first_name": "Élodie",
        "last_name": "Le Bihan",
        "email": "elodie.lebihan@example.org",
        "profile": Profile.TEACHER,
        "schools": [bordeaux.schools["A"].pk],
        "classrooms": [bordeaux.classes["A1"].pk],
    }
    data.update(overrides)
    return data


# --- the account list and an account's page ------------------------------------------------


def test_each_row_of_the_account_list_links_to_the_accounts_page(bordeaux, as_user):
    page = as_user(bordeaux, "adm").get("/comptes/").content.decode()

    assert f'href="/comptes/{bordeaux["t1"].pk}/"' in page
    assert 'href="/comptes/nouveau/"' in page
    assert '<div class="table-scroll">' in page


def test_a_teachers_page_shows_schools_classes_and_actions(bordeaux, as_user):
    response = as_user(bordeaux, "adm").get(f"/comptes/{bordeaux['t1'].pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Théo Maître" in page and "École A" in page and "Enseignant" in page
    assert "CP A1" in page
    assert f'href="/comptes/{bordeaux["t1"].pk}/blocage/"' in page
    assert f'action="/comptes/{bordeaux["t1"].pk}/nouveau-code/"' in page
    assert f'href="/comptes/{bordeaux["t1"].pk}/affectations/"' in page


def test_a_pupils_page_shows_the_class_and_guardians_and_a_parents_page_the_children(
    bordeaux, as_user
):
    client = as_user(bordeaux, "adm")
    pupil = client.get(f"/comptes/{bordeaux['p1'].pk}/").content.decode()
    parent = client.get(f"/comptes/{bordeaux['par1'].pk}/").content.decode()

    assert "CP A1" in pupil and "Pascale Un" in pupil
    assert "nouveau-code" not in pupil  # a pupil's card comes from the class page
    assert "Paul Un" in parent and "CP A1" in parent
    assert "nouveau-code" in parent


@pytest.mark.parametrize("who", ["t1", "dA", "dB", "par1", "p1"])
def test_anyone_but_the_administrator_gets_a_404(bordeaux, as_user, who):
    client = as_user(bordeaux, who)
    target = bordeaux["t1"].pk if who != "t1" else bordeaux["t2"].pk

    assert client.get(f"/comptes/{target}/").status_code == 404
    assert client.get("/comptes/nouveau/").status_code == 404
    assert client.post("/comptes/nouveau/", new_teacher(bordeaux)).status_code == 404
    assert client.get(f"/comptes/{target}/affectations/").status_code == 404
    assert client.post(f"/comptes/{target}/nouveau-code/", CONFIRMED).status_code == 404
    assert events("account.created") == [] and events("account.code_reissued") == []


def test_a_missing_account_is_a_404(bordeaux, as_user):
    assert as_user(bordeaux, "adm").get("/comptes/999999/").status_code == 404


# --- a new account -------------------------------------------------------------------------


def test_the_administrator_creates_a_teacher_with_a_school_and_a_class(bordeaux, as_user):
    client = as_user(bordeaux, "adm")
    form = client.get("/comptes/nouveau/").content.decode()
    assert 'for="id_first_name"' in form and 'for="id_email"' in form
    assert f'id="id_school_{bordeaux.schools["A"].pk}"' in form
    assert f'for="id_classroom_{bordeaux.classes["A1"].pk}"' in form

    response = client.post("/comptes/nouveau/", new_teacher(bordeaux))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    with schema_context("bordeaux"):
        user = User.objects.get(email="elodie.lebihan@example.org")
    assert user.username == "elodie.le-bihan"
    assert (user.profile, user.civility, user.first_name) == (Profile.TEACHER, "Mme", "Élodie")
    assert not user.has_usable_password() and user.activated_at is None
    assert len(user.activation_code) == 8
    page = response.content.decode()
    assert user.username in page and user.activation_code in page
    assert "/premiere-connexion/?identifiant=elodie.le-bihan" in page
    assert memberships(user) == {(bordeaux.schools["A"].pk, SchoolRole.TEACHER)}
    assert taught(user) == {bordeaux.classes["A1"].pk}
    [event] = events("account.created")
    assert event.target == user.username and event.actor_id == bordeaux["adm"].pk
    assert "account.created" in ACTION_LABELS and "account.assignments_changed" in ACTION_LABELS


def test_a_second_homonym_gets_the_next_login(bordeaux, as_user):
    client = as_user(bordeaux, "adm")
    client.post("/comptes/nouveau/", new_teacher(bordeaux))
    client.post(
        "/comptes/nouveau/",
        new_teacher(bordeaux, email="", profile=Profile.STAFF, classrooms=[]),
    )

    with schema_context("bordeaux"):
        staff = User.objects.get(profile=Profile.STAFF, last_name="Le Bihan")
    assert staff.username == "elodie.le-bihan2" and staff.email == ""
    assert memberships(staff) == {(bordeaux.schools["A"].pk, SchoolRole.STAFF)}


def test_a_director_account_directs_its_school(bordeaux, as_user):
    as_user(bordeaux, "adm").post(
        "/comptes/nouveau/",
        new_teacher(bordeaux, profile=Profile.DIRECTOR, email="dir@example.org", classrooms=[]),
    )

    with schema_context("bordeaux"):
        user = User.objects.get(email="dir@example.org")
    assert memberships(user) == {(bordeaux.schools["A"].pk, SchoolRole.DIRECTOR)}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": ""}, "Indiquez l&#x27;adresse électronique"),
        ({"email": "pas-une-adresse"}, "n&#x27;est pas valide"),
        ({"schools": []}, "Choisissez au moins une école."),
        ({"first_name": ""}, "Indiquez le prénom."),
        ({"profile": Profile.COMMUNE_ADMIN}, "Choisissez le profil"),
        ({"classrooms": ["B1"]}, "n&#x27;est dans aucune des écoles choisies"),
        ({"profile": Profile.STAFF, "email": ""}, "Seuls les enseignants et les directeurs"),
    ],
)
def test_bad_input_says_why_and_creates_nothing(bordeaux, as_user, overrides, message):
    if overrides.get("classrooms") == ["B1"]:
        overrides = {"classrooms": [bordeaux.classes["B1"].pk]}
    with schema_context("bordeaux"):
        before = User.objects.count()

    response = as_user(bordeaux, "adm").post(
        "/comptes/nouveau/", new_teacher(bordeaux, **overrides)
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    with schema_context("bordeaux"):
        assert User.objects.count() == before
        assert SchoolMembership.objects.filter(user__last_name="Le Bihan").count() == 0
    assert events("account.created") == []


def test_an_email_already_given_to_a_staff_account_is_refused(bordeaux, as_user):
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["t2"].pk).update(email="Elodie.LeBihan@example.org")

    response = as_user(bordeaux, "adm").post("/comptes/nouveau/", new_teacher(bordeaux))

    assert response.status_code == 400
    assert "déjà celle d&#x27;un compte du personnel" in response.content.decode()
    with schema_context("bordeaux"):
        assert not User.objects.filter(last_name="Le Bihan").exists()


# --- schools and classes of an existing teacher ------------------------------------------


def test_the_administrator_gives_an_imported_class_its_teacher(bordeaux, as_user):
    """An ONDE class comes without a teacher: the administrator assigns one from the page."""
    with schema_context("bordeaux"):
        imported = Classroom.objects.create(
            school=bordeaux.schools["B"], year=bordeaux.year, name="MS B2", levels=["MS"]
        )
    client = as_user(bordeaux, "adm")
    t1 = bordeaux["t1"]
    form = client.get(f"/comptes/{t1.pk}/affectations/").content.decode()
    assert f'id="id_school_{bordeaux.schools["A"].pk}" checked' in form
    assert f'id="id_classroom_{bordeaux.classes["A1"].pk}" checked' in form

    response = client.post(
        f"/comptes/{t1.pk}/affectations/",
        {
            "schools": [bordeaux.schools["A"].pk, bordeaux.schools["B"].pk],
            "classrooms": [bordeaux.classes["A2"].pk, imported.pk],
        },
    )

    assert response.status_code == 302 and response["Location"] == f"/comptes/{t1.pk}/"
    assert memberships(t1) == {
        (bordeaux.schools["A"].pk, SchoolRole.TEACHER),
        (bordeaux.schools["B"].pk, SchoolRole.TEACHER),
    }
    assert taught(t1) == {bordeaux.classes["A2"].pk, imported.pk}
    [event] = events("account.assignments_changed")
    assert event.details["classes_added"] == ["CE1 A2 (École A)", "MS B2 (École B)"]
    assert event.details["classes_removed"] == ["CP A1 (École A)"]
    assert event.details["schools_added"] == ["École B"]


def test_removing_a_school_removes_its_classes(bordeaux, as_user):
    t1 = bordeaux["t1"]
    as_user(bordeaux, "adm").post(
        f"/comptes/{t1.pk}/affectations/", {"schools": [bordeaux.schools["B"].pk]}
    )

    assert memberships(t1) == {(bordeaux.schools["B"].pk, SchoolRole.TEACHER)}
    assert taught(t1) == set()


def test_nothing_changed_records_nothing(bordeaux, as_user):
    t1 = bordeaux["t1"]
    response = as_user(bordeaux, "adm").post(
        f"/comptes/{t1.pk}/affectations/",
        {"schools": [bordeaux.schools["A"].pk], "classrooms": [bordeaux.classes["A1"].pk]},
    )

    assert response.status_code == 302
    assert events("account.assignments_changed") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"classrooms": ["B1"]}, "n&#x27;est dans aucune des écoles choisies"),
        ({"schools": []}, "Choisissez au moins une école."),
        ({"schools": ["999999"]}, "Une des écoles choisies n&#x27;existe pas."),
    ],
)
def test_bad_assignments_say_why_and_change_nothing(bordeaux, as_user, data, message):
    t1 = bordeaux["t1"]
    posted = {"schools": [bordeaux.schools["A"].pk], **data}
    if data.get("classrooms") == ["B1"]:
        posted["classrooms"] = [bordeaux.classes["B1"].pk]

    response = as_user(bordeaux, "adm").post(f"/comptes/{t1.pk}/affectations/", posted)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert memberships(t1) == {(bordeaux.schools["A"].pk, SchoolRole.TEACHER)}
    assert taught(t1) == {bordeaux.classes["A1"].pk}
    assert events("account.assignments_changed") == []


def test_pupils_and_parents_have_no_assignments_page(bordeaux, as_user):
    client = as_user(bordeaux, "adm")

    assert client.get(f"/comptes/{bordeaux['p1'].pk}/affectations/").status_code == 404
    assert client.get(f"/comptes/{bordeaux['par1'].pk}/affectations/").status_code == 404


# --- a new activation code -----------------------------------------------------------------


def test_a_new_code_is_confirmed_first_then_shown_once_and_audited(bordeaux, as_user):
    t1 = bordeaux["t1"]
    with schema_context("bordeaux"):
        t1.set_password("ancien-mot-de-passe-1")
        t1.save()
    client = as_user(bordeaux, "adm")

    asked = client.post(f"/comptes/{t1.pk}/nouveau-code/")

    assert asked.status_code == 200
    assert 'name="confirmer" value="oui"' in asked.content.decode()
    assert reload(t1).check_password("ancien-mot-de-passe-1")
    assert events("account.code_reissued") == []

    done = client.post(f"/comptes/{t1.pk}/nouveau-code/", CONFIRMED)

    after = reload(t1)
    assert done.status_code == 200
    assert not after.has_usable_password() and after.activated_at is None
    page = done.content.decode()
    assert after.activation_code in page
    assert f"/premiere-connexion/?identifiant={after.username}" in page
    [event] = events("account.code_reissued")
    assert event.target == t1.username and event.actor_id == bordeaux["adm"].pk


def test_no_new_code_for_a_pupil_here_nor_for_a_blocked_account(bordeaux, as_user):
    from django.utils import timezone

    client = as_user(bordeaux, "adm")
    with schema_context("bordeaux"):
        User.objects.filter(pk=bordeaux["t2"].pk).update(blocked_at=timezone.now())

    assert client.post(f"/comptes/{bordeaux['p1'].pk}/nouveau-code/", CONFIRMED).status_code == 404
    blocked = client.post(f"/comptes/{bordeaux['t2'].pk}/nouveau-code/", CONFIRMED)
    assert blocked.status_code == 302
    assert reload(bordeaux["t2"]).activation_code == ""
    assert events("account.code_reissued") == []


def test_the_new_teacher_activates_the_account_with_the_code_shown(
    bordeaux, as_user, tenant_client
):
    as_user(bordeaux, "adm").post("/comptes/nouveau/", new_teacher(bordeaux))
    with schema_context("bordeaux"):
        user = User.objects.get(email="elodie.lebihan@example.org")
    client = tenant_client("bordeaux")

    response = client.post(
        "/premiere-connexion/",
        {
            "username": user.username,
            "activation_code": user.activation_code,
            "new_password1": "Une phrase de passe 2026 !",
            "new_password2": "Une phrase de passe 2026 !",
        },
    )

    assert response.status_code == 302
    assert reload(user).activated_at is not None
    home = client.get("/").content.decode()
    assert "CP A1" in home  # the class she was given
