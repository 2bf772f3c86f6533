from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from apps.accounts.permissions import can_view_audit_log
from apps.accounts.selectors import profile_actor
from apps.audit.actions import ACTION_LABELS, action_label, details_text
from apps.audit.selectors import audit_event_page


def journal_context(request: HttpRequest) -> dict[str, Any]:
    """The page of the current schema's log that ``request`` asks for (filter, page).

    The caller has checked who may read it: a commune's administrators on its host, the
    groupement's coordinators on the base domain (``tenants.dashboard``)."""
    action = request.GET.get("action", "")
    if action not in ACTION_LABELS:
        action = ""
    page = audit_event_page(action=action, page=request.GET.get("page"))
    rows = [
        (event, action_label(event.action), details_text(event.details))
        for event in page.object_list
    ]
    return {
        "page": page,
        "rows": rows,
        "action": action,
        "action_label": action_label(action) if action else "",
        "actions": sorted(ACTION_LABELS.items(), key=lambda item: item[1]),
    }


@never_cache
def journal(request: HttpRequest) -> HttpResponse:
    """The commune's audit log, for its administrators only (404 for anyone else)."""
    user = request.user
    if not user.is_authenticated or not can_view_audit_log(actor=profile_actor(user)):
        raise Http404
    return render(request, "audit/journal.html", journal_context(request))
