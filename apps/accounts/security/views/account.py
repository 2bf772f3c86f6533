"""The account page and passwords (change, reset by e-mail for adults)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache

from apps.accounts.passwords import password_rules_for
from apps.accounts.permissions import can_enrol_two_factor
from apps.accounts.security import services, two_factor
from apps.accounts.security.forms import (
    FrenchPasswordChangeForm,
    FrenchSetPasswordForm,
)
from apps.accounts.security.views.common import current_account
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
        },
    )


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
