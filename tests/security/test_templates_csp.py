"""The project's templates hold nothing the Content-Security-Policy would block.

Pages are served with ``script-src 'self'; style-src 'self'`` (config/security_headers.py):
an inline ``<script>``, an ``on…=`` handler, a ``javascript:`` link, a ``style=""`` attribute
or a ``<style>`` element would silently stop working in the browser. Scripts go in
static/js/ (parameters in data- attributes), styles in static/css/.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [
    ROOT / "templates",
    *ROOT.glob("apps/*/templates"),
    *ROOT.glob("tenants/**/templates"),
]

# Read by WeasyPrint to make PDF files, never served to a browser: their <style> is theirs.
PDF_ONLY = {"cards/login_cards.html", "liaison/slips.html", "billing/invoice.html"}

# Django comments may mention what they explain; they never reach the page.
_COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
# Scripts that the browser does not run (data for a script file) are not inline code.
_DATA_TYPES = {"application/json", "application/ld+json"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value or "" for name, value in attrs}
        line = self.getpos()[0]
        if tag == "script" and "src" not in names and names.get("type") not in _DATA_TYPES:
            self.problems.append(f"line {line}: inline <script>")
        if tag == "style":
            self.problems.append(f"line {line}: <style> element")
        for name, value in names.items():
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"line {line}: {name}= handler on <{tag}>")
            if name == "style":
                self.problems.append(f"line {line}: style= attribute on <{tag}>")
            if value.strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: javascript: URL in {name}=")

    handle_startendtag = handle_starttag


def problems_in(source: str) -> list[str]:
    # Blank the comments out, keeping their line breaks so that line numbers stay right.
    source = _COMMENTS.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), source)
    finder = _Finder()
    finder.feed(source)
    finder.close()
    return finder.problems


def templates() -> list[tuple[str, Path]]:
    found = []
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*.html")):
            found.append((path.relative_to(folder).as_posix(), path))
    return found


def test_the_templates_are_found() -> None:
    names = {name for name, _ in templates()}
    assert {"base.html", "schools/imports/status.html", "qrlogin/invalid.html"} <= names


@pytest.mark.parametrize(("name", "path"), templates(), ids=[name for name, _ in templates()])
def test_no_template_holds_what_the_policy_blocks(name: str, path: Path) -> None:
    found = problems_in(path.read_text(encoding="utf-8"))
    if name in PDF_ONLY:
        found = [problem for problem in found if not problem.endswith("<style> element")]
    assert not found, f"{name}: {found}"


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<script type="module">import "x";</script>',
        '<button type="button" onclick="go()">Go</button>',
        '<body onload="go()">',
        '<a href="javascript:go()">Go</a>',
        '<span class="swatch" style="background: {{ colour }}"></span>',
        '<li{% if current %} style="font-weight: bold"{% endif %}>',
        "<style>p { color: red; }</style>",
    ],
)
def test_the_scan_finds_what_the_policy_blocks(source: str) -> None:
    assert problems_in(source)


@pytest.mark.parametrize(
    "source",
    [
        "<script src=\"{% static 'js/ent.js' %}\" defer></script>",
        '<script type="application/json" id="donnees">{"a": 1}</script>',
        '{# an example: <span style="color: red"> #}<p class="once">texte</p>',
        '<p data-on-load="1" class="onboarding">En ligne</p>',
    ],
)
def test_the_scan_leaves_what_the_policy_allows(source: str) -> None:
    assert problems_in(source) == []
