"""Logins, failures and logouts land in the audit log, whatever view performed them.

Connected in ``AuditConfig.ready``. Failures carry the username that was typed (never the
password: Django masks it) and the stage that failed (password, second factor, activation
code).
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.audit.services import record_event


@receiver(user_logged_in, dispatch_uid="audit_login_success")
def _login_success(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_event(action="login.success", actor=user, target=user.get_username(), request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failure")
def _login_failure(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    record_event(
        action="login.failure",
        target=username,
        details={"stage": str(credentials.get("stage") or "password")},
        request=request,
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(action="logout", actor=user, target=user.get_username(), request=request)


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender: Any, request: Any, username: Any = None, **kwargs: Any) -> None:
    record_event(action="login.locked_out", target=str(username or ""), request=request)
