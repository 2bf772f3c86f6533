"""seed_groupement: every commune of a YAML file, checked before anything is created."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from provisioning.seed import load_groupement_file
from tenants.models import Commune, Groupement
from tests.helpers import database_state

ROOT = Path(__file__).resolve().parents[1]

DEMO_COMMUNES = {
    "33032": "Bassens",
    "33056": "Blanquefort",
    "33063": "Bordeaux",
    "33075": "Bruges",
    "33069": "Le Bouscat",
    "33281": "Mérignac",
    "33318": "Pessac",
    "33449": "Saint-Médard-en-Jalles",
    "33550": "Villenave-d'Ornon",
}


def test_the_demo_file_lists_the_nine_communes_with_their_insee_codes():
    spec = load_groupement_file(ROOT / "provisioning" / "demo" / "groupement.yaml")

    assert {c.insee: c.name for c in spec.communes} == DEMO_COMMUNES
    assert spec.coordinator == "bordeaux"


def test_seeding_provisions_the_new_communes_and_keeps_the_existing_ones(tmp_path, db, capsys):
    path = tmp_path / "groupement.yaml"
    path.write_text(
        "groupement: {name: Groupement essai, coordinator: bordeaux}\n"
        "communes:\n"
        '  - {name: Bordeaux, insee: "33063", slug: bordeaux, status: active}\n'
        '  - {name: Bruges, insee: "33075", slug: bruges, status: deploying}\n'
        '  - {name: Le Bouscat, insee: "33069", slug: le-bouscat}\n',
        encoding="utf-8",
    )

    call_command("seed_groupement", str(path))

    out = capsys.readouterr().out
    assert "2 commune(s) créée(s), 1 déjà présente(s)" in out
    assert Commune.objects.get(slug="bruges").status == "deploying"
    groupement = Groupement.objects.get(name="Groupement essai")
    assert groupement.coordinator is not None
    assert groupement.coordinator.slug == "bordeaux"
    before = database_state()
    call_command("seed_groupement", str(path))
    assert database_state() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("communes: [", "YAML invalide"),
        ("groupement: {name: G}\n", "liste « communes »"),
        ('communes:\n  - {name: A, insee: "3306", slug: a-ville}\n', "Code INSEE invalide"),
        (
            'communes:\n  - {name: A, insee: "33901", slug: a-ville}\n'
            '  - {name: B, insee: "33901", slug: b-ville}\n',
            "en double",
        ),
        (
            'groupement: {coordinator: nulle}\ncommunes:\n  - {name: A, insee: "33901", slug: a}\n',
            "coordinatrice nulle",
        ),
    ],
)
def test_a_bad_file_is_one_error_and_creates_nothing(tmp_path, db, content, message):
    path = tmp_path / "groupement.yaml"
    path.write_text(content, encoding="utf-8")
    before = database_state()

    with pytest.raises(CommandError, match=message):
        call_command("seed_groupement", str(path))

    assert database_state() == before
