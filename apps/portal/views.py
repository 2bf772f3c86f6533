"""The commune's home page (anonymous, or a dashboard for each role) and the account list."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from apps.accounts.models import Profile, User
from apps.accounts.permissions import can_administer_commune
from apps.navigation.menus import ScopedLink, menu_for, scoped_links
from apps.navigation.registry import todos_for
from apps.portal.access import request_actor
from apps.portal.selectors import (
    COMMUNE_PROFILES,
    STATUS_CHOICES,
    account_listing,
    commune_figures,
)
from apps.schools.models import Classroom
from apps.schools.selectors import children_of, deployed_schools, own_classes, own_schools

ACCOUNTS_PER_PAGE = 50


@dataclass(frozen=True)
class ClassCard:
    """A class on the home page of someone who teaches it (or of its pupil), with the
    services' pages for that class."""

    classroom: Classroom
    links: list[ScopedLink]


@dataclass(frozen=True)
class ChildCard:
    child: User
    links: list[ScopedLink]


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "tenant/home.html", {"schools": deployed_schools()})
    actor = request_actor(request)
    services = [link for link in menu_for(request) if link.on_home]
    todos = todos_for(actor)
    if actor.is_commune_admin:
        return render(
            request,
            "portal/home_admin.html",
            {"figures": commune_figures(), "services": services, "todos": todos},
        )
    if actor.is_pupil:
        classes = list(own_classes(actor))
        return render(
            request,
            "portal/home_pupil.html",
            {"tiles": services, "classroom": classes[0] if classes else None, "todos": todos},
        )
    if actor.is_parent:
        children = [
            ChildCard(child=child, links=scoped_links(request, child_id=child.pk))
            for child in children_of(actor)
        ]
        return render(
            request,
            "portal/home_parent.html",
            {"children": children, "todos": todos, "services": services},
        )
    taught = actor.taught_class_ids
    cards = [
        ClassCard(classroom=classroom, links=scoped_links(request, classroom_id=classroom.pk))
        for classroom in own_classes(actor)
        if classroom.pk in taught
    ]
    return render(
        request,
        "portal/home_staff.html",
        {
            "classes": cards,
            "schools": own_schools(actor),
            "is_teacher": actor.profile == Profile.TEACHER,
            "is_director": actor.profile == Profile.DIRECTOR,
            "todos": todos,
            "services": services,
        },
    )


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if not can_administer_commune(actor=actor):
        raise Http404
    search = request.GET.get("q", "").strip()[:100]
    profile = request.GET.get("profil", "")
    profile = profile if profile in dict(COMMUNE_PROFILES) else ""
    status = request.GET.get("statut", "")
    status = status if status in dict(STATUS_CHOICES) else ""
    accounts = account_listing(actor, search=search, profile=profile, status=status)
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/accounts.html",
        {
            "page": page,
            "search": search,
            "profile": profile,
            "status": status,
            "profiles": COMMUNE_PROFILES,
            "statuses": STATUS_CHOICES,
            "query": query.urlencode(),
        },
    )
