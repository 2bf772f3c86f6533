"""The cahier de textes' two editing forms (a whole entry, one session of a series) carry the
project's form markup: every field labelled, required ones marked, help and errors linked to
their input through the ids Django's aria-describedby names (``<id>_helptext``,
``<id>_error``), and the file inputs of the attachments still there."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django_tenants.utils import schema_context

from apps.homework.models import HomeworkEntry
from tests.homework.conftest import MONDAY, entry


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def elements(response) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(response.content.decode())
    return parser.found


def the_form(found) -> dict[str, str]:
    """The page's own form (the header has a log-out form too)."""
    return next(attrs for tag, attrs in found if tag == "form" and "novalidate" in attrs)


def controls(found) -> list[dict[str, str]]:
    """The form's fields a person fills in (not the CSRF token nor the buttons)."""
    return [
        attrs
        for tag, attrs in found
        if tag in ("input", "select", "textarea")
        and attrs.get("type") not in ("hidden", "submit")
        and attrs.get("name") != "csrfmiddlewaretoken"
    ]


def ids(found) -> list[str]:
    return [attrs["id"] for _tag, attrs in found if "id" in attrs]


def label_targets(found) -> set[str]:
    return {attrs["for"] for tag, attrs in found if tag == "label" and "for" in attrs}


def series(world) -> HomeworkEntry:
    return entry(
        world,
        repeat="weekly",
        repeat_until=MONDAY + datetime.timedelta(weeks=3),
    )


def occurrence_url(entry: HomeworkEntry, day: datetime.date) -> str:
    return f"/cahier-de-textes/seances/{entry.pk}/le/{day.isoformat()}/modifier/"


@pytest.mark.parametrize("page", ["new", "edit", "occurrence"])
def test_every_field_is_labelled_and_the_required_ones_marked(bordeaux, as_user, page):
    repeated = series(bordeaux)
    url = {
        "new": f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/",
        "edit": f"/cahier-de-textes/seances/{repeated.pk}/modifier/",
        "occurrence": occurrence_url(repeated, MONDAY + datetime.timedelta(weeks=1)),
    }[page]

    response = as_user(bordeaux, "t1").get(url)
    found = elements(response)
    page_text = response.content.decode()

    assert response.status_code == 200
    assert the_form(found)["class"] == "form"
    fields = controls(found)
    assert fields and all(field["id"] in label_targets(found) for field in fields)
    starred = set(
        re.findall(r'<label for="id_(\w+)">[^<]*<span aria-hidden="true">\*</span>', page_text)
    )
    assert starred == ({"domain"} if page == "occurrence" else {"domain", "on"})
    # The browser's own "required" too, where HTML allows it (a select with no empty choice
    # always has a value: Django leaves it out there).
    assert {field["name"] for field in fields if "required" in field} == starred - {"domain"}
    assert "Les champs marqués d'un astérisque (*) sont obligatoires." in page_text
    done = next(field for field in fields if field["name"] == "done")
    assert done["aria-describedby"] == "id_done_helptext" and "id_done_helptext" in ids(found)
    # The help names the tags once escaped, not twice.
    assert "&lt;strong&gt;" in page_text and "&amp;lt;" not in page_text


def test_the_entry_form_keeps_its_file_inputs_and_a_bound_publish_box(bordeaux, as_user):
    response = as_user(bordeaux, "t1").get(
        f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"
    )
    found = elements(response)

    assert the_form(found)["enctype"] == "multipart/form-data"
    files = [field for field in controls(found) if field.get("type") == "file"]
    assert [(f["name"], "multiple" in f) for f in files] == [("attachments", True)]
    assert files[0]["id"] in label_targets(found)
    publish = next(field for field in controls(found) if field["name"] == "publish")
    assert publish["type"] == "checkbox" and "checked" in publish
    assert ("label", {"for": "id_publish", "class": "inline"}) in found


def test_an_invalid_entry_links_each_error_to_its_field_and_saves_nothing(bordeaux, as_user):
    url = f"/cahier-de-textes/classes/{bordeaux.classes['A1'].pk}/nouvelle-seance/"

    response = as_user(bordeaux, "t1").post(
        url, {"domain": "mathematiques", "on": "", "due_on": "pas une date", "publish": "on"}
    )
    found = elements(response)

    assert response.status_code == 200
    for name in ("on", "due_on"):
        field = next(field for field in controls(found) if field["name"] == name)
        assert field["aria-invalid"] == "true"
        assert f"id_{name}_error" in field["aria-describedby"].split()
        assert ids(found).count(f"id_{name}_error") == 1
    assert 'role="alert"' in response.content.decode()
    with schema_context(bordeaux.schema):
        assert not HomeworkEntry.objects.exists()


def test_an_invalid_session_links_its_error_and_changes_nothing(bordeaux, as_user):
    repeated = series(bordeaux)
    day = MONDAY + datetime.timedelta(weeks=1)

    response = as_user(bordeaux, "t1").post(
        occurrence_url(repeated, day),
        {"domain": "", "done": "Chorale.", "todo": "", "due_on": ""},
    )
    found = elements(response)
    domain = next(field for field in controls(found) if field["name"] == "domain")

    assert response.status_code == 200
    assert domain["aria-invalid"] == "true" and domain["aria-describedby"] == "id_domain_error"
    assert ids(found).count("id_domain_error") == 1
    with schema_context(bordeaux.schema):
        assert not repeated.occurrence_overrides.exists()


def test_an_incoherent_session_is_explained_under_its_field_and_in_one_alert(bordeaux, as_user):
    repeated = series(bordeaux)
    day = MONDAY + datetime.timedelta(weeks=1)

    response = as_user(bordeaux, "t1").post(
        occurrence_url(repeated, day), {"domain": "musique", "done": "", "todo": "", "due_on": ""}
    )

    page_text = response.content.decode()
    found = elements(response)
    done = next(field for field in controls(found) if field["name"] == "done")
    assert response.status_code == 200
    assert page_text.count('role="alert"') == 1
    assert done["aria-invalid"] == "true" and "id_done_error" in done["aria-describedby"].split()
    assert re.search(
        r'<div class="error" id="id_done_error"><p>Indiquez ce qui a été fait en classe ou le '
        r"travail à faire\.</p></div>",
        page_text,
    )
