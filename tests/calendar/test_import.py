"""``import_holidays FILE``: the file is checked in full, strictly; on any error nothing
changes and each error is told in French with its line."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from apps.calendar.calendar_file import SHIPPED
from apps.calendar.models import DayOff, Kind

ONE_YEAR = """\
format: 1
annees:
  - annee: 2030-2031
    rentree: 2030-09-02
    vacances:
      - nom: Vacances de la Toussaint
        zones: [A, B, C]
        du: 2030-10-19
        au: 2030-11-03
"""


def stored() -> list[tuple]:
    with schema_context("public"):
        return list(
            DayOff.objects.order_by("pk").values_list(
                "school_year", "kind", "zone", "name", "first_day", "last_day"
            )
        )


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_holidays", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vacances.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_imports_three_school_years(calendar):
    out, _err = run(SHIPPED)

    assert "2025-2026 : " in out and "2026-2027 : " in out and "2027-2028 : " in out
    assert "remplacée" in out  # the fixture had stored them already
    with schema_context("public"):
        toussaint = DayOff.objects.get(
            school_year="2026-2027", zone="A", name="Vacances de la Toussaint"
        )
        winter = DayOff.objects.filter(school_year="2026-2027", name="Vacances d'hiver")
        assert {(w.zone, w.first_day) for w in winter} == {
            ("A", datetime.date(2027, 2, 13)),
            ("B", datetime.date(2027, 2, 20)),
            ("C", datetime.date(2027, 2, 6)),
        }
        assert DayOff.objects.filter(school_year="2026-2027", kind=Kind.PUBLIC_HOLIDAY).count()
    assert (toussaint.first_day, toussaint.last_day) == (
        datetime.date(2026, 10, 17),
        datetime.date(2026, 11, 1),
    )


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        (ONE_YEAR.replace("au: 2030-11-03", "au: 2030-11-31"), "Ligne 9 : Année 2030-2031"),
        (ONE_YEAR.replace("zones: [A, B, C]", "zones: [A, D]"), "zone inconnue « D »"),
        (ONE_YEAR.replace("        du: 2030-10-19\n", ""), "la clé « du » manque"),
        (ONE_YEAR.replace("nom:", "name:"), "clé inconnue « name »"),
        (ONE_YEAR.replace("au: 2030-11-03", "au: 2030-10-01"), "finit (2030-10-01) avant"),
        (ONE_YEAR.replace("annee: 2030-2031", "annee: 2030-2032"), "n'est pas de la forme"),
        (ONE_YEAR.replace("format: 1", "format: 2"), "seule la version 1"),
        (
            ONE_YEAR + "      - nom: Doublon\n        zones: [A]\n        du: 2030-10-26\n"
            "        au: 2030-10-27\n",
            "chevauche « Vacances de la Toussaint »",
        ),
        ("format: 1\nannees: [\n", "syntaxe YAML invalide"),
        ("", "le fichier est vide"),
    ],
)
def test_a_malformed_file_is_refused_and_changes_nothing(calendar, tmp_path, broken, said):
    before = stored()
    err = io.StringIO()

    with pytest.raises(CommandError, match="le calendrier n'a pas changé"):
        call_command("import_holidays", str(write(tmp_path, broken)), stderr=err)

    assert said in err.getvalue()
    assert stored() == before


def test_every_error_is_told_with_its_line(calendar, tmp_path):
    broken = ONE_YEAR.replace("zones: [A, B, C]", "zones: [A, A]").replace(
        "du: 2030-10-19", "du: 19/10/2030"
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 erreur"):
        call_command("import_holidays", str(write(tmp_path, broken)), stderr=err)

    lines = err.getvalue().splitlines()
    assert any("Ligne 7 : " in line and "la zone A est en double" in line for line in lines)
    assert any(
        "Ligne 8 : " in line and "date invalide « 19/10/2030 » (attendu AAAA-MM-JJ)" in line
        for line in lines
    )


def test_one_bad_year_keeps_the_good_one_out_too(calendar, tmp_path):
    good_then_bad = ONE_YEAR + ONE_YEAR.split("annees:\n")[1].replace("2030", "2031").replace(
        "2031-2031", "2031-2032"
    ).replace("du: 2031-10-19", "du: 2031-10-32")
    before = stored()

    with pytest.raises(CommandError):
        run(write(tmp_path, good_then_bad))

    assert stored() == before
    with schema_context("public"):
        assert not DayOff.objects.filter(school_year="2030-2031").exists()


def test_a_file_replaces_its_own_years_and_keeps_the_others(calendar, tmp_path):
    run(write(tmp_path, ONE_YEAR))
    moved = ONE_YEAR.replace("du: 2030-10-19", "du: 2030-10-20")

    out, _err = run(write(tmp_path, moved))

    assert "2030-2031 : 3 période(s) de vacances (par zone)" in out and "remplacée" in out
    with schema_context("public"):
        assert set(
            DayOff.objects.filter(school_year="2030-2031", kind=Kind.SCHOOL_HOLIDAYS).values_list(
                "first_day", flat=True
            )
        ) == {datetime.date(2030, 10, 20)}
        assert DayOff.objects.filter(school_year="2026-2027").exists()


def test_a_dry_run_checks_and_writes_nothing(calendar, tmp_path):
    before = stored()

    out, _err = run(write(tmp_path, ONE_YEAR), "--dry-run")

    assert out.startswith("[simulation] 2030-2031 : ") and "ajoutée" in out
    assert stored() == before


def test_a_missing_file_is_told(calendar, tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path / "absent.yaml")
