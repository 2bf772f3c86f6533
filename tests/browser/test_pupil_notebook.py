"""The pupil's cahier de textes in a real browser: one large card per day with big domain
icons, big targets and a visible keyboard focus; axe-core finds no serious or critical
violation on the week nor on a day, and a cancelled session never shows.

It reuses the liaison journey's commune (a fixture of that module), whose schema is dropped
afterwards.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.selectors import actor_for
from apps.homework.services import homework_entry_create, homework_occurrence_cancel
from apps.schools.models import Classroom
from tenants.validators import schema_name_for_slug
from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility
from tests.browser.test_liaison_journey import PASSWORD, SLUG, school_world  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def notebook(school_world: dict[str, str]) -> dict[str, str]:  # noqa: F811
    """This week's Monday and Tuesday in the CP's cahier de textes, a weekly entry cancelled
    this week, and the pupil's login (built before Chromium starts, see tests/browser)."""
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    with schema_context(schema_name_for_slug(SLUG)):
        teacher = actor_for(User.objects.get(username=school_world["teacher"]))
        cp = Classroom.objects.get(name=school_world["class"])
        homework_entry_create(
            author=teacher,
            classroom=cp,
            domain="mathematiques",
            on=monday,
            done="Les nombres jusqu'à 100.",
            due_on=monday + datetime.timedelta(days=1),
            todo="Apprendre la table de 2.",
        )
        homework_entry_create(
            author=teacher,
            classroom=cp,
            domain="francais",
            on=monday + datetime.timedelta(days=1),
            done="Le son [ou].",
            due_on=monday + datetime.timedelta(days=3),
            todo="<p>Lire la page 12 <strong>à voix haute</strong>.</p>",
        )
        weekly = homework_entry_create(
            author=teacher,
            classroom=cp,
            domain="musique",
            on=monday - datetime.timedelta(days=7),
            todo="Apporter sa flûte.",
            due_on=monday - datetime.timedelta(days=5),
            repeat="weekly",
            repeat_until=monday + datetime.timedelta(days=30),
        )
        homework_occurrence_cancel(author=teacher, entry=weekly, on=monday)
    return {"pupil": "paul.un", "monday": monday.isoformat()}


def test_the_pupil_reads_a_large_icon_led_week_and_day(
    live_server: Any, notebook: dict[str, str], browser: Any, artifacts: Path
) -> None:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    context = browser.new_context(
        locale="fr-FR",
        base_url=f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}",
        viewport={"width": 1024, "height": 900},
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto("/connexion/?next=/cahier-de-textes/")
    page.get_by_label("Identifiant").fill(notebook["pupil"])
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/cahier-de-textes/$"))

    tuesday = page.get_by_role("region", name=re.compile(r"^Mardi"))
    assert "Apprendre la table de 2." in tuesday.inner_text()
    assert "Mathématiques" in tuesday.inner_text()
    assert "Apporter sa flûte." not in page.content()  # cancelled this week
    # Large and icon-led: big type, a big domain icon, a card per day.
    icon = tuesday.locator(".homework-icon").first
    assert icon.inner_text() == "🔢" and icon.bounding_box()["height"] >= 64
    text_size = tuesday.locator(".homework-text").first.evaluate(
        "node => parseFloat(getComputedStyle(node).fontSize)"
    )
    assert text_size >= 20
    assert page.locator("section.homework-day").count() >= 5
    # Big tap targets and a focus ring that shows.
    following = page.get_by_role("link", name="Semaine suivante")
    assert following.bounding_box()["height"] >= 48
    following.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert following.evaluate("node => getComputedStyle(node).outlineStyle") == "solid"
    page.screenshot(path=str(artifacts / "01-eleve-semaine.png"), full_page=True)
    check_accessibility(page, "eleve-semaine")

    tuesday.get_by_role("link", name=re.compile(r"^Mardi")).click()
    page.wait_for_url(re.compile(r"/jour/\d{4}-\d\d-\d\d/$"))
    assert "Apprendre la table de 2." in page.content()
    page.screenshot(path=str(artifacts / "02-eleve-jour.png"), full_page=True)
    check_accessibility(page, "eleve-jour")


def test_the_teacher_changes_one_session_of_a_series_and_the_badge_leads_to_the_feed(
    live_server: Any, notebook: dict[str, str], browser: Any, artifacts: Path
) -> None:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    context = browser.new_context(
        locale="fr-FR", base_url=f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}"
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.goto("/connexion/?next=/cahier-de-textes/")
    page.get_by_label("Identifiant").fill("theo.maitre")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/cahier-de-textes/$"))
    page.get_by_role("link", name=re.compile("CP Lilas")).first.click()
    page.wait_for_url(re.compile(r"/cahier-de-textes/classes/\d+/$"))
    monday = page.get_by_role("region", name=re.compile(r"^Lundi"))
    assert "séance annulée" in monday.inner_text()  # the teacher still sees it, marked

    # The entry form without its session day: the error is announced and linked to its
    # field (axe checks the page in that state).
    week_url = page.url
    page.goto(week_url + "nouvelle-seance/")
    page.get_by_label("Séance du").fill("")
    page.get_by_label("Travail à faire").fill("Lire.")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_role("alert").first.is_visible()
    day = page.get_by_label("Séance du")
    assert day.get_attribute("aria-invalid") == "true"
    described = (day.get_attribute("aria-describedby") or "").split()
    assert any(page.locator(f"#{ident}").inner_text().strip() for ident in described)
    page.screenshot(path=str(artifacts / "00-enseignant-formulaire-erreur.png"), full_page=True)
    check_accessibility(page, "enseignant-formulaire-erreur")
    page.goto(week_url)

    # The musique entry of next week: this session only.
    page.goto(page.url + "?semaine=" + notebook["monday"])
    page.get_by_role("link", name="Semaine suivante").click()
    next_monday = page.get_by_role("region", name=re.compile(r"^Lundi"))
    next_monday.get_by_role("link", name="modifier").first.click()
    page.wait_for_url(re.compile(r"/seances/\d+/le/\d{4}-\d\d-\d\d/$"))
    check_accessibility(page, "enseignant-choix-portee")
    page.get_by_role("radio", name="Cette séance seulement").check()
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(re.compile(r"/le/\d{4}-\d\d-\d\d/modifier/$"))
    page.screenshot(path=str(artifacts / "01-enseignant-seance-seule.png"), full_page=True)
    check_accessibility(page, "enseignant-seance-seule")
    page.get_by_label("Travail à faire").fill("Apporter sa flûte et son cahier de chant.")
    page.get_by_role("button", name="Enregistrer pour cette séance seulement").click()
    page.wait_for_url(re.compile(r"\?semaine="))
    assert "Apporter sa flûte et son cahier de chant." in page.content()
    assert "(modifiée seule)" in page.content()

    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    assert page.get_by_role("heading", name="Notifications").is_visible()
    check_accessibility(page, "enseignant-notifications")
