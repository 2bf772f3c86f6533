"""The rooms' pages. Everything a connection does can be done by a plain form too (write,
delete, release, mute, report, open, close): the page is right at each reload, and usable
without JavaScript; the script (``static/js/chat.js``) makes it live."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.accounts.context import Caller, active_caller
from apps.chat import rules, selectors, services
from apps.chat.models import MAX_POST_LENGTH, Room, Weekday
from apps.chat.rendering import audience_of, post_html
from apps.live.topics import MAX_WATCHED
from apps.numbers import whole_number


@never_cache
@login_required
def rooms_page(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    services.rooms_ensure(me.actor)
    lines = selectors.room_lines(me.actor)
    if me.actor.is_pupil and len(lines) == 1:
        # A pupil has their class's room only: the tile opens it, one click from home.
        return redirect("chat:room", room_id=lines[0].room.pk)
    return render(
        request,
        "chat/rooms.html",
        {
            "lines": lines,
            "is_pupil": me.actor.is_pupil,
            "reports": selectors.report_count(me.actor),
            "referent": me.actor.is_commune_admin or bool(me.actor.directed_school_ids),
        },
    )


def _room_or_404(request: HttpRequest, room_id: int) -> tuple[Caller, Room, str]:
    me = active_caller(request)
    found = selectors.room_of(me.actor, room_id)
    if found is None:
        raise Http404
    room, role = found
    return me, room, role


ACTIONS = {
    "ecrire": "post",
    "supprimer": "delete",
    "publier": "release",
    "couper": "mute",
    "ouvrir": "open",
    "fermer": "close",
}


def _act(me: Caller, room: Room, what: str, request: HttpRequest) -> str:
    """The form's action; returns the sentence of success."""
    actor = me.actor
    number = whole_number(request.POST.get("number")) or 0
    if what == "post":
        services.post_write(actor=actor, room=room, body=request.POST.get("body", ""))
        return ""
    if what == "delete":
        services.post_delete(actor=actor, room=room, number=number)
        return "Message supprimé."
    if what == "release":
        services.post_release(actor=actor, room=room, number=number)
        return "Message publié pour la classe."
    if what == "mute":
        user = whole_number(request.POST.get("user")) or 0
        services.pupil_mute(actor=actor, room=room, user_id=user)
        return "Cet élève n'écrit plus pendant cette séance."
    # Opened or closed: the room's status line says so (no second sentence).
    if what == "open":
        services.room_open(actor=actor, room=room)
        return ""
    services.room_close(actor=actor, room=room)
    return ""


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def room_page(request: HttpRequest, room_id: int) -> HttpResponse:
    me, room, role = _room_or_404(request, room_id)
    actor = me.actor
    if request.method == "POST":
        what = ACTIONS.get(request.POST.get("action", ""))
        if what is None:
            raise Http404
        try:
            done = _act(me, room, what, request)
            if done:
                messages.success(request, done)
        except services.ChatError as error:
            messages.error(request, str(error))
        return redirect("chat:room", room_id=room_id)
    standing = selectors.standing_in(actor, room, role)
    version = selectors.room_version(room)
    before = whole_number(request.GET.get("avant"))
    posts = selectors.history(room, actor, role, before)
    moderator = role == rules.MODERATOR
    token = get_token(request)
    shown = [
        post_html(
            p, audience_of(moderator=moderator, mine=p.author_id == actor.id), csrf_token=token
        )
        for p in posts
    ]
    return render(
        request,
        "chat/room.html",
        {
            "room": room,
            "standing": standing,
            "moderator": moderator,
            "posts": [html for html in shown if html is not None],
            "older": posts[0].number if len(posts) == selectors.HISTORY_PAGE else None,
            "paged": before is not None,
            "version": version,
            "max_length": MAX_POST_LENGTH,
            "is_pupil": actor.is_pupil,
            "max_watched": MAX_WATCHED,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def report_post_page(request: HttpRequest, room_id: int, number: int) -> HttpResponse:
    """The "Signaler" page: a post of the room to its referents (the school's direction, the commune
    administrator), with a reason if one wishes. A page of its own, linked from each post:
    one form on the page that asks for it, none repeated in every post."""
    me, room, role = _room_or_404(request, room_id)
    post = selectors.reportable(room, number)
    if post is None or post.author_id == me.actor.id:
        raise Http404
    if request.method == "POST":
        try:
            services.post_report(
                actor=me.actor, room=room, number=number, reason=request.POST.get("reason", "")
            )
        except services.ChatError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Merci : le message est signalé à la direction de l'école.")
        return redirect("chat:room", room_id=room_id)
    return render(
        request,
        "chat/report.html",
        {
            "room": room,
            "post": selectors.post_view(post),
            "is_pupil": me.actor.is_pupil,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def schedule_page(request: HttpRequest, room_id: int) -> HttpResponse:
    me, room, role = _room_or_404(request, room_id)
    if role != rules.MODERATOR:
        raise Http404
    actor = me.actor
    if request.method == "POST":
        try:
            if request.POST.get("action") == "retirer":
                services.slot_delete(
                    actor=actor,
                    room=room,
                    slot_id=whole_number(request.POST.get("slot")) or 0,
                )
                messages.success(request, "Créneau retiré.")
            else:
                services.slot_add(
                    actor=actor,
                    room=room,
                    weekday=_weekday(request.POST.get("weekday")),
                    starts=_time(request.POST.get("starts")),
                    ends=_time(request.POST.get("ends")),
                )
                messages.success(request, "Créneau ajouté.")
        except services.ChatError as error:
            messages.error(request, str(error))
        return redirect("chat:schedule", room_id=room_id)
    return render(
        request,
        "chat/schedule.html",
        {
            "room": room,
            "slots": list(room.slots.all()),
            "weekdays": Weekday.choices[:5],
        },
    )


def _weekday(value: str | None) -> int:
    day = whole_number(value)
    return -1 if day is None else day  # out of range: refused by the service


def _time(value: str | None) -> datetime.time:
    try:
        return datetime.time.fromisoformat(value or "")
    except ValueError as error:
        raise services.ChatError("Indiquez les heures au format 08:30.") from error


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reports_page(request: HttpRequest) -> HttpResponse:
    me = active_caller(request)
    actor = me.actor
    if not (actor.is_commune_admin or actor.directed_school_ids):
        raise Http404
    if request.method == "POST":
        report = selectors.report_of(actor, whole_number(request.POST.get("report")) or 0)
        if report is None:
            raise Http404
        try:
            services.report_handle(
                actor=actor, report=report, decision=request.POST.get("decision", "")
            )
            messages.success(request, "Décision enregistrée (et notée dans le journal).")
        except services.ChatError as error:
            messages.error(request, str(error))
        return redirect("chat:reports")
    reports = list(selectors.open_reports(actor)[:100])
    return render(
        request,
        "chat/reports.html",
        {
            "reports": [{"report": r, "author": selectors.author_label(r.post)} for r in reports],
        },
    )
