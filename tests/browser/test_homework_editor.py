"""The cahier de textes' rich-text editor in a real browser: the teacher writes in bold with the
toolbar's French "Gras" button and the keyboard, saves, and the week shows the <strong>; the page
breaks no rule of its Content-Security-Policy (the styles Trix adds carry the page's nonce), no
file can go into the text, and axe-core finds no serious or critical violation. Without
JavaScript the same field is a textarea that takes the HTML.

It reuses the liaison journey's commune (a fixture of that module), whose schema is dropped
afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.browser.conftest import PAGE_TIMEOUT_MS, check_accessibility
from tests.browser.test_liaison_journey import PASSWORD, SLUG, school_world  # noqa: F401

pytestmark = pytest.mark.browser

# Run before any page script, outside the page's policy: every violation is kept.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _context(browser: Any, live_server: Any, **options: Any) -> Any:
    port = live_server.url.rsplit(":", 1)[1].rstrip("/")
    context = browser.new_context(
        locale="fr-FR",
        base_url=f"http://{SLUG}.{settings.ENT_BASE_DOMAIN}:{port}",
        viewport={"width": 1024, "height": 900},
        **options,
    )
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context


def _log_in_and_open_the_form(page: Any) -> str:
    page.goto("/connexion/?next=/cahier-de-textes/")
    page.get_by_label("Identifiant").fill("theo.maitre")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/cahier-de-textes/$"))
    page.get_by_role("link", name=re.compile("CP Lilas")).first.click()
    page.wait_for_url(re.compile(r"/cahier-de-textes/classes/\d+/$"))
    week = page.url
    page.goto(week + "nouvelle-seance/")
    return week


def test_the_teacher_writes_in_bold_and_the_week_shows_it(
    live_server: Any,
    school_world: dict[str, str],  # noqa: F811
    browser: Any,
    artifacts: Path,
) -> None:
    context = _context(browser, live_server)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    _log_in_and_open_the_form(page)

    editor = page.locator("trix-editor#id_done")
    editor.wait_for()
    page.wait_for_function("document.querySelector('trix-editor#id_done').editor !== undefined")
    # Trix's own styles applied (its <style> elements got in with the nonce).
    assert editor.evaluate("node => getComputedStyle(node).display") == "block"
    assert page.locator("textarea[name=done]").count() == 0
    assert page.get_by_label("Fait en classe").evaluate("node => node.id") == "id_done"
    toolbar = page.locator("trix-toolbar").first
    assert toolbar.get_by_role("button", name="Gras").count() == 1
    for absent in ("Joindre des fichiers", "Intertitre", "Barré", "Code"):
        assert toolbar.get_by_role("button", name=absent).count() == 0, absent

    editor.click()
    page.keyboard.type("Le son ")
    toolbar.get_by_role("button", name="Gras").click()
    page.keyboard.type("ou")
    toolbar.get_by_role("button", name="Gras").click()
    page.keyboard.type(" et ")
    toolbar.get_by_role("button", name="Italique").click()
    page.keyboard.type("oi")
    # The hidden input follows the editor on its change event: wait for it, not for time.
    page.wait_for_function(
        "() => document.querySelector('input[name=done]').value.includes('<em>oi</em>')"
    )
    assert "<strong>ou</strong>" in page.locator("input[name=done]").input_value()

    # A file dropped or pasted into the text is refused: files go in the attachments field.
    page.evaluate(
        """() => {
          const file = new File(["%PDF-1.4"], "fiche.pdf", {type: "application/pdf"});
          document.querySelector("trix-editor#id_done").editor.insertFile(file);
        }"""
    )
    assert "fiche.pdf" not in page.locator("input[name=done]").input_value()
    assert page.locator("trix-editor#id_done figure").count() == 0

    page.screenshot(path=str(artifacts / "01-editeur.png"), full_page=True)
    check_accessibility(page, "enseignant-editeur")
    assert page.evaluate("window.__cspViolations") == []

    described = (editor.get_attribute("aria-describedby") or "").split()
    assert described == ["id_done_helptext", "id_done_keys"]
    assert "Ctrl+B" in page.locator("#id_done_keys").inner_text()

    # A mistake elsewhere: the page comes back with the error under its field, and the
    # editor with what was written in it.
    day = page.get_by_label("Séance du").input_value()
    page.get_by_label("Séance du").fill("")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector("#id_on_error")
    assert "obligatoire" in page.locator("#id_on_error").inner_text()
    summary = page.get_by_role("alert").first
    assert summary.get_by_role("link", name="Séance du").get_attribute("href") == "#id_on"
    page.wait_for_function("document.querySelector('trix-editor#id_done').editor !== undefined")
    assert page.locator("trix-editor#id_done strong").inner_text() == "ou"
    check_accessibility(page, "enseignant-editeur-erreur")
    page.get_by_label("Séance du").fill(day)
    # Playwright's fill() types into the editor as into the textarea it replaces.
    page.get_by_label("Travail à faire").fill("Lire la page 12.")
    page.wait_for_function(
        "() => document.querySelector('input[name=todo]').value.includes('Lire la page 12.')"
    )
    page.get_by_label("Travail pour le").fill(day)

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(re.compile(r"\?semaine="))
    entry = page.locator(".homework-text strong", has_text="ou")
    assert entry.count() == 1
    assert page.locator(".homework-text em", has_text="oi").count() == 1
    assert "Lire la page 12." in page.content()
    page.screenshot(path=str(artifacts / "02-semaine.png"), full_page=True)
    assert page.evaluate("window.__cspViolations") == []
    assert not [text for text in console_errors if "Content Security Policy" in text]
    context.close()


def test_without_javascript_the_field_is_a_textarea_taking_html(
    live_server: Any,
    school_world: dict[str, str],  # noqa: F811
    browser: Any,
) -> None:
    context = _context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    _log_in_and_open_the_form(page)

    done = page.get_by_label("Fait en classe")
    assert done.evaluate("node => node.tagName") == "TEXTAREA"
    done.fill("<p>Le son <strong>ou</strong><script>alert(1)</script></p>")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(re.compile(r"\?semaine="))
    assert page.locator(".homework-text strong", has_text="ou").count() == 1
    assert "alert(1)" not in page.content()
    context.close()
