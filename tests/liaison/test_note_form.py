"""The note form looks and behaves like the others: the shared field layout, the audience in a
fieldset with its legend, help texts, and per-field French errors that keep what was typed."""

from __future__ import annotations

import html
import re

from django_tenants.utils import schema_context

from apps.liaison.models import LiaisonNote


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def class_url(bordeaux) -> str:
    return f"/liaison/classes/{bordeaux.classes['A1'].pk}/nouveau/"


def test_the_class_form_has_the_shared_layout_and_fieldsets(bordeaux, as_user):
    page = text(as_user(bordeaux, "t1").get(class_url(bordeaux)))

    assert '<form method="post" enctype="multipart/form-data" class="form" novalidate>' in page
    assert page.count('<div class="field">') >= 2  # title, text (templates/forms/_field.html)
    assert '<legend>Destinataires <span aria-hidden="true">*</span></legend>' in page
    assert "<legend>Élèves choisis</legend>" in page
    assert "<legend>Prise de connaissance</legend>" in page
    assert "Les familles le voient dans leur notification." in page
    assert 'aria-describedby="id_title_helptext"' in page
    assert "Publié tel quel, sans mise en forme" in page
    assert "Paul Un" in page and "Pia Deux" in page  # the pupils to choose from


def test_the_school_form_has_no_audience_choice(bordeaux, as_user):
    page = text(as_user(bordeaux, "dA").get(f"/liaison/ecoles/{bordeaux.schools['A'].pk}/nouveau/"))

    assert 'class="form"' in page and "<legend>Destinataires" not in page
    assert "Destinataires : les familles de toute l'école École A." in page


def test_errors_are_per_field_in_french_and_keep_the_input(bordeaux, as_user):
    response = as_user(bordeaux, "t1").post(
        class_url(bordeaux),
        {"title": "", "text": "Sortie jeudi.", "audience": "pupils"},  # box left unticked
    )

    assert response.status_code == 200
    page = text(response)
    assert "Le formulaire contient des erreurs" in page
    assert '<div class="error" id="id_title_error"><p>Ce champ est obligatoire.</p></div>' in page
    assert '<div class="error" id="id_pupils_error"><p>Choisissez au moins un élève.</p>' in page
    assert re.search(r'<textarea name="text"[^>]*> ?Sortie jeudi.</textarea>', page)
    assert re.search(r'<input type="radio" name="audience" value="pupils"[^>]* checked', page)
    assert not re.search(r'name="acknowledgement_required"[^>]* checked', page)  # left unticked
    with schema_context("bordeaux"):
        assert LiaisonNote.objects.count() == 0


def test_a_pupil_outside_the_class_is_refused_on_its_field(bordeaux, as_user):
    response = as_user(bordeaux, "t1").post(
        class_url(bordeaux),
        {
            "title": "Piscine",
            "text": "Mardi.",
            "audience": "pupils",
            "pupils": [str(bordeaux["p3"].pk)],
        },
    )

    assert response.status_code == 200
    page = text(response)
    error = "<p>Cet élève n'est pas dans la classe.</p></div>"
    assert f'<div class="error" id="id_pupils_error">{error}' in page
    assert 'value="Piscine"' in page
    with schema_context("bordeaux"):
        assert LiaisonNote.objects.count() == 0


def test_editing_an_unconfirmed_note_saves_the_acknowledgement_choice(bordeaux, note, as_user):
    client = as_user(bordeaux, "t1")

    response = client.post(
        f"/liaison/notes/{note.pk}/modifier/", {"title": "Sortie au musée", "text": "Jeudi."}
    )

    assert response.status_code == 302
    with schema_context("bordeaux"):
        note.refresh_from_db()
        assert note.text == "Jeudi." and note.acknowledgement_required is False


def test_a_confirmation_arriving_while_editing_is_told_on_the_form(
    bordeaux, note, as_user, monkeypatch
):
    """The page was opened before a family confirmed: the service refuses the edit, the form
    says why and keeps the input (no error page)."""
    from apps.liaison import services

    def confirmed_meanwhile(**_kwargs):
        raise services.NoteLocked("confirmed meanwhile")

    monkeypatch.setattr(services, "liaison_note_update", confirmed_meanwhile)

    response = as_user(bordeaux, "t1").post(
        f"/liaison/notes/{note.pk}/modifier/", {"title": "Sortie au zoo", "text": "Jeudi."}
    )

    assert response.status_code == 200
    page = text(response)
    assert "Une famille vient de confirmer ce mot" in page
    assert 'value="Sortie au zoo"' in page
    with schema_context("bordeaux"):
        note.refresh_from_db()
        assert note.title == "Sortie au musée"
