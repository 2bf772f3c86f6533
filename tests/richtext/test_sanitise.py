"""The allow-list of apps/richtext/sanitise.py, profile by profile; the |rich_text filter;
the registry's one name per field. The cahier de textes' own cases (what Trix writes, plain
text, an emptied editor) are in tests/homework/test_rich_text.py."""

from __future__ import annotations

import pytest
from django.template import engines

from apps.homework import richtext as homework_fields
from apps.richtext import registry
from apps.richtext.registry import RichTextField
from apps.richtext.sanitise import NOTEBOOK, PUBLICATION, clean, sanitise

REL = ' rel="noopener noreferrer"'


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


# --- tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", [NOTEBOOK, PUBLICATION], ids=lambda p: p.name)
def test_both_profiles_keep_what_the_editor_writes(profile):
    kept = (
        "<div>Lire <strong>p. 12</strong><br><em>à voix haute</em></div>"
        "<p><b>gras</b> <i>italique</i></p>"
        "<ul><li>un</li></ul><ol><li>premier</li></ol><blockquote>Une citation</blockquote>"
    )

    assert sanitise(kept, profile) == kept


def test_a_publication_keeps_its_second_and_third_level_headings_only():
    assert sanitise(
        "<h1>Titre</h1><h2>Partie</h2><h3>Sous-partie</h3><h4>Détail</h4>", PUBLICATION
    ) == ("Titre<h2>Partie</h2><h3>Sous-partie</h3>Détail")


def test_a_notebook_entry_keeps_no_heading_but_its_words():
    assert sanitise("<h2>Partie</h2><div>Lire</div>", NOTEBOOK) == "Partie<div>Lire</div>"


@pytest.mark.parametrize("profile", [NOTEBOOK, PUBLICATION], ids=lambda p: p.name)
def test_no_attribute_but_a_link_s_and_an_image_s_is_kept(profile):
    assert (
        sanitise('<p lang="en" title="t" class="c" id="i" dir="rtl">x</p>', profile) == "<p>x</p>"
    )


# --- links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href",
    ["https://example.org/fiche?page=2#haut", "http://example.org/", "HTTPS://EXAMPLE.ORG/",
     "mailto:prof@example.org", "/pieces-jointes/42/"],
)  # fmt: skip
def test_a_link_to_the_web_a_mail_address_or_an_attachment_is_kept_with_its_rel(href):
    assert sanitise(f'<a href="{href}">lien</a>') == f'<a href="{href}"{REL}>lien</a>'


@pytest.mark.parametrize(
    "href",
    [
        # Relative addresses: refused, but an attachment's download.
        "/cahier-de-textes/", "example.org", "www.example.org", "#haut", "?page=2",
        "//evil.example/", "/pieces-jointes/0/", "/pieces-jointes/7/../../admin/",
        "/pieces-jointes/7", "/pieces-jointes/7/?x=1",
        # Other schemes.
        "javascript:alert(1)", "vbscript:msgbox(1)", "data:text/html,x", "ftp://example.org/",
        "file:///etc/passwd", "tel:0556000000",
    ],
)  # fmt: skip
def test_any_other_address_loses_its_href_and_keeps_its_text(href):
    assert sanitise(f'<a href="{href}">lien</a>') == f"<a{REL}>lien</a>"


def test_the_rel_is_ours_whatever_the_link_said_and_no_target_is_kept():
    written = (
        '<a href="https://example.org" rel="opener" target="_blank" ping="https://t.example">x</a>'
    )

    assert sanitise(written) == f'<a href="https://example.org"{REL}>x</a>'


@pytest.mark.parametrize(
    "href",
    ["jav\tascript:alert(1)", "jav&#x09;ascript:alert(1)", "&#106;avascript:alert(1)",
     "&#x6A;avascript:alert(1)", "&#106avascript:alert(1)", "javascript&colon;alert(1)",
     "  javascript:alert(1)", "\x00javascript:alert(1)", "JaVaScRiPt:alert(1)"],
)  # fmt: skip
def test_a_disguised_javascript_scheme_is_refused(href):
    assert sanitise(f'<a href="{href}">lien</a>') == f"<a{REL}>lien</a>"


# --- images ----------------------------------------------------------------------------------


def test_a_publication_keeps_an_image_from_an_attachment_with_its_text_alternative():
    written = '<p>Notre sortie</p><img src="/pieces-jointes/7/" alt="La classe au musée">'

    assert sanitise(written, PUBLICATION) == written


@pytest.mark.parametrize(
    "src",
    ["https://example.org/photo.jpg", "//example.org/photo.jpg", "javascript:alert(1)",
     "data:image/png;base64,iVBORw0KGgo=", "data:image/svg+xml,<svg onload=alert(1)>",
     "/static/img/logo.png", "/pieces-jointes/7/?x=1", "photo.jpg"],
)  # fmt: skip
def test_an_image_from_anywhere_else_loses_its_source(src):
    assert (
        sanitise(f'<p>Photo <img src="{src}" alt="a"></p>', PUBLICATION)
        == '<p>Photo <img alt="a"></p>'
    )


def test_an_image_keeps_no_other_attribute():
    written = '<img src="/pieces-jointes/7/" width="1" srcset="/pieces-jointes/8/ 2x" onload="x()">'

    assert sanitise(written, PUBLICATION) == '<img src="/pieces-jointes/7/">'


def test_a_notebook_entry_keeps_no_image():
    assert (
        sanitise('<div>Photo <img src="/pieces-jointes/7/" alt="a"></div>') == "<div>Photo </div>"
    )


def test_an_image_alone_is_something_and_an_image_without_source_nothing():
    assert (
        sanitise('<img src="/pieces-jointes/7/">', PUBLICATION) == '<img src="/pieces-jointes/7/">'
    )
    assert sanitise('<div><img src="https://example.org/a.png" alt="a"></div>', PUBLICATION) == ""


# --- the filter ------------------------------------------------------------------------------


def test_the_filter_prints_a_stored_value_cleaned_and_unescaped():
    stored = '<div>Lire <a href="https://example.org">ici</a><script>x()</script></div>'

    assert render("{{ value|rich_text }}", value=stored) == (
        f'<div>Lire <a href="https://example.org"{REL}>ici</a></div>'
    )


def test_the_filter_cleans_by_the_profile_it_is_given():
    stored = '<h2>Partie</h2><img src="/pieces-jointes/7/" alt="a">'

    assert render("{{ value|rich_text }}", value=stored) == "Partie"
    assert render('{{ value|rich_text:"publication" }}', value=stored) == stored


@pytest.mark.parametrize("value", [None, ""])
def test_the_filter_prints_nothing_for_nothing(value):
    assert render("[{{ value|rich_text }}]", value=value) == "[]"


def test_clean_is_stable_on_what_sanitise_stored():
    stored = sanitise(
        '<div>Lire <a href="https://example.org" rel="x">ici</a> &amp; <b>là</b></div>'
    )

    assert clean(stored) == stored


# --- the registry ----------------------------------------------------------------------------


def _show(value: str, **where: object) -> str:
    return "/"


def test_a_field_name_is_registered_once(monkeypatch):
    monkeypatch.setattr(registry, "_FIELDS", dict(registry._FIELDS))
    first = RichTextField(name="essai.page.body", profile=PUBLICATION, region_class="x", show=_show)
    other = RichTextField(name="essai.page.body", profile=NOTEBOOK, region_class="x", show=_show)

    registry.register(first)
    registry.register(first)  # the same field again (a second ready()) changes nothing
    [homework] = [f for f in registry.fields() if f.name == "homework.entry.todo"]
    rebuilt = homework_fields._entry("todo")  # what the cahier's ready() builds each time
    assert rebuilt.show is not homework.show
    registry.register(rebuilt)
    with pytest.raises(ValueError, match="essai.page.body"):
        registry.register(other)

    assert registry.field("essai.page.body") is first
    assert [f.name for f in registry.fields()].count("essai.page.body") == 1


def test_a_registered_field_sanitises_by_its_profile():
    field = RichTextField(name="essai.page.body", profile=PUBLICATION, region_class="x", show=_show)

    assert field.sanitise("<h2>Partie</h2>") == "<h2>Partie</h2>"
