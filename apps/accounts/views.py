"""Account pages outside the login flow (the login side lives in ``apps.accounts.security``)."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from apps.accounts.models import User
from apps.accounts.security.forms import FrenchSetPasswordForm
from apps.accounts.security.services import account_activate
from apps.accounts.security.views import LoginView, LogoutView

__all__ = ["LoginView", "LogoutView", "activate"]


@never_cache
@csrf_protect
@sensitive_post_parameters("new_password1", "new_password2")
def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """First login of an account created without a password (one-time link): choose one."""
    user = None
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or user.blocked_at is not None:
        return render(request, "accounts/activation_invalid.html", status=404)
    if not default_token_generator.check_token(user, token):
        return render(request, "accounts/activation_invalid.html", status=404)
    form = FrenchSetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_activate(user=user, password=form.cleaned_data["new_password1"], request=request)
        return redirect("accounts:login")
    return render(request, "accounts/activate.html", {"form": form, "account": user})
