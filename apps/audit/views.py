from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from apps.accounts.permissions import can_view_audit_log
from apps.accounts.selectors import profile_actor
from apps.audit.actions import ACTION_LABELS, action_label, details_text
from apps.audit.selectors import audit_event_page


@never_cache
def journal(request: HttpRequest) -> HttpResponse:
    """The commune's audit log, for its administrators only (404 for anyone else)."""
    user = request.user
    if not user.is_authenticated or not can_view_audit_log(actor=profile_actor(user)):
        raise Http404
    action = request.GET.get("action", "")
    if action not in ACTION_LABELS:
        action = ""
    page = audit_event_page(action=action, page=request.GET.get("page"))
    rows = [
        (event, action_label(event.action), details_text(event.details))
        for event in page.object_list
    ]
    return render(
        request,
        "audit/journal.html",
        {
            "page": page,
            "rows": rows,
            "action": action,
            "action_label": action_label(action) if action else "",
            "actions": sorted(ACTION_LABELS.items(), key=lambda item: item[1]),
        },
    )
