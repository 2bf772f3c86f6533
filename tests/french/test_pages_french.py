"""Real pages asked for by an English-speaking browser still write dates, months, times and
amounts in French: "1er décembre", "14 h 05", "1 234,56 €"."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from html import unescape

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.liaison.models import LiaisonNote
from tenants.billing.services import invoice_create
from tenants.db import use_public_schema
from tenants.models import Commune
from tenants.usage.models import ClassCountSnapshot
from tests.billing.conftest import line
from tests.billing.test_usage_invoicing import _coordinator, _world
from tests.homework.conftest import entry
from tests.liaison.conftest import class_note
from tests.world import World

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = "en-US,en;q=0.9"
NNBSP, NBSP = "\u202f", "\u00a0"

ENGLISH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b[ap]\.m\."
)
# An amount written the English way: "1234.56 €", "1,234.56", "€1234".
DOT_DECIMAL_EURO = re.compile(r"\d\.\d{2}\s*€|\d,\d{3}\.\d{2}|€\d")


def _visible_text(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # Attributes stay out: a <time datetime="2026-12-01"> is for machines.
    # Only ASCII whitespace is collapsed: the no-break spaces are part of what is checked.
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _assert_french(text: str) -> None:
    assert not ENGLISH.search(text), ENGLISH.search(text)
    assert not DOT_DECIMAL_EURO.search(text), DOT_DECIMAL_EURO.search(text)


def test_the_teachers_week_of_the_cahier_de_textes(bordeaux: World, as_user) -> None:
    entry(bordeaux, on=datetime.date(2026, 12, 1), due_on=datetime.date(2026, 12, 3))
    classroom = bordeaux.classes["A1"].pk

    text = _visible_text(
        as_user(bordeaux, "t1"), f"/cahier-de-textes/classes/{classroom}/?semaine=2026-11-30"
    )

    _assert_french(text)
    assert "Semaine du 30 novembre au 6 décembre 2026" in text
    assert "Mardi 1er décembre" in text
    assert "Travail pour le jeudi 3 décembre" in text


def test_the_parents_liaison_page(bordeaux: World, as_user) -> None:
    note = class_note(bordeaux)
    with schema_context("bordeaux"):
        # 13:05 UTC is 14:05 in Bordeaux in winter.
        LiaisonNote.objects.filter(pk=note.pk).update(
            published_at=datetime.datetime(2026, 12, 1, 13, 5, tzinfo=datetime.UTC)
        )

    text = _visible_text(as_user(bordeaux, "par1"), f"/liaison/enfants/{bordeaux['p1'].pk}/")

    _assert_french(text)
    assert "le 1er décembre 2026 à 14 h 05" in text


def test_the_commune_administrators_billing_page(
    bordeaux: World, verified_login: Callable[..., Client]
) -> None:
    use_public_schema()
    commune = Commune.objects.get(slug="bordeaux")
    invoice_create(
        commune=commune,
        lines=[line(quantity="3", price="450.00"), line(quantity="1", price="1234.56")],
        period_start=datetime.date(2026, 11, 1),
        period_end=datetime.date(2026, 11, 30),
        issued_on=datetime.date(2026, 12, 1),
    )

    text = _visible_text(verified_login(bordeaux["adm"], "bordeaux"), "/facturation/")

    _assert_french(text)
    # 1350 + 1234.56 = 2584.56 HT; × 1.2 = 3101.47 TTC.
    assert f"2{NNBSP}584,56{NBSP}€" in text
    assert f"3{NNBSP}101,47{NBSP}€" in text
    assert "1er décembre 2026" in text
    assert "du 1er novembre 2026 au 30 novembre 2026" in text


def test_the_coordinators_monthly_statements(base_login: Callable[[User], Client]) -> None:
    _world({"bordeaux": 1105, "pessac": 262})

    text = _visible_text(base_login(_coordinator()), "/facturation/releves/?mois=2026-10")

    _assert_french(text)
    assert "Relevés et factures du mois : octobre 2026" in text
    assert "Relevé du 1er octobre 2026 au 31 octobre 2026" in text
    # Bordeaux: 1105 classes all October at 12.35 € HT = 13 646,75 € HT.
    assert f"13{NNBSP}646,75{NBSP}€" in text


def test_the_coordinators_dashboard(
    base_login: Callable[[User], Client], coordinator: User
) -> None:
    use_public_schema()
    for slug, classes in {"bordeaux": 2, "pessac": 1}.items():
        ClassCountSnapshot.objects.create(
            commune=Commune.objects.get(slug=slug),
            date=datetime.date(2026, 12, 1),
            primary_classes=classes,
            deployed_classes=classes,
            deployed_schools=1,
        )
    client = base_login(coordinator)

    text = _visible_text(client, "/coordination/?amount=12345.67&vat=20&date=2026-12-01")

    _assert_french(text)
    assert "1er décembre 2026" in text
    # 12 345,67 € HT over 3 classes: Bordeaux has 2 of them, 8 230,446… €, and the cent left
    # over by the rounding (largest remainder).
    assert f"Répartition de 12{NNBSP}345,67{NBSP}€ HT" in text
    assert f"8{NNBSP}230,45{NBSP}€" in text
