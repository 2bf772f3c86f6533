"""Login cards as a PDF: A4 sheets of 8 cards (2 × 4) with dashed cut lines, by WeasyPrint."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string

from apps.accounts.cards.issue import LoginCard
from apps.accounts.cards.links import first_login_address
from tenants.models import Commune

CARDS_PER_SHEET = 8
COLUMNS = 2


def _sheets(cards: Sequence[LoginCard]) -> list[list[dict[str, object]]]:
    sheets: list[list[dict[str, object]]] = []
    for index, card in enumerate(cards):
        if index % CARDS_PER_SHEET == 0:
            sheets.append([])
        place = index % CARDS_PER_SHEET
        sheets[-1].append({"card": card, "row": place // COLUMNS, "column": place % COLUMNS})
    return sheets


def login_cards_html(*, cards: Sequence[LoginCard], commune: Commune, title: str) -> str:
    return render_to_string(
        "cards/login_cards.html",
        {
            "sheets": _sheets(cards),
            "commune": commune,
            "address": first_login_address(commune),
            "title": title,
        },
    )


def login_cards_pdf(*, cards: Sequence[LoginCard], commune: Commune, title: str) -> bytes:
    # Imported here: WeasyPrint loads pango and its fonts, which every other request can skip.
    from weasyprint import HTML

    html = login_cards_html(cards=cards, commune=commune, title=title)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
