"""Nightly account lifecycle: deactivate the year's leavers, purge those kept long enough.

``lifecycle_all_communes`` runs in the public schema (Celery beat, see
``CELERY_BEAT_SCHEDULE``) and queues ``account_lifecycle`` once per live commune, inside
that commune's ``schema_context``: tenant-schemas-celery records the schema with the message
and the worker runs the task there. The template schema has no Commune row, and the
per-commune tasks refuse to run anywhere but in a commune's schema.

``send_password_reset`` sends the mail asked for on the "mot de passe oublié" page, out of
the request (the page's answer must not depend on whether an account has the address).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import get_urlconf, reverse, set_urlconf
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts import lifecycle
from apps.accounts.security.forms import AdultPasswordResetForm
from config.celery import app
from tenants.db import current_schema
from tenants.tasks import commune_task, for_each_live_commune

log = logging.getLogger(__name__)


@commune_task("accounts.deactivate_leavers")
def deactivate_leavers() -> dict[str, Any]:
    """This commune's pupils who left at the end of the school year lose their access."""
    result = lifecycle.leavers_deactivate()
    log.info("leavers deactivated: %d pupils, %d parents", result.pupils, result.parents)
    return {"schema": current_schema(), **asdict(result)}


@commune_task("accounts.purge_leavers")
def purge_leavers() -> dict[str, Any]:
    """This commune's accounts that left more than ENT_LEAVER_RETENTION_DAYS ago are deleted."""
    result = lifecycle.leavers_purge()
    log.info("leavers purged: %d accounts", result.accounts)
    return {"schema": current_schema(), **asdict(result)}


@app.task(name="accounts.account_lifecycle")
def account_lifecycle() -> dict[str, Any]:
    """Both steps for one commune, in order (queued by the nightly fan-out); each step is a
    guarded commune task, which says for itself that it was skipped."""
    return {
        "schema": current_schema(),
        "deactivated": deactivate_leavers(),
        "purged": purge_leavers(),
    }


@app.task(name="accounts.lifecycle_all_communes")
def lifecycle_all_communes() -> list[str]:
    """Queue ``account_lifecycle`` in every live commune's schema; returns those schemas."""
    return for_each_live_commune(account_lifecycle)


# How every mail task retries: an SMTP server that is down or refuses for a while gets five
# more tries, a minute apart and then more (the tasks are idempotent: a mail goes once).
MAIL_RETRIES: dict[str, Any] = {
    "autoretry_for": (OSError, smtplib.SMTPException),
    "retry_backoff": 60,
    "max_retries": 5,
}

RESET_MAIL_BODY_TEMPLATE = "accounts/password_reset_email.txt"
RESET_MAIL_SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"


@app.task(
    name="accounts.send_password_reset",
    **MAIL_RETRIES,
)
def send_password_reset(
    *,
    schema_name: str,
    email: str,
    domain: str,
    use_https: bool,
    service_name: str,
    request_id: str,
) -> int:
    """Mail a reset link to each adult account of ``schema_name`` that has ``email`` (none:
    nothing is sent). Returns the number of mails sent.

    Idempotent: a request (``request_id``) is mailed at most once, however many times the
    task is delivered; a failed send is forgotten, so that the retry sends it.
    """
    with schema_context(schema_name):
        sent_key = f"password-reset-mail:{request_id}"
        if not cache.add(sent_key, 1, timeout=settings.PASSWORD_RESET_TIMEOUT):
            log.info("password reset mail already sent for this request: skipped")
            return 0
        # Links are reversed as the page that was asked would (the groupement's own URLs on
        # the base domain).
        previous_urlconf = get_urlconf()
        if schema_name == get_public_schema_name():
            set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
        try:
            return _password_reset_mails_send(
                email=email, domain=domain, use_https=use_https, service_name=service_name
            )
        except Exception:
            cache.delete(sent_key)
            raise
        finally:
            set_urlconf(previous_urlconf)


def _password_reset_mails_send(
    *, email: str, domain: str, use_https: bool, service_name: str
) -> int:
    form = AdultPasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    sent = 0
    # Not form.save(): Django's sending swallows SMTP errors, which the retry needs to see.
    for user in form.get_users(form.cleaned_data["email"]):
        context = {
            "email": getattr(user, user.get_email_field_name()),
            "domain": domain,
            "site_name": domain,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": "https" if use_https else "http",
            "service_name": service_name,
        }
        subject = "".join(render_to_string(RESET_MAIL_SUBJECT_TEMPLATE, context).splitlines())
        body = render_to_string(RESET_MAIL_BODY_TEMPLATE, context)
        send_mail(subject, body, None, [context["email"]])
        sent += 1
    return sent


# --- one's own e-mail address (apps.accounts.security.email_change) ---------------------------

EMAIL_CONFIRM_BODY_TEMPLATE = "accounts/email_confirm_mail.txt"
EMAIL_CONFIRM_SUBJECT_TEMPLATE = "accounts/email_confirm_subject.txt"
EMAIL_NOTICE_BODY_TEMPLATE = "accounts/email_notice_mail.txt"
EMAIL_NOTICE_SUBJECT_TEMPLATE = "accounts/email_notice_subject.txt"


def _mail_once(*, schema_name: str, sent_key: str, timeout: int, send: Callable[[], int]) -> int:
    """``send()`` in ``schema_name``, at most once per ``sent_key`` however many times the
    task is delivered; a failed send is forgotten, so that the retry sends it. Links are
    reversed as the page that asked would (the groupement's own URLs on the base domain)."""
    with schema_context(schema_name):
        if not cache.add(sent_key, 1, timeout=timeout):
            log.info("e-mail address mail already sent for this request: skipped")
            return 0
        previous_urlconf = get_urlconf()
        if schema_name == get_public_schema_name():
            set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
        try:
            return send()
        except Exception:
            cache.delete(sent_key)
            raise
        finally:
            set_urlconf(previous_urlconf)


def _mail_render(
    subject_template: str, body_template: str, context: dict[str, Any], to: str
) -> int:
    subject = "".join(render_to_string(subject_template, context).splitlines())
    body = render_to_string(body_template, context)
    # Not fail_silently: the retry needs to see SMTP errors.
    send_mail(subject, body, None, [to])
    return 1


@app.task(
    name="accounts.send_email_change_confirmation",
    **MAIL_RETRIES,
)
def send_email_change_confirmation(
    *,
    schema_name: str,
    user_id: int,
    email: str,
    domain: str,
    use_https: bool,
    service_name: str,
    request_id: str,
) -> int:
    """Mail the link that confirms ``email`` as the address of account ``user_id`` to that
    address. The link is made here, so that it never travels through the broker. Returns
    the number of mails sent (none when the account can no longer have an address)."""
    # email_change queues this task: imported here, not at the top.
    from apps.accounts.models import User
    from apps.accounts.security import email_change

    def send() -> int:
        user = User.objects.filter(pk=user_id).first()
        if user is None or not user.is_active or user.is_blocked:
            return 0
        if not email_change.may_have_address(user):
            return 0
        token = email_change.confirmation_token(user, email)
        path = reverse("accounts:email_change_confirm", kwargs={"token": token})
        context = {
            "user": user,
            "email": email,
            "link": f"{'https' if use_https else 'http'}://{domain}{path}",
            "hours": email_change.LINK_HOURS,
            "service_name": service_name,
        }
        return _mail_render(
            EMAIL_CONFIRM_SUBJECT_TEMPLATE, EMAIL_CONFIRM_BODY_TEMPLATE, context, email
        )

    return _mail_once(
        schema_name=schema_name,
        sent_key=f"email-change-confirmation:{request_id}",
        timeout=email_change.LINK_MAX_AGE,
        send=send,
    )


@app.task(
    name="accounts.send_email_change_notice",
    **MAIL_RETRIES,
)
def send_email_change_notice(
    *,
    schema_name: str,
    user_id: int,
    email: str,
    removed: bool,
    service_name: str,
    request_id: str,
) -> int:
    """Tell ``email``, the previous address of account ``user_id``, that the account's address
    was changed (or removed). Returns the number of mails sent."""
    from apps.accounts.models import User
    from apps.accounts.security import email_change

    def send() -> int:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return 0
        context = {"user": user, "removed": removed, "service_name": service_name}
        return _mail_render(
            EMAIL_NOTICE_SUBJECT_TEMPLATE, EMAIL_NOTICE_BODY_TEMPLATE, context, email
        )

    return _mail_once(
        schema_name=schema_name,
        sent_key=f"email-change-notice:{request_id}",
        timeout=email_change.LINK_MAX_AGE,
        send=send,
    )
