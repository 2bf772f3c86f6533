"""The account page, one's e-mail address, and passwords (change, reset by e-mail for adults)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts.models import User
from apps.accounts.passwords import password_rules_for
from apps.accounts.permissions import can_enrol_two_factor
from apps.accounts.security import email_change, ratelimit, services, two_factor
from apps.accounts.security.forms import (
    EmailChangeForm,
    EmailRemoveForm,
    FrenchPasswordChangeForm,
    FrenchSetPasswordForm,
)
from apps.accounts.security.views.common import count_failed_login, current_account, login_allowed
from apps.accounts.selectors import profile_actor


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = current_account(request)
    can_enrol = can_enrol_two_factor(actor=profile_actor(user))
    enrolled = can_enrol and two_factor.has_confirmed_device(user)
    return render(
        request,
        "accounts/account.html",
        {
            "account": user,
            "can_enrol": can_enrol,
            "enrolled": enrolled,
            "backup_left": two_factor.backup_codes_left(user) if enrolled else 0,
            "may_have_address": email_change.may_have_address(user),
            "may_remove_address": email_change.may_remove_address(user),
        },
    )


# --- one's e-mail address -------------------------------------------------------------------

EMAIL_RATE_MESSAGE = (
    "Trop de demandes de changement d'adresse électronique. Par sécurité, les demandes sont "
    "suspendues pour un moment."
)


def _account_key(request: HttpRequest) -> str | None:
    return f"account:{request.user.pk}" if request.user.is_authenticated else None


# Each request may mail a link to an address the person typed, and checks a password.
email_rate_limited = ratelimit.rate_limited(
    email_change.EMAIL_CHANGE_RATE, _account_key, EMAIL_RATE_MESSAGE, login_help=False
)


def _adult(request: HttpRequest) -> User:
    user = current_account(request)
    if not email_change.may_have_address(user):
        raise Http404
    return user


def _password_confirmed(
    request: HttpRequest, user: User, form: EmailChangeForm | EmailRemoveForm
) -> bool:
    """A valid POST whose current password confirms it is still the account holder at the
    keyboard; a wrong password counts as a failed login (django-axes)."""
    if request.method != "POST" or not form.is_valid():
        return False
    username = user.get_username()
    if not login_allowed(request, username):
        form.reject_password("Trop d'essais infructueux : réessayez plus tard.")
        return False
    if not user.check_password(form.cleaned_data["password"]):
        count_failed_login(request, username, "password_reauth")
        form.reject_password()
        return False
    return True


@never_cache
@csrf_protect
@sensitive_post_parameters("password")
@login_required
@email_rate_limited
def email_address(request: HttpRequest) -> HttpResponse:
    """Add or change one's address: a link is mailed to the new one, nothing changes yet."""
    user = _adult(request)
    form = EmailChangeForm(user, request.POST or None)
    if _password_confirmed(request, user, form):
        email = form.cleaned_data["email"]
        try:
            email_change.email_change_request(user=user, email=email, request=request)
        except email_change.EmailChangeRefused as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(
                request,
                f"Un lien de confirmation a été envoyé à {email}. Ouvrez-le dans les "
                f"{email_change.LINK_HOURS} heures : l'adresse de votre compte "
                "changera à ce moment-là, pas avant.",
            )
            return redirect("accounts:account")
    return render(
        request,
        "accounts/email_address.html",
        {"form": form, "account": user, "hours": email_change.LINK_HOURS},
    )


@never_cache
@csrf_protect
@login_required
def email_address_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the mail: shows the new address, a button confirms it (opening a link,
    which mail scanners do, changes nothing)."""
    user = _adult(request)
    try:
        change = email_change.pending_change(user=user, token=token)
        if request.method == "POST":
            email = email_change.email_change_confirm(user=user, token=token, request=request)
            messages.success(request, f"L'adresse de votre compte est désormais {email}.")
            return redirect("accounts:account")
    except email_change.EmailChangeRefused as refusal:
        return render(
            request, "accounts/email_confirm_invalid.html", {"message": refusal.message}, status=400
        )
    return render(request, "accounts/email_confirm.html", {"email": change.email, "account": user})


@never_cache
@csrf_protect
@sensitive_post_parameters("password")
@login_required
@email_rate_limited
def email_address_remove(request: HttpRequest) -> HttpResponse:
    """Parents may do without an address (no digest, no reset by e-mail)."""
    user = _adult(request)
    if not email_change.may_remove_address(user):
        raise Http404
    form = EmailRemoveForm(request.POST or None)
    if _password_confirmed(request, user, form):
        try:
            email_change.email_remove(user=user, request=request)
        except email_change.EmailChangeRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "L'adresse électronique de votre compte est retirée.")
            return redirect("accounts:account")
    return render(request, "accounts/email_remove.html", {"form": form, "account": user})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    form_class = FrenchPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed_record(user=form.user, request=self.request)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rules"] = password_rules_for(self.request.user)
        return context


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = FrenchSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.password_reset_record(user=form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
