"""The project's one CSV writer: the format spreadsheets open, and no formula left to run."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from apps.csvexport import csv_bytes, csv_text, neutralised


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("https://example.com";"clic")',
        "+33 5 56 00 00 00",
        "-2+3",
        "-",
        "@SUM(A1:A2)",
        "\tcmd",
        "\r=1+1",
        "=1",
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(cell: str) -> None:
    assert neutralised(cell) == f"'{cell}"


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("Bordeaux", "Bordeaux"),
        ("", ""),
        (None, ""),
        ("-1125,00", "-1125,00"),
        ("+12.5", "+12.5"),
        (Decimal("-3.50"), "-3.50"),
        (-4, "-4"),
        (7, "7"),
        ("a=b", "a=b"),
        (" =1", " =1"),
    ],
)
def test_text_and_plain_numbers_stay_as_they_are(cell: object, text: str) -> None:
    assert neutralised(cell) == text


def test_the_file_is_semicolon_separated_utf8_with_a_bom_and_crlf() -> None:
    data = csv_bytes(["Nom", "Montant"], [["=cmd()", "-1,50"], ["Éloïse; « ok »", 3]])

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == ('Nom;Montant\r\n\'=cmd();-1,50\r\n"Éloïse; « ok »";3\r\n')
    assert csv_text(["Nom"], []) == "\ufeffNom\r\n"
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Nom", "Montant"], ["'=cmd()", "-1,50"], ["Éloïse; « ok »", "3"]]
