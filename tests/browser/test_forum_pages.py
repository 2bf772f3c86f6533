"""The forum's pages in a real browser at a 390 px phone: a class forum, a subject with
replies (one waiting for the teacher), the writing forms, « Signaler », the categories and
the reports; nothing wider than the window and axe-core finds no serious or critical
violation, for the teacher and for a pupil (whose screens are the large ones).

It reuses the liaison journey's commune (a fixture of that module), whose schema is dropped
afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.forum.models import Category, Forum
from apps.forum.services import forums_ensure, message_add, report_create, subject_create
from apps.publications import moderation
from apps.publications.services import circuit_decide
from apps.schools.models import Classroom
from tenants.validators import schema_name_for_slug
from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility
from tests.browser.test_liaison_journey import PASSWORD, SLUG, school_world  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def forum_subject(school_world: dict[str, str]) -> dict[str, int]:  # noqa: F811
    with schema_context(schema_name_for_slug(SLUG)):
        teacher = actor_for(User.objects.get(username=school_world["teacher"]))
        pupil = actor_for(User.objects.get(username="paul.un"))
        forums_ensure(teacher)
        forum = Forum.objects.get(classroom=Classroom.objects.get(name=school_world["class"]))
        subject = subject_create(
            actor=teacher,
            forum=forum,
            category=Category.objects.get(forum=forum),
            title="Quel livre avez-vous préféré cette semaine ?",
            body="Dites-nous pourquoi.\nUne phrase suffit.",
        )
        answer = message_add(
            actor=pupil, subject=subject, body="Le loup qui voulait changer de couleur."
        )
        circuit_decide(actor=teacher, publication=answer.publication, decision=moderation.PUBLISH)
        message_add(actor=pupil, subject=subject, body="Et aussi Petit Ours Brun !")
        mine = message_add(actor=teacher, subject=subject, body="Très bon choix, Paul.")
        report_create(actor=pupil, subject=subject, message=mine, reason="Pour essayer")
        return {"forum": forum.pk, "subject": subject.pk, "message": mine.pk, "answer": answer.pk}


def test_the_forum_pages_fit_a_phone_and_pass_axe(
    live_server: Any, forum_subject: dict[str, int], browser: Any, artifacts: Path
) -> None:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    base = f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}"
    forum, subject = forum_subject["forum"], forum_subject["subject"]
    pages = {
        "theo.maitre": [
            ("forums", "/forums/"),
            ("forum", f"/forums/{forum}/"),
            ("sujet", f"/forums/sujets/{subject}/"),
            ("modifier-sujet", f"/forums/sujets/{subject}/modifier/"),
            ("modifier-message", f"/forums/messages/{forum_subject['answer']}/modifier/"),
            ("supprimer", f"/forums/messages/{forum_subject['answer']}/supprimer/"),
            ("categories", f"/forums/{forum}/categories/"),
            ("signalements", "/forums/signalements/"),
        ],
        "paul.un": [
            ("eleve-forums", "/forums/"),
            ("eleve-forum", f"/forums/{forum}/"),
            ("eleve-sujet", f"/forums/sujets/{subject}/"),
            ("eleve-nouveau", f"/forums/{forum}/nouveau-sujet/"),
            ("eleve-signaler", f"/forums/sujets/{subject}/signaler/"),
        ],
    }
    for login, urls in pages.items():
        context = browser.new_context(
            locale="fr-FR", base_url=base, viewport={"width": 390, "height": 844}
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.new_page()
        page.goto("/connexion/?next=/forums/")
        page.get_by_label("Identifiant").fill(login)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/forums/"))
        for name, url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            width, window = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert width <= window, (name, width, window)
            page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
            check_accessibility(page, name)
        if login == "paul.un":
            page.goto(f"/forums/sujets/{subject}/")
            assert "Petit Ours Brun" in page.content()  # their own reply, waiting
        context.close()
