"""Pages of the login side: password, second factor, first login, passwords, unlocking."""

from apps.accounts.security.views.account import (
    PasswordChangeDoneView,
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    account,
)
from apps.accounts.security.views.common import locked_out
from apps.accounts.security.views.devices import (
    backup_codes,
    backup_codes_regenerate,
    two_factor_enrol,
    two_factor_remove,
)
from apps.accounts.security.views.login import LoginView, LogoutView, first_login, two_factor_verify
from apps.accounts.security.views.password_reset import PasswordResetView
from apps.accounts.security.views.staff import account_blocking, pupil_access, two_factor_reset

__all__ = [
    "LoginView",
    "LogoutView",
    "PasswordChangeDoneView",
    "PasswordChangeView",
    "PasswordResetCompleteView",
    "PasswordResetConfirmView",
    "PasswordResetDoneView",
    "PasswordResetView",
    "account",
    "account_blocking",
    "backup_codes",
    "backup_codes_regenerate",
    "first_login",
    "locked_out",
    "pupil_access",
    "two_factor_enrol",
    "two_factor_remove",
    "two_factor_reset",
    "two_factor_verify",
]
