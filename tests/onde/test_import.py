"""Importing a school's ONDE pair into the commune's schema: accounts, classes, enrolments."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.contrib.auth.hashers import is_password_usable
from django_tenants.utils import schema_context

from apps.accounts.lifecycle import ACTIVATION_ALPHABET
from apps.accounts.models import Profile, User
from apps.accounts.signals import names_changed
from apps.audit.models import AuditEvent
from apps.schools.models import (
    Classroom,
    Enrolment,
    EnrolmentStatus,
    GuardianKind,
    Guardianship,
    SchoolYear,
)
from apps.schools.onde import OndeImportError
from tests.helpers import database_state
from tests.onde.generator import PUPIL_HEADER, Guardian, encode, render
from tests.onde.helpers import SCHEMA, export, run_import, tenant_counts


def pupil_account(pupil) -> User:
    return User.objects.get(
        profile=Profile.PUPIL, first_name=pupil.first_name, birth_date=pupil.birth_date
    )


def test_a_first_import_creates_accounts_classes_enrolments_and_links(school):
    data = export(60, 96, seed=3)

    report = run_import(school, data)

    with schema_context(SCHEMA):
        pupils = User.objects.filter(profile=Profile.PUPIL)
        assert pupils.count() == 60
        assert User.objects.filter(profile=Profile.PARENT).count() == 96
        year = SchoolYear.objects.get(is_current=True)
        classes = {c.name: c for c in Classroom.objects.filter(school=school, year=year)}
        assert set(classes) == {p.class_label for p in data.pupils}
        for school_class in {p.school_class for p in data.pupils}:
            classroom = classes[school_class.label]
            assert classroom.onde_id == school_class.onde_id
            levels = {p.level for p in data.pupils if p.school_class == school_class}
            assert set(classroom.levels) == levels
        assert Enrolment.objects.filter(year=year, status=EnrolmentStatus.ENROLLED).count() == 60
        assert Guardianship.objects.count() == sum(len(g.children) for g in data.guardians)
        for pupil in data.pupils:
            account = pupil_account(pupil)
            enrolment = Enrolment.objects.select_related("classroom").get(pupil=account)
            assert enrolment.classroom.name == pupil.class_label
            assert enrolment.level == pupil.level
            assert account.ine == pupil.ine
            assert account.last_name == (pupil.usage_name or pupil.family_name)
            assert account.photo_consent == {"Oui": True, "Non": False, "": None}[pupil.photo]
        for user in User.objects.exclude(profile=Profile.COMMUNE_ADMIN):
            assert not is_password_usable(user.password)
            assert len(user.activation_code) == 8
            assert set(user.activation_code) <= set(ACTIVATION_ALPHABET)
        event = AuditEvent.objects.get(action="import.onde")
        assert event.details["pupils"] == {"created": 60, "updated": 0, "unchanged": 0}
        assert event.details["guardians"]["created"] == 96
    assert report.pupils.counts() == {"created": 60, "updated": 0, "unchanged": 0}


def test_guardians_keep_only_the_minimal_personal_data(school):
    data = export(8, 12, seed=4)
    mother = data.guardians[0]
    mother.phone_home, mother.phone_mobile = "01 99 00 11 22", "06 39 98 33 44"
    mother.email = "Mere.Essai@Example.org"

    run_import(school, data)

    with schema_context(SCHEMA):
        account = User.objects.get(profile=Profile.PARENT, email="mere.essai@example.org")
        assert account.civility == "Mme"
        assert account.first_name == mother.first_name
        assert account.last_name == (mother.usage_name or mother.family_name)
        assert account.phone == "0639983344"  # the mobile first, digits only
        stored = [
            str(value)
            for user in User.objects.all()
            for value in user.__dict__.values()
            if isinstance(value, str)
        ]
        assert not any("rue des Exemples" in value or "allée du Test" in value for value in stored)


def test_logins_are_readable_ascii_stable_and_unique(school):
    data = export(60, 96, seed=5)
    zoe = data.pupils[0]
    zoe.first_name, zoe.family_name, zoe.usage_name = "Zoé", "D'ARVÉLLE-ŒUVRAY", ""
    homonym = dataclasses.replace(zoe, birth_date=datetime.date(2017, 2, 3), ine="")
    homonym.school_class = next(
        p.school_class for p in data.pupils if p.class_label != zoe.class_label
    )
    data.pupils.append(homonym)

    run_import(school, data)
    run_import(school, data)

    with schema_context(SCHEMA):
        logins = sorted(
            User.objects.filter(first_name="Zoé", last_name="D'ARVÉLLE-ŒUVRAY").values_list(
                "username", flat=True
            )
        )
        assert logins == ["zoe.d-arvelle-oeuvray", "zoe.d-arvelle-oeuvray2"]
        usernames = list(User.objects.values_list("username", flat=True))
        assert len(usernames) == len(set(usernames))


def test_homonyms_in_one_class_are_told_apart_by_birth_date(school):
    data = export(10, 16, seed=6)
    original = data.pupils[0]
    original.ine = ""
    twin = dataclasses.replace(original, birth_date=datetime.date(2018, 5, 4))
    data.pupils.append(twin)
    for guardian in data.guardians:  # guardian lines cannot tell them apart: leave them out
        guardian.children = [c for c in guardian.children if c is not original]
    data.guardians = [g for g in data.guardians if g.children]

    run_import(school, data)
    report = run_import(school, data)

    with schema_context(SCHEMA):
        homonyms = User.objects.filter(
            first_name=original.first_name, last_name=original.usage_name or original.family_name
        ).order_by("birth_date")
        assert [u.birth_date for u in homonyms] == sorted([original.birth_date, twin.birth_date])
        classes = {e.classroom.name for e in Enrolment.objects.filter(pupil__in=homonyms)}
        assert classes == {original.class_label}
    assert report.pupils.counts() == {"created": 0, "updated": 0, "unchanged": 11}


def test_a_guardian_of_two_children_in_different_classes_gets_one_account_and_two_links(school):
    data = export(40, 64, seed=7)
    a = data.pupils[0]
    b = next(p for p in data.pupils if p.class_label != a.class_label)
    data.guardians.append(
        Guardian(
            civility="M.",
            family_name="TUTEUR",
            first_name="Rémi",
            email="remi.tuteur@example.org",
            children=[a, b],
        )
    )

    run_import(school, data)

    with schema_context(SCHEMA):
        parent = User.objects.get(email="remi.tuteur@example.org")
        links = Guardianship.objects.filter(guardian=parent).select_related("child")
        assert {link.child.first_name for link in links} == {a.first_name, b.first_name}
        assert all(link.parental_authority for link in links)
        classes = Enrolment.objects.filter(pupil__guardians_links__guardian=parent).values_list(
            "classroom__name", flat=True
        )
        assert set(classes) == {a.class_label, b.class_label}


def test_guardian_kinds_follow_the_order_of_the_lines(school):
    data = export(1, 3, seed=8)  # one pupil, three guardians: mother, father, another adult

    run_import(school, data)

    with schema_context(SCHEMA):
        links = Guardianship.objects.select_related("guardian").order_by("guardian_id")
        kinds = [(link.guardian.first_name, link.kind) for link in links]
    assert kinds == [
        (data.guardians[0].first_name, GuardianKind.LEGAL_1),
        (data.guardians[1].first_name, GuardianKind.LEGAL_2),
        (data.guardians[2].first_name, GuardianKind.OTHER),
    ]


def test_parents_sharing_one_email_address_stay_two_accounts(school):
    data = export(1, 2, seed=9)
    data.guardians[1].email = data.guardians[0].email = "famille.essai@example.org"

    run_import(school, data)
    run_import(school, data)

    with schema_context(SCHEMA):
        parents = User.objects.filter(email="famille.essai@example.org")
        assert sorted(p.first_name for p in parents) == sorted(g.first_name for g in data.guardians)


def test_reimporting_the_same_files_changes_nothing(school):
    data = export(50, 80, seed=10)
    run_import(school, data)
    before = tenant_counts()
    with schema_context(SCHEMA):
        users_before = list(User.objects.order_by("pk").values())

    report = run_import(school, data)

    after = tenant_counts()
    assert after == {**before, "audit": before["audit"] + 1}
    with schema_context(SCHEMA):
        assert list(User.objects.order_by("pk").values()) == users_before
    assert report.pupils.counts() == {"created": 0, "updated": 0, "unchanged": 50}
    assert report.guardians.counts() == {"created": 0, "updated": 0, "unchanged": 80}
    assert report.classes.counts()["unchanged"] == len({p.class_label for p in data.pupils})
    assert report.enrolments.counts() == {
        "created": 0,
        "moved": 0,
        "updated": 0,
        "unchanged": 50,
        "leaving": 0,
    }
    assert report.links_created == []


def test_a_newer_export_moves_a_pupil_renames_another_and_duplicates_nobody(school):
    data = export(50, 80, seed=11)
    run_import(school, data)
    before = tenant_counts()
    moved = data.pupils[0]
    new_class = next(p.school_class for p in data.pupils if p.class_label != moved.class_label)
    renamed = data.pupils[1]  # has an INE
    no_ine = data.pupils[2]
    no_ine.ine = ""
    with schema_context(SCHEMA):
        login = pupil_account(renamed).username
        User.objects.filter(pk=pupil_account(no_ine).pk).update(ine="")

    moved.school_class = new_class
    moved.level = new_class.levels[0]
    renamed.first_name, renamed.family_name = "Anne-Éva", "NOUVEAUNOM"
    heard: list[list[int]] = []
    names_changed.connect(
        lambda user_ids, **kw: heard.append(user_ids), weak=False, dispatch_uid="t"
    )
    try:
        report = run_import(school, data)
    finally:
        names_changed.disconnect(dispatch_uid="t")

    assert tenant_counts() == {**before, "audit": before["audit"] + 1}
    with schema_context(SCHEMA):
        enrolment = Enrolment.objects.select_related("classroom").get(pupil=pupil_account(moved))
        assert enrolment.classroom.name == new_class.label
        assert enrolment.level == new_class.levels[0]
        account = User.objects.get(ine=renamed.ine)
        assert (account.first_name, account.last_name) == ("Anne-Éva", "NOUVEAUNOM")
        assert account.username == login  # the login printed on the card does not change
        assert heard == [[account.pk]]  # what keeps a copy of names (the messagerie) hears it
        assert (
            User.objects.filter(first_name=no_ine.first_name, birth_date=no_ine.birth_date).count()
            == 1
        )
    assert report.enrolments.counts()["moved"] == 1
    assert report.pupils.counts() == {"created": 0, "updated": 2, "unchanged": 48}
    assert any("Anne-Éva NOUVEAUNOM (prénom, nom)" in line for line in report.pupils.updated)


def test_a_pupil_missing_from_a_newer_export_is_marked_leaving_and_comes_back(school):
    data = export(30, 48, seed=12)
    run_import(school, data)
    gone = data.pupils.pop(5)
    for guardian in data.guardians:
        guardian.children = [c for c in guardian.children if c is not gone]
    data.guardians = [g for g in data.guardians if g.children]

    report = run_import(school, data)

    with schema_context(SCHEMA):
        account = pupil_account(gone)
        assert Enrolment.objects.get(pupil=account).status == EnrolmentStatus.LEAVING
        assert User.objects.filter(pk=account.pk).exists()  # not deleted
        assert Enrolment.objects.exclude(pupil=account).filter(status="enrolled").count() == 29
    assert report.enrolments.leaving == [account.display_name]

    data.pupils.append(gone)
    report = run_import(school, data)

    with schema_context(SCHEMA):
        assert Enrolment.objects.get(pupil=account).status == EnrolmentStatus.ENROLLED
    assert report.enrolments.counts()["updated"] == 1


def test_one_account_per_guardian_across_the_communes_schools(school, other_school):
    first = export(10, 16, seed=13)
    second = export(10, 16, seed=14)
    parent = first.guardians[0]
    parent.email = "parent.deux-ecoles@example.org"
    second.guardians[0].first_name = parent.first_name
    second.guardians[0].email = parent.email

    run_import(school, first)
    run_import(other_school, second)

    with schema_context(SCHEMA):
        account = User.objects.get(email=parent.email)
        schools = set(
            Enrolment.objects.filter(pupil__guardians_links__guardian=account).values_list(
                "classroom__school__uai", flat=True
            )
        )
        assert schools == {school.uai, other_school.uai}


def test_a_file_with_errors_imports_nothing_and_lists_every_error(school):
    data = export(20, 32, seed=15)
    run_import(school, data)
    data.pupils.append(dataclasses.replace(data.pupils[0], first_name="Nouvel", ine=""))
    rows = data.pupil_rows()
    rows[4][PUPIL_HEADER.index("Date naissance")] = "32/13/2018"
    rows[6][PUPIL_HEADER.index("Niveau")] = "SIXIEME"
    guardian_rows = data.guardian_rows()
    guardian_rows[3][8] = "pas-une-adresse"
    guardian_rows[7][14] = "Inconnue"  # first name of the first child of line 8
    state, counts = database_state(), tenant_counts()

    with pytest.raises(OndeImportError) as raised:
        run_import(school, (encode(render(rows)), encode(render(guardian_rows))))

    assert database_state() == state
    assert tenant_counts() == counts
    lines = [str(issue) for issue in raised.value.issues]
    assert lines[0] == (
        "eleves.csv, ligne 5 : date de naissance « 32/13/2018 » invalide (attendu : jj/mm/aaaa)."
    )
    assert lines[1] == "eleves.csv, ligne 7 : niveau « SIXIEME » inconnu."
    assert lines[2] == "responsables.csv, ligne 4 : courriel « pas-une-adresse » invalide."
    assert lines[3].startswith(
        "responsables.csv, ligne 8 : aucun élève du fichier eleves.csv ne correspond à "
        "l'enfant Inconnue "
    )
    assert len(lines) == 4
    assert str(raised.value) == "4 erreurs dans les fichiers : rien n'a été importé."


def test_a_dry_run_changes_nothing_and_reports_what_the_import_would_do(school):
    data = export(25, 40, seed=16)
    state, counts = database_state(), tenant_counts()

    preview = run_import(school, data, dry_run=True)

    assert database_state() == state
    assert tenant_counts() == counts
    assert preview.year_created
    assert len(preview.pupils.created) == 25
    assert all("(" in line for line in preview.pupils.created)  # names with their future login

    real = run_import(school, data)
    assert real.summary() | {"dry_run": True, "seconds": 0, "year_created": True} == (
        preview.summary() | {"seconds": 0}
    )

    data.pupils[0].first_name = "Changé"
    counts = tenant_counts()
    preview = run_import(school, data, dry_run=True)
    assert tenant_counts() == counts
    assert preview.pupils.counts() == {"created": 0, "updated": 1, "unchanged": 24}
    assert not preview.year_created


def test_an_address_the_parent_chose_is_not_overwritten_by_a_later_export(school):
    data = export(8, 12, seed=4)
    mother = data.guardians[0]
    mother.email = "ancienne@example.org"
    run_import(school, data)
    with schema_context(SCHEMA):
        account = User.objects.get(email="ancienne@example.org")
        # The mother confirmed a new address from "Mon compte" (email_change_confirm).
        account.email = "choisie@example.org"
        account.email_chosen_at = datetime.datetime(2026, 11, 2, 8, 0, tzinfo=datetime.UTC)
        account.save()
        other = User.objects.filter(profile=Profile.PARENT).exclude(pk=account.pk).first()
    other_line = next(g for g in data.guardians if g.first_name == other.first_name)
    other_line.email = "nouvelle.de.l.ecole@example.org"

    run_import(school, data)

    with schema_context(SCHEMA):
        assert User.objects.get(pk=account.pk).email == "choisie@example.org"
        # An address nobody chose still follows the school's export.
        assert User.objects.get(pk=other.pk).email == "nouvelle.de.l.ecole@example.org"


def test_a_consent_turned_to_non_is_heard_and_one_turned_to_oui_is_not(school):
    from apps.accounts.signals import photo_consent_withdrawn

    data = export(10, 16, seed=5)
    for pupil in data.pupils:
        pupil.photo = "Oui"
    data.pupils[0].photo = ""
    run_import(school, data)
    data.pupils[0].photo = "Oui"  # recorded at last: nothing to take down
    data.pupils[1].photo = "Non"  # withdrawn
    heard: list[list[int]] = []
    photo_consent_withdrawn.connect(
        lambda user_ids, **kw: heard.append(user_ids), weak=False, dispatch_uid="consent"
    )
    try:
        run_import(school, data)
    finally:
        photo_consent_withdrawn.disconnect(dispatch_uid="consent")
    with schema_context(SCHEMA):
        assert heard == [[pupil_account(data.pupils[1]).pk]]
        assert pupil_account(data.pupils[1]).photo_consent is False
