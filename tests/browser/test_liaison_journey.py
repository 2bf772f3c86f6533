"""The cahier de liaison in a real browser: a teacher writes a note to be acknowledged, a parent
of the class confirms it, the teacher sees the confirmation; a parent of another class never
sees the note. Every page of the journey passes axe-core (no serious or critical violation).

The test commits (``live_server`` serves another thread), so it builds its people in a commune
of its own, whose schema is dropped afterwards, instead of the session's shared communes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from apps.accounts.models import Profile
from apps.schools.models import SchoolRole
from provisioning.services import provision_commune
from tenants.db import use_public_schema
from tenants.models import Commune
from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility
from tests.world import ClassPlan, Layout, PersonPlan, SchoolPlan, build_world, uai

pytestmark = pytest.mark.browser

SLUG = "navigateur"
PASSWORD = "Navigateur-2026-essai"
NOTE_TITLE = "Sortie au jardin botanique"


# One school: class CP (teacher Théo, pupil Paul and his parent) and class CE1 (pupil Pierre
# and his parent), with the logins the journeys type.
PARC = Layout(
    schools=(SchoolPlan("P", uai("0330901"), "École du Parc", "elementaire", "active"),),
    classes=(
        ClassPlan("CP", "P", "CP Lilas", ("CP",)),
        ClassPlan("CE1", "P", "CE1 Tilleuls", ("CE1",)),
    ),
    people=(
        PersonPlan(
            "teacher",
            Profile.TEACHER,
            "Théo",
            "Maître",
            ("CP",),
            "P",
            SchoolRole.TEACHER,
            username="theo.maitre",
        ),
        PersonPlan("paul", Profile.PUPIL, "Paul", "Un", ("CP",), username="paul.un"),
        PersonPlan("pierre", Profile.PUPIL, "Pierre", "Trois", ("CE1",), username="pierre.trois"),
        PersonPlan("pascale", Profile.PARENT, "Pascale", "Un", child="paul", username="pascale.un"),
        PersonPlan(
            "patrick", Profile.PARENT, "Patrick", "Trois", child="pierre", username="patrick.trois"
        ),
    ),
)


@pytest.fixture
def school_world(transactional_db: None) -> Iterator[dict[str, str]]:
    """A commune of its own with the ``PARC`` world (tests/world.py's builder). Yields the
    logins; drops the commune's schema afterwards."""
    commune = provision_commune(
        name="Navigateur", insee="33996", slug=SLUG, status="active"
    ).commune
    try:
        world = build_world(commune.schema_name, layout=PARC, password=PASSWORD)
        yield {
            "teacher": world["teacher"].username,
            "parent": world["pascale"].username,
            "other_parent": world["patrick"].username,
            "class": world.classes["CP"].name,
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
