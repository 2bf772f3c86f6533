"""Logging in: password, then a code when the account has a second factor; first login
with the activation code of the login card.

Failed codes (second factor, activation code) count as failed logins for django-axes, by
username and address together, like failed passwords. On top of axes, the POSTs of these
pages are throttled per address and failures per username from any address
(``apps.accounts.security.ratelimit``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts.models import User
from apps.accounts.security import ratelimit, services, two_factor
from apps.accounts.security.forms import FirstLoginForm, LoginForm, SecondFactorForm
from apps.accounts.security.views.common import (
    BACKEND,
    count_failed_login,
    current_account,
    locked_out,
    login_allowed,
    safe_next_url,
    with_next,
)


@method_decorator(ratelimit.login_rate_limited, name="dispatch")
class LoginView(auth_views.LoginView):
    """Password step. Accounts with a second factor continue to the code step."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))
        if username.strip():
            refusal = ratelimit.login_account_refusal(request, username)
            if refusal is not None:
                return refusal
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        # Both fields given and refused: a guess (an empty field is only a slip).
        username = str(form.data.get("username", ""))
        if username.strip() and form.data.get("password"):
            ratelimit.login_failure_record(self.request, username)
        return super().form_invalid(form)

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        auth_login(self.request, user)
        has_device = two_factor.has_confirmed_device(user)
        enrol = not has_device and two_factor.must_enrol(user)
        two_factor.remember_device_state(self.request, user, has_device=has_device or enrol)
        next_url = self.get_success_url()
        if has_device:
            return HttpResponseRedirect(with_next(reverse("accounts:two_factor_verify"), next_url))
        if enrol:
            return HttpResponseRedirect(with_next(reverse("accounts:two_factor_enrol"), next_url))
        return HttpResponseRedirect(next_url)


class LogoutView(auth_views.LogoutView):
    pass


@never_cache
@csrf_protect
@sensitive_post_parameters("code", "backup_code")
@login_required
@ratelimit.login_rate_limited
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Second step of the login: a code of the application, or a backup code."""
    user = current_account(request)
    next_url = safe_next_url(request)
    if two_factor.is_verified(user):
        return HttpResponseRedirect(next_url)
    if not two_factor.has_confirmed_device(user):
        if two_factor.must_enrol(user):
            return HttpResponseRedirect(with_next(reverse("accounts:two_factor_enrol"), next_url))
        return HttpResponseRedirect(next_url)
    username = user.get_username()
    if not login_allowed(request, username):
        auth_logout(request)
        return locked_out(request)
    refusal = ratelimit.login_account_refusal(request, username)
    if refusal is not None:
        auth_logout(request)
        return refusal
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_second_factor(
            user,
            totp_code=form.cleaned_data.get("code", ""),
            backup_code=form.cleaned_data.get("backup_code", ""),
        )
        if device is not None:
            two_factor.session_verify(
                request=request,
                user=user,
                device=device,
                with_backup_code=bool(form.cleaned_data.get("backup_code")),
            )
            return HttpResponseRedirect(next_url)
        count_failed_login(request, username, "second_factor")
        ratelimit.login_failure_record(request, username)
        form.reject()
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@csrf_protect
@sensitive_post_parameters("activation_code", "new_password1", "new_password2")
@ratelimit.login_rate_limited
def first_login(request: HttpRequest) -> HttpResponse:
    """Login + activation code from the card, then a password of one's own."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    # The QR code on a login card opens this page with the login filled in.
    form = FirstLoginForm(
        request.POST or None, initial={"username": request.GET.get("identifiant", "")[:150]}
    )
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        if not login_allowed(request, username):
            return locked_out(request)
        refusal = ratelimit.login_account_refusal(request, username)
        if refusal is not None:
            return refusal
        candidate = (
            User.objects.filter(username=username, is_active=True, blocked_at__isnull=True)
            .exclude(activation_code="")
            .first()
        )
        code = form.cleaned_data["activation_code"]
        if candidate is None or not services.activation_code_matches(candidate, code):
            count_failed_login(request, username, "activation_code")
            ratelimit.login_failure_record(request, username)
            form.credentials_rejected()
        elif form.check_password_for(candidate):
            user = services.account_activate(
                user=candidate, password=form.cleaned_data["new_password1"], request=request
            )
            auth_login(request, user, backend=BACKEND)
            two_factor.remember_device_state(request, user, has_device=False)
            if user.requires_two_factor:
                return redirect("accounts:two_factor_enrol")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/first_login.html", {"form": form})
