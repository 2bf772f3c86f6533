"""The messagerie in a real browser (Chromium, axe-core on every page, screenshots): a teacher
writes to "Parents de CP Lilas" with a file; a parent reads it on a 390×844 phone and
replies; a pupil writes to the teacher, waits in moderation, the teacher approves and the
message arrives; a parent of another class sees nothing; a "sans réponse" message offers no
reply; a recalled message reads as recalled.

Like the liaison journey, it commits (``live_server`` serves another thread), so it builds
its people in a commune of its own, whose schema is dropped afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from PIL import Image

from provisioning.services import provision_commune
from tenants.db import use_public_schema
from tenants.models import Commune
from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility
from tests.browser.test_liaison_journey import PARC, PASSWORD
from tests.world import build_world

pytestmark = pytest.mark.browser

SLUG = "courrier"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def mail_world(transactional_db: None) -> Iterator[dict[str, str]]:
    commune = provision_commune(name="Courrier", insee="33995", slug=SLUG, status="active").commune
    try:
        world = build_world(commune.schema_name, layout=PARC, password=PASSWORD)
        yield {
            "teacher": world["teacher"].username,
            "pupil": world["paul"].username,
            "parent": world["pascale"].username,
            "other_parent": world["patrick"].username,
            "class": world.classes["CP"].name,
        }
    finally:
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{commune.schema_name}" CASCADE')
        Commune.objects.filter(pk=commune.pk).delete()


class Journey:
    def __init__(self, browser: Any, base_url: str, artifacts: Path) -> None:
        self.browser, self.base_url, self.artifacts, self.step = browser, base_url, artifacts, 0

    def shoot(self, page: Any, name: str) -> None:
        self.step += 1
        page.screenshot(path=str(self.artifacts / f"{self.step:02d}-{name}.png"), full_page=True)
        check_accessibility(page, name)
        # Against the width asked for: on a phone (is_mobile), Chromium widens the layout
        # viewport to the content, so window.innerWidth would grow with an overflow.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{name} is wider than the screen"

    def log_in(self, who: str, login: str, *, phone: bool = False) -> Any:
        options: dict[str, Any] = {"locale": "en-US", "base_url": self.base_url}
        if phone:
            options.update(viewport=PHONE, is_mobile=True, has_touch=True)
        context = self.browser.new_context(**options)
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.new_page()
        page.goto("/connexion/?next=/messagerie/")
        page.get_by_label("Identifiant").fill(login)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/messagerie/$"))
        self.shoot(page, f"{who}-boite")
        return page


def open_message(page: Any, subject: str) -> None:
    page.get_by_role("link", name=re.compile(re.escape(subject))).first.click()
    page.wait_for_url(re.compile(r"/messagerie/messages/\d+/$"))


def write(page: Any, journey: Journey, who: str, *, subject: str, body: str) -> None:
    page.get_by_role("link", name="Écrire un message").click()
    page.wait_for_url(re.compile(r"/messagerie/ecrire/"))
    page.get_by_label("Objet").fill(subject)
    page.get_by_label("Message", exact=True).fill(body)
    journey.shoot(page, f"{who}-ecrire")


def test_the_messagerie_from_the_teacher_to_families_and_pupils(
    live_server: Any, mail_world: dict[str, str], browser: Any, artifacts: Path, tmp_path: Path
) -> None:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    journey = Journey(browser, f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}", artifacts)
    picture = tmp_path / "programme.png"
    Image.new("RGB", (40, 30), (200, 30, 30)).save(picture)
    parents = f"Parents de {mail_world['class']}"

    # The teacher writes to the parents of the class, with a file.
    teacher = journey.log_in("enseignant", mail_world["teacher"])
    write(teacher, journey, "enseignant", subject="Sortie au musée", body="Sortie jeudi.")
    teacher.get_by_label(parents).check()
    teacher.get_by_label("Joindre des fichiers").set_input_files(str(picture))
    teacher.get_by_role("button", name="Envoyer").click()
    teacher.wait_for_url(re.compile(r"/messagerie/messages/\d+/$"))
    assert teacher.get_by_text("Message envoyé.").is_visible()
    journey.shoot(teacher, "enseignant-envoye")

    # A parent of the class reads it on a phone and replies.
    parent = journey.log_in("parent", mail_world["parent"], phone=True)
    open_message(parent, "Sortie au musée")
    assert parent.get_by_text("Sortie jeudi.").is_visible()
    assert parent.get_by_role("link", name=re.compile("programme")).count() == 1
    assert parents in parent.content()  # the group, never the other families
    journey.shoot(parent, "parent-lit")
    parent.get_by_role("button", name="Répondre", exact=True).click()
    parent.wait_for_url(re.compile(r"/messagerie/brouillons/\d+/$"))
    parent.get_by_label("Message", exact=True).fill("Merci, Paul viendra.")
    journey.shoot(parent, "parent-repond")
    parent.get_by_role("button", name="Envoyer").click()
    parent.wait_for_url(re.compile(r"/messagerie/messages/\d+/$"))

    teacher.goto("/messagerie/")
    open_message(teacher, "RE : Sortie au musée")
    assert teacher.get_by_text("Merci, Paul viendra.").is_visible()
    journey.shoot(teacher, "enseignant-reponse")

    # A pupil writes to the teacher: it waits for validation.
    pupil = journey.log_in("eleve", mail_world["pupil"])
    write(pupil, journey, "eleve", subject="Mon dessin", body="Je l'ai fini !")
    pupil.get_by_label("Chercher une personne").fill("Theo")
    pupil.get_by_role("button", name="Chercher").click()
    pupil.wait_for_url(re.compile(r"/messagerie/brouillons/\d+/"))
    pupil.get_by_label("Théo Maître").check()
    pupil.get_by_role("button", name="Envoyer").click()
    pupil.wait_for_url(re.compile(r"/messagerie/messages/\d+/$"))
    assert pupil.get_by_text("attend la validation").first.is_visible()
    journey.shoot(pupil, "eleve-en-attente")

    teacher.goto("/messagerie/")
    teacher.get_by_role("link", name=re.compile("Messages d'élèves à valider")).click()
    assert teacher.get_by_text("en attente depuis").is_visible()
    journey.shoot(teacher, "enseignant-moderation")
    teacher.get_by_role("button", name="Valider et remettre").click()
    teacher.wait_for_load_state()
    assert teacher.get_by_text("Aucun message d'élève n'attend de validation.").is_visible()
    teacher.goto("/messagerie/")
    open_message(teacher, "Mon dessin")
    assert teacher.get_by_text("Je l'ai fini !").is_visible()

    # A "sans réponse" message offers no reply; recalled, it reads as recalled.
    write(teacher, journey, "enseignant-sans-reponse", subject="Photos de classe", body="Lundi.")
    teacher.get_by_label(parents).check()
    teacher.get_by_label("Sans réponse : les destinataires ne peuvent pas répondre").check()
    teacher.get_by_role("button", name="Envoyer").click()
    teacher.wait_for_url(re.compile(r"/messagerie/messages/\d+/$"))
    recall_url = teacher.url

    parent.goto("/messagerie/")
    open_message(parent, "Photos de classe")
    assert parent.get_by_text("Lundi.").is_visible()
    assert parent.get_by_role("button", name="Répondre", exact=True).count() == 0
    journey.shoot(parent, "parent-sans-reponse")

    teacher.goto(recall_url)
    teacher.get_by_role("button", name="Rappeler ce message").click()
    teacher.wait_for_load_state()
    assert teacher.get_by_text("Le message est rappelé").is_visible()
    parent.reload()
    assert parent.get_by_text("Message rappelé par l'expéditeur.").is_visible()
    assert parent.get_by_text("Lundi.").count() == 0
    journey.shoot(parent, "parent-rappele")

    # A parent of another class sees none of it.
    other = journey.log_in("autre-parent", mail_world["other_parent"], phone=True)
    assert other.get_by_text("Aucun message ici.").is_visible()
    assert "Sortie au musée" not in other.content()
