"""Asking for a new password by e-mail: the page answers before anything is looked up.

The mail is sent by a Celery task (``accounts.send_password_reset``), which is also where
the account is looked for: the answer, and the time it takes, are the same whether or not an
account has that address. Requests are rate limited per address and per e-mail address.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from apps.accounts.security import ratelimit
from apps.accounts.security.forms import AdultPasswordResetForm
from apps.accounts.tasks import send_password_reset
from apps.outbox.queue import queue_task
from tenants.db import current_schema

log = logging.getLogger("ent.security")


@method_decorator(ratelimit.reset_rate_limited_by_address, name="dispatch")
@method_decorator(ratelimit.reset_rate_limited_by_email, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = AdultPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        commune = getattr(self.request, "commune", None)
        # A broker outage keeps the task in the outbox, sent once the broker is back: the
        # same answer either way (apps/outbox/queue.py).
        queue_task(
            send_password_reset,
            schema_name=current_schema(),
            email=form.cleaned_data["email"],
            domain=self.request.get_host(),
            use_https=self.request.is_secure(),
            service_name=f"ENT {commune.name}" if commune is not None else "ENT Groupement",
            request_id=uuid.uuid4().hex,
        )
        return HttpResponseRedirect(self.get_success_url())
