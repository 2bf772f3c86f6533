"""Writes of the teacher's class pages: printing login cards, which issues codes and QR tokens.

A card carries what it issues (an activation code, a QR login link), so the file is rendered
inside the transaction that issues it: if rendering fails, no code or token was replaced and
the cards in the families' hands still work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from apps.accounts.cards.issue import (
    CardHolders,
    LoginCard,
    Recipient,
    account_login_card,
    classroom_login_cards,
)
from apps.accounts.cards.pdf import login_cards_pdf
from apps.accounts.cards.spreadsheet import login_codes_csv
from apps.accounts.models import User
from apps.accounts.permissions import Actor
from apps.schools.models import Classroom
from tenants.models import Commune

PDF, CSV = "pdf", "csv"


@dataclass(frozen=True)
class CardsFile:
    """A file to download: the cards (PDF) or the codes (CSV)."""

    content: bytes
    content_type: str
    filename: str


def _cards_pdf(
    *, commune: Commune, classroom: Classroom, cards: list[LoginCard], name: str
) -> CardsFile:
    title = f"Cartes de connexion — {classroom.name} — {classroom.school.name}"
    return CardsFile(
        content=login_cards_pdf(cards=cards, commune=commune, title=title),
        content_type="application/pdf",
        filename=f"{name}.pdf",
    )


@transaction.atomic
def classroom_cards_print(
    *,
    actor: Actor,
    issued_by: User,
    commune: Commune,
    classroom: Classroom,
    holders: CardHolders,
    reissue: bool,
    file_format: str,
    request: Any = None,
) -> CardsFile | None:
    """The class's login cards (PDF, with QR login for the maternelle) or codes (CSV), for its
    pupils or their parents; None when there is no card to print (every account is active
    and ``reissue`` was not asked)."""
    batch = classroom_login_cards(
        actor=actor,
        issued_by=issued_by,
        commune=commune,
        classroom=classroom,
        holders=holders,
        reissue=reissue,
        qr_login=file_format == PDF,
        file_format=file_format,
        request=request,
    )
    if not batch.cards:
        return None
    who = "eleves" if holders == CardHolders.PUPILS else "parents"
    name = f"{slugify(classroom.name) or 'classe'}-{who}"
    if file_format == CSV:
        return CardsFile(
            content=login_codes_csv(batch.cards),
            content_type="text/csv; charset=utf-8",
            filename=f"codes-{name}.csv",
        )
    return _cards_pdf(
        commune=commune, classroom=classroom, cards=batch.cards, name=f"cartes-{name}"
    )


@transaction.atomic
def account_card_print(
    *,
    issued_by: User,
    commune: Commune,
    classroom: Classroom,
    recipient: Recipient,
    new_code: bool,
    request: Any = None,
) -> CardsFile:
    """One new login card for one account: a new activation code (``new_code``), or a new
    QR login link; the old one stops working."""
    card = account_login_card(
        issued_by=issued_by,
        commune=commune,
        classroom=classroom,
        recipient=recipient,
        new_code=new_code,
        request=request,
    )
    return _cards_pdf(
        commune=commune,
        classroom=classroom,
        cards=[card],
        name=f"carte-{slugify(recipient.user.username)}",
    )
