"""The one rich-text editor (static/js/rich-text.js) follows the profile its textarea names: a
"publication" editor keeps Trix's heading button, labelled "Intertitre", and writes an
<h2> (a published page's title is its <h1>); a "notebook" editor on the same page still
offers no heading. No publication page exists yet, so the cahier de textes' form is used, its
"Travail à faire" textarea marked "publication" before the editor starts; nothing is saved.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_homework_editor import _context, _log_in_and_open_the_form
from tests.browser.test_liaison_journey import school_world  # noqa: F401

pytestmark = pytest.mark.browser

# Before any page script: the textarea is marked as soon as the parser adds it.
AS_PUBLICATION = """
new MutationObserver(() => {
  const area = document.querySelector("textarea[name=todo][data-rich-text]");
  if (area) { area.setAttribute("data-rich-text", "publication"); }
}).observe(document, {childList: true, subtree: true});
"""


def _toolbar(page: Any, editor_id: str) -> Any:
    toolbar_id = page.evaluate(
        f"document.querySelector('trix-editor#{editor_id}').toolbarElement.id"
    )
    return page.locator(f"trix-toolbar#{toolbar_id}")


def test_a_publication_editor_offers_headings_written_as_h2(
    live_server: Any,
    school_world: dict[str, str],  # noqa: F811
    browser: Any,
) -> None:
    context = _context(browser, live_server)
    context.add_init_script(AS_PUBLICATION)
    page = context.new_page()
    _log_in_and_open_the_form(page)
    for editor_id in ("id_done", "id_todo"):
        page.wait_for_function(
            f"document.querySelector('trix-editor#{editor_id}')?.editor !== undefined"
        )

    assert page.locator("trix-editor#id_todo").get_attribute("data-rich-text-profile") == (
        "publication"
    )
    assert _toolbar(page, "id_done").get_by_role("button", name="Intertitre").count() == 0
    heading = _toolbar(page, "id_todo").get_by_role("button", name="Intertitre")
    assert heading.count() == 1
    for absent in ("Joindre des fichiers", "Barré", "Code"):
        assert _toolbar(page, "id_todo").get_by_role("button", name=absent).count() == 0, absent

    page.locator("trix-editor#id_todo").click()
    heading.click()
    page.keyboard.type("Notre sortie")
    page.wait_for_function(
        "() => document.querySelector('input[name=todo]').value.includes('Notre sortie')"
    )
    assert "<h2>Notre sortie</h2>" in page.locator("input[name=todo]").input_value()
    context.close()
