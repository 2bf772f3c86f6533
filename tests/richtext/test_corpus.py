"""Every vector of the XSS corpus (xss_vectors.txt) through every registered rich-text field:
its sanitiser, then its real page read as its author reads it, leave no executable markup and
nothing its profile does not allow; and the corpus has teeth: with the sanitiser turned off,
the same checks fail for nearly every vector."""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import DataError, transaction
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.selectors import actor_for
from apps.richtext import registry, sanitise
from apps.richtext.registry import RichTextField
from tests.richtext.checker import fragment_problems, outside_shape, read
from tests.richtext.conftest import SCHOOL_DAY
from tests.richtext.corpus import vectors
from tests.world import World

FIELDS = registry.fields()
BENIGN = "<div>Lire la page <strong>12</strong>.</div>"


def test_the_corpus_holds_at_least_120_distinct_vectors():
    found = vectors()

    assert len(found) >= 120
    assert len(set(found)) == len(found)


def test_the_cahier_de_textes_registers_its_four_rich_text_fields():
    assert {
        "homework.entry.done",
        "homework.entry.todo",
        "homework.occurrence.done",
        "homework.occurrence.todo",
    } <= {field.name for field in FIELDS}


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.name)
def test_no_vector_survives_the_field_s_sanitiser(field: RichTextField):
    survivors = {
        vector: problems
        for vector in vectors()
        if (problems := fragment_problems(field.sanitise(vector), field.profile))
    }

    assert survivors == {}


class Page:
    """One field's page, written and read by t1, the teacher of A1."""

    def __init__(self, world: World, client: Client, field: RichTextField) -> None:
        self.world, self.client, self.field = world, client, field

    def html(self, value: str) -> str:
        # Each value in a savepoint rolled back after its page is read: one entry at a time.
        with transaction.atomic():
            with schema_context(self.world.schema):
                url = self.field.show(
                    value,
                    author=actor_for(self.world["t1"]),
                    classroom=self.world.classes["A1"],
                    on=SCHOOL_DAY,
                )
            response = self.client.get(url)
            transaction.set_rollback(True)
        assert response.status_code == 200, (url, response.status_code)
        return response.content.decode()

    def problems(self, value: str, baselines: Baselines) -> list[str]:
        html = self.html(value)
        region, profile = self.field.region_class, self.field.profile
        reader = read(html, region_class=region, profile=profile)
        problems = list(reader.problems)
        # A value left empty by the sanitiser may leave its section out (an entry with no
        # work to do has no "À faire" list): the page is then the empty value's page.
        expected = baselines.empty if self.field.sanitise(value) == "" else baselines.written
        if outside_shape(html, region_class=region, profile=profile) != expected:
            problems.append("the page's own markup changed outside the field")
        return problems


@dataclass(frozen=True)
class Baselines:
    """The page's markup outside the field's regions, for a written value and for none."""

    written: list[str]
    empty: list[str]


@pytest.fixture
def page(
    bordeaux: World, as_user: Callable[[World, str], Client], no_days_off: None
) -> Callable[..., Page]:
    client = as_user(bordeaux, "t1")
    return lambda field: Page(bordeaux, client, field)


def baseline_of(page: Page) -> Baselines:
    html = page.html(BENIGN)
    region, profile = page.field.region_class, page.field.profile
    reader = read(html, region_class=region, profile=profile)
    # The benign text is on the page, in the field's region, and passes the checks.
    assert reader.regions >= 1 and reader.problems == []
    assert "Lire la page <strong>12</strong>." in html
    return Baselines(
        written=reader.outside,
        empty=outside_shape(page.html(""), region_class=region, profile=profile),
    )


# Vectors a page holds at once: each was checked alone through the field's sanitiser above;
# the page adds the template's own cleaning and the markup around the field. Eight at a time
# keep the suite's time (224 pages a field otherwise) while a vector that closes the field's
# region or leaks into the page still changes what is read outside it.
PAGE_BATCH = 8


def batches(items: list[str], size: int = PAGE_BATCH) -> list[str]:
    return ["\n".join(items[start : start + size]) for start in range(0, len(items), size)]


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.name)
def test_no_vector_survives_the_field_s_page(field: RichTextField, page):
    shown = page(field)
    baseline = baseline_of(shown)

    survivors = {
        batch: problems
        for batch in batches(vectors())
        if (problems := shown.problems(batch, baseline))
    }

    assert survivors == {}


def _passthrough(html: str, **options: object) -> str:
    return html


def _sanitiser_off(monkeypatch: pytest.MonkeyPatch) -> None:
    # Off in its one place, for the services' sanitise and the template's |rich_text alike:
    # nh3 answers what it is given, and no text counts as empty (a vector of tags alone would
    # otherwise be stored as nothing). Every vector holds a tag, so none becomes paragraphs.
    monkeypatch.setattr(sanitise, "nh3", types.SimpleNamespace(clean=_passthrough))
    monkeypatch.setattr(sanitise, "_NOTHING", re.compile(r"(?!)"))


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: field.name)
def test_with_the_sanitiser_off_every_vector_fails_the_checks(field: RichTextField, monkeypatch):
    _sanitiser_off(monkeypatch)

    passing = [
        vector
        for vector in vectors()
        if not fragment_problems(field.sanitise(vector), field.profile)
    ]

    assert passing == []


# The page-level proof on one field: the fields share the template's pipeline, and the
# fragment-level proof above runs on every field.
@pytest.mark.parametrize("field", FIELDS[:1], ids=lambda field: field.name)
def test_with_the_sanitiser_off_the_pages_fail_for_nearly_every_vector(
    field: RichTextField, page, monkeypatch
):
    shown = page(field)
    baseline = baseline_of(shown)
    _sanitiser_off(monkeypatch)
    all_vectors = vectors()

    caught = []
    for vector in all_vectors:
        assert field.sanitise(vector) == vector.strip()
        try:
            caught.append(bool(shown.problems(vector, baseline)))
        except DataError:  # a NUL, which PostgreSQL refuses to store: not caught here
            caught.append(False)

    assert sum(caught) >= 0.9 * len(all_vectors)
