"""Templates print rich text through ``|rich_text`` only: ``|safe`` is left for the two QR
codes the server draws itself (SVG from ``qrcode``, apps/accounts/cards/qr.py), and each registered
field's region class is a template's wrapper of a ``|rich_text`` value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from apps.richtext import registry

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Markup the server makes, not text anyone wrote.
SAFE_ALLOWED = {"card.qr_svg|safe", "qr|safe"}


def _sources() -> dict[str, str]:
    return {
        str(path.relative_to(TEMPLATES)): path.read_text(encoding="utf-8")
        for path in TEMPLATES.rglob("*.html")
    }


def test_no_template_marks_anything_safe_but_the_qr_codes():
    found = {
        (name, use)
        for name, source in _sources().items()
        for use in re.findall(r"[\w.]+\s*\|\s*safe\b", source)
        if use.replace(" ", "") not in SAFE_ALLOWED
    }

    assert found == set()


@pytest.mark.parametrize("field", registry.fields(), ids=lambda field: field.name)
def test_a_field_s_region_wraps_a_rich_text_value_in_a_template(field):
    wrapper = re.compile(
        rf'<(\w+) class="(?:[^"]* )?{re.escape(field.region_class)}(?: [^"]*)?">'
        r"\{\{ [\w.]+\|rich_text(?::\"\w+\")? \}\}</\1>"
    )

    assert any(wrapper.search(source) for source in _sources().values())
