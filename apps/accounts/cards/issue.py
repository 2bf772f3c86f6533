"""Who gets a login card, and the credentials the cards carry.

A card holds the person's login and activation code, the commune's first-login address and a
QR code. For adults (and pupils of élémentaire) the QR code opens the first-login page with
the login filled in; for pupils of a maternelle class it is their personal QR login link.

Selection, for a class: cards go to accounts that can log in (active, not blocked, not
departed) and that the actor may manage, and only to those not activated yet — unless
``reissue`` is chosen, which gives every one of them a new code (the old code and the
password stop working). On PDF cards of a maternelle class, a pupil is printed when they have
no live QR token (or on reissue) and gets a new token — the old card's QR code stops working:
only a digest of each token is kept, so a token can be printed once only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import transaction
from django.http import HttpRequest

from apps.accounts.cards.links import first_login_url, qr_login_url
from apps.accounts.cards.qr import qr_svg
from apps.accounts.lifecycle import account_is_usable, issue_activation_code
from apps.accounts.models import Profile, User
from apps.accounts.permissions import Actor, can_manage_account
from apps.accounts.selectors import actors_for
from apps.audit.services import record_event
from apps.french.formatting import de
from apps.french.ordering import person_key
from apps.qrlogin.models import QrLoginToken
from apps.qrlogin.services import qr_tokens_issue
from apps.schools.models import Classroom, Enrolment, Guardianship, current_enrolment
from tenants.models import Commune


class CardHolders(StrEnum):
    """Whose login cards a class's batch is: its pupils, or their parents (not an audience of
    a publication: ``apps.liaison``'s ``Audience`` is that)."""

    PUPILS = "pupils"
    PARENTS = "parents"


@dataclass(frozen=True)
class LoginCard:
    first_name: str
    last_name: str
    display_name: str
    login: str
    # Empty once the person has chosen a password (a card reprinted for its QR code only).
    code: str
    classroom: str
    school: str
    qr_url: str
    qr_svg: str
    # A maternelle pupil's card: the QR code logs the pupil in.
    qr_login: bool
    # Parents: their children in the class.
    children: tuple[str, ...] = ()

    @property
    def is_parent(self) -> bool:
        return bool(self.children)


@dataclass
class Recipient:
    user: User
    children: list[User] = field(default_factory=list)


@dataclass(frozen=True)
class CardBatch:
    cards: list[LoginCard]
    codes_issued: int
    qr_tokens_issued: int


def _name_key(user: User) -> tuple[tuple[str, str], tuple[str, str], str]:
    return person_key(user)


def class_recipients(*, classroom: Classroom, holders: CardHolders) -> list[Recipient]:
    """Everyone of the class who may get a card, before any rule about activation. Two queries."""
    pupils = list(
        User.objects.filter(
            current_enrolment("enrolments"),
            profile=Profile.PUPIL,
            enrolments__classroom=classroom,
        )
    )
    if holders == CardHolders.PUPILS:
        people = [Recipient(user=pupil) for pupil in pupils]
    else:
        by_id = {pupil.pk: pupil for pupil in pupils}
        parents: dict[int, Recipient] = {}
        for link in Guardianship.objects.filter(child_id__in=by_id).select_related("guardian"):
            recipient = parents.setdefault(link.guardian_id, Recipient(user=link.guardian))
            recipient.children.append(by_id[link.child_id])
        people = [r for r in parents.values() if r.user.profile == Profile.PARENT]
        for recipient in people:
            recipient.children.sort(key=_name_key)
    people = [r for r in people if account_is_usable(r.user)]
    return sorted(people, key=lambda r: _name_key(r.user))


def manageable(actor: Actor, recipients: list[Recipient]) -> list[Recipient]:
    """Keep the people ``actor`` may manage (constant number of queries)."""
    targets = actors_for([r.user for r in recipients])
    return [r for r in recipients if can_manage_account(actor=actor, target=targets[r.user.pk])]


def _wants_card(
    recipient: Recipient, *, reissue: bool, qr_login: bool, live_tokens: set[int]
) -> bool:
    if reissue:
        return True
    if qr_login and recipient.user.is_pupil:
        return recipient.user.pk not in live_tokens
    return recipient.user.activated_at is None


@transaction.atomic
def login_cards_issue(
    *,
    commune: Commune,
    classroom: Classroom,
    recipients: list[Recipient],
    issued_by: User,
    new_codes: bool,
    qr_login: bool,
) -> CardBatch:
    """Give codes (new ones if ``new_codes``; else only to those not activated who have none)
    and, for maternelle pupils when ``qr_login``, new QR login tokens; return the cards."""
    changed = []
    for recipient in recipients:
        user = recipient.user
        if new_codes or (user.activated_at is None and not user.activation_code):
            issue_activation_code(user, save=False)
            changed.append(user)
    User.objects.bulk_update(changed, ["activation_code", "password", "activated_at"])
    tokens: dict[int, str] = {}
    if qr_login and classroom.is_maternelle:
        tokens = qr_tokens_issue(
            classroom=classroom,
            pupils=[r.user for r in recipients if r.user.is_pupil],
            actor=issued_by,
        )
    cards = []
    for recipient in recipients:
        user = recipient.user
        token = tokens.get(user.pk)
        url = qr_login_url(commune, token) if token else first_login_url(commune, user.username)
        label = "QR code de connexion" if token else "QR code de la première connexion"
        cards.append(
            LoginCard(
                first_name=user.first_name,
                last_name=user.last_name,
                display_name=user.display_name,
                login=user.username,
                code=user.activation_code,
                classroom=classroom.name,
                school=classroom.school.name,
                qr_url=url,
                qr_svg=qr_svg(url, label=f"{label} {de(user.display_name)}"),
                qr_login=token is not None,
                children=tuple(child.display_name for child in recipient.children),
            )
        )
    return CardBatch(cards=cards, codes_issued=len(changed), qr_tokens_issued=len(tokens))


@transaction.atomic
def classroom_login_cards(
    *,
    actor: Actor,
    issued_by: User,
    commune: Commune,
    classroom: Classroom,
    holders: CardHolders,
    reissue: bool,
    qr_login: bool,
    file_format: str,
    request: HttpRequest | None = None,
) -> CardBatch:
    """The cards of a class (the caller has checked ``can_manage_classroom``).

    ``qr_login`` is for printed cards: a spreadsheet cannot carry the QR codes, so exporting
    codes never replaces a maternelle pupil's QR token.
    """
    qr_login = qr_login and holders == CardHolders.PUPILS and classroom.is_maternelle
    recipients = manageable(actor, class_recipients(classroom=classroom, holders=holders))
    live_tokens: set[int] = set()
    if qr_login:
        live_tokens = set(
            QrLoginToken.objects.filter(
                pupil_id__in=[r.user.pk for r in recipients], revoked_at__isnull=True
            ).values_list("pupil_id", flat=True)
        )
    chosen = [
        r
        for r in recipients
        if _wants_card(r, reissue=reissue, qr_login=qr_login, live_tokens=live_tokens)
    ]
    batch = login_cards_issue(
        commune=commune,
        classroom=classroom,
        recipients=chosen,
        issued_by=issued_by,
        new_codes=reissue,
        qr_login=qr_login,
    )
    record_event(
        action="cards.printed" if file_format == "pdf" else "cards.exported",
        actor=issued_by,
        target=f"{classroom.name} ({classroom.school.name})",
        details={
            "classroom": classroom.pk,
            "audience": str(holders),  # the key the journal has always had
            "format": file_format,
            "reissue": reissue,
            "cards": len(batch.cards),
            "codes_issued": batch.codes_issued,
            "qr_tokens_issued": batch.qr_tokens_issued,
        },
        request=request,
    )
    return batch


def account_recipient(*, classroom: Classroom, user: User) -> Recipient | None:
    """``user`` as a pupil of the class or a parent of one of its pupils; else ``None``."""
    if user.profile == Profile.PUPIL:
        in_class = Enrolment.objects.current().filter(pupil=user, classroom=classroom).exists()
        return Recipient(user=user) if in_class else None
    if user.profile == Profile.PARENT:
        links = Guardianship.objects.filter(
            current_enrolment("child__enrolments"),
            guardian=user,
            child__enrolments__classroom=classroom,
        ).select_related("child")
        children = sorted((link.child for link in links), key=_name_key)
        return Recipient(user=user, children=children) if children else None
    return None


@transaction.atomic
def account_login_card(
    *,
    issued_by: User,
    commune: Commune,
    classroom: Classroom,
    recipient: Recipient,
    new_code: bool,
    request: HttpRequest | None = None,
) -> LoginCard:
    """One person's card, printed again: with a new code (the old code and the password stop
    working) when ``new_code``; else with a new QR login token (a maternelle pupil whose card
    was lost). A maternelle pupil's card always gets a new token: its QR code is on it."""
    user = recipient.user
    batch = login_cards_issue(
        commune=commune,
        classroom=classroom,
        recipients=[recipient],
        issued_by=issued_by,
        new_codes=new_code,
        qr_login=True,
    )
    if new_code:
        record_event(
            action="account.code_reissued", actor=issued_by, target=user.username, request=request
        )
    if batch.qr_tokens_issued:
        record_event(
            action="qrlogin.token_issued", actor=issued_by, target=user.username, request=request
        )
    return batch.cards[0]
