"""The second factor of one's own account: enrol, backup codes, removal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts.models import User
from apps.accounts.permissions import can_enrol_two_factor
from apps.accounts.security import two_factor
from apps.accounts.security.email_change import service_name_for
from apps.accounts.security.forms import EnrolmentCodeForm, SecondFactorForm
from apps.accounts.security.views.common import (
    count_failed_login,
    current_account,
    login_allowed,
    safe_next_url,
    with_next,
)
from apps.accounts.selectors import profile_actor


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Add the authentication application: QR code and secret, then a first code."""
    user = current_account(request)
    if not can_enrol_two_factor(actor=profile_actor(user)):
        raise Http404
    next_url = safe_next_url(request)
    if two_factor.has_confirmed_device(user):
        # Never a second device from a session that has not given a code of the first.
        if two_factor.is_verified(user):
            return redirect("accounts:account")
        return HttpResponseRedirect(with_next(reverse("accounts:two_factor_verify"), next_url))
    device = two_factor.pending_totp_device(user)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.two_factor_enrol_confirm(
            user=user, device=device, code=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            device.refresh_from_db()
            two_factor.mark_session_verified(request, user, device)
            two_factor.keep_fresh_backup_codes(request, codes)
            return HttpResponseRedirect(with_next(reverse("accounts:backup_codes"), next_url))
        form.reject()
    issuer = service_name_for(request)
    uri = two_factor.provisioning_uri(device, issuer=issuer)
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "issuer": issuer,
            # Built by the qrcode library from our own URI: no user-supplied markup.
            "qr_svg": mark_safe(two_factor.qr_code_svg(uri)),  # noqa: S308
            "secret": two_factor.secret_for_display(device),
            "mandatory": two_factor.must_enrol(user),
            "reset_by_admin": two_factor.reenrolment_owed(user),
        },
    )


@never_cache
@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    """The backup codes just generated, shown once."""
    codes = two_factor.take_fresh_backup_codes(request)
    return render(
        request,
        "accounts/backup_codes.html",
        {
            "codes": [two_factor.format_backup_code(code) for code in codes or []],
            "next": safe_next_url(request),
            "left": None if codes else two_factor.backup_codes_left(current_account(request)),
        },
    )


def _reauthenticated(request: HttpRequest, user: User, form: SecondFactorForm) -> bool:
    """A fresh code confirms it is still the account holder at the keyboard."""
    if request.method != "POST" or not form.is_valid():
        return False
    if not login_allowed(request, user.get_username()):
        form.add_error(None, "Trop d'essais infructueux : réessayez plus tard.")
        return False
    device = two_factor.verify_second_factor(
        user,
        totp_code=form.cleaned_data.get("code", ""),
        backup_code=form.cleaned_data.get("backup_code", ""),
    )
    if device is None:
        count_failed_login(request, user.get_username(), "second_factor_reauth")
        form.reject()
        return False
    return True


def _enrolled_and_verified(request: HttpRequest) -> User:
    user = current_account(request)
    if not two_factor.has_confirmed_device(user) or not two_factor.is_verified(user):
        raise Http404
    return user


@never_cache
@csrf_protect
@sensitive_post_parameters("code", "backup_code")
@login_required
def backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = _enrolled_and_verified(request)
    form = SecondFactorForm(request.POST or None)
    if _reauthenticated(request, user, form):
        codes = two_factor.backup_codes_regenerate(user=user, request=request)
        two_factor.keep_fresh_backup_codes(request, codes)
        return redirect("accounts:backup_codes")
    return render(request, "accounts/backup_codes_regenerate.html", {"form": form})


@never_cache
@csrf_protect
@sensitive_post_parameters("code", "backup_code")
@login_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = _enrolled_and_verified(request)
    form = SecondFactorForm(request.POST or None)
    if _reauthenticated(request, user, form):
        two_factor.two_factor_remove(user=user, request=request)
        two_factor.remember_device_state(request, user, has_device=False)
        messages.success(request, "La double authentification est désactivée.")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/two_factor_remove.html",
        {"form": form, "mandatory": user.requires_two_factor},
    )
