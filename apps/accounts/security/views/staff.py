"""Staff acting on other accounts: unlocking and new passwords for pupils, blocking, and
the reset of a lost second factor by the commune administrator."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import Profile, User
from apps.accounts.permissions import can_erase_person, can_manage_account, can_unlock_account
from apps.accounts.security import services, two_factor
from apps.accounts.security.forms import PupilPasswordForm
from apps.accounts.security.rules import can_reset_second_factor
from apps.accounts.security.views.common import current_account
from apps.accounts.selectors import actors_for
from apps.french.formatting import de


def _pupil_or_404(request: HttpRequest, pupil_id: int) -> User:
    pupil = User.objects.filter(pk=pupil_id, profile=Profile.PUPIL).first()
    if pupil is None or not _allowed(can_unlock_account, current_account(request), pupil):
        raise Http404
    return pupil


def _allowed(rule: Callable[..., bool], actor: User, target: User) -> bool:
    actors = actors_for([actor, target])
    return rule(actor=actors[actor.pk], target=actors[target.pk])


@never_cache
@csrf_protect
@sensitive_post_parameters("new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def pupil_access(request: HttpRequest, pupil_id: int) -> HttpResponse:
    """A pupil's login: unlock after failed attempts, or choose a new password."""
    pupil = _pupil_or_404(request, pupil_id)
    actor = current_account(request)
    action = request.POST.get("action") if request.method == "POST" else None
    password_form = PupilPasswordForm(pupil, request.POST if action == "password" else None)
    if action == "unlock":
        services.login_unlock(actor=actor, user=pupil, request=request)
        messages.success(request, f"Le compte {de(pupil.display_name)} est débloqué.")
        return redirect("account_admin:pupil_access", pupil_id=pupil.pk)
    if action == "password" and password_form.is_valid():
        services.pupil_password_set(
            actor=actor,
            pupil=pupil,
            password=password_form.cleaned_data["new_password1"],
            request=request,
        )
        messages.success(request, f"Le mot de passe {de(pupil.display_name)} est changé.")
        return redirect("account_admin:pupil_access", pupil_id=pupil.pk)
    return render(
        request,
        "accounts/pupil_access.html",
        {
            "pupil": pupil,
            "locked": services.login_lockout_active(pupil),
            "password_form": password_form,
        },
    )


@never_cache
@csrf_protect
@login_required
@require_http_methods(["GET", "POST"])
def account_blocking(request: HttpRequest, user_id: int) -> HttpResponse:
    """Block (or unblock) an account: whoever manages it (apps.accounts.permissions)."""
    target = User.objects.filter(pk=user_id).first()
    actor = current_account(request)
    if target is None or not _allowed(can_manage_account, actor, target):
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "block":
            services.account_block(actor=actor, user=target, request=request)
            messages.success(request, f"Le compte {target.username} est bloqué.")
        elif request.POST.get("action") == "unblock":
            services.account_unblock(actor=actor, user=target, request=request)
            messages.success(request, f"Le compte {target.username} est débloqué.")
        return redirect("account_admin:blocking", user_id=target.pk)
    can_reset = _allowed(can_reset_second_factor, actor, target)
    return render(
        request,
        "accounts/account_blocking.html",
        {
            "target": target,
            "can_reset_two_factor": can_reset,
            "target_enrolled": can_reset and two_factor.has_confirmed_device(target),
            "target_must_reenrol": can_reset and two_factor.reenrolment_owed(target),
            "can_erase": _allowed(can_erase_person, actor, target),
        },
    )


@never_cache
@csrf_protect
@login_required
@require_POST
def two_factor_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    """A person lost their second factor: the commune administrator resets it, from the
    person's account page; the person enrols again at their next login."""
    target = User.objects.filter(pk=user_id).first()
    actor = current_account(request)
    if target is None or not _allowed(can_reset_second_factor, actor, target):
        raise Http404
    if two_factor.two_factor_reset_by_admin(actor=actor, user=target, request=request):
        messages.success(
            request,
            f"La double authentification {de(target.display_name)} est réinitialisée : à sa "
            "prochaine connexion, cette personne devra enregistrer de nouveau son application.",
        )
    else:
        messages.info(
            request, f"{target.display_name} n'a pas de double authentification à réinitialiser."
        )
    return redirect("account_admin:blocking", user_id=target.pk)
