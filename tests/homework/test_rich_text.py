"""The cahier de textes' rich-text editor: what Trix writes survives the sanitiser and nothing
else does; the form pages bring the vendored editor without any inline script, with a
per-request nonce for the styles Trix adds; without scripts the textareas take the same HTML;
errors are told under their field, and files chosen before an error are kept."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from apps.attachments.models import Attachment
from apps.homework.models import HomeworkEntry
from apps.richtext.sanitise import sanitise
from tests.homework.conftest import MONDAY, entry
from tests.security.test_templates_csp import problems_in

ROOT = Path(__file__).resolve().parents[2]
TRIX = ROOT / "static" / "vendor" / "trix"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- the sanitiser ---------------------------------------------------------------------------


def test_what_the_editor_writes_is_kept():
    # As Trix serialises bold, italic, a line break, lists, a quote and a link.
    trix = (
        "<div>Lire <strong>p. 12</strong><br><em>à voix haute</em></div>"
        "<ul><li>un</li><li>deux<ul><li>deux bis</li></ul></li></ul>"
        "<ol><li>premier</li></ol>"
        "<blockquote>Une citation</blockquote>"
        '<div><a href="https://example.org/fiche">la fiche</a></div>'
    )

    assert sanitise(trix) == trix.replace(
        '<a href="https://example.org/fiche">',
        '<a href="https://example.org/fiche" rel="noopener noreferrer">',
    )


def test_typed_html_and_plain_text_still_work():
    assert sanitise("<p>Lire <b>vite</b></p>") == "<p>Lire <b>vite</b></p>"
    assert sanitise("Lire\n\nÉcrire") == "<p>Lire</p><p>Écrire</p>"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<div>Ok<script>alert(1)</script></div>", "<div>Ok</div>"),
        ('<div onclick="x()" onmouseover="y()">Ok</div>', "<div>Ok</div>"),
        ('<div style="color:red">Ok</div>', "<div>Ok</div>"),
        ("<style>body{display:none}</style><div>Ok</div>", "<div>Ok</div>"),
        ('<div class="x" id="y" data-trix="z">Ok</div>', "<div>Ok</div>"),
        ('<a href="javascript:alert(1)">lien</a>', '<a rel="noopener noreferrer">lien</a>'),
        (
            '<a href="data:text/html,x" target="_blank">lien</a>',
            '<a rel="noopener noreferrer">lien</a>',
        ),
        ('<div>Ok<img src="x" onerror="alert(1)"></div>', "<div>Ok</div>"),
        ('<iframe src="https://example.org"></iframe><div>Ok</div>', "<div>Ok</div>"),
        # Offered by Trix, not by the ENT's toolbar: the tag goes, its text stays.
        ("<h1>Titre</h1><div><del>barré</del></div><pre>code</pre>", "Titre<div>barré</div>code"),
        (
            '<figure data-trix-attachment="{}"><img src="x">'
            "<figcaption>photo</figcaption></figure>",
            "photo",
        ),
    ],
)
def test_everything_else_is_stripped(dirty, clean):
    assert sanitise(dirty) == clean


@pytest.mark.parametrize("empty", ["", "<div><br></div>", "<div>&nbsp;</div>", " <p> </p> "])
def test_an_emptied_editor_is_nothing(empty):
    assert sanitise(empty) == ""


def test_a_mailto_link_is_kept():
    assert sanitise('<a href="mailto:prof@example.org">écrire</a>') == (
        '<a href="mailto:prof@example.org" rel="noopener noreferrer">écrire</a>'
    )


# --- the form pages ---------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def tags(response) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(response.content.decode())
    return parser.found


def style_src(response) -> str:
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return directives["style-src"]


def new_url(world) -> str:
    return f"/cahier-de-textes/classes/{world.classes['A1'].pk}/nouvelle-seance/"


def form_pages(world) -> list[str]:
    series = entry(world, repeat="weekly", repeat_until=MONDAY.replace(day=26))
    return [
        new_url(world),
        f"/cahier-de-textes/seances/{series.pk}/modifier/",
        f"/cahier-de-textes/seances/{series.pk}/le/2026-10-12/modifier/",
    ]


def test_the_form_pages_bring_the_vendored_editor_and_no_inline_script(bordeaux, as_user):
    client = as_user(bordeaux, "t1")
    for url in form_pages(bordeaux):
        response = client.get(url)
        found = tags(response)

        assert response.status_code == 200
        scripts = [attrs["src"] for tag, attrs in found if tag == "script"]
        assert scripts[-2:] == ["/static/js/rich-text.js", "/static/vendor/trix/trix.umd.min.js"]
        assert ("link", {"rel": "stylesheet", "href": "/static/vendor/trix/trix.css"}) in found
        assert problems_in(response.content.decode()) == []
        # Without scripts: two plain textareas, marked for the editor, posting the HTML.
        areas = [attrs for tag, attrs in found if tag == "textarea"]
        assert [(a["name"], "data-rich-text" in a) for a in areas] == [
            ("done", True),
            ("todo", True),
        ]


def test_the_styles_trix_adds_get_a_fresh_nonce_on_the_form_pages_only(bordeaux, math, as_user):
    client = as_user(bordeaux, "t1")
    nonces = []
    for _ in range(2):
        response = client.get(new_url(bordeaux))
        script = next(
            attrs for tag, attrs in tags(response) if attrs.get("src") == "/static/js/rich-text.js"
        )
        nonce = script["data-trix-style-nonce"]
        assert re.fullmatch(r"[A-Za-z0-9_-]{24}", nonce)
        assert style_src(response) == f"'self' 'nonce-{nonce}'"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]

    week = client.get(f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/")
    assert week.status_code == 200 and style_src(week) == "'self'"


def test_the_vendored_editor_is_complete_and_its_version_noted():
    for name in ("trix.umd.min.js", "trix.css", "LICENSE", "README"):
        assert (TRIX / name).is_file(), name
    version = re.search(r"Trix (\d+\.\d+\.\d+)", (TRIX / "trix.umd.min.js").read_text()).group(1)
    readme = (TRIX / "README").read_text()
    assert f"Trix {version}" in readme and f"trix@{version}" in readme
    assert "MIT" in (TRIX / "LICENSE").read_text()


def test_the_editor_script_refuses_files_in_the_text():
    script = (ROOT / "static" / "js" / "rich-text.js").read_text()
    assert re.search(
        r'"trix-file-accept",\s*function \(event\) \{\s*event\.preventDefault\(\)', script
    )


def test_html_posted_without_the_editor_is_stored_sanitised(bordeaux, as_user):
    response = as_user(bordeaux, "t1").post(
        new_url(bordeaux),
        {
            "domain": "francais",
            "on": "2026-10-05",
            "done": "<div>Le son <strong>[ou]</strong><script>x()</script></div>",
            "due_on": "2026-10-06",
            "todo": '<ul><li onclick="x()">Lire <a href="https://example.org">ici</a></li></ul>',
            "publish": "on",
        },
    )

    assert response.status_code == 302
    with schema_context(bordeaux.schema):
        created = HomeworkEntry.objects.get()
    assert created.done == "<div>Le son <strong>[ou]</strong></div>"
    assert created.todo == (
        '<ul><li>Lire <a href="https://example.org" rel="noopener noreferrer">ici</a></li></ul>'
    )


# --- errors -----------------------------------------------------------------------------------


def error_of(page: str, name: str) -> str | None:
    match = re.search(rf'<div class="error" id="id_{name}_error">(.*?)</div>', page, re.DOTALL)
    return match.group(1) if match else None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"done": "<div><br></div>", "todo": ""}, "done", "Indiquez ce qui a été fait en classe"),
        ({"todo": "<div>Lire</div>", "due_on": ""}, "due_on", "Indiquez pour quel jour"),
        ({"todo": "Lire", "due_on": "2026-10-01"}, "due_on", "pour un jour avant la séance"),
        ({"repeat": "weekly", "repeat_until": ""}, "repeat_until", "jusqu'à quel jour"),
        (
            {"repeat": "weekly", "repeat_until": "2026-10-01"},
            "repeat_until",
            "ne peut pas précéder",
        ),
    ],
)
def test_each_mistake_is_told_under_its_field(bordeaux, as_user, data, field, message):
    posted = {"domain": "francais", "on": "2026-10-05", "done": "Le son [ou].", **data}

    response = as_user(bordeaux, "t1").post(new_url(bordeaux), posted)

    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert message in (error_of(page, field) or "")
    # The alert at the top names the field, linked to it; the message is written once, under it.
    assert re.search(rf'<li><a href="#id_{field}">[^<]+</a></li>', page)
    assert page.count(message) == 1
    assert 'id="form-errors"' not in page
    with schema_context(bordeaux.schema):
        assert not HomeworkEntry.objects.exists()


def test_a_file_chosen_before_an_error_is_kept(bordeaux, as_user, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("Fiche de lecture.pdf", PDF, content_type="application/pdf")

    response = as_user(bordeaux, "t1").post(
        new_url(bordeaux),
        {"domain": "francais", "on": "", "done": "Le son [ou].", "attachments": [upload]},
    )

    page = unescape(re.sub(r"\s+", " ", response.content.decode()))
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in (error_of(page, "on") or "")
    assert "Fichier conservé : " in page and "Fiche de lecture.pdf</a> (" in page
    assert "sans le choisir de nouveau" in page
    with schema_context(bordeaux.schema):
        assert not HomeworkEntry.objects.exists()
        [kept] = Attachment.objects.all()
    assert kept.is_pending and kept.original_name == "Fiche de lecture.pdf"


def test_without_a_file_no_such_note(bordeaux, as_user):
    response = as_user(bordeaux, "t1").post(
        new_url(bordeaux), {"domain": "francais", "on": "", "done": "Le son [ou]."}
    )

    assert response.status_code == 200 and 'id="kept-files"' not in response.content.decode()


def test_a_file_that_would_be_refused_is_told_with_the_entry_s_errors(bordeaux, as_user):
    upload = SimpleUploadedFile("outil.exe", b"MZ\x90\x00 not a document", content_type="x/y")

    response = as_user(bordeaux, "t1").post(
        new_url(bordeaux),
        {"domain": "francais", "on": "", "done": "Le son [ou].", "attachments": [upload]},
    )

    page = unescape(re.sub(r"\s+", " ", response.content.decode()))
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in (error_of(page, "on") or "")
    assert "« outil.exe » n'est pas d'un type accepté" in page
    with schema_context(bordeaux.schema):
        assert not HomeworkEntry.objects.exists() and not Attachment.objects.exists()
