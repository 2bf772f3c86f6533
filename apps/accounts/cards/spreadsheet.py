"""Login codes as a CSV file that Excel and LibreOffice open as they are (French locale)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from apps.accounts.cards.issue import LoginCard

HEADER = ("nom", "prénom", "classe", "identifiant", "code")
# Excel reads a file without a byte-order mark as the local code page, not UTF-8.
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def login_codes_csv(cards: Sequence[LoginCard]) -> bytes:
    """``;``-separated (the French list separator), UTF-8 with a BOM, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for card in cards:
        writer.writerow(
            [
                _cell(card.last_name),
                _cell(card.first_name),
                _cell(card.classroom),
                _cell(card.login),
                card.code,
            ]
        )
    return (BOM + buffer.getvalue()).encode("utf-8")
