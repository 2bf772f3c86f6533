"""The cahier de liaison in a real browser: a teacher writes a note to be acknowledged, a parent
of the class confirms it, the teacher sees the confirmation; a parent of another class never
sees the note. Every page of the journey passes axe-core (no serious or critical violation).

The test commits (``live_server`` serves another thread), so it builds its people in a commune
of its own, whose schema is dropped afterwards, instead of the session's shared communes.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import Profile, User
from apps.schools.models import (
    Classroom,
    Enrolment,
    GuardianKind,
    Guardianship,
    School,
    SchoolMembership,
    SchoolRole,
    SchoolYear,
)
from provisioning.services import provision_commune
from tenants.db import use_public_schema
from tenants.models import Commune
from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility
from tests.world import uai

pytestmark = pytest.mark.browser

SLUG = "navigateur"
PASSWORD = "Navigateur-2026-essai"
NOTE_TITLE = "Sortie au jardin botanique"


@pytest.fixture
def school_world(transactional_db: None) -> Iterator[dict[str, str]]:
    """A commune with one school: class CP (teacher, pupil Paul and his parent) and class CE1
    (pupil Pierre and his parent). Yields the logins; drops the commune's schema afterwards."""
    commune = provision_commune(
        name="Navigateur", insee="33996", slug=SLUG, status="active"
    ).commune
    try:
        with schema_context(commune.schema_name):
            year = SchoolYear.objects.create(
                label="2026-2027",
                starts_on=datetime.date(2026, 9, 1),
                ends_on=datetime.date(2027, 7, 3),
                is_current=True,
            )
            school = School.objects.create(
                uai=uai("0330901"),
                name="École du Parc",
                kind="elementaire",
                deployment_status="active",
            )
            cp = Classroom.objects.create(school=school, year=year, name="CP Lilas", levels=["CP"])
            ce1 = Classroom.objects.create(
                school=school, year=year, name="CE1 Tilleuls", levels=["CE1"]
            )

            def person(login: str, profile: str, first: str, last: str) -> User:
                user = User(username=login, first_name=first, last_name=last, profile=profile)
                user.set_password(PASSWORD)
                user.save()
                return user

            teacher = person("theo.maitre", Profile.TEACHER, "Théo", "Maître")
            paul = person("paul.un", Profile.PUPIL, "Paul", "Un")
            pierre = person("pierre.trois", Profile.PUPIL, "Pierre", "Trois")
            pascale = person("pascale.un", Profile.PARENT, "Pascale", "Un")
            patrick = person("patrick.trois", Profile.PARENT, "Patrick", "Trois")
            Enrolment.objects.create(pupil=paul, classroom=cp, year=year)
            Enrolment.objects.create(pupil=pierre, classroom=ce1, year=year)
            Guardianship.objects.create(guardian=pascale, child=paul, kind=GuardianKind.LEGAL_1)
            Guardianship.objects.create(guardian=patrick, child=pierre, kind=GuardianKind.LEGAL_1)
            cp.teachers.add(teacher)
            SchoolMembership.objects.create(user=teacher, school=school, role=SchoolRole.TEACHER)
        yield {
            "teacher": "theo.maitre",
            "parent": "pascale.un",
            "other_parent": "patrick.trois",
            "class": "CP Lilas",
            "child": "Paul Un",
        }
    finally:
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{commune.schema_name}" CASCADE')
        Commune.objects.filter(pk=commune.pk).delete()


class Journey:
    """Pages seen in the browser: each one is screenshotted and checked by axe-core."""

    def __init__(self, browser: Any, base_url: str, artifacts: Path) -> None:
        self.browser = browser
        self.base_url = base_url
        self.artifacts = artifacts
        self.step = 0

    def shoot(self, page: Any, name: str) -> None:
        self.step += 1
        page.screenshot(path=str(self.artifacts / f"{self.step:02d}-{name}.png"), full_page=True)
        check_accessibility(page, name)

    def log_in(self, who: str, login: str) -> Any:
        context = self.browser.new_context(locale="fr-FR", base_url=self.base_url)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.new_page()
        page.goto("/connexion/?next=/liaison/")
        self.shoot(page, f"{who}-connexion")
        page.get_by_label("Identifiant").fill(login)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/liaison/"))
        return page


def test_a_parent_acknowledges_a_class_note_and_the_teacher_sees_it(
    live_server: Any, school_world: dict[str, str], browser: Any, artifacts: Path
) -> None:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    base_url = f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}"
    journey = Journey(browser, base_url, artifacts)

    # The teacher writes a note to their class, acknowledgement required.
    teacher = journey.log_in("enseignant", school_world["teacher"])
    assert teacher.get_by_role("heading", name="Cahier de liaison").is_visible()
    journey.shoot(teacher, "enseignant-cahier")
    teacher.get_by_role("link", name=f"Nouveau mot pour la classe {school_world['class']}").click()
    teacher.wait_for_url(re.compile(r"/liaison/classes/\d+/nouveau/"))
    journey.shoot(teacher, "enseignant-nouveau-mot")
    teacher.get_by_label("Titre").fill(NOTE_TITLE)
    teacher.get_by_label("Texte").fill("Sortie jeudi matin.\nPrévoir une casquette.")
    acknowledgement = teacher.get_by_label(
        "Demander aux responsables légaux de confirmer la prise de connaissance"
    )
    acknowledgement.check()
    teacher.get_by_role("radio", name="Toute la classe").check()
    teacher.get_by_role("button", name="Publier").click()
    teacher.wait_for_url(re.compile(r"/liaison/notes/\d+/$"))
    status_url = teacher.url
    assert teacher.get_by_role("heading", name=NOTE_TITLE).is_visible()
    child_row = teacher.get_by_role("row").filter(has_text=school_world["child"])
    assert "pas encore" in child_row.inner_text()
    journey.shoot(teacher, "enseignant-suivi-avant")

    # A parent of the class sees it and confirms.
    parent = journey.log_in("parent", school_world["parent"])
    parent.wait_for_url(re.compile(r"/liaison/enfants/\d+/$"))
    note = parent.get_by_role("article").filter(has_text=NOTE_TITLE)
    assert note.get_by_role("heading", name=NOTE_TITLE).is_visible()
    journey.shoot(parent, "parent-cahier")
    note.get_by_role("button", name="J'ai pris connaissance").click()
    parent.wait_for_load_state()
    confirmed = parent.get_by_role("article").filter(has_text=NOTE_TITLE)
    assert "Prise de connaissance confirmée" in confirmed.inner_text()
    assert confirmed.get_by_role("button", name="J'ai pris connaissance").count() == 0
    journey.shoot(parent, "parent-confirme")

    # The teacher's status table shows the child as confirmed.
    teacher.goto(status_url)
    child_row = teacher.get_by_role("row").filter(has_text=school_world["child"])
    assert "confirmé le" in child_row.inner_text()
    assert "Pascale Un" in child_row.inner_text()
    assert "1 confirmation" in teacher.locator("caption").inner_text()
    journey.shoot(teacher, "enseignant-suivi-apres")

    # A parent of another class never sees the note.
    other = journey.log_in("autre-parent", school_world["other_parent"])
    other.wait_for_url(re.compile(r"/liaison/enfants/\d+/$"))
    assert NOTE_TITLE not in other.content()
    assert other.get_by_text("Aucun mot pour le moment.").is_visible()
    journey.shoot(other, "autre-parent-cahier")
