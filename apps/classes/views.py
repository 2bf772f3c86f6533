"""The teacher's class pages: the classes, a class's pupils and accounts, login cards.

Every view asks ``can_manage_classroom`` (and ``can_manage_account`` for one account) and
answers 404 alike when the class or account is missing or out of reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.cards.issue import CardHolders, Recipient, account_recipient
from apps.accounts.context import caller, commune_or_404
from apps.accounts.models import User
from apps.accounts.permissions import Actor, can_manage_account
from apps.accounts.security import services as security
from apps.accounts.selectors import actor_for, current_year
from apps.classes import services
from apps.classes.selectors import (
    classroom_managed_by,
    classroom_members,
    classroom_roster,
    classroom_visible_to,
    classrooms_managed_by,
)
from apps.french.formatting import de
from apps.qrlogin.services import qr_token_revoke
from apps.schools.models import Classroom


def _classroom_or_404(request: HttpRequest, classroom_id: int) -> tuple[Actor, Classroom]:
    actor = caller(request).actor
    classroom = classroom_managed_by(actor, classroom_id)
    if classroom is None:
        raise Http404
    return actor, classroom


@dataclass(frozen=True)
class ManagedAccount:
    classroom: Classroom
    recipient: Recipient

    @property
    def user(self) -> User:
        return self.recipient.user


def _account_or_404(request: HttpRequest, classroom_id: int, user_id: int) -> ManagedAccount:
    """A pupil of the class, or a parent of one, whom the user may manage."""
    actor, classroom = _classroom_or_404(request, classroom_id)
    user = User.objects.filter(pk=user_id).first()
    recipient = None if user is None else account_recipient(classroom=classroom, user=user)
    if recipient is None or not can_manage_account(actor=actor, target=actor_for(recipient.user)):
        raise Http404
    return ManagedAccount(classroom=classroom, recipient=recipient)


def _still_here_or_404(account: ManagedAccount) -> None:
    """No new card for an account that has left: it cannot log in any more."""
    if account.user.left_at is not None or not account.user.is_active:
        raise Http404


def _download(file: services.CardsFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


# --- pages ------------------------------------------------------------------------------------


@login_required
@require_GET
def classroom_list(request: HttpRequest) -> HttpResponse:
    actor = caller(request).actor
    if actor.is_pupil and actor.active and actor.class_ids:
        # "Ma classe": a pupil has one class this year.
        return redirect("classes:detail", classroom_id=min(actor.class_ids))
    if not (actor.is_school_staff or actor.is_commune_admin) or not actor.active:
        raise Http404
    return render(
        request,
        "classes/list.html",
        {"classrooms": list(classrooms_managed_by(actor)), "year": current_year()},
    )


@never_cache
@login_required
@require_GET
def classroom_detail(request: HttpRequest, classroom_id: int) -> HttpResponse:
    actor = caller(request).actor
    classroom = classroom_managed_by(actor, classroom_id)
    if classroom is None:
        # A colleague's class, or a pupil's own: who is in it, without the accounts.
        visible = classroom_visible_to(actor, classroom_id)
        if visible is None:
            raise Http404
        return render(
            request,
            "classes/overview.html",
            {"classroom": visible, "members": classroom_members(actor, visible)},
        )
    return render(
        request,
        "classes/detail.html",
        {
            "classroom": classroom,
            "teachers": list(classroom.teachers.all()),
            "roster": classroom_roster(classroom),
        },
    )


# --- login cards ------------------------------------------------------------------------------


class CardsForm(forms.Form):
    audience = forms.ChoiceField(choices=[(a.value, a.value) for a in CardHolders])
    reissue = forms.BooleanField(required=False)
    file_format = forms.ChoiceField(choices=[("pdf", "PDF"), ("csv", "CSV")])


@never_cache
@login_required
@require_POST
def classroom_cards(request: HttpRequest, classroom_id: int) -> HttpResponse:
    """The class's login cards (PDF) or codes (CSV). POST: it may issue codes and QR tokens."""
    actor, classroom = _classroom_or_404(request, classroom_id)
    form = CardsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez pour qui imprimer les cartes et sous quelle forme.")
        return redirect("classes:detail", classroom_id=classroom.pk)
    printed = services.classroom_cards_print(
        actor=actor,
        issued_by=caller(request).user,
        commune=commune_or_404(request),
        classroom=classroom,
        holders=CardHolders(form.cleaned_data["audience"]),
        reissue=form.cleaned_data["reissue"],
        file_format=form.cleaned_data["file_format"],
        request=request,
    )
    if printed is None:
        messages.info(
            request,
            "Aucune carte : tous les comptes sont déjà activés. Cochez « Nouveaux codes » "
            "pour réimprimer des cartes (les anciens codes et mots de passe ne "
            "fonctionneront plus).",
        )
        return redirect("classes:detail", classroom_id=classroom.pk)
    return _download(printed)


# --- one account ------------------------------------------------------------------------------


# Acts that take an account away from its owner (its password, its card, its access) are
# confirmed first: the class page's buttons post without ``CONFIRMED``, and get a page that
# says what will happen, whose button posts again with it.
CONFIRMED = "confirmer"


@dataclass(frozen=True)
class Consequence:
    title: str
    explanation: str
    button: str


def _unless_confirmed(
    request: HttpRequest, account: ManagedAccount, consequence: Consequence
) -> HttpResponse | None:
    if request.POST.get(CONFIRMED) == "oui":
        return None
    return render(
        request,
        "classes/confirm.html",
        {"account": account, "consequence": consequence, "field": CONFIRMED},
    )


@never_cache
@login_required
@require_POST
def account_new_code(request: HttpRequest, classroom_id: int, user_id: int) -> HttpResponse:
    """A new activation code (the password stops working), printed on a new card."""
    account = _account_or_404(request, classroom_id, user_id)
    _still_here_or_404(account)
    name = account.user.display_name
    asked = _unless_confirmed(
        request,
        account,
        Consequence(
            title=f"Nouveau code pour {name}",
            explanation=(
                f"Le mot de passe et l'ancien code {de(name)} ne fonctionneront plus. Une "
                "nouvelle carte de connexion sera imprimée : remettez-la à la personne, qui "
                "choisira un nouveau mot de passe à sa prochaine connexion."
            ),
            button="Donner un nouveau code et imprimer la carte",
        ),
    )
    return asked or _new_card_pdf(request, account, new_code=True)


def _new_card_pdf(request: HttpRequest, account: ManagedAccount, *, new_code: bool) -> HttpResponse:
    """One new login card for one account: a new activation code, or a new QR login link."""
    _still_here_or_404(account)
    return _download(
        services.account_card_print(
            issued_by=caller(request).user,
            commune=commune_or_404(request),
            classroom=account.classroom,
            recipient=account.recipient,
            new_code=new_code,
            request=request,
        )
    )


@login_required
@require_POST
def account_block(request: HttpRequest, classroom_id: int, user_id: int) -> HttpResponse:
    account = _account_or_404(request, classroom_id, user_id)
    name = account.user.display_name
    asked = _unless_confirmed(
        request,
        account,
        Consequence(
            title=f"Bloquer le compte {de(name)}",
            explanation=(
                f"{name} ne pourra plus se connecter tant que le compte n'est pas débloqué. "
                "Rien n'est effacé : le déblocage rend l'accès tel qu'il était."
            ),
            button="Bloquer le compte",
        ),
    )
    if asked:
        return asked
    security.account_block(actor=caller(request).user, user=account.user, request=request)
    messages.success(request, f"Le compte {de(account.user.display_name)} est bloqué.")
    return redirect("classes:detail", classroom_id=account.classroom.pk)


@login_required
@require_POST
def account_unblock(request: HttpRequest, classroom_id: int, user_id: int) -> HttpResponse:
    account = _account_or_404(request, classroom_id, user_id)
    security.account_unblock(actor=caller(request).user, user=account.user, request=request)
    messages.success(request, f"Le compte {de(account.user.display_name)} est débloqué.")
    return redirect("classes:detail", classroom_id=account.classroom.pk)


def _maternelle_pupil_or_404(
    request: HttpRequest, classroom_id: int, user_id: int
) -> ManagedAccount:
    account = _account_or_404(request, classroom_id, user_id)
    if not (account.classroom.is_maternelle and account.user.is_pupil):
        raise Http404
    return account


@never_cache
@login_required
@require_POST
def qr_token_renew(request: HttpRequest, classroom_id: int, user_id: int) -> HttpResponse:
    """A new QR code (the old one stops working at once), printed on a new card."""
    account = _maternelle_pupil_or_404(request, classroom_id, user_id)
    _still_here_or_404(account)
    name = account.user.display_name
    asked = _unless_confirmed(
        request,
        account,
        Consequence(
            title=f"Nouveau QR code pour {name}",
            explanation=(
                f"Le QR code de la carte actuelle {de(name)} cessera aussitôt de fonctionner. "
                "Une nouvelle carte sera imprimée."
            ),
            button="Remplacer le QR code et imprimer la carte",
        ),
    )
    return asked or _new_card_pdf(request, account, new_code=False)


@login_required
@require_POST
def qr_token_revoke_view(request: HttpRequest, classroom_id: int, user_id: int) -> HttpResponse:
    account = _maternelle_pupil_or_404(request, classroom_id, user_id)
    name = account.user.display_name
    asked = _unless_confirmed(
        request,
        account,
        Consequence(
            title=f"Révoquer le QR code {de(name)}",
            explanation=(
                f"La carte {de(name)} ne permettra plus de se connecter ; il faudra en "
                "imprimer une nouvelle."
            ),
            button="Révoquer le QR code",
        ),
    )
    if asked:
        return asked
    if qr_token_revoke(actor=caller(request).user, pupil=account.user, request=request):
        messages.success(request, f"Le QR code {de(account.user.display_name)} ne fonctionne plus.")
    else:
        messages.info(request, f"{account.user.display_name} n'avait pas de QR code actif.")
    return redirect("classes:detail", classroom_id=account.classroom.pk)
