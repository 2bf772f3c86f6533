"""The accessibility check every browser test relies on fails where it should: a check that
could not fail would let every page through."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import check_accessibility

pytestmark = pytest.mark.browser

GOOD = """<!doctype html><html lang="fr"><head><title>Essai</title></head>
<body><main><h1>Essai</h1><img src="data:," alt="Logo de l'école">
<button type="button">Envoyer</button></main></body></html>"""
# An image without alt (critical) and a button without a name (critical).
BAD = GOOD.replace(' alt="Logo de l\'école"', "").replace(">Envoyer<", "><")


def test_the_check_passes_a_clean_page_and_fails_a_page_with_violations(browser: Any) -> None:
    page = browser.new_page()
    page.set_content(GOOD)
    check_accessibility(page, "page propre")

    page.set_content(BAD)
    with pytest.raises(pytest.fail.Exception) as failure:
        check_accessibility(page, "page fautive")

    message = str(failure.value)
    assert "image-alt" in message and "button-name" in message
    assert "<img" in message
