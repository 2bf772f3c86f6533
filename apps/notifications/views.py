"""The feed page: what is new, open one (marks it read), mark all read, e-mail digest choice.

Someone else's notification answers 404 like a missing one, and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.context import caller
from apps.accounts.permissions import may_send_external_email
from apps.accounts.selectors import profile_actor
from apps.notifications import services
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.selectors import feed_page, unread_count


@never_cache
@login_required
@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    user = caller(request).user
    preference = NotificationPreference.objects.filter(user=user).first()
    page = feed_page(user, request.GET.get("page"))
    return render(
        request,
        "notifications/feed.html",
        {
            "page": page,
            "unread": unread_count(user),
            "may_email": may_send_external_email(actor=profile_actor(user)) and bool(user.email),
            "email_digest": bool(preference and preference.email_digest),
        },
    )


@login_required
@require_POST
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    user = caller(request).user
    if not services.notification_mark_read(user=user, notification_id=notification_id):
        raise Http404
    url = Notification.objects.get(pk=notification_id).url
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return redirect("notifications:feed")
    return redirect(url)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=caller(request).user)
    return redirect("notifications:feed")


@login_required
@require_POST
def email_digest(request: HttpRequest) -> HttpResponse:
    try:
        services.preference_set_email_digest(
            user=caller(request).user, enabled=request.POST.get("email_digest") == "on"
        )
    except services.NotificationError as error:
        raise Http404 from error
    messages.success(request, "Votre choix est enregistré.")
    return redirect("notifications:feed")
