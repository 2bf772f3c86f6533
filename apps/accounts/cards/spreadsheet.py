"""Login codes as a CSV file that Excel and LibreOffice open as they are (French locale)."""

from __future__ import annotations

from collections.abc import Sequence

from apps.accounts.cards.issue import LoginCard
from apps.csvexport import csv_bytes

HEADER = ("nom", "prénom", "classe", "identifiant", "code")


def login_codes_csv(cards: Sequence[LoginCard]) -> bytes:
    """``;``-separated, UTF-8 with a BOM, CRLF line ends, formulas neutralised
    (``apps.csvexport``)."""
    return csv_bytes(
        HEADER,
        (
            (card.last_name, card.first_name, card.classroom, card.login, card.code)
            for card in cards
        ),
    )
